//! Options of one training session, read from JSON (camelCase keys, all optional, unknown
//! keys rejected) and checked for range.

use crate::error::{Error, Result};
use crate::io::json::{self, Fields, Json};
use crate::limits::{MAX_BATCH, MAX_EPOCHS, MAX_SEED};
use crate::train::noise::Noise;
use crate::train::optimizer::{Hyper, OptimizerKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Monitor {
    Loss,
    ValLoss,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EarlyStopping {
    /// What is watched (default valLoss).
    pub monitor: Monitor,
    /// Epochs without improvement before stopping (default 5).
    pub patience: usize,
    /// Smallest decrease that counts as an improvement (default 0).
    pub min_delta: f64,
    /// Put the best epoch's weights back at the end (default true).
    pub restore_best_weights: bool,
}

/// Options of one training session; defaults follow Keras (Adam 1e-3, β 0.9/0.999,
/// ε 1e-7, batch 32), with 10 epochs.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f32,
    pub optimizer: OptimizerKind,
    pub beta1: f32,
    pub beta2: f32,
    pub epsilon: f32,
    pub weight_decay: f32,
    pub momentum: f32,
    pub shuffle: bool,
    pub seed: u64,
    pub clip_norm: Option<f32>,
    pub early_stopping: Option<EarlyStopping>,
    /// Corruption of the inputs (denoising autoencoder); targets stay clean.
    pub noise: Noise,
    /// λ of the Wasserstein autoencoder's MMD penalty (`layers::mmd`) between the batch's
    /// codes and draws from N(0, I); 0 (the default) is off. Plain models only.
    pub mmd: f32,
    /// λ of a conditional model's label adversary (`train::adversary`): how hard the encoder
    /// is pushed to leave the label out of the code; 0 (the default) is off. Plain
    /// conditional models only.
    pub adversary: f32,
    /// Gradient shards a batch: 0 (the default) computes a batch's gradient in one pass;
    /// S > 0 splits its rows into S fixed contiguous parts whose gradients are summed in
    /// shard order (`train::session::shards`), so that the parts can be computed anywhere
    /// (other wasm instances) and the weights do not depend on where. Not for variational
    /// models.
    pub shards: usize,
    /// Instances that compute a sharded batch together (1, the default: this one alone),
    /// and which of them this one is (0-based). Each computes a contiguous group of the
    /// shards, which must be one node of the shards' sum tree (`train::session::shards`).
    pub workers: usize,
    pub worker: usize,
}

/// Most gradient shards a batch.
pub const MAX_SHARDS: usize = 256;

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            batch_size: 32,
            learning_rate: 1e-3,
            optimizer: OptimizerKind::Adam,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-7,
            weight_decay: 0.0,
            momentum: 0.0,
            shuffle: true,
            seed: 0,
            clip_norm: None,
            early_stopping: None,
            noise: Noise::default(),
            mmd: 0.0,
            adversary: 0.0,
            shards: 0,
            workers: 1,
            worker: 0,
        }
    }
}

impl EarlyStopping {
    fn from_value(value: &Json) -> Result<EarlyStopping> {
        if value == &Json::Bool(true) {
            return Ok(EarlyStopping { monitor: Monitor::ValLoss, patience: 5, min_delta: 0.0, restore_best_weights: true });
        }
        let mut f = Fields::of(value, "earlyStopping")?;
        let monitor = |s: &str| match s {
            "valLoss" => Some(Monitor::ValLoss),
            "loss" => Some(Monitor::Loss),
            _ => None,
        };
        let es = EarlyStopping {
            monitor: f.name("monitor", monitor, "valLoss, loss", Monitor::ValLoss)?,
            patience: f.usize("patience", Some(5))?,
            min_delta: f.float("minDelta", 0.0)?,
            restore_best_weights: f.bool("restoreBestWeights", true)?,
        };
        f.finish()?;
        Ok(es)
    }
}

impl TrainOptions {
    /// Reads options from JSON (camelCase keys, all optional, unknown keys rejected).
    pub fn from_json(text: &str) -> Result<TrainOptions> {
        let value = json::parse(text).map_err(|e| Error::InvalidOption(format!("training options are not valid JSON: {e}")))?;
        let d = TrainOptions::default();
        let mut f = Fields::of(&value, "training options")?;
        let options = TrainOptions {
            epochs: f.usize("epochs", Some(d.epochs))?,
            batch_size: f.usize("batchSize", Some(d.batch_size))?,
            learning_rate: f.float("learningRate", d.learning_rate as f64)? as f32,
            optimizer: f.name("optimizer", OptimizerKind::from_name, "adam, adamw, sgd", d.optimizer)?,
            beta1: f.float("beta1", d.beta1 as f64)? as f32,
            beta2: f.float("beta2", d.beta2 as f64)? as f32,
            epsilon: f.float("epsilon", d.epsilon as f64)? as f32,
            weight_decay: f.float("weightDecay", 0.0)? as f32,
            momentum: f.float("momentum", 0.0)? as f32,
            shuffle: f.bool("shuffle", true)?,
            seed: f.uint("seed", Some(0))?,
            clip_norm: f.opt_float("clipNorm")?.map(|c| c as f32),
            early_stopping: match f.get("earlyStopping") {
                None | Some(Json::Bool(false)) => None,
                Some(v) => Some(EarlyStopping::from_value(v)?),
            },
            noise: match f.get("noise") {
                None => Noise::default(),
                Some(v) => {
                    let mut nf = Fields::of(v, "noise")?;
                    let noise = Noise {
                        gaussian: nf.float("gaussian", 0.0)? as f32,
                        mask: nf.float("mask", 0.0)? as f32,
                        delete: nf.float("delete", 0.0)? as f32,
                        swap: nf.float("swap", 0.0)? as f32,
                        context: nf.float("context", 0.0)? as f32,
                    };
                    nf.finish()?;
                    noise
                }
            },
            mmd: f.float("mmd", 0.0)? as f32,
            adversary: f.float("adversary", 0.0)? as f32,
            shards: f.usize("shards", Some(0))?,
            workers: f.usize("workers", Some(1))?,
            worker: f.usize("worker", Some(0))?,
        };
        f.finish()?;
        options.validate()?;
        Ok(options)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::InvalidOption(m.into()));
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(Error::InvalidOption(format!("epochs must be an integer from 1 to {MAX_EPOCHS}")));
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH {
            return Err(Error::InvalidOption(format!("batchSize must be an integer from 1 to {MAX_BATCH}")));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learningRate must be a finite number above 0");
        }
        if !(0.0..1.0).contains(&self.beta1) || !(0.0..1.0).contains(&self.beta2) {
            return bad("beta1 and beta2 must be in [0, 1)");
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return bad("epsilon must be a finite number above 0");
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad("weightDecay must be a finite number >= 0");
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return bad("momentum must be in [0, 1)");
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return bad("clipNorm must be a finite number above 0 (or null for no clipping)");
            }
        }
        if self.seed > MAX_SEED {
            return bad("seed must be an integer from 0 to 2^53");
        }
        let n = &self.noise;
        if !(n.gaussian.is_finite() && n.gaussian >= 0.0) {
            return bad("noise.gaussian must be a finite standard deviation >= 0");
        }
        for rate in [n.mask, n.delete, n.swap, n.context] {
            if !(0.0..1.0).contains(&rate) {
                return bad("noise rates (mask, delete, swap, context) must be in [0, 1)");
            }
        }
        // checked as f32: a finite f64 past f32::MAX would become infinite here
        if !(self.mmd.is_finite() && self.mmd >= 0.0) {
            return bad("mmd must be a finite number >= 0 (0 is off)");
        }
        if !(self.adversary.is_finite() && self.adversary >= 0.0) {
            return bad("adversary must be a finite number >= 0 (0 is off)");
        }
        if self.shards > MAX_SHARDS {
            return Err(Error::InvalidOption(format!("shards must be an integer from 0 (off) to {MAX_SHARDS}")));
        }
        if self.workers == 0 || self.worker >= self.workers || (self.workers > 1 && !crate::train::session::workers_fit(self.shards, self.workers)) {
            return bad("workers must be 1 to shards, worker 0 to workers - 1, each worker's shards a node of their sum tree (shards 4: 1 to 4 workers)");
        }
        if let Some(es) = &self.early_stopping {
            if !(es.min_delta.is_finite() && es.min_delta >= 0.0) {
                return bad("earlyStopping.minDelta must be a finite number >= 0");
            }
        }
        Ok(())
    }

    /// The optimiser's share of the options.
    pub fn hyper(&self) -> Hyper {
        Hyper {
            kind: self.optimizer,
            learning_rate: self.learning_rate,
            beta1: self.beta1,
            beta2: self.beta2,
            epsilon: self.epsilon,
            weight_decay: self.weight_decay,
            momentum: self.momentum,
        }
    }
}
