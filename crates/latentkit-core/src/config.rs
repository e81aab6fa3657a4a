//! Model and training options, read from JSON (camelCase, unknown fields rejected) and
//! checked for range. The TypeScript SDK validates first with friendlier messages; these
//! checks keep the core safe on its own.

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::json::{self, Fields, Json};

/// Widest layer accepted.
pub const MAX_LAYER_WIDTH: usize = 65_536;
/// Most layers in encoder + decoder together.
pub const MAX_LAYERS: usize = 64;
/// Most parameters in one model (training keeps about six copies: weights, gradients,
/// two Adam moments, the epoch snapshot and the best weights).
pub const MAX_PARAMS: usize = 1 << 25;
/// Largest batch.
pub const MAX_BATCH: usize = 65_536;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Init {
    /// U(±√(6/(fan_in+fan_out))), Keras's default for Dense.
    #[default]
    GlorotUniform,
    /// U(±√(6/fan_in)), suited to relu layers.
    HeUniform,
}

impl Init {
    pub fn name(self) -> &'static str {
        match self {
            Init::GlorotUniform => "glorotUniform",
            Init::HeUniform => "heUniform",
        }
    }
    pub fn from_name(name: &str) -> Option<Init> {
        [Init::GlorotUniform, Init::HeUniform].into_iter().find(|i| i.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    pub input_size: usize,
    /// Widths of the encoder's layers; the last is the latent size.
    pub encoder: Vec<usize>,
    /// Widths of the decoder's hidden layers (the output layer of `input_size` is implied).
    /// Defaults to the encoder's hidden widths reversed.
    pub decoder: Option<Vec<usize>>,
    /// Hidden layers' activation (default relu).
    pub activation: Activation,
    /// The latent layer's activation (default linear).
    pub latent_activation: Activation,
    /// The output layer's activation (default linear).
    pub output_activation: Activation,
    /// Default mse.
    pub loss: Loss,
    pub init: Init,
    /// Seed of the weight initialisation.
    pub seed: u64,
    /// Token-sequence input and output (text models); None for numeric data.
    pub tokens: Option<TokenSpec>,
    /// A variational autoencoder (the last encoder layer emits mean and log-variance).
    pub variational: Option<Variational>,
}

/// Text models: each row is `length` token ids in `0..vocab`. The first layer adds one
/// embedding row per position (a sparse one-hot product); the output is one softmax over
/// the vocabulary per position, trained with categorical cross-entropy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpec {
    pub length: usize,
    pub vocab: usize,
    /// Padding after the end of a text (default 0).
    pub pad_id: u32,
    /// End of text (default 1).
    pub end_id: u32,
    /// Replacement of masked tokens in denoising (default 2); also the context before the
    /// start of a text for the context head.
    pub mask_id: u32,
    /// Tokens before each position that the output layer sees (0: none, each position is
    /// predicted from the code alone; 1..=8: an autoregressive `context_head`).
    pub context: usize,
}

/// Most tokens a context head looks back.
pub const MAX_CONTEXT: usize = 8;

/// β-VAE settings: loss = reconstruction + w·β·KL, w rising linearly from 1/warmup to 1
/// over `kl_warmup_epochs` epochs; each latent dimension's KL counts at least `free_bits`
/// nats (its gradient stops below that), against posterior collapse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variational {
    pub beta: f64,
    pub kl_warmup_epochs: usize,
    pub free_bits: f64,
}

impl Default for Variational {
    fn default() -> Self {
        Variational { beta: 1.0, kl_warmup_epochs: 0, free_bits: 0.0 }
    }
}

impl ModelConfig {
    /// Reads a config from JSON (camelCase keys, unknown keys rejected) and normalises it.
    pub fn from_json(text: &str) -> Result<ModelConfig> {
        let value = json::parse(text).map_err(|e| Error::InvalidOption(format!("model config is not valid JSON: {e}")))?;
        ModelConfig::from_value(&value)
    }

    pub fn from_value(value: &Json) -> Result<ModelConfig> {
        let mut f = Fields::of(value, "model config")?;
        let acts = Activation::CHOICES;
        let mut config = ModelConfig {
            input_size: f.usize("inputSize", None)?,
            encoder: f.uint_list("encoder")?.ok_or_else(|| Error::InvalidOption("model config: 'encoder' must be given (layer widths, the last is the latent size)".into()))?,
            decoder: f.uint_list("decoder")?,
            activation: f.name("activation", Activation::from_name, acts, Activation::Relu)?,
            latent_activation: f.name("latentActivation", Activation::from_name, acts, Activation::Linear)?,
            output_activation: f.name("outputActivation", Activation::from_name, acts, Activation::Linear)?,
            loss: f.name("loss", Loss::from_name, "mse, bce, cce", Loss::Mse)?,
            init: f.name("init", Init::from_name, "glorotUniform, heUniform", Init::GlorotUniform)?,
            seed: f.uint("seed", Some(0))?,
            tokens: None,
            variational: None,
        };
        if let Some(t) = f.get("tokens") {
            let mut tf = Fields::of(t, "tokens")?;
            let id = |tf: &mut Fields, k: &str, d: u64| -> Result<u32> {
                u32::try_from(tf.uint(k, Some(d))?).map_err(|_| Error::InvalidOption(format!("tokens: '{k}' is too large")))
            };
            config.tokens = Some(TokenSpec {
                length: tf.usize("length", None)?,
                vocab: tf.usize("vocab", None)?,
                pad_id: id(&mut tf, "padId", 0)?,
                end_id: id(&mut tf, "endId", 1)?,
                mask_id: id(&mut tf, "maskId", 2)?,
                context: tf.usize("context", Some(0))?,
            });
            tf.finish()?;
        }
        match f.get("variational") {
            None | Some(Json::Bool(false)) => {}
            Some(Json::Bool(true)) => config.variational = Some(Variational::default()),
            Some(v) => {
                let mut vf = Fields::of(v, "variational")?;
                config.variational = Some(Variational {
                    beta: vf.float("beta", 1.0)?,
                    kl_warmup_epochs: vf.usize("klWarmupEpochs", Some(0))?,
                    free_bits: vf.float("freeBits", 0.0)?,
                });
                vf.finish()?;
            }
        }
        f.finish()?;
        config.normalize()?;
        Ok(config)
    }

    /// The config as JSON, every field written (the decoder filled in by `normalize`).
    /// `num` prints the few float fields (see `train::NumberFormat`).
    pub fn to_json(&self, num: crate::train::NumberFormat) -> String {
        let list = |v: &[usize]| v.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",");
        let mut extra = String::new();
        if let Some(t) = &self.tokens {
            // "context" only when set, so files of plain token models read as before
            let context = if t.context > 0 { format!(r#","context":{}"#, t.context) } else { String::new() };
            extra += &format!(
                r#","tokens":{{"length":{},"vocab":{},"padId":{},"endId":{},"maskId":{}{}}}"#,
                t.length, t.vocab, t.pad_id, t.end_id, t.mask_id, context
            );
        }
        if let Some(v) = &self.variational {
            extra += &format!(r#","variational":{{"beta":{},"klWarmupEpochs":{},"freeBits":{}}}"#, num(v.beta), v.kl_warmup_epochs, num(v.free_bits));
        }
        format!(
            r#"{{"inputSize":{},"encoder":[{}],"decoder":[{}],"activation":"{}","latentActivation":"{}","outputActivation":"{}","loss":"{}","init":"{}","seed":{}{}}}"#,
            self.input_size,
            list(&self.encoder),
            list(self.decoder.as_deref().unwrap_or(&[])),
            self.activation.name(),
            self.latent_activation.name(),
            self.output_activation.name(),
            self.loss.name(),
            self.init.name(),
            self.seed,
            extra
        )
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
        for &w in &self.encoder {
            check_width("encoder", w)?;
        }
        for &w in self.decoder.as_ref().unwrap() {
            check_width("decoder", w)?;
        }
        if self.encoder.len() + self.decoder.as_ref().unwrap().len() + 1 > MAX_LAYERS {
            return Err(Error::TooLarge(format!("more than {MAX_LAYERS} layers: use fewer encoder/decoder layers")));
        }
        if let Some(t) = &self.tokens {
            if t.length == 0 || t.vocab < 2 {
                return Err(Error::InvalidOption("tokens: length must be at least 1 and vocab at least 2".into()));
            }
            let width = (t.length as u128) * (t.vocab as u128);
            if width > (1 << 24) {
                return Err(Error::TooLarge(format!("tokens: length x vocab = {width} is above the limit of 16777216: use a shorter maxLength or a smaller vocabulary")));
            }
            if self.input_size != width as usize {
                return Err(Error::InvalidOption(format!("tokens: inputSize must be length x vocab = {width}")));
            }
            for (k, id) in [("padId", t.pad_id), ("endId", t.end_id), ("maskId", t.mask_id)] {
                if id as usize >= t.vocab {
                    return Err(Error::InvalidOption(format!("tokens: {k} must be below vocab")));
                }
            }
            if t.context > MAX_CONTEXT {
                return Err(Error::InvalidOption(format!("tokens: context must be from 0 to {MAX_CONTEXT}")));
            }
            if self.loss != Loss::Cce || self.output_activation != Activation::Linear {
                return Err(Error::InvalidOption("token models use loss 'cce' with outputActivation 'linear' (a softmax per position)".into()));
            }
        } else if self.loss == Loss::Cce {
            return Err(Error::InvalidOption("loss 'cce' is for token models: give 'tokens', or use 'mse'/'bce'".into()));
        } else {
            check_width("inputSize", self.input_size)?;
        }
        if let Some(v) = &self.variational {
            if !(v.beta.is_finite() && v.beta >= 0.0 && v.free_bits.is_finite() && v.free_bits >= 0.0) {
                return Err(Error::InvalidOption("variational: beta and freeBits must be finite numbers >= 0".into()));
            }
            if self.latent_activation != Activation::Linear {
                return Err(Error::InvalidOption("variational models need latentActivation 'linear' (the encoder emits mean and log-variance)".into()));
            }
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

    /// Columns of one row of data: the input width, or the sequence length for tokens.
    pub fn data_cols(&self) -> usize {
        self.tokens.map_or(self.input_size, |t| t.length)
    }

    /// (inputs, outputs, activation) of every layer, encoder first.
    pub fn layer_shapes(&self) -> Vec<(usize, usize, Activation)> {
        let mut shapes = Vec::new();
        let mut prev = self.input_size;
        let enc_last = self.encoder.len() - 1;
        for (i, &w) in self.encoder.iter().enumerate() {
            let act = if i == enc_last { self.latent_activation } else { self.activation };
            // A variational encoder's last layer emits [mean, log-variance].
            let width = if i == enc_last && self.variational.is_some() { 2 * w } else { w };
            shapes.push((prev, width, act));
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
        let shapes = self.layer_shapes();
        let dense = |&(i, o, _): &(usize, usize, Activation)| (i as u128 + 1) * o as u128;
        match self.tokens {
            Some(t) if t.context > 0 => {
                let (hidden, _, _) = shapes[shapes.len() - 1];
                let head = crate::context_head::ContextHead::weight_count(hidden as u128, &t) + t.vocab as u128;
                shapes[..shapes.len() - 1].iter().map(dense).sum::<u128>() + head
            }
            _ => shapes.iter().map(dense).sum(),
        }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimizerKind {
    Adam,
    AdamW,
    Sgd,
}

impl OptimizerKind {
    pub fn from_name(name: &str) -> Option<OptimizerKind> {
        match name {
            "adam" => Some(OptimizerKind::Adam),
            "adamw" | "adamW" => Some(OptimizerKind::AdamW),
            "sgd" => Some(OptimizerKind::Sgd),
            _ => None,
        }
    }
}

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
}

/// Denoising: numeric models add Gaussian noise of std `gaussian` and zero each value
/// with probability `mask`; token models replace tokens with the mask id (`mask`), delete
/// them (`delete`, the rest shifts left) and swap neighbours (`swap`), each at its rate.
/// `context` is on the decoder's side of a model with a context head: each token it sees
/// as context is replaced by the mask id at this rate, so the decoder cannot predict a
/// text from its context alone and must use the code ("word dropout", Bowman et al. 2016).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Noise {
    pub gaussian: f32,
    pub mask: f32,
    pub delete: f32,
    pub swap: f32,
    pub context: f32,
}

impl Noise {
    /// True when the encoder's input is used as it is (`context` is not input noise).
    pub fn is_none(&self) -> bool {
        self.gaussian == 0.0 && self.mask == 0.0 && self.delete == 0.0 && self.swap == 0.0
    }
}

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
        };
        f.finish()?;
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
        let n = &self.noise;
        if !(n.gaussian.is_finite() && n.gaussian >= 0.0) {
            return bad("noise.gaussian must be a finite standard deviation >= 0");
        }
        for rate in [n.mask, n.delete, n.swap, n.context] {
            if !(0.0..1.0).contains(&rate) {
                return bad("noise rates (mask, delete, swap, context) must be in [0, 1)");
            }
        }
        if let Some(es) = &self.early_stopping {
            if !(es.min_delta.is_finite() && es.min_delta >= 0.0) {
                return bad("earlyStopping.minDelta must be a finite number >= 0");
            }
        }
        Ok(())
    }
}
