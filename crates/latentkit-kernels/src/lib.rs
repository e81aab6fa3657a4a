//! latentkit-kernels: the hot loops of latentkit-core and the f32 maths they need, in a
//! crate of their own so that the release profile can compile them at `opt-level = 3` while
//! the rest of the core (parsing, checks, model files, the training loop's bookkeeping) is
//! compiled for size (root Cargo.toml). The core re-exports both modules, so its code names
//! them `crate::kernels` and `crate::math` as before.
//!
//! A function only runs at this crate's opt-level if it is compiled here: `#[inline]` and
//! generic functions are compiled into the crate that calls them, at the caller's level. So
//! every hot loop is a plain, non-generic `pub fn` (see `kernels/mod.rs`); the `#[inline]`
//! dispatchers only check lengths and call them.

pub mod kernels;
pub mod math;
