//! The autoencoder: one flat parameter buffer laid out by the config's plan, seeded
//! initialisation, forward passes for inference, and the full forward + backward pass used
//! by training. Decoding texts token by token lives in `decode`; the optimiser's state
//! belongs to training (`train::trainer`), not to the model.

use crate::config::{Init, Layer, LayerKind, ModelConfig};
use crate::error::{Error, Result};
use crate::io::crc32::crc32;
use crate::layers::loss::{OutputSpec, Reduction};
use crate::layers::text_head::TextHead;
use crate::layers::{dense, label_table, mat, mat_mut, token_embedding, variational};
use crate::limits::{self, MAX_OUTPUT_VALUES};
use crate::matrix;
use crate::rng::Rng;
use ndarray::ArrayView2;
use std::ops::Range;

pub(crate) use workspace::Workspace;

mod workspace;

/// RNG stream of weight initialisation (training's shuffling uses another).
const INIT_STREAM: u64 = 1;
/// Most rows processed at once by inference; fewer when a row's scratch is so large that
/// 256 of them would pass the working-memory budget (`limits::MAX_WORKSPACE_VALUES`).
const INFERENCE_CHUNK: usize = 256;

/// Largest ping-pong buffer `infer` keeps between calls: 2^20 values (4 MiB), 256 rows of
/// 4,096 units.
const KEPT_INFER_BUFFER: usize = 1 << 20;

thread_local! {
    /// The two ping-pong activation buffers of `infer`.
    static INFER_BUFFERS: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

#[derive(Debug, Clone)]
pub struct Autoencoder {
    config: ModelConfig,
    layers: Vec<Layer>,
    pub(crate) encoder_layers: usize,
    params: Vec<f32>,
    /// A text model's output head (its weights are the last layer's slice of `params`).
    head: Option<TextHead>,
    /// Rows of one inference chunk (see `INFERENCE_CHUNK`); 0 when one row alone needs
    /// more scratch than the budget, and inference is refused.
    pub(crate) chunk_rows: usize,
}

impl Autoencoder {
    /// A model with fresh weights drawn from the config's seed.
    pub fn new(mut config: ModelConfig) -> Result<Autoencoder> {
        config.normalize()?;
        let plan = config.plan();
        let layers = plan.layers;
        let mut params = vec![0f32; plan.param_count];
        let mut rng = Rng::new(config.seed, INIT_STREAM);
        let limit = |fan_in: usize, fan_out: usize| {
            (match config.init {
                Init::GlorotUniform => (6.0 / (fan_in + fan_out) as f64).sqrt(),
                Init::HeUniform => (6.0 / fan_in as f64).sqrt(),
            }) as f32
        };
        let head = config.text_head();
        for layer in &layers {
            let w = &mut params[layer.weights.clone()];
            match (layer.kind, &head, config.tokens) {
                (LayerKind::TextHead, Some(h), _) => h.init(w, &mut rng),
                (LayerKind::TokenTable, _, Some(t)) => {
                    // E Glorot over (V, d) whatever `init` says: it is an output layer too
                    // (tied); the position table P starts at zero
                    let lim = (6.0 / (t.vocab + t.table) as f64).sqrt() as f32;
                    let (e, p) = w.split_at_mut(t.vocab * t.table);
                    e.iter_mut().for_each(|x| *x = rng.uniform_in(-lim, lim));
                    p.fill(0.0);
                }
                _ => {
                    let lim = limit(layer.inputs, layer.outputs);
                    w.iter_mut().for_each(|x| *x = rng.uniform_in(-lim, lim));
                }
            }
            // biases start at zero
        }
        Ok(Autoencoder::assemble(config, layers, params, head))
    }

    /// A model from a config and saved weights (the model file's reader).
    pub fn from_parts(mut config: ModelConfig, params: Vec<f32>) -> Result<Autoencoder> {
        config.normalize()?;
        let plan = config.plan();
        if params.len() != plan.param_count {
            return Err(Error::CorruptModel(format!("the config needs {} weights but {} were given", plan.param_count, params.len())));
        }
        let head = config.text_head();
        Ok(Autoencoder::assemble(config, plan.layers, params, head))
    }

    /// `head` is the config's text head (`ModelConfig::text_head`), built once by the caller.
    fn assemble(config: ModelConfig, layers: Vec<Layer>, params: Vec<f32>, head: Option<TextHead>) -> Autoencoder {
        // a text model's token table is a layer before the encoder's dense layers
        let encoder_layers = config.encoder.len() + config.tokens.map_or(0, |_| 1);
        let mut net = Autoencoder { config, layers, encoder_layers, params, head, chunk_rows: 0 };
        // The workspace of a row is a superset of every inference path's scratch (the
        // ping-pong buffers, a decoder's query bases and a text head's buffers).
        net.chunk_rows = limits::rows_within_budget(Workspace::values_per_row(&net), INFERENCE_CHUNK, "").unwrap_or(0);
        net
    }

    /// Refuses a call whose result of rows × cols values passes MAX_OUTPUT_VALUES, or a
    /// model one row of which does not fit the working-memory budget. Before any allocation.
    pub(crate) fn check_output(&self, rows: usize, cols: usize, what: &str) -> Result<()> {
        if self.chunk_rows == 0 {
            limits::rows_within_budget(Workspace::values_per_row(self), 1, what)?;
        }
        limits::checked_values(rows, cols as u64, MAX_OUTPUT_VALUES, what, || {
            format!("the result would be too large; pass at most {} rows a call", MAX_OUTPUT_VALUES / cols.max(1))
        })?;
        Ok(())
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
    pub fn output_spec(&self) -> OutputSpec {
        OutputSpec {
            loss: self.config.loss,
            activation: self.config.output_activation,
            cols: self.config.input_size,
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
        format!("{:08x}{:016x}", crc32(&bytes), fnv)
    }

    // ---- inference on flat row-major slices (the wasm boundary's form) ----

    /// Checks data for this model: shape, finiteness and, for token models, that every
    /// value is a token id below the vocabulary size.
    pub fn check_data(&self, data: &[f32], rows: usize, what: &str) -> Result<()> {
        matrix::check(data, rows, self.data_cols(), what)?;
        if let Some(t) = &self.config.tokens {
            let (cols, n) = (self.data_cols(), self.config.labels);
            // a conditional row's last column is its label, below the number of labels
            let bad = |i: usize, v: f32| v < 0.0 || v.fract() != 0.0 || v as usize >= if i % cols == t.length { n } else { t.vocab };
            if let Some(i) = data.iter().enumerate().position(|(i, &v)| bad(i, v)) {
                let (row, pos) = (i / cols, i % cols);
                if pos == t.length {
                    return Err(Error::ShapeMismatch(format!("{what} row {row}: its label (the last column) is not a label id in 0..{n}")));
                }
                return Err(Error::ShapeMismatch(format!(
                    "{what} row {row}, position {pos} is not a token id in 0..{}: encode texts with the model's vocabulary",
                    t.vocab
                )));
            }
        }
        Ok(())
    }

    pub fn encode(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        self.check_output(rows, self.latent_size(), "encode")?;
        matrix::finite_output(self.encode_rows(data, rows), self.latent_size(), "encode", "data")
    }
    /// rows × 2·latentSize: each row's posterior mean then log-variance (variational
    /// models only).
    pub fn encode_distribution(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        if !self.is_variational() {
            return Err(Error::InvalidState("the encoder's distribution (mean and log-variance) exists only for a variational model: train with variational: true".into()));
        }
        self.check_data(data, rows, "data")?;
        self.check_output(rows, 2 * self.latent_size(), "encodeDistribution")?;
        let (ids, labels) = self.split_labels(data, rows);
        matrix::finite_output(self.infer(0..self.encoder_layers, &ids, rows, &labels), 2 * self.latent_size(), "encodeDistribution", "data")
    }

    pub fn score(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        self.check_output(rows, 1, "score")?;
        matrix::finite_output(self.evaluate_rows(data, rows).0, 1, "score", "data")
    }
    pub fn evaluate(&self, data: &[f32], rows: usize) -> Result<f64> {
        self.check_data(data, rows, "data")?;
        self.check_output(rows, 1, "evaluate")?;
        let (scores, kl) = self.evaluate_rows(data, rows);
        let recon = scores.iter().map(|&s| s as f64).sum::<f64>() / rows as f64;
        let beta = self.config.variational.map_or(0.0, |v| v.beta);
        let loss = recon + beta * kl;
        if !loss.is_finite() {
            return Err(Error::NonFiniteInput("evaluate: the loss overflowed (NaN or Infinity): scale the data to a smaller range".into()));
        }
        Ok(loss)
    }

    /// Per-row reconstruction losses at z = μ, and the mean KL (0 unless variational). A
    /// text model's row loss is Σ −ln p over its positions up to its end.
    fn evaluate_rows(&self, data: &[f32], rows: usize) -> (Vec<f32>, f64) {
        let (data, labels) = self.split_labels(data, rows);
        let cols = self.layers[0].inputs;
        let spec = self.output_spec();
        let mut scores = vec![0f32; rows];
        let mut kl_sum = 0f64;
        let mut ws = Workspace::new(self, self.chunk_rows.min(rows));
        let n = self.layers.len();
        for (c, (chunk, out)) in data.chunks(self.chunk_rows * cols).zip(scores.chunks_mut(self.chunk_rows)).enumerate() {
            let r = out.len();
            let at = (c * self.chunk_rows).min(labels.len());
            self.forward(chunk, r, &mut ws, None, &labels[at..(at + r).min(labels.len())]);
            match &self.head {
                Some(head) => {
                    self.head_loss(head, chunk, chunk, r, &mut ws, 1.0);
                    head.row_losses(&ws.text, out);
                }
                None => {
                    let m = r * spec.cols;
                    spec.per_row(&ws.z[n - 1][..m], &ws.a[n - 1][..m], chunk, out);
                }
            }
            if self.is_variational() {
                let enc = self.encoder_layers;
                kl_sum += variational::kl(mat(&ws.a[enc - 1], r, 2 * self.latent_size()), 0.0, &mut ws.active) * r as f64;
            }
        }
        (scores, kl_sum / rows as f64)
    }

    /// Encoder over checked data; μ for a variational model.
    pub(crate) fn encode_rows(&self, data: &[f32], rows: usize) -> Vec<f32> {
        let (ids, labels) = self.split_labels(data, rows);
        let h = self.infer(0..self.encoder_layers, &ids, rows, &labels);
        if !self.is_variational() {
            return h;
        }
        let latent = self.latent_size();
        let mut z = vec![0f32; rows * latent];
        variational::mean(mat(&h, rows, 2 * latent), mat_mut(&mut z, rows, latent));
        z
    }

    /// Inference through `layers` over checked row-major data, in chunks of rows, with two
    /// ping-pong buffers (no pre-activations kept): the lean path of encode/decode. Token
    /// models' data is ids only; a conditional model's `labels` (one a row) are separate.
    pub(crate) fn infer(&self, layers: Range<usize>, data: &[f32], rows: usize, labels: &[f32]) -> Vec<f32> {
        let cols = self.layers[layers.start].inputs;
        let out_cols = self.layers[layers.end - 1].outputs;
        let widest = self.layers[layers.clone()].iter().map(|l| l.outputs).max().unwrap_or(0);
        let chunk_rows = self.chunk_rows.min(rows);
        // Reused between calls: a single-row encode is a few microseconds, and two fresh
        // buffers a call were a measurable part of it.
        INFER_BUFFERS.with(|cell| {
            let (ping, pong) = &mut *cell.borrow_mut();
            for buf in [&mut *ping, &mut *pong] {
                if buf.len() < chunk_rows * widest {
                    buf.resize(chunk_rows * widest, 0.0);
                }
            }
            let out = self.infer_with(layers, (data, labels), rows, cols, out_cols, ping, pong);
            // Keep small buffers for the next call; give large ones (a wide token model's,
            // up to the workspace budget) back, so no model holds them after it is gone.
            if ping.len() > KEPT_INFER_BUFFER {
                *ping = Vec::new();
                *pong = Vec::new();
            }
            out
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn infer_with(&self, layers: Range<usize>, (data, labels): (&[f32], &[f32]), rows: usize, cols: usize, out_cols: usize, ping: &mut [f32], pong: &mut [f32]) -> Vec<f32> {
        let mut out = vec![0f32; rows * out_cols];
        for (c, (chunk, dest)) in data.chunks(self.chunk_rows * cols).zip(out.chunks_mut(self.chunk_rows * out_cols)).enumerate() {
            let n = chunk.len() / cols;
            for (i, layer) in self.layers[layers.clone()].iter().enumerate() {
                // layer i reads the chunk (i = 0) or the buffer layer i-1 wrote, writes the other
                let (src, dst): (&[f32], &mut [f32]) = match i {
                    0 => (chunk, &mut *ping),
                    _ if i % 2 == 1 => (&*ping, &mut *pong),
                    _ => (&*pong, &mut *ping),
                };
                let (x, out) = (mat(src, n, if i == 0 { cols } else { layer.inputs }), mat_mut(dst, n, layer.outputs));
                match layer.kind {
                    LayerKind::TokenTable => {
                        let (table, pos) = self.token_tables();
                        token_embedding::forward(x, table, pos, out)
                    }
                    // decoding runs the head position by position (`decode`), never here
                    LayerKind::TextHead => unreachable!("the text head is not a layer of `infer`"),
                    LayerKind::Dense => {
                        let (w, b) = self.dense_params(layer);
                        match self.label_range(layers.start + i) {
                            None => dense::infer(x, w, b, layer.activation, out),
                            Some(r) => {
                                // the label's row joins the pre-activation, then the activation
                                let (o, at) = (layer.outputs, c * self.chunk_rows);
                                dense::infer(x, w, b, crate::layers::activation::Activation::Linear, out);
                                label_table::add_rows(&mut dst[..n * o], o, &self.params[r], &labels[at..at + n]);
                                layer.activation.apply_in_place(&mut dst[..n * o]);
                            }
                        }
                    }
                }
            }
            let last: &[f32] = if layers.len() % 2 == 1 { ping } else { pong };
            dest.copy_from_slice(&last[..n * out_cols]);
        }
        out
    }

    /// A text model's output head (None for numeric models).
    pub fn text_head(&self) -> Option<&TextHead> {
        self.head.as_ref()
    }

    /// A dense layer's weights (inputs × outputs) and biases.
    fn dense_params(&self, layer: &Layer) -> (ArrayView2<'_, f32>, &[f32]) {
        (mat(&self.params[layer.weights.clone()], layer.inputs, layer.outputs), &self.params[layer.biases.clone()])
    }

    /// A text model's token table E (V×d) and position table P (L×d): the first layer's
    /// weights.
    pub(crate) fn token_tables(&self) -> (ArrayView2<'_, f32>, ArrayView2<'_, f32>) {
        let t = self.config.tokens.expect("a text model");
        let (e, p) = self.params[self.layers[0].weights.clone()].split_at(t.vocab * t.table);
        (mat(e, t.vocab, t.table), mat(&p[..t.length * t.table], t.length, t.table))
    }

    /// The head's slice of the parameters (the last layer's weights).
    pub(crate) fn head_params(&self) -> &[f32] {
        &self.params[self.layers[self.layers.len() - 1].weights.clone()]
    }

    /// Forward pass through every layer but a text model's head, leaving each layer's z and
    /// a in the workspace (a text model's last is the query base of every position). A
    /// variational model samples z = μ + σ·ε when given an RNG, and uses μ otherwise. `x`
    /// holds ids only; a conditional model's `labels` (one a row) come separately.
    pub(crate) fn forward(&self, x: &[f32], rows: usize, ws: &mut Workspace, sample: Option<&mut Rng>, labels: &[f32]) {
        let enc = self.encoder_layers;
        let latent = self.latent_size();
        let mut sample = sample;
        for (l, layer) in self.layers.iter().enumerate() {
            if layer.kind == LayerKind::TextHead {
                break;
            }
            let (before, after) = ws.a.split_at_mut(l);
            let input = if l == 0 {
                mat(x, rows, layer.inputs)
            } else if l == enc && self.is_variational() {
                mat(&ws.latent, rows, latent)
            } else {
                mat(&before[l - 1], rows, layer.inputs)
            };
            let (z, a) = (mat_mut(&mut ws.z[l], rows, layer.outputs), mat_mut(&mut after[0], rows, layer.outputs));
            match layer.kind {
                LayerKind::TokenTable => {
                    let (table, pos) = self.token_tables();
                    token_embedding::forward(input, table, pos, a)
                }
                LayerKind::TextHead => unreachable!("left the loop above"),
                LayerKind::Dense => {
                    let (w, b) = self.dense_params(layer);
                    dense::forward(input, w, b, layer.activation, z, a)
                }
            }
            if let Some(r) = self.label_range(l) {
                // the label's row joins the pre-activation; the activation is taken again
                let k = rows * layer.outputs;
                label_table::add_rows(&mut ws.z[l][..k], layer.outputs, &self.params[r], labels);
                ws.a[l][..k].copy_from_slice(&ws.z[l][..k]);
                layer.activation.apply_in_place(&mut ws.a[l][..k]);
            }
            if l + 1 == enc && self.is_variational() {
                let (h, z) = (mat(&ws.a[l], rows, 2 * latent), mat_mut(&mut ws.latent, rows, latent));
                match sample.as_deref_mut() {
                    Some(rng) => variational::sample(h, rng, mat_mut(&mut ws.eps, rows, latent), z),
                    None => variational::mean(h, z),
                }
            }
        }
    }

    /// A text model's loss after `forward`: scale · Σ −ln p(target) over each row's
    /// positions up to its end, the head seeing `context` before each position.
    fn head_loss(&self, head: &TextHead, target: &[f32], context: &[f32], rows: usize, ws: &mut Workspace, scale: f64) -> f64 {
        let base = &ws.a[self.layers.len() - 2];
        let table = self.token_tables().0.to_slice().expect("row-major");
        head.forward(base, target, context, rows, table, self.head_params(), scale, &mut ws.text)
    }

    /// Full forward and backward pass of a batch: writes ∂loss/∂params into `grads`
    /// (same layout as the parameters) and returns the batch's loss. `target` is the clean
    /// data (token ids for a token model); `input` may be a corrupted copy, and `context`
    /// (what a text model's head sees before each position) too. For a
    /// variational model `vae` gives the RNG for ε and the KL weight (β times warm-up). For a
    /// plain model `mmd` gives draws from the prior (B, latent) and λ: the loss then includes
    /// λ·MMD(codes, draws) (`layers::mmd`). `code_penalty`, when given, is called with a plain
    /// model's codes (B, latent) and adds the gradient of a penalty of the caller's into
    /// ∂loss/∂codes (a conditional model's label adversary, `train::adversary`); its value is
    /// not part of the returned loss.
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
        mmd: Option<(&[f32], f32)>,
        labels: &[f32],
        code_penalty: Option<CodePenalty>,
    ) -> f64 {
        let (rng, kl_weight) = match vae {
            Some((rng, w)) => (Some(rng), w),
            None => (None, 0.0),
        };
        self.forward(input, rows, ws, rng, labels);
        self.loss_and_backward((input, target, context), (rows, rows), ws, grads, kl_weight, (mmd, code_penalty), labels)
    }

    /// The second half of `loss_and_gradients`, after `forward`: the loss of `rows` rows as
    /// their share of a batch of `of` rows, and its gradients into `grads`. `of` = `rows`
    /// but for one shard of a sharded batch (`train::session::shards`), whose loss and
    /// gradients are then that shard's terms of the whole batch's mean: the shards' sum is
    /// the batch's.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn loss_and_backward(
        &self,
        (input, target, context): (&[f32], &[f32], &[f32]),
        (rows, of): (usize, usize),
        ws: &mut Workspace,
        grads: &mut [f32],
        kl_weight: f32,
        (mmd, code_penalty): (Option<(&[f32], f32)>, Option<CodePenalty>),
        labels: &[f32],
    ) -> f64 {
        let n = self.layers.len();
        let mut loss = match &self.head {
            // a sum over each row's positions, averaged over the batch's rows (nats a text)
            Some(head) => self.head_loss(head, target, context, rows, ws, 1.0 / of as f64),
            None => {
                let spec = self.output_spec();
                let m = rows * spec.cols;
                let loss = spec.batch(&ws.z[n - 1][..m], &ws.a[n - 1][..m], target, rows);
                spec.grad_z(&ws.z[n - 1], &ws.a[n - 1], target, rows, of, &mut ws.dz);
                if rows == of {
                    loss
                } else {
                    loss * rows as f64 / of as f64
                }
            }
        };
        if let Some(v) = self.config.variational {
            // (sharding refuses variational models: the KL's free bits see the whole batch)
            let h = mat(&ws.a[self.encoder_layers - 1], rows, 2 * self.latent_size());
            loss += kl_weight as f64 * variational::kl(h, v.free_bits, &mut ws.active);
        }
        let mmd_value = self.backward((input, labels), context, (rows, of), ws, grads, kl_weight, (mmd, code_penalty));
        loss + mmd.map_or(0.0, |(_, lambda)| lambda as f64 * mmd_value)
    }

    /// A text model's head backward after `head_loss`: zeroes the gradients of the tables
    /// and the head (E has three users, which add), then leaves ∂loss/∂base in `ws.dz`.
    fn head_backward(&self, head: &TextHead, context: &[f32], (rows, of): (usize, usize), ws: &mut Workspace, grads: &mut [f32]) {
        let (first, last) = (&self.layers[0], &self.layers[self.layers.len() - 1]);
        grads[first.weights.clone()].fill(0.0);
        grads[last.weights.clone()].fill(0.0);
        let (front, back) = grads.split_at_mut(last.weights.start);
        let table = self.token_tables().0.to_slice().expect("row-major");
        let dtable = &mut front[..head.vocab * head.dim];
        let dbase = &mut ws.dz[..rows * head.length * head.dim];
        head.backward(context, rows, table, self.head_params(), 1.0 / of as f64, &mut ws.text, dbase, dtable, &mut back[..last.weights.len()]);
    }

    /// The backward pass after `forward` and the loss: each layer's gradients into `grads`,
    /// and ∂loss/∂(its input) on to the layer before. A numeric model's ∂loss/∂z of the
    /// output layer is in `ws.dz`; a text model's head starts it here. Returns MMD(codes,
    /// draws) when given `mmd` (0 otherwise).
    #[allow(clippy::too_many_arguments)]
    fn backward(
        &self,
        (input, labels): (&[f32], &[f32]),
        context: &[f32],
        (rows, of): (usize, usize),
        ws: &mut Workspace,
        grads: &mut [f32],
        kl_weight: f32,
        (mmd, mut code_penalty): (Option<(&[f32], f32)>, Option<CodePenalty>),
    ) -> f64 {
        let mut mmd_value = 0.0;
        let (n, enc, latent) = (self.layers.len(), self.encoder_layers, self.latent_size());
        let variational = self.is_variational();
        let top = match &self.head {
            Some(head) => {
                self.head_backward(head, context, (rows, of), ws, grads);
                n - 1
            }
            None => n,
        };
        for l in (0..top).rev() {
            let layer = &self.layers[l];
            if let Some(r) = self.label_range(l) {
                // zeroed with the token table's slice by `head_backward`
                label_table::backward(&ws.dz[..rows * layer.outputs], layer.outputs, labels, &mut grads[r]);
            }
            let g = &mut grads[layer.weights.start..layer.biases.end];
            let (gw, gb) = g.split_at_mut(layer.weights.len());
            let dz = mat(&ws.dz, rows, layer.outputs);
            if layer.kind == LayerKind::TokenTable {
                let t = self.config.tokens.expect("a text model");
                let (de, dp) = gw.split_at_mut(t.vocab * t.table);
                token_embedding::backward(mat(input, rows, t.length), dz, mat_mut(de, t.vocab, t.table), mat_mut(&mut dp[..t.length * t.table], t.length, t.table));
                continue;
            }
            let x = if l == 0 {
                mat(input, rows, layer.inputs)
            } else if l == enc && variational {
                mat(&ws.latent, rows, latent)
            } else {
                mat(&ws.a[l - 1], rows, layer.inputs)
            };
            let dx = if l > 0 { Some(mat_mut(&mut ws.dx, rows, layer.inputs)) } else { None };
            dense::backward(x, self.dense_params(layer).0, dz, mat_mut(gw, layer.inputs, layer.outputs), gb, dx);
            if l == 0 {
                continue;
            }
            if l == enc && variational {
                // dx is ∂loss/∂z; through the sampling to h = [μ | log σ²] (a linear layer).
                let (h, eps) = (mat(&ws.a[enc - 1], rows, 2 * latent), mat(&ws.eps, rows, latent));
                variational::backward(h, eps, mat(&ws.dx, rows, latent), kl_weight, &ws.active, mat_mut(&mut ws.dz, rows, 2 * latent));
            } else {
                let prev = &self.layers[l - 1];
                let k = rows * prev.outputs;
                if let (true, Some((draws, lambda))) = (l == enc, mmd) {
                    // the WAE's penalty acts on the code a (post latent activation), label by
                    // label for a conditional model
                    mmd_value = label_table::mmd_penalty(&ws.a[l - 1], draws, rows, prev.outputs, lambda, labels, None, &mut ws.dx[..k]);
                }
                if let (true, Some(penalty)) = (l == enc, code_penalty.as_mut()) {
                    penalty(&ws.a[l - 1][..k], &mut ws.dx[..k]);
                }
                prev.activation.backward(&ws.z[l - 1][..k], &ws.a[l - 1][..k], &mut ws.dx[..k]);
                std::mem::swap(&mut ws.dz, &mut ws.dx);
            }
        }
        mmd_value
    }
}

/// A caller's penalty on a plain model's codes: given the codes (B, latent), it adds its
/// gradient into ∂loss/∂codes (`Autoencoder::loss_and_gradients`).
pub type CodePenalty<'a> = &'a mut dyn FnMut(&[f32], &mut [f32]);
