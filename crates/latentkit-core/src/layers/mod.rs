//! The layers: forward/backward pairs over row-major data, the activations and the
//! losses. They import the kernels and the maths below them, never the model above.

pub mod activation;
pub mod context_head;
pub mod dense;
pub mod embedding;
pub mod loss;
pub mod variational;
