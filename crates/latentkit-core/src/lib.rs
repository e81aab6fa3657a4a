//! latentkit-core: dense autoencoders (plain, denoising, variational; numbers or token
//! sequences) in pure Rust. Forward and backward passes, losses, optimisers, seeded
//! initialisation and a resumable mini-batch training session. Knows nothing of
//! JavaScript: the wasm bindings live in `latentkit-wasm`, and `cargo test` runs here
//! natively.
//!
//! The modules form layers; each imports only from the layers above it in this list:
//!
//! 1. `math` and `kernels` (the hot loops: SIMD128 with a scalar twin, and the element-wise
//!    loops), re-exported from the `latentkit-kernels` crate, which the release build compiles
//!    at opt-level 3 while this crate is compiled for size (root Cargo.toml)
//! 2. leaves: `error`, `limits` (uses `error`), `tokens`, `rng` (uses `math`), `matrix`
//!    (checks data and results)
//! 3. `io`: JSON (and number formatting for its writers), CRC-32
//! 4. `layers`: dense, embedding, token embedding, context head, class softmax, variational,
//!    activations, losses
//! 5. `config`: the model config and its parameter plan, computed once
//! 6. `autoencoder` (parameters, inference, loss and gradients; its training workspace in
//!    `autoencoder/workspace.rs`), then `decode` (texts)
//! 7. `train` (options, optimizer, noise, session with its gradient shards, trainer), then `model_file` (which also
//!    stores the optimiser's state), `diagnostics` (only with the `diagnostics` feature
//!    and in tests: the wasm users get does not carry it)
//!
//! To check that no file imports from a layer below it, list every file's `crate::` imports:
//!
//! ```sh
//! cd crates/latentkit-core/src && grep -roE "crate::[a-z_0-9]+(::[a-z_0-9]+)?" --include=*.rs . | sed 's/:crate::/ /' | sort -u | awk '{a[$1]=a[$1]" "$2} END {for (f in a) print f":"a[f]}' | sort
//! ```

pub mod autoencoder;
pub mod conditional;
pub mod config;
pub mod decode;
// Test and benchmark code, not shipped: see the `diagnostics` feature in Cargo.toml.
#[cfg(any(test, feature = "diagnostics"))]
pub mod diagnostics;
pub mod error;
pub mod io;
pub mod layers;
pub mod limits;
pub mod matrix;
pub mod model_file;
pub mod rng;
pub mod tokens;
pub mod train;
// The hot loops live in their own crate, compiled for speed while this one is compiled for
// size (root Cargo.toml); re-exported so that `crate::kernels` and `crate::math` name them.
pub use latentkit_kernels::{kernels, math};

pub use autoencoder::Autoencoder;
pub use config::{Init, ModelConfig, Plan, Variational};
pub use error::{Error, Result};
pub use layers::activation::Activation;
pub use layers::loss::Loss;
pub use tokens::TokenSpec;
pub use train::options::{EarlyStopping, Monitor, TrainOptions};
pub use train::noise::Noise;
pub use train::optimizer::OptimizerKind;
pub use train::session::{shard_range, workers_fit, Exchange, StepReport, TrainSession, TrainSummary};
pub use train::trainer::Trainer;

#[cfg(test)]
mod gradcheck;
