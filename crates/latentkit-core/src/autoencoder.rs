//! The autoencoder: layer shapes, one flat parameter buffer, forward passes for
//! inference, and the full forward + backward pass used by training.

use crate::config::{ModelConfig, TokenSpec};
use crate::context_head::{self, ContextHead};
use crate::loss::{self, Head, Reduction};
use crate::{dense, embedding, variational};
use crate::error::{Error, Result};
use crate::math;
use crate::matrix;
use crate::optimizer::OptimizerState;
use crate::rng::Rng;
use crate::activation::Activation;
use ndarray::{Array1, Array2, ArrayView2};
use std::ops::Range;

/// RNG stream of weight initialisation (training's shuffling uses another).
const INIT_STREAM: u64 = 1;
/// Rows processed at once by inference: bounds its temporary memory.
const INFERENCE_CHUNK: usize = 256;

thread_local! {
    /// The two ping-pong activation buffers of `infer`.
    static INFER_BUFFERS: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    pub activation: Activation,
    /// The (inputs × outputs) weights, then the biases, as ranges of the parameter buffer.
    pub weights: Range<usize>,
    pub biases: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Autoencoder {
    config: ModelConfig,
    layers: Vec<Layer>,
    encoder_layers: usize,
    params: Vec<f32>,
    /// Adam/SGD state kept between training sessions so `fit` continues smoothly;
    /// never saved to the model file.
    pub(crate) optimizer: Option<OptimizerState>,
}

impl Autoencoder {
    /// A model with fresh weights drawn from the config's seed.
    pub fn new(mut config: ModelConfig) -> Result<Autoencoder> {
        config.normalize()?;
        let (layers, count) = plan_layers(&config);
        let mut params = vec![0f32; count];
        let mut rng = Rng::new(config.seed, INIT_STREAM);
        let limit = |fan_in: usize, fan_out: usize| {
            (match config.init {
                crate::config::Init::GlorotUniform => (6.0 / (fan_in + fan_out) as f64).sqrt(),
                crate::config::Init::HeUniform => (6.0 / fan_in as f64).sqrt(),
            }) as f32
        };
        let head = context_head_of(&config, &layers);
        for (l, layer) in layers.iter().enumerate() {
            if let (true, Some(h)) = (l + 1 == layers.len(), head) {
                for (range, fan_in, fan_out) in h.init_ranges() {
                    let lim = limit(fan_in, fan_out);
                    for w in &mut params[layer.weights.start + range.start..layer.weights.start + range.end] {
                        *w = rng.uniform_in(-lim, lim);
                    }
                }
                continue;
            }
            // A token layer's input has `length` ones among length·vocab zeros: its fan-in
            // is the number of rows summed, not the one-hot width.
            let fan_in = match (l, config.tokens) {
                (0, Some(t)) => t.length,
                _ => layer.inputs,
            };
            let lim = limit(fan_in, layer.outputs);
            for w in &mut params[layer.weights.clone()] {
                *w = rng.uniform_in(-lim, lim);
            }
            // biases start at zero
        }
        let encoder_layers = config.encoder.len();
        Ok(Autoencoder { config, layers, encoder_layers, params, optimizer: None })
    }

    /// A model from a config and saved weights (the model file's reader).
    pub fn from_parts(mut config: ModelConfig, params: Vec<f32>) -> Result<Autoencoder> {
        config.normalize()?;
        let (layers, count) = plan_layers(&config);
        if params.len() != count {
            return Err(Error::CorruptModel(format!("the config needs {count} weights but {} were given", params.len())));
        }
        let encoder_layers = config.encoder.len();
        Ok(Autoencoder { config, layers, encoder_layers, params, optimizer: None })
    }

    pub fn config(&self) -> &ModelConfig {
        &self.config
    }
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }
    pub fn input_size(&self) -> usize {
        self.config.input_size
    }
    pub fn latent_size(&self) -> usize {
        self.config.latent_size()
    }
    /// Columns of a row of data: the input size, or the sequence length of a token model.
    pub fn data_cols(&self) -> usize {
        self.config.data_cols()
    }
    pub fn is_variational(&self) -> bool {
        self.config.variational.is_some()
    }
    /// What the loss needs to know about the output layer.
    pub fn head(&self) -> Head {
        Head {
            loss: self.config.loss,
            activation: self.config.output_activation,
            cols: self.config.input_size,
            vocab: self.config.tokens.map_or(1, |t| t.vocab),
            reduction: if self.is_variational() { Reduction::SumPerRow } else { Reduction::Mean },
        }
    }
    /// All weights and biases, layer by layer (weights row-major inputs × outputs, then biases).
    pub fn params(&self) -> &[f32] {
        &self.params
    }
    pub(crate) fn params_mut(&mut self) -> &mut Vec<f32> {
        &mut self.params
    }

    /// Digest of the weights' bytes (CRC32 and FNV-1a 64, hex), for determinism checks.
    pub fn weights_digest(&self) -> String {
        let bytes: Vec<u8> = self.params.iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut fnv: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in &bytes {
            fnv = (fnv ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{:08x}{:016x}", crate::crc32::crc32(&bytes), fnv)
    }

    // ---- inference on checked ndarray views ----

    /// rows × dataCols -> rows × latentSize (μ for a variational model)
    pub fn encode_view(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        let (data, rows) = self.checked_view(x, self.data_cols(), "data")?;
        self.encode(&data, rows).map(|v| Array2::from_shape_vec((rows, self.latent_size()), v).expect("sized"))
    }

    /// rows × latentSize -> rows × inputSize (probabilities per position for tokens)
    pub fn decode_view(&self, z: ArrayView2<f32>) -> Result<Array2<f32>> {
        let (codes, rows) = self.checked_view(z, self.latent_size(), "codes")?;
        self.decode(&codes, rows).map(|v| Array2::from_shape_vec((rows, self.input_size()), v).expect("sized"))
    }

    /// rows × dataCols -> rows × inputSize
    pub fn reconstruct_view(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        let (data, rows) = self.checked_view(x, self.data_cols(), "data")?;
        self.reconstruct(&data, rows).map(|v| Array2::from_shape_vec((rows, self.input_size()), v).expect("sized"))
    }

    /// The reconstruction loss of each row.
    pub fn score_view(&self, x: ArrayView2<f32>) -> Result<Array1<f32>> {
        let (data, rows) = self.checked_view(x, self.data_cols(), "data")?;
        self.score(&data, rows).map(Array1::from)
    }

    /// The model's loss on this data (for a VAE: reconstruction at μ plus β·KL).
    pub fn evaluate_view(&self, x: ArrayView2<f32>) -> Result<f64> {
        let (data, rows) = self.checked_view(x, self.data_cols(), "data")?;
        self.evaluate(&data, rows)
    }

    fn checked_view(&self, x: ArrayView2<f32>, cols: usize, what: &str) -> Result<(Vec<f32>, usize)> {
        if x.ncols() != cols {
            return Err(Error::ShapeMismatch(format!("{what} has {} columns but the model expects {cols}", x.ncols())));
        }
        let data: Vec<f32> = x.iter().copied().collect();
        Ok((data, x.nrows()))
    }

    // ---- the same on flat row-major slices (the wasm boundary's form) ----

    /// Checks data for this model: shape, finiteness and, for token models, that every
    /// value is a token id below the vocabulary size.
    pub fn check_data(&self, data: &[f32], rows: usize, what: &str) -> Result<()> {
        matrix::view(data, rows, self.data_cols(), what)?;
        if let Some(t) = &self.config.tokens {
            if let Some(i) = data.iter().position(|&v| v < 0.0 || v.fract() != 0.0 || v as usize >= t.vocab) {
                return Err(Error::ShapeMismatch(format!(
                    "{what} row {}, position {} is not a token id in 0..{}: encode texts with the model's vocabulary",
                    i / t.length,
                    i % t.length,
                    t.vocab
                )));
            }
        }
        Ok(())
    }

    pub fn encode(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        Ok(self.encode_rows(data, rows))
    }
    /// rows × 2·latentSize: each row's posterior mean then log-variance (variational
    /// models only).
    pub fn encode_distribution(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        if !self.is_variational() {
            return Err(Error::InvalidState("encodeDistribution needs a variational model (train with variational: true)".into()));
        }
        self.check_data(data, rows, "data")?;
        Ok(self.infer(0..self.encoder_layers, data, rows))
    }

    pub fn decode(&self, codes: &[f32], rows: usize) -> Result<Vec<f32>> {
        matrix::view(codes, rows, self.latent_size(), "codes")?;
        Ok(self.decode_rows(codes, rows))
    }
    pub fn reconstruct(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        Ok(self.decode_rows(&self.encode_rows(data, rows), rows))
    }
    pub fn score(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        Ok(self.evaluate_rows(data, rows).0)
    }
    pub fn evaluate(&self, data: &[f32], rows: usize) -> Result<f64> {
        self.check_data(data, rows, "data")?;
        let (scores, kl) = self.evaluate_rows(data, rows);
        let recon = scores.iter().map(|&s| s as f64).sum::<f64>() / rows as f64;
        let beta = self.config.variational.map_or(0.0, |v| v.beta);
        Ok(recon + beta * kl)
    }

    /// Per-row reconstruction losses at z = μ, and the mean KL (0 unless variational).
    fn evaluate_rows(&self, data: &[f32], rows: usize) -> (Vec<f32>, f64) {
        let cols = self.data_cols();
        let head = self.head();
        let mut scores = vec![0f32; rows];
        let mut kl_sum = 0f64;
        let mut ws = Workspace::new(self, INFERENCE_CHUNK.min(rows));
        let n = self.layers.len();
        for (chunk, out) in data.chunks(INFERENCE_CHUNK * cols).zip(scores.chunks_mut(INFERENCE_CHUNK)) {
            let r = out.len();
            self.forward(chunk, chunk, r, &mut ws, None);
            let m = r * head.cols;
            head.per_row(&ws.z[n - 1][..m], &ws.a[n - 1][..m], chunk, out);
            if self.is_variational() {
                let enc = self.encoder_layers;
                kl_sum += variational::kl(&ws.a[enc - 1], r, self.latent_size(), 0.0, &mut ws.active) * r as f64;
            }
        }
        (scores, kl_sum / rows as f64)
    }

    /// Encoder over checked data; μ for a variational model.
    fn encode_rows(&self, data: &[f32], rows: usize) -> Vec<f32> {
        let h = self.infer(0..self.encoder_layers, data, rows);
        if !self.is_variational() {
            return h;
        }
        let latent = self.latent_size();
        let mut z = vec![0f32; rows * latent];
        variational::mean(&h, rows, latent, &mut z);
        z
    }

    /// Texts drawn from a model with a context head, token by token: at each position a
    /// token is drawn from softmax(ln p / temperature) (never the mask or pad id) with the
    /// uniform number `uniforms[row · (length − 1) + t]`, and becomes the context of the next
    /// position; temperature 0 takes the most likely token. Returns rows × length token ids:
    /// the text, the end id (the last position can only end a text), then padding.
    pub fn decode_sampled(&self, codes: &[f32], rows: usize, uniforms: &[f32], temperature: f32) -> Result<Vec<f32>> {
        let head = self.context_head().ok_or_else(|| Error::InvalidState("decodeSampled needs a token model with a context (tokens.context > 0)".into()))?;
        matrix::view(codes, rows, self.latent_size(), "codes")?;
        let last = head.length - 1;
        if last > 0 {
            matrix::view(uniforms, rows, last, "uniforms")?;
        } else if !uniforms.is_empty() {
            return Err(Error::ShapeMismatch("decodeSampled: a model of length 1 draws nothing; pass no uniforms".into()));
        }
        if uniforms.iter().any(|&u| !(0.0..1.0).contains(&u)) {
            return Err(Error::InvalidOption("decodeSampled: uniforms must be in [0, 1)".into()));
        }
        if !(temperature.is_finite() && temperature >= 0.0) {
            return Err(Error::InvalidOption("decodeSampled: temperature must be a finite number >= 0".into()));
        }
        let (pad, end, mask) = (head.pad_id as usize, head.end_id as usize, head.start_id as usize);
        let mut out = vec![pad as f32; rows * head.length];
        let mut done = vec![false; rows];
        let mut weights = vec![0f32; head.vocab];
        self.walk_context(head, codes, rows, |row, t, probs| {
            if done[row] {
                return pad;
            }
            let id = if t == last {
                end
            } else if temperature == 0.0 {
                argmax(probs)
            } else {
                draw(probs, temperature, uniforms[row * last + t], [mask, pad], end, &mut weights)
            };
            out[row * head.length + t] = id as f32;
            done[row] = id == end || id == pad;
            id
        });
        Ok(out)
    }

    /// The input of the context head for these codes: the decoder's hidden layers' output.
    fn head_input(&self, codes: &[f32], rows: usize) -> Vec<f32> {
        let n = self.layers.len();
        if self.encoder_layers + 1 == n {
            codes.to_vec()
        } else {
            self.infer(self.encoder_layers..n - 1, codes, rows)
        }
    }

    /// Greedy decoding through the context head: each position's most likely token (ties
    /// to the lower id) becomes the context of the next. Returns each position's
    /// probabilities along that path, whose argmax is the decoded text.
    fn decode_greedy(&self, head: ContextHead, codes: &[f32], rows: usize) -> Vec<f32> {
        let (l, v) = (head.length, head.vocab);
        let mut out = vec![0f32; rows * l * v];
        self.walk_context(head, codes, rows, |row, t, probs| {
            out[(row * l + t) * v..(row * l + t + 1) * v].copy_from_slice(probs);
            argmax(probs)
        });
        out
    }

    /// Runs the context head position by position over chunks of rows. The decoder's hidden
    /// layers and the head's per-row queries are computed once per chunk; at each position
    /// `choose(row, t, probabilities)` picks the row's token, which becomes its context for
    /// the positions after.
    fn walk_context(&self, head: ContextHead, codes: &[f32], rows: usize, mut choose: impl FnMut(usize, usize, &[f32]) -> usize) {
        let (l, v, d) = (head.length, head.vocab, self.latent_size());
        let layer = &self.layers[self.layers.len() - 1];
        let (w, bu) = (&self.params[layer.weights.clone()], &self.params[layer.biases.clone()]);
        let chunk = INFERENCE_CHUNK.min(rows);
        let (mut act, mut logits, mut p) = (Vec::new(), vec![0f32; chunk * v], vec![0f32; chunk * v]);
        let mut ids = vec![0f32; chunk * l];
        for start in (0..rows).step_by(INFERENCE_CHUNK) {
            let n = INFERENCE_CHUNK.min(rows - start);
            let q = head.queries(n, &self.head_input(&codes[start * d..(start + n) * d], n), w);
            for t in 0..l {
                head.step(n, &q, &ids[..n * l], t, w, bu, &mut act, &mut logits);
                loss::softmax_groups(&logits[..n * v], &mut p[..n * v], v);
                for r in 0..n {
                    ids[r * l + t] = choose(start + r, t, &p[r * v..(r + 1) * v]) as f32;
                }
            }
        }
    }

    /// Decoder over checked codes; probabilities per position for a token model.
    fn decode_rows(&self, codes: &[f32], rows: usize) -> Vec<f32> {
        if let Some(head) = self.context_head() {
            return self.decode_greedy(head, codes, rows);
        }
        let logits = self.infer(self.encoder_layers..self.layers.len(), codes, rows);
        match self.config.tokens {
            Some(t) => {
                let mut p = vec![0f32; logits.len()];
                loss::softmax_groups(&logits, &mut p, t.vocab);
                p
            }
            None => logits,
        }
    }

    /// Inference through `layers` over checked row-major data, in chunks of rows, with two
    /// ping-pong buffers (no pre-activations kept): the lean path of encode/decode.
    fn infer(&self, layers: Range<usize>, data: &[f32], rows: usize) -> Vec<f32> {
        let cols = if layers.start == 0 { self.data_cols() } else { self.layers[layers.start].inputs };
        let out_cols = self.layers[layers.end - 1].outputs;
        let widest = self.layers[layers.clone()].iter().map(|l| l.outputs).max().unwrap_or(0);
        let chunk_rows = INFERENCE_CHUNK.min(rows);
        // Reused between calls: a single-row encode is a few microseconds, and two fresh
        // buffers a call were a measurable part of it.
        INFER_BUFFERS.with(|cell| {
            let (ping, pong) = &mut *cell.borrow_mut();
            for buf in [&mut *ping, &mut *pong] {
                if buf.len() < chunk_rows * widest {
                    buf.resize(chunk_rows * widest, 0.0);
                }
            }
            self.infer_with(layers, data, rows, cols, out_cols, ping, pong)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn infer_with(&self, layers: Range<usize>, data: &[f32], rows: usize, cols: usize, out_cols: usize, ping: &mut [f32], pong: &mut [f32]) -> Vec<f32> {
        let mut out = vec![0f32; rows * out_cols];
        for (chunk, dest) in data.chunks(INFERENCE_CHUNK * cols).zip(out.chunks_mut(INFERENCE_CHUNK * out_cols)) {
            let n = chunk.len() / cols;
            for (i, layer) in self.layers[layers.clone()].iter().enumerate() {
                // layer i reads the chunk (i = 0) or the buffer layer i-1 wrote, writes the other
                let (src, dst): (&[f32], &mut [f32]) = match i {
                    0 => (chunk, &mut *ping),
                    _ if i % 2 == 1 => (&*ping, &mut *pong),
                    _ => (&*pong, &mut *ping),
                };
                let (w, b) = (&self.params[layer.weights.clone()], &self.params[layer.biases.clone()]);
                match self.token_input(layers.start + i) {
                    Some(t) => embedding::infer(n, t.length, t.vocab, layer.outputs, src, w, b, layer.activation, dst),
                    None => dense::infer(n, layer.inputs, layer.outputs, src, w, b, layer.activation, dst),
                }
            }
            let last: &[f32] = if layers.len() % 2 == 1 { ping } else { pong };
            dest.copy_from_slice(&last[..n * out_cols]);
        }
        out
    }

    /// The autoregressive output layer, for token models with `tokens.context > 0`.
    pub fn context_head(&self) -> Option<ContextHead> {
        context_head_of(&self.config, &self.layers)
    }

    /// The token spec when layer `l` takes token ids (the first layer of a token model).
    fn token_input(&self, l: usize) -> Option<TokenSpec> {
        if l == 0 {
            self.config.tokens
        } else {
            None
        }
    }

    /// Forward pass through every layer, leaving each layer's z and a in the workspace.
    /// A variational model samples z = μ + σ·ε when given an RNG, and uses μ otherwise.
    /// A token model's output activations are the per-position softmax; a context head
    /// sees `context` (the clean token ids, or a copy with tokens dropped) before each position.
    pub(crate) fn forward(&self, x: &[f32], context: &[f32], rows: usize, ws: &mut Workspace, sample: Option<&mut Rng>) {
        let enc = self.encoder_layers;
        let latent = self.latent_size();
        let mut sample = sample;
        let head = self.context_head();
        for (l, layer) in self.layers.iter().enumerate() {
            let (before, after) = ws.a.split_at_mut(l);
            let input: &[f32] = if l == 0 {
                x
            } else if l == enc && self.is_variational() {
                &ws.latent
            } else {
                &before[l - 1]
            };
            let (w, b) = (&self.params[layer.weights.clone()], &self.params[layer.biases.clone()]);
            match (self.token_input(l), head) {
                (Some(t), _) => embedding::forward(rows, t.length, t.vocab, layer.outputs, input, w, b, layer.activation, &mut ws.z[l], &mut after[0]),
                (None, Some(h)) if l + 1 == self.layers.len() => h.forward(rows, input, context, w, b, &mut ws.head, &mut ws.z[l]),
                (None, _) => dense::forward(rows, layer.inputs, layer.outputs, input, w, b, layer.activation, &mut ws.z[l], &mut after[0]),
            }
            if l + 1 == enc && self.is_variational() {
                let h = &ws.a[l];
                match sample.as_deref_mut() {
                    Some(rng) => variational::sample(h, rows, latent, rng, &mut ws.eps, &mut ws.latent),
                    None => variational::mean(h, rows, latent, &mut ws.latent),
                }
            }
        }
        if let Some(t) = self.config.tokens {
            let last = self.layers.len() - 1;
            let m = rows * self.input_size();
            loss::softmax_groups(&ws.z[last][..m], &mut ws.a[last][..m], t.vocab);
        }
    }

    /// Full forward and backward pass of a batch: writes ∂loss/∂params into `grads`
    /// (same layout as the parameters) and returns the batch's loss. `target` is the clean
    /// data (token ids for a token model); `input` may be a corrupted copy, and `context`
    /// (what a context head sees before each position) too. For a
    /// variational model `vae` gives the RNG for ε and the KL weight (β times warm-up).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn loss_and_gradients(
        &self,
        input: &[f32],
        target: &[f32],
        context: &[f32],
        rows: usize,
        ws: &mut Workspace,
        grads: &mut [f32],
        vae: Option<(&mut Rng, f32)>,
    ) -> f64 {
        let n = self.layers.len();
        let enc = self.encoder_layers;
        let latent = self.latent_size();
        let (rng, kl_weight) = match vae {
            Some((rng, w)) => (Some(rng), w),
            None => (None, 0.0),
        };
        self.forward(input, context, rows, ws, rng);
        let head = self.head();
        let m = rows * head.cols;
        let mut loss = head.batch(&ws.z[n - 1][..m], &ws.a[n - 1][..m], target, rows);
        head.grad_z(&ws.z[n - 1], &ws.a[n - 1], target, rows, &mut ws.dz);
        let variational = self.config.variational;
        if let Some(v) = variational {
            loss += kl_weight as f64 * variational::kl(&ws.a[enc - 1], rows, latent, v.free_bits, &mut ws.active);
        }
        for l in (0..n).rev() {
            let layer = &self.layers[l];
            let g = &mut grads[layer.weights.start..layer.biases.end];
            let (gw, gb) = g.split_at_mut(layer.weights.len());
            let dz = &ws.dz[..rows * layer.outputs];
            if let Some(t) = self.token_input(l) {
                embedding::backward(rows, t.length, t.vocab, layer.outputs, input, dz, gw, gb);
                continue;
            }
            let x: &[f32] = if l == 0 {
                input
            } else if l == enc && variational.is_some() {
                &ws.latent[..rows * latent]
            } else {
                &ws.a[l - 1][..rows * layer.inputs]
            };
            let dx = if l > 0 { Some(&mut ws.dx[..rows * layer.inputs]) } else { None };
            match self.context_head() {
                Some(h) if l + 1 == n => {
                    let dx = dx.expect("a context head is never the first layer");
                    h.backward(rows, x, context, &self.params[layer.weights.clone()], dz, &mut ws.head, gw, gb, dx);
                }
                _ => dense::backward(rows, layer.inputs, layer.outputs, x, &self.params[layer.weights.clone()], dz, gw, gb, dx),
            }
            if l == 0 {
                continue;
            }
            if l == enc && variational.is_some() {
                // dx is ∂loss/∂z; through the sampling to h = [μ | log σ²] (a linear layer).
                variational::backward(&ws.a[enc - 1], &ws.eps, &ws.dx[..rows * latent], rows, latent, kl_weight, &ws.active, &mut ws.dz[..rows * 2 * latent]);
            } else {
                let prev = &self.layers[l - 1];
                let k = rows * prev.outputs;
                prev.activation.backward(&ws.z[l - 1][..k], &ws.a[l - 1][..k], &mut ws.dx[..k]);
                std::mem::swap(&mut ws.dz, &mut ws.dx);
            }
        }
        loss
    }
}

/// The most likely id; ties go to the lower id.
fn argmax(probs: &[f32]) -> usize {
    probs.iter().enumerate().fold(0, |b, (i, &x)| if x > probs[b] { i } else { b })
}

/// An id drawn with the uniform `u` from softmax(ln p / temperature), never one of `never`;
/// `fallback` when no id has any weight.
fn draw(probs: &[f32], temperature: f32, u: f32, never: [usize; 2], fallback: usize, w: &mut [f32]) -> usize {
    let mut max = f32::NEG_INFINITY;
    for (i, (wi, &p)) in w.iter_mut().zip(probs).enumerate() {
        *wi = if never.contains(&i) || p.is_nan() || p <= 0.0 { f32::NEG_INFINITY } else { math::ln(p) / temperature };
        max = max.max(*wi);
    }
    let mut total = 0f32;
    for wi in w.iter_mut() {
        *wi = if *wi == f32::NEG_INFINITY { 0.0 } else { math::exp(*wi - max) };
        total += *wi;
    }
    let mut left = u * total;
    for (i, &wi) in w.iter().enumerate() {
        left -= wi;
        if left < 0.0 && wi > 0.0 {
            return i;
        }
    }
    fallback
}

/// Lays the parameters out layer by layer: weights (inputs × outputs), then biases. A
/// context head's slice is its own weights (see `context_head`), then its vocab biases.
fn plan_layers(config: &ModelConfig) -> (Vec<Layer>, usize) {
    let mut offset = 0;
    let shapes = config.layer_shapes();
    let last = shapes.len() - 1;
    let layers = shapes
        .into_iter()
        .enumerate()
        .map(|(l, (inputs, outputs, activation))| {
            let (weight_count, bias_count) = match config.tokens {
                Some(t) if l == last && t.context > 0 => (ContextHead::weight_count(inputs as u128, &t) as usize, t.vocab),
                _ => (inputs * outputs, outputs),
            };
            let weights = offset..offset + weight_count;
            let biases = weights.end..weights.end + bias_count;
            offset = biases.end;
            Layer { inputs, outputs, activation, weights, biases }
        })
        .collect();
    (layers, offset)
}

/// The context head of a token model with `tokens.context > 0`: the last layer.
fn context_head_of(config: &ModelConfig, layers: &[Layer]) -> Option<ContextHead> {
    match config.tokens {
        Some(t) if t.context > 0 => Some(ContextHead::new(layers[layers.len() - 1].inputs, t, config.activation)),
        _ => None,
    }
}

/// Per-layer activations, two gradient buffers and the variational buffers for a batch of
/// up to `rows` rows; made once per batch size, so the training loop does not allocate.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    pub z: Vec<Vec<f32>>,
    pub a: Vec<Vec<f32>>,
    pub dz: Vec<f32>,
    pub dx: Vec<f32>,
    /// The latent code fed to the decoder of a variational model, and its ε.
    pub latent: Vec<f32>,
    pub eps: Vec<f32>,
    /// Latent dimensions whose KL is above the free-bits floor.
    pub active: Vec<bool>,
    /// Buffers of the context head (empty without one).
    pub head: context_head::Scratch,
}

impl Workspace {
    pub fn new(net: &Autoencoder, rows: usize) -> Workspace {
        let layers = net.layers();
        let widest = layers.iter().map(|l| l.outputs.max(l.inputs)).max().unwrap_or(0);
        let latent = if net.is_variational() { net.latent_size() } else { 0 };
        Workspace {
            z: layers.iter().map(|l| vec![0f32; rows * l.outputs]).collect(),
            a: layers.iter().map(|l| vec![0f32; rows * l.outputs]).collect(),
            dz: vec![0f32; rows * widest],
            dx: vec![0f32; rows * widest],
            latent: vec![0f32; rows * latent],
            eps: vec![0f32; rows * latent],
            active: vec![false; latent],
            head: net.context_head().map_or_else(Default::default, |h| context_head::Scratch::new(&h, rows)),
        }
    }
}
