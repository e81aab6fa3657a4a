//! Training, above the model: options, the optimiser, input noise, the resumable session
//! and the trainer's life cycle (idle / training).

pub mod adversary;
pub mod noise;
pub mod optimizer;
pub mod options;
pub mod session;
pub mod trainer;
