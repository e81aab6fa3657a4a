//! Model and training options, read from JSON (camelCase, unknown fields rejected) and
//! checked for range. The TypeScript SDK validates first with friendlier messages; these
//! checks keep the core safe on its own.

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::loss::Loss;
use serde::{Deserialize, Serialize};

/// Widest layer accepted.
pub const MAX_LAYER_WIDTH: usize = 65_536;
/// Most layers in encoder + decoder together.
pub const MAX_LAYERS: usize = 64;
/// Most parameters in one model (training keeps about six copies: weights, gradients,
/// two Adam moments, the epoch snapshot and the best weights).
pub const MAX_PARAMS: usize = 1 << 25;
/// Largest batch.
pub const MAX_BATCH: usize = 65_536;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Init {
    /// U(±√(6/(fan_in+fan_out))), Keras's default for Dense.
    #[default]
    GlorotUniform,
    /// U(±√(6/fan_in)), suited to relu layers.
    HeUniform,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelConfig {
    pub input_size: usize,
    /// Widths of the encoder's layers; the last is the latent size.
    pub encoder: Vec<usize>,
    /// Widths of the decoder's hidden layers (the output layer of `input_size` is implied).
    /// Defaults to the encoder's hidden widths reversed.
    #[serde(default)]
    pub decoder: Option<Vec<usize>>,
    #[serde(default = "default_activation")]
    pub activation: Activation,
    #[serde(default = "default_linear")]
    pub latent_activation: Activation,
    #[serde(default = "default_linear")]
    pub output_activation: Activation,
    #[serde(default = "default_loss")]
    pub loss: Loss,
    #[serde(default)]
    pub init: Init,
    #[serde(default)]
    pub seed: u64,
}

fn default_activation() -> Activation {
    Activation::Relu
}
fn default_linear() -> Activation {
    Activation::Linear
}
fn default_loss() -> Loss {
    Loss::Mse
}

impl ModelConfig {
    pub fn from_json(json: &str) -> Result<ModelConfig> {
        let mut config: ModelConfig =
            serde_json::from_str(json).map_err(|e| Error::InvalidOption(format!("invalid model config: {e}")))?;
        config.normalize()?;
        Ok(config)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("config serialises")
    }

    /// Fills the default decoder and checks every size and combination.
    pub fn normalize(&mut self) -> Result<()> {
        if self.encoder.is_empty() {
            return Err(Error::InvalidOption("encoder must list at least one layer width (the last is the latent size)".into()));
        }
        if self.decoder.is_none() {
            let hidden = &self.encoder[..self.encoder.len() - 1];
            self.decoder = Some(hidden.iter().rev().copied().collect());
        }
        check_width("inputSize", self.input_size)?;
        for &w in &self.encoder {
            check_width("encoder", w)?;
        }
        for &w in self.decoder.as_ref().unwrap() {
            check_width("decoder", w)?;
        }
        if self.encoder.len() + self.decoder.as_ref().unwrap().len() + 1 > MAX_LAYERS {
            return Err(Error::TooLarge(format!("more than {MAX_LAYERS} layers: use fewer encoder/decoder layers")));
        }
        if self.loss == Loss::Bce && self.output_activation != Activation::Sigmoid {
            return Err(Error::InvalidOption(
                "loss 'bce' needs outputActivation 'sigmoid' (it is computed from the logits); use loss 'mse' for other outputs".into(),
            ));
        }
        if self.seed > (1u64 << 53) {
            return Err(Error::InvalidOption("seed must be an integer from 0 to 2^53".into()));
        }
        let params = self.param_count();
        if params > MAX_PARAMS as u128 {
            return Err(Error::TooLarge(format!("the model would have {params} parameters; at most {MAX_PARAMS} are supported: use narrower layers")));
        }
        Ok(())
    }

    pub fn latent_size(&self) -> usize {
        *self.encoder.last().unwrap()
    }

    /// (inputs, outputs, activation) of every layer, encoder first.
    pub fn layer_shapes(&self) -> Vec<(usize, usize, Activation)> {
        let mut shapes = Vec::new();
        let mut prev = self.input_size;
        let enc_last = self.encoder.len() - 1;
        for (i, &w) in self.encoder.iter().enumerate() {
            let act = if i == enc_last { self.latent_activation } else { self.activation };
            shapes.push((prev, w, act));
            prev = w;
        }
        for &w in self.decoder.as_deref().unwrap_or(&[]) {
            shapes.push((prev, w, self.activation));
            prev = w;
        }
        shapes.push((prev, self.input_size, self.output_activation));
        shapes
    }

    /// Parameter count in u128 so absurd sizes cannot overflow before being refused.
    pub fn param_count(&self) -> u128 {
        self.layer_shapes().iter().map(|&(i, o, _)| (i as u128 + 1) * o as u128).sum()
    }
}

fn check_width(name: &str, w: usize) -> Result<()> {
    if w == 0 {
        return Err(Error::InvalidOption(format!("{name}: layer widths must be at least 1")));
    }
    if w > MAX_LAYER_WIDTH {
        return Err(Error::TooLarge(format!("{name}: width {w} is above the limit of {MAX_LAYER_WIDTH}")));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OptimizerKind {
    Adam,
    AdamW,
    Sgd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Monitor {
    Loss,
    ValLoss,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EarlyStopping {
    #[serde(default = "default_monitor")]
    pub monitor: Monitor,
    #[serde(default = "default_patience")]
    pub patience: usize,
    #[serde(default)]
    pub min_delta: f64,
    #[serde(default = "yes")]
    pub restore_best_weights: bool,
}

fn default_monitor() -> Monitor {
    Monitor::ValLoss
}
fn default_patience() -> usize {
    5
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainOptions {
    #[serde(default = "default_epochs")]
    pub epochs: usize,
    #[serde(default = "default_batch")]
    pub batch_size: usize,
    #[serde(default = "default_lr")]
    pub learning_rate: f32,
    #[serde(default = "default_optimizer")]
    pub optimizer: OptimizerKind,
    #[serde(default = "default_beta1")]
    pub beta1: f32,
    #[serde(default = "default_beta2")]
    pub beta2: f32,
    #[serde(default = "default_epsilon")]
    pub epsilon: f32,
    #[serde(default)]
    pub weight_decay: f32,
    #[serde(default)]
    pub momentum: f32,
    #[serde(default = "yes")]
    pub shuffle: bool,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub clip_norm: Option<f32>,
    #[serde(default)]
    pub early_stopping: Option<EarlyStopping>,
}

fn default_epochs() -> usize {
    10
}
fn default_batch() -> usize {
    32
}
fn default_lr() -> f32 {
    1e-3
}
fn default_optimizer() -> OptimizerKind {
    OptimizerKind::Adam
}
fn default_beta1() -> f32 {
    0.9
}
fn default_beta2() -> f32 {
    0.999
}
fn default_epsilon() -> f32 {
    1e-7
}

impl Default for TrainOptions {
    fn default() -> Self {
        serde_json::from_str("{}").expect("defaults")
    }
}

impl TrainOptions {
    pub fn from_json(json: &str) -> Result<TrainOptions> {
        let options: TrainOptions =
            serde_json::from_str(json).map_err(|e| Error::InvalidOption(format!("invalid training options: {e}")))?;
        options.validate()?;
        Ok(options)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::InvalidOption(m.into()));
        if self.epochs == 0 || self.epochs > 1_000_000 {
            return bad("epochs must be an integer from 1 to 1000000");
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH {
            return bad("batchSize must be an integer from 1 to 65536");
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
        if self.seed > (1u64 << 53) {
            return bad("seed must be an integer from 0 to 2^53");
        }
        if let Some(es) = &self.early_stopping {
            if !(es.min_delta.is_finite() && es.min_delta >= 0.0) {
                return bad("earlyStopping.minDelta must be a finite number >= 0");
            }
        }
        Ok(())
    }
}
