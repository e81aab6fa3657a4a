//! The JS boundary of latentkit. Every function copies in (slices) and copies out (fresh
//! `Vec`s become fresh typed arrays), so JS never holds a view into wasm memory.
//! Errors leave as real JS `Error`s with a `code` property (see `error.rs`); the TypeScript
//! SDK turns them into `LatentkitError`.
//!
//! Strings leave as `JsString`s made on the JS side from a view of wasm memory, which keeps
//! the generated glue small (no copy-out-and-free wrapper per method).
//!
//! Matrices cross as row-major `Float32Array`s plus a row count; the column count is
//! implied by the model (data columns or latent size) and checked by the core: this crate
//! only converts types and errors.

#[cfg(feature = "diagnostics")]
mod diagnostics;
mod error;
mod exchange;

use error::{to_js, JsResult};
use latentkit_core::{kernels, limits, model_file, Autoencoder, ModelConfig, TrainOptions, Trainer};
use js_sys::JsString;
use wasm_bindgen::prelude::*;

/// A dense autoencoder living in wasm memory, plus its trainer (idle or training).
#[wasm_bindgen]
pub struct Model {
    net: Autoencoder,
    trainer: Trainer,
    /// JSON object kept with the model file (history summary etc.); opaque to Rust.
    meta_json: String,
    /// A worker's exchange with the other workers (`trainExchange`), for this session.
    exchange: Option<js_sys::Function>,
}

#[wasm_bindgen]
impl Model {
    /// Builds a model with fresh, seeded weights from a JSON `ModelConfig`.
    pub fn create(config_json: &str) -> JsResult<Model> {
        let config = ModelConfig::from_json(config_json).map_err(to_js)?;
        let net = Autoencoder::new(config).map_err(to_js)?;
        Ok(Model { net, trainer: Trainer::new(), meta_json: "{}".into(), exchange: None })
    }

    /// Reads a model file made by `toBytes`; verifies magic, version, CRC and shapes.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> JsResult<Model> {
        let file = model_file::decode(bytes).map_err(to_js)?;
        // a file saved with the optimiser's state continues it in the next session
        Ok(Model { net: file.model, trainer: Trainer::resumed(file.optimizer), meta_json: file.meta_json, exchange: None })
    }

    /// Writes the model file. `meta_json` must be a JSON object; it is stored verbatim
    /// in the header (keep it free of timings if saved bytes must be reproducible). With
    /// `optimizer` true and a finished session behind the model, the file (format version 2)
    /// also carries the optimiser's state, so that a `fit` after `fromBytes` continues
    /// bit for bit; otherwise it is the default version 1 file. INVALID_STATE while training.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self, meta_json: &str, optimizer: Option<bool>) -> JsResult<Vec<u8>> {
        let state = if optimizer == Some(true) { self.trainer.saved_state().map_err(to_js)? } else { None };
        model_file::encode(&self.net, meta_json, &js_number, state).map_err(to_js)
    }

    /// The normalised model config as JSON (defaults filled in).
    #[wasm_bindgen(js_name = configJson)]
    pub fn config_json(&self) -> JsString {
        self.net.config().to_json(&js_number).into()
    }

    /// The meta JSON object read from a model file (`"{}"` for a new model).
    #[wasm_bindgen(js_name = metaJson)]
    pub fn meta_json(&self) -> JsString {
        self.meta_json.as_str().into()
    }

    #[wasm_bindgen(js_name = inputSize)]
    pub fn input_size(&self) -> usize {
        self.net.input_size()
    }

    #[wasm_bindgen(js_name = latentSize)]
    pub fn latent_size(&self) -> usize {
        self.net.latent_size()
    }

    #[wasm_bindgen(js_name = paramCount)]
    pub fn param_count(&self) -> usize {
        self.net.params().len()
    }

    /// Hex digest (CRC32 + FNV-1a 64) of the weights' bytes, for determinism checks.
    #[wasm_bindgen(js_name = weightsDigest)]
    pub fn weights_digest(&self) -> JsString {
        self.net.weights_digest().as_str().into()
    }

    /// rows x dataCols -> rows x latentSize (the posterior mean for a variational model)
    pub fn encode(&mut self, data: &[f32], rows: usize) -> JsResult<Vec<f32>> {
        self.net.encode(data, rows).map_err(to_js)
    }

    /// rows x dataCols -> rows x 2·latentSize: posterior mean, then log-variance, per row.
    /// Variational models only (INVALID_STATE otherwise).
    #[wasm_bindgen(js_name = encodeDistribution)]
    pub fn encode_distribution(&mut self, data: &[f32], rows: usize) -> JsResult<Vec<f32>> {
        self.net.encode_distribution(data, rows).map_err(to_js)
    }

    /// Columns of one row of data: inputSize, or the sequence length of a token model
    /// (whose rows are token ids).
    #[wasm_bindgen(js_name = dataCols)]
    pub fn data_cols(&self) -> usize {
        self.net.data_cols()
    }

    /// rows x latentSize -> rows x inputSize (for token models: a probability
    /// distribution over the vocabulary per position). `labels`: a conditional model's label
    /// id of each row, empty for other models; `guidance` its label guidance (0: none).
    pub fn decode(&mut self, codes: &[f32], rows: usize, labels: &[f32], guidance: f32) -> JsResult<Vec<f32>> {
        self.net.decode_labelled(codes, rows, labels, guidance).map_err(to_js)
    }

    /// For token models (with or without a context head): texts drawn token by token (see
    /// the core's `decode_sampled`): rows x length token ids, given the codes, rows x
    /// (length - 1) uniform numbers in [0, 1), the token temperature (0: most likely) and,
    /// for a conditional model, each row's label id (empty for other models) and the label
    /// guidance (0: none).
    #[wasm_bindgen(js_name = decodeSampled)]
    pub fn decode_sampled(&mut self, codes: &[f32], rows: usize, uniforms: &[f32], temperature: f32, labels: &[f32], guidance: f32) -> JsResult<Vec<f32>> {
        self.net.decode_sampled(codes, rows, uniforms, temperature, labels, guidance).map_err(to_js)
    }

    /// rows x inputSize -> rows x inputSize
    pub fn reconstruct(&mut self, data: &[f32], rows: usize) -> JsResult<Vec<f32>> {
        self.net.reconstruct(data, rows).map_err(to_js)
    }

    /// Per-row reconstruction loss: the mean over the row's columns (positions for a token
    /// model), or their sum for a variational model (decoded from the posterior mean).
    pub fn score(&mut self, data: &[f32], rows: usize) -> JsResult<Vec<f32>> {
        self.net.score(data, rows).map_err(to_js)
    }

    /// The model's loss on these rows: the mean of `score`, plus β·KL for a variational model.
    pub fn evaluate(&mut self, data: &[f32], rows: usize) -> JsResult<f64> {
        self.net.evaluate(data, rows).map_err(to_js)
    }

    /// Starts a training session on `data` (and a copy of `val_data` when `val_rows` > 0).
    /// `options_json` is a JSON `TrainOptions`. `data` is taken by value: the glue's copy in
    /// wasm memory becomes the session's, so the data is not held twice.
    #[wasm_bindgen(js_name = trainBegin)]
    pub fn train_begin(
        &mut self,
        options_json: &str,
        data: Vec<f32>,
        rows: usize,
        val_data: &[f32],
        val_rows: usize,
    ) -> JsResult<()> {
        let options = TrainOptions::from_json(options_json).map_err(to_js)?;
        let val = if val_rows > 0 { Some((val_data, val_rows)) } else { None };
        self.exchange = None;
        self.trainer.begin(&self.net, options, data, rows, val).map_err(to_js)
    }

    /// A worker's session (options `workers` > 1): `exchange(values, lo, hi)` is called
    /// during `trainStep`, once or twice a batch, with a view of wasm memory; it must make
    /// every value of `values` what its owner wrote, this worker having written
    /// `values[lo..hi]`, copying bits (`Float32Array.prototype.set`), never numbers: some
    /// values are halves of f64s (see the core's `Exchange`). If it throws, the step fails.
    #[wasm_bindgen(js_name = trainExchange)]
    pub fn train_exchange(&mut self, exchange: js_sys::Function) {
        self.exchange = Some(exchange);
    }

    /// Runs at most `max_batches` batches, never past the end of an epoch. Returns a JSON
    /// `StepReport`. On divergence it throws `DIVERGED`, the weights are back at the start of
    /// the failed epoch and the session is over.
    #[wasm_bindgen(js_name = trainStep)]
    pub fn train_step(&mut self, max_batches: u32) -> JsResult<JsString> {
        let mut ex = self.exchange.as_ref().map(exchange::JsExchange);
        let ex = ex.as_mut().map(|e| e as &mut dyn latentkit_core::Exchange);
        let report = self.trainer.step_with(&mut self.net, max_batches as usize, ex).map_err(to_js)?;
        Ok(report.to_json(&js_number).into())
    }

    /// Ends the session as its options say: with early stopping's `restoreBestWeights`, the
    /// weights of the best monitored epoch come back. Returns a JSON `TrainSummary`.
    #[wasm_bindgen(js_name = trainEnd)]
    pub fn train_end(&mut self) -> JsResult<JsString> {
        Ok(self.trainer.end(&mut self.net).map_err(to_js)?.to_json(&js_number).into())
    }

    /// Internal, for tests only (not part of the API): traps (an `unreachable`
    /// instruction) inside a method of this model, as a bug would: the instance is left as
    /// after a real trap (this model's borrow flag set, the shadow stack not unwound), so
    /// the SDK's tests can check that a trap never poisons other models. A few bytes of wasm.
    #[wasm_bindgen(js_name = __trapForTests)]
    pub fn trap_for_tests(&mut self) {
        #[cfg(target_arch = "wasm32")]
        core::arch::wasm32::unreachable();
        #[cfg(not(target_arch = "wasm32"))]
        panic!("__trapForTests");
    }

    /// Ends the session early, keeping the weights of the last finished batch (a stopped or
    /// failed run). Returns a JSON `TrainSummary` (`restored` false).
    #[wasm_bindgen(js_name = trainAbort)]
    pub fn train_abort(&mut self) -> JsResult<JsString> {
        Ok(self.trainer.abort().map_err(to_js)?.to_json(&js_number).into())
    }
}

/// Formats a number the way JavaScript does, so the wasm needs no float printer of its own.
pub(crate) fn js_number(x: f64) -> String {
    js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_else(|_| "null".into())
}

/// The core's version and whether it was compiled with SIMD128.
#[wasm_bindgen(js_name = buildInfo)]
pub fn build_info() -> JsString {
    let info = format!(
        "{{\"version\":\"{}\",\"simd128\":{}}}",
        env!("CARGO_PKG_VERSION"),
        kernels::SIMD_ENABLED
    );
    info.into()
}

/// The core's size limits as JSON: `{ maxParams, maxUnits, maxLayers, maxDataValues,
/// maxOutputValues, maxWorkspaceValues, maxBatch, maxEpochs, maxContext, maxTokenWidth,
/// maxSeed }`.
#[wasm_bindgen]
pub fn limits() -> JsString {
    limits::limits_json().into()
}

/// The parameter layout of a JSON `ModelConfig` without allocating its weights:
/// `{ paramCount, layers: [{ inputs, outputs, activation, weights: [start, end],
/// biases: [start, end] }] }`. Throws the config's error (`INVALID_OPTION`, `TOO_LARGE`).
#[wasm_bindgen(js_name = planJson)]
pub fn plan_json(config_json: &str) -> JsResult<JsString> {
    let config = ModelConfig::from_json(config_json).map_err(to_js)?;
    Ok(config.plan().to_json().into())
}
