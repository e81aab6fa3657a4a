//! The autoencoder: layer shapes, one flat parameter buffer, forward passes for
//! inference, and the full forward + backward pass used by training.

use crate::config::ModelConfig;
use crate::dense;
use crate::error::{Error, Result};
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
        for layer in &layers {
            let limit = match config.init {
                crate::config::Init::GlorotUniform => (6.0 / (layer.inputs + layer.outputs) as f64).sqrt(),
                crate::config::Init::HeUniform => (6.0 / layer.inputs as f64).sqrt(),
            } as f32;
            for w in &mut params[layer.weights.clone()] {
                *w = rng.uniform_in(-limit, limit);
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

    /// rows × inputSize -> rows × latentSize
    pub fn encode_view(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&x, self.input_size(), "data")?;
        Ok(self.run(0..self.encoder_layers, x))
    }

    /// rows × latentSize -> rows × inputSize
    pub fn decode_view(&self, z: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&z, self.latent_size(), "codes")?;
        Ok(self.run(self.encoder_layers..self.layers.len(), z))
    }

    /// rows × inputSize -> rows × inputSize
    pub fn reconstruct_view(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&x, self.input_size(), "data")?;
        Ok(self.run(0..self.layers.len(), x))
    }

    /// The loss of each row's reconstruction (mean over its columns).
    pub fn score_view(&self, x: ArrayView2<f32>) -> Result<Array1<f32>> {
        self.check_cols(&x, self.input_size(), "data")?;
        let x = x.as_standard_layout();
        let data = x.as_slice().expect("standard layout");
        let cols = self.input_size();
        let mut out = vec![0f32; x.nrows()];
        let mut ws = Workspace::new(&self.layers, INFERENCE_CHUNK.min(x.nrows()));
        let last = self.layers.len() - 1;
        for (chunk, scores) in data.chunks(INFERENCE_CHUNK * cols).zip(out.chunks_mut(INFERENCE_CHUNK)) {
            let rows = scores.len();
            self.forward(0..self.layers.len(), chunk, rows, &mut ws);
            let n = rows * cols;
            self.config.loss.per_row(&ws.z[last][..n], &ws.a[last][..n], chunk, cols, scores);
        }
        Ok(Array1::from(out))
    }

    /// Mean reconstruction loss over all rows (the training loss, on this data).
    pub fn evaluate_view(&self, x: ArrayView2<f32>) -> Result<f64> {
        let rows = x.nrows();
        let scores = self.score_view(x)?;
        Ok(scores.iter().map(|&s| s as f64).sum::<f64>() / rows as f64)
    }

    // ---- the same on flat row-major slices (the wasm boundary's form) ----

    pub fn encode(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        matrix::view(data, rows, self.input_size(), "data")?;
        Ok(self.infer(0..self.encoder_layers, data, rows))
    }
    pub fn decode(&self, codes: &[f32], rows: usize) -> Result<Vec<f32>> {
        matrix::view(codes, rows, self.latent_size(), "codes")?;
        Ok(self.infer(self.encoder_layers..self.layers.len(), codes, rows))
    }
    pub fn reconstruct(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        matrix::view(data, rows, self.input_size(), "data")?;
        Ok(self.infer(0..self.layers.len(), data, rows))
    }
    pub fn score(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        let x = matrix::view(data, rows, self.input_size(), "data")?;
        Ok(self.score_view(x)?.to_vec())
    }
    pub fn evaluate(&self, data: &[f32], rows: usize) -> Result<f64> {
        let x = matrix::view(data, rows, self.input_size(), "data")?;
        self.evaluate_view(x)
    }

    fn check_cols(&self, x: &ArrayView2<f32>, cols: usize, what: &str) -> Result<()> {
        if x.nrows() == 0 {
            return Err(Error::EmptyData(format!("{what} has no rows: pass at least one row")));
        }
        if x.ncols() != cols {
            return Err(Error::ShapeMismatch(format!("{what} has {} columns but the model expects {cols}", x.ncols())));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Error::NonFiniteInput(format!("{what} contains NaN or Infinity: replace them before calling")));
        }
        Ok(())
    }

    fn run(&self, layers: Range<usize>, x: ArrayView2<f32>) -> Array2<f32> {
        let x = x.as_standard_layout();
        let out = self.infer(layers.clone(), x.as_slice().expect("standard layout"), x.nrows());
        Array2::from_shape_vec((x.nrows(), self.layers[layers.end - 1].outputs), out).expect("sized by infer")
    }

    /// Inference through `layers` over checked row-major data, in chunks of rows, with two
    /// ping-pong buffers (no pre-activations kept): the lean path of encode/decode.
    fn infer(&self, layers: Range<usize>, data: &[f32], rows: usize) -> Vec<f32> {
        let cols = self.layers[layers.start].inputs;
        let out_cols = self.layers[layers.end - 1].outputs;
        let widest = self.layers[layers.clone()].iter().map(|l| l.outputs).max().unwrap_or(0);
        let chunk_rows = INFERENCE_CHUNK.min(rows);
        let mut ping = vec![0f32; chunk_rows * widest];
        let mut pong = vec![0f32; chunk_rows * widest];
        let mut out = vec![0f32; rows * out_cols];
        for (chunk, dest) in data.chunks(INFERENCE_CHUNK * cols).zip(out.chunks_mut(INFERENCE_CHUNK * out_cols)) {
            let n = chunk.len() / cols;
            for (i, layer) in self.layers[layers.clone()].iter().enumerate() {
                // layer i reads the chunk (i = 0) or the buffer layer i-1 wrote, writes the other
                let (src, dst): (&[f32], &mut [f32]) = match i {
                    0 => (chunk, &mut ping),
                    _ if i % 2 == 1 => (&ping, &mut pong),
                    _ => (&pong, &mut ping),
                };
                let (w, b) = (&self.params[layer.weights.clone()], &self.params[layer.biases.clone()]);
                dense::infer(n, layer.inputs, layer.outputs, src, w, b, layer.activation, dst);
            }
            let last = if layers.len() % 2 == 1 { &ping } else { &pong };
            dest.copy_from_slice(&last[..n * out_cols]);
        }
        out
    }

    /// Forward pass through `layers`, leaving each layer's z and a in the workspace.
    pub(crate) fn forward(&self, layers: Range<usize>, x: &[f32], rows: usize, ws: &mut Workspace) {
        let first = layers.start;
        for l in layers {
            let layer = &self.layers[l];
            let (before, after) = ws.a.split_at_mut(l);
            let input: &[f32] = if l == first { x } else { &before[l - 1] };
            dense::forward(
                rows,
                layer.inputs,
                layer.outputs,
                input,
                &self.params[layer.weights.clone()],
                &self.params[layer.biases.clone()],
                layer.activation,
                &mut ws.z[l],
                &mut after[0],
            );
        }
    }

    /// Full forward and backward pass of a batch: writes ∂loss/∂params into `grads`
    /// (same layout as the parameters) and returns the batch's mean loss.
    pub(crate) fn loss_and_gradients(&self, input: &[f32], target: &[f32], rows: usize, ws: &mut Workspace, grads: &mut [f32]) -> f64 {
        let n = self.layers.len();
        self.forward(0..n, input, rows, ws);
        let out = &self.layers[n - 1];
        let m = rows * out.outputs;
        let (z, a, y) = (&ws.z[n - 1][..m], &ws.a[n - 1][..m], &target[..m]);
        let loss = self.config.loss.mean(z, a, y);
        self.config.loss.grad_z(out.activation, z, a, y, &mut ws.dz[..m]);
        for l in (0..n).rev() {
            let layer = &self.layers[l];
            let x: &[f32] = if l == 0 { input } else { &ws.a[l - 1][..rows * layer.inputs] };
            let g = &mut grads[layer.weights.start..layer.biases.end];
            let (gw, gb) = g.split_at_mut(layer.weights.len());
            let dx = if l > 0 { Some(&mut ws.dx[..rows * layer.inputs]) } else { None };
            dense::backward(rows, layer.inputs, layer.outputs, x, &self.params[layer.weights.clone()], &ws.dz[..rows * layer.outputs], gw, gb, dx);
            if l > 0 {
                let prev = &self.layers[l - 1];
                let k = rows * prev.outputs;
                prev.activation.backward(&ws.z[l - 1][..k], &ws.a[l - 1][..k], &mut ws.dx[..k]);
                std::mem::swap(&mut ws.dz, &mut ws.dx);
            }
        }
        loss
    }
}

/// Lays the parameters out layer by layer: weights (inputs × outputs), then biases.
fn plan_layers(config: &ModelConfig) -> (Vec<Layer>, usize) {
    let mut offset = 0;
    let layers = config
        .layer_shapes()
        .into_iter()
        .map(|(inputs, outputs, activation)| {
            let weights = offset..offset + inputs * outputs;
            let biases = weights.end..weights.end + outputs;
            offset = biases.end;
            Layer { inputs, outputs, activation, weights, biases }
        })
        .collect();
    (layers, offset)
}

/// Per-layer activations and two gradient buffers for a batch of up to `rows` rows;
/// made once per batch size, so the training loop does not allocate.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    pub z: Vec<Vec<f32>>,
    pub a: Vec<Vec<f32>>,
    pub dz: Vec<f32>,
    pub dx: Vec<f32>,
}

impl Workspace {
    pub fn new(layers: &[Layer], rows: usize) -> Workspace {
        let widest = layers.iter().map(|l| l.outputs.max(l.inputs)).max().unwrap_or(0);
        Workspace {
            z: layers.iter().map(|l| vec![0f32; rows * l.outputs]).collect(),
            a: layers.iter().map(|l| vec![0f32; rows * l.outputs]).collect(),
            dz: vec![0f32; rows * widest],
            dx: vec![0f32; rows * widest],
        }
    }
}
