//! The model config, read from JSON (camelCase, unknown fields rejected) and checked for
//! range, and the one place that lays out a model's parameters (`ModelConfig::plan`). The
//! TypeScript SDK validates first with friendlier messages; these checks keep the core
//! safe on its own.

use crate::error::{Error, Result};
use crate::io::json::{self, Fields, Json, NumberFormat};
use crate::layers::activation::Activation;
use crate::layers::class_softmax::{default_classes, ClassSoftmax};
use crate::layers::loss::Loss;
use crate::layers::text_head::TextHead;
use crate::limits::{MAX_CONTEXT, MAX_LABELS, MAX_LAYERS, MAX_LAYER_WIDTH, MAX_PARAMS, MAX_SEED, MAX_TOKEN_TABLE, MAX_TOKEN_WIDTH};
use crate::tokens::TokenSpec;
use std::ops::Range;

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
    /// A text model's class of each token (the output layer's classes, see `ClassSoftmax`);
    /// empty for numeric models.
    pub classes: Vec<u32>,
    /// A conditional text model's number of labels (`tokens.labels`, 2..=MAX_LABELS); 0 for
    /// an unconditional model. Each data row then ends with its label (see `label_table`).
    pub labels: usize,
    /// A variational autoencoder (the last encoder layer emits mean and log-variance).
    pub variational: Option<Variational>,
}

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
            classes: Vec::new(),
            labels: 0,
            variational: None,
        };
        if let Some(t) = f.get("tokens") {
            let (spec, classes, labels) = read_tokens(t)?;
            config.tokens = Some(spec);
            config.classes = classes;
            config.labels = labels;
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
    /// `num` prints the few float fields (see `json::NumberFormat`).
    pub fn to_json(&self, num: NumberFormat) -> String {
        let list = |v: &[usize]| v.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",");
        let mut extra = String::new();
        if let Some(t) = &self.tokens {
            let classes = self.classes.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(",");
            // written only when conditional, so an unconditional model's bytes do not change
            let labels = if self.labels > 0 { format!(r#","labels":{}"#, self.labels) } else { String::new() };
            extra += &format!(
                r#","tokens":{{"length":{},"vocab":{},"padId":{},"endId":{},"maskId":{},"context":{},"table":{},"classes":[{}]{}}}"#,
                t.length, t.vocab, t.pad_id, t.end_id, t.start_id, t.context, t.table, classes, labels
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
            if width > MAX_TOKEN_WIDTH as u128 {
                return Err(Error::TooLarge(format!("tokens: length x vocab = {width} is above the limit of {MAX_TOKEN_WIDTH}: use a shorter maxLength or a smaller vocabulary")));
            }
            if self.input_size != width as usize {
                return Err(Error::InvalidOption(format!("tokens: inputSize must be length x vocab = {width}")));
            }
            for (k, id) in [("padId", t.pad_id), ("endId", t.end_id), ("maskId", t.start_id)] {
                if id as usize >= t.vocab {
                    return Err(Error::InvalidOption(format!("tokens: {k} must be below vocab")));
                }
            }
            if t.context > MAX_CONTEXT {
                return Err(Error::InvalidOption(format!("tokens: context must be from 0 to {MAX_CONTEXT}")));
            }
            if t.table == 0 || t.table > MAX_TOKEN_TABLE {
                return Err(Error::InvalidOption(format!("tokens: table (the width of the token table) must be from 1 to {MAX_TOKEN_TABLE}")));
            }
            if self.labels == 1 || self.labels > MAX_LABELS {
                return Err(Error::InvalidOption(format!("tokens: labels (the number of labels of a conditional model) must be from 2 to {MAX_LABELS}, or absent")));
            }
            // the layer checks the classes (one a token, none empty)
            TextHead::new(t, &self.classes, self.activation)?;
            if self.loss != Loss::Cce || self.output_activation != Activation::Linear {
                return Err(Error::InvalidOption("token models use loss 'cce' with outputActivation 'linear' (a softmax per position)".into()));
            }
        } else if self.labels > 0 {
            return Err(Error::InvalidOption("labels are for text models (tokens.labels)".into()));
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
        if self.seed > MAX_SEED {
            return Err(Error::InvalidOption("seed must be an integer from 0 to 2^53".into()));
        }
        let params: u128 = self.layer_sizes().iter().map(|s| s.weights + s.biases).sum();
        if params > MAX_PARAMS as u128 {
            return Err(Error::TooLarge(format!("the model would have {params} parameters; at most {MAX_PARAMS} are supported: use narrower layers")));
        }
        Ok(())
    }

    pub fn latent_size(&self) -> usize {
        *self.encoder.last().unwrap()
    }

    /// Columns of one row of data: the input width, or the sequence length for tokens (and
    /// the row's label after the ids, for a conditional model).
    pub fn data_cols(&self) -> usize {
        self.tokens.map_or(self.input_size, |t| t.length + usize::from(self.labels > 0))
    }

    /// Shape and parameter counts of every layer, encoder first. Counts are u128 so that
    /// absurd sizes are refused by `normalize` before anything overflows or is allocated.
    fn layer_sizes(&self) -> Vec<LayerSize> {
        let mut sizes = Vec::new();
        let dense = |inputs: usize, outputs: usize, activation| LayerSize { kind: LayerKind::Dense, inputs, outputs, activation, weights: inputs as u128 * outputs as u128, biases: outputs as u128 };
        let mut prev = self.input_size;
        if let Some(t) = self.tokens {
            // the token table E (V×d), then the position table P (L×d); no biases
            let (l, v, d) = (t.length as u128, t.vocab as u128, t.table as u128);
            sizes.push(LayerSize { kind: LayerKind::TokenTable, weights: v * d + l * d, biases: 0, ..dense(t.length, t.length * t.table, Activation::Linear) });
            prev = t.length * t.table;
        }
        let enc_last = self.encoder.len() - 1;
        for (i, &w) in self.encoder.iter().enumerate() {
            let act = if i == enc_last { self.latent_activation } else { self.activation };
            // A variational encoder's last layer emits [mean, log-variance].
            let width = if i == enc_last && self.variational.is_some() { 2 * w } else { w };
            sizes.push(dense(prev, width, act));
            prev = w;
        }
        for &w in self.decoder.as_deref().unwrap_or(&[]) {
            sizes.push(dense(prev, w, self.activation));
            prev = w;
        }
        match self.tokens {
            Some(t) => {
                // each position's query base (linear), then the head (see `TextHead`)
                sizes.push(dense(prev, t.length * t.table, Activation::Linear));
                sizes.push(LayerSize { kind: LayerKind::TextHead, weights: head_params(&t, &self.classes), biases: 0, ..dense(t.length * t.table, self.input_size, self.output_activation) });
            }
            None => sizes.push(dense(prev, self.input_size, self.output_activation)),
        }
        if self.labels > 0 {
            // the label tables ride in the token table's slice, after E and P (`label_table`):
            // one for the encoder's first dense layer (sizes[1]), one for the decoder's
            let first_decoder = 1 + self.encoder.len();
            sizes[0].weights += self.labels as u128 * (sizes[1].outputs as u128 + sizes[first_decoder].outputs as u128);
        }
        sizes
    }

    /// The parameter layout of a normalised config: layer by layer, weights (inputs ×
    /// outputs, or a text layer's parts), then biases, in one flat buffer.
    pub fn plan(&self) -> Plan {
        let mut offset = 0;
        let layers = self
            .layer_sizes()
            .into_iter()
            .map(|s| {
                // normalize() bounded every count by MAX_PARAMS, so they fit in usize
                let weights = offset..offset + s.weights as usize;
                let biases = weights.end..weights.end + s.biases as usize;
                offset = biases.end;
                Layer { kind: s.kind, inputs: s.inputs, outputs: s.outputs, activation: s.activation, weights, biases }
            })
            .collect();
        Plan { layers, param_count: offset }
    }

    /// The output head of a text model (None for numeric models).
    pub fn text_head(&self) -> Option<TextHead> {
        // normalize() built it once already, so it cannot fail here. (A match, not `expect`:
        // `expect` on a Result prints the error with Debug, which links the Debug machinery
        // and Unicode tables into the wasm.)
        self.tokens.map(|t| match TextHead::new(&t, &self.classes, self.activation) {
            Ok(head) => head,
            Err(_) => unreachable!("a normalised config's head"),
        })
    }
}

/// Parameters of a text model's head: a and Wc (with a context), bq, then the class
/// softmax's C, bc and bw. Arithmetic only (no allocation), so `normalize` can refuse an
/// absurd size before anything is built; `TextHead::param_count` is the same count.
fn head_params(t: &TokenSpec, classes: &[u32]) -> u128 {
    let (k, d, v) = (t.context as u128, t.table as u128, t.vocab as u128);
    let nc = classes.iter().map(|&c| c as u128 + 1).max().unwrap_or(0);
    k * d + if k > 0 { d * d } else { 0 } + d + nc * d + nc + v
}

/// `tokens`: { length, vocab, padId, endId, maskId, context, table, labels? } and `classes` (each
/// token's class, as saved) or `counts` (each token's count in the training texts, from which
/// frequency binning makes `classCount` classes, default ⌈√vocab⌉); with neither, the tokens
/// count the same (classes are runs of ids).
fn read_tokens(value: &Json) -> Result<(TokenSpec, Vec<u32>, usize)> {
    let mut tf = Fields::of(value, "tokens")?;
    let id = |tf: &mut Fields, k: &str, d: u64| -> Result<u32> {
        u32::try_from(tf.uint(k, Some(d))?).map_err(|_| Error::InvalidOption(format!("tokens: '{k}' is too large")))
    };
    let spec = TokenSpec {
        length: tf.usize("length", None)?,
        vocab: tf.usize("vocab", None)?,
        pad_id: id(&mut tf, "padId", 0)?,
        end_id: id(&mut tf, "endId", 1)?,
        start_id: id(&mut tf, "maskId", 2)?,
        context: tf.usize("context", Some(0))?,
        table: tf.usize("table", None)?,
    };
    let labels = tf.usize("labels", Some(0))?;
    let small = |list: Vec<usize>| list.into_iter().map(|c| u32::try_from(c).map_err(|_| Error::InvalidOption("tokens: a class or count is too large".into()))).collect::<Result<Vec<u32>>>();
    let classes = match (tf.uint_list("classes")?, tf.uint_list("counts")?) {
        (Some(c), None) => small(c)?,
        (None, Some(counts)) => {
            let counts: Vec<u64> = counts.into_iter().map(|c| c as u64).collect();
            if counts.len() != spec.vocab || spec.table == 0 {
                return Err(Error::InvalidOption("tokens: counts must give one count for each token, with a table width of at least 1".into()));
            }
            let n = tf.usize("classCount", Some(default_classes(spec.vocab)))?;
            ClassSoftmax::from_counts(&counts, n, spec.table)?.class_of().to_vec()
        }
        (None, None) => {
            // no counts: every token weighs the same, so the classes are runs of ids
            let n = tf.usize("classCount", Some(default_classes(spec.vocab)))?;
            ClassSoftmax::from_counts(&vec![1; spec.vocab.max(2)], n.min(spec.vocab.max(2)), spec.table.max(1))?.class_of()[..spec.vocab].to_vec()
        }
        _ => return Err(Error::InvalidOption("tokens: give classes (each token's class) or counts (each token's count in the training texts), not both".into())),
    };
    tf.finish()?;
    Ok((spec, classes, labels))
}

struct LayerSize {
    kind: LayerKind,
    inputs: usize,
    outputs: usize,
    activation: Activation,
    weights: u128,
    biases: u128,
}

/// What a layer computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// x·W + b, then the activation.
    Dense,
    /// A text model's first layer: token ids → E[id] + P[t] per position (`token_embedding`).
    TokenTable,
    /// A text model's last layer: per-position queries → token distributions (`TextHead`).
    TextHead,
}

/// One layer of a model: its kind, shape, activation, and where its weights and biases lie
/// in the flat parameter buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub kind: LayerKind,
    pub inputs: usize,
    pub outputs: usize,
    pub activation: Activation,
    /// The weights (inputs × outputs; a token table's E then P; a text head's slice), then
    /// the biases (none for a token table or a text head).
    pub weights: Range<usize>,
    pub biases: Range<usize>,
}

/// Every layer of a model, encoder first, and the length of its parameter buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub layers: Vec<Layer>,
    pub param_count: usize,
}

impl Plan {
    /// `{ paramCount, layers: [{ inputs, outputs, activation, weights: [start, end],
    /// biases: [start, end] }] }`, offsets into the parameter buffer.
    pub fn to_json(&self) -> String {
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|l| {
                format!(
                    r#"{{"inputs":{},"outputs":{},"activation":"{}","weights":[{},{}],"biases":[{},{}]}}"#,
                    l.inputs,
                    l.outputs,
                    l.activation.name(),
                    l.weights.start,
                    l.weights.end,
                    l.biases.start,
                    l.biases.end
                )
            })
            .collect();
        format!(r#"{{"paramCount":{},"layers":[{}]}}"#, self.param_count, layers.join(","))
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

