// Shared by the integration tests: seeded synthetic data and a small training driver.
#![allow(dead_code)]

use latentkit_core::rng::Rng;
use latentkit_core::{Autoencoder, Error, ModelConfig, TrainOptions, TrainSummary, Trainer};

/// rows × cols of sigmoid(Z·M): an 8-dimensional latent structure seen through a
/// random linear map and a sigmoid, values in (0, 1).
pub fn low_rank_data(rows: usize, cols: usize, seed: u64) -> Vec<f32> {
    let rank = 8;
    let mut rng = Rng::new(seed, 0);
    let m: Vec<f32> = (0..rank * cols).map(|_| rng.normal() * 0.8).collect();
    let mut out = Vec::with_capacity(rows * cols);
    for _ in 0..rows {
        let z: Vec<f32> = (0..rank).map(|_| rng.normal()).collect();
        for c in 0..cols {
            let s: f32 = (0..rank).map(|k| z[k] * m[k * cols + c]).sum();
            out.push(1.0 / (1.0 + (-s).exp()));
        }
    }
    out
}

/// Mean over columns of each column's variance.
pub fn mean_column_variance(data: &[f32], cols: usize) -> f64 {
    let rows = data.len() / cols;
    (0..cols)
        .map(|c| {
            let mean = (0..rows).map(|r| data[r * cols + c] as f64).sum::<f64>() / rows as f64;
            (0..rows).map(|r| (data[r * cols + c] as f64 - mean).powi(2)).sum::<f64>() / rows as f64
        })
        .sum::<f64>()
        / cols as f64
}

pub fn keras_config(input: usize, seed: u64) -> ModelConfig {
    ModelConfig::from_json(&format!(
        r#"{{"inputSize":{input},"encoder":[64,32],"decoder":[32,64],"activation":"relu","latentActivation":"relu","outputActivation":"sigmoid","loss":"mse","seed":{seed}}}"#
    ))
    .unwrap()
}

/// (training loss, validation loss) of each epoch.
pub type EpochLosses = Vec<(f64, Option<f64>)>;

/// Trains to the end (or early stop); returns the per-epoch losses and the summary.
pub fn train(net: &mut Autoencoder, options: TrainOptions, data: &[f32], val: Option<&[f32]>) -> Result<(EpochLosses, TrainSummary), Error> {
    let cols = net.data_cols();
    let val = val.map(|v| (v, v.len() / cols));
    let mut trainer = Trainer::new();
    trainer.begin(net, options, data, data.len() / cols, val)?;
    let mut epochs = Vec::new();
    loop {
        let report = trainer.step(net, 7)?;
        if report.epoch_ended {
            epochs.push((report.loss.unwrap(), report.val_loss));
        }
        if report.stop {
            break;
        }
    }
    Ok((epochs, trainer.end(net)?))
}

pub fn options(json: &str) -> TrainOptions {
    TrainOptions::from_json(json).unwrap()
}

/// Number formatting for the model file's JSON writer (the wasm bindings pass JavaScript's).
pub const NUM: &dyn Fn(f64) -> String = &|x| format!("{x}");

/// An independent bitwise CRC-32, to re-seal hand-edited model files.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

/// Recomputes the CRC-32 trailer of a hand-edited model file, so the reader gets past the
/// checksum to the check a test aims at.
pub fn reseal(bytes: &mut [u8]) {
    let n = bytes.len() - 4;
    let crc = crc32(&bytes[..n]);
    bytes[n..].copy_from_slice(&crc.to_le_bytes());
}
