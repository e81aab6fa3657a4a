//! latentkit-core: dense autoencoders (plain; denoising and variational to come) in pure
//! Rust. Forward and backward passes, losses, optimisers, seeded initialisation and a
//! resumable mini-batch training session. Knows nothing of JavaScript: the wasm bindings
//! live in `latentkit-wasm`, and `cargo test` runs here natively.
//!
//! Hot loops live in [`kernels`], with a wasm SIMD128 implementation and a scalar twin.

pub mod activation;
pub mod autoencoder;
pub mod config;
pub mod context_head;
mod crc32;
pub mod dense;
pub mod embedding;
pub mod error;
pub mod json;
pub mod kernels;
pub mod loss;
pub mod math;
pub mod matrix;
pub mod model_file;
pub mod noise;
pub mod optimizer;
pub mod rng;
pub mod train;
pub mod variational;

pub use activation::Activation;
pub use autoencoder::Autoencoder;
pub use config::{EarlyStopping, Init, Monitor, ModelConfig, Noise, OptimizerKind, TokenSpec, TrainOptions, Variational};
pub use error::{Error, Result};
pub use loss::Loss;
pub use train::{StepReport, TrainSession, TrainSummary};

#[cfg(test)]
mod gradcheck;
