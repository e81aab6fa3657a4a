//! The sharded session's phase API (`latentkit_core::train::session::shards`) for JS, in the
//! test-only diagnostics wasm (cargo feature `diagnostics`): the worker probe of issue #14
//! (packages/bench/src/shards-probe.mjs) drives one wasm instance per worker through it. Not
//! in the shipped wasm: workers are not an API yet, and these calls would cost its size budget.

use crate::error::{to_js, JsResult};
use crate::{js_number, Model};
use js_sys::JsString;
use latentkit_core::kernels::elementwise::add_into;
use latentkit_core::{Error, Result, TrainSession, Trainer};
use wasm_bindgen::prelude::*;

fn refused() -> Error {
    Error::InvalidState("the shard calls need a training session begun with shards > 0".into())
}

/// The model's running session, if it is a sharded one.
fn sharded(trainer: &mut Trainer) -> Result<&mut TrainSession> {
    let session = trainer.session_mut()?;
    if session.shard_count() == 0 {
        return Err(refused());
    }
    Ok(session)
}

#[wasm_bindgen]
impl Model {
    /// Starts the next batch (same rows and noise in every instance); returns its rows.
    #[wasm_bindgen(js_name = shardBegin)]
    pub fn shard_begin(&mut self) -> JsResult<usize> {
        let net = &self.net;
        sharded(&mut self.trainer).and_then(|s| s.begin_batch(net)).map_err(to_js)
    }

    /// `{ shards, coupled }` of the running sharded session.
    #[wasm_bindgen(js_name = shardInfo)]
    pub fn shard_info(&mut self) -> JsResult<JsString> {
        let s = sharded(&mut self.trainer).map_err(to_js)?;
        Ok(format!(r#"{{"shards":{},"coupled":{}}}"#, s.shard_count(), s.coupled()).into())
    }

    /// Phase 1 of a coupled batch: shard `s`'s codes (its rows × latent) into `codes`.
    #[wasm_bindgen(js_name = shardForward)]
    pub fn shard_forward(&mut self, s: usize, codes: &mut [f32]) -> JsResult<()> {
        let net = &self.net;
        sharded(&mut self.trainer).and_then(|session| session.shard_forward(net, s, codes)).map_err(to_js)
    }

    /// The batch level of a coupled batch: ∂terms/∂codes (B × latent) from all codes;
    /// returns the terms' share of the loss.
    #[wasm_bindgen(js_name = shardCodeGradient)]
    pub fn shard_code_gradient(&mut self, codes: &[f32], dcodes: &mut [f32]) -> JsResult<f64> {
        let net = &self.net;
        sharded(&mut self.trainer).and_then(|session| session.code_gradient(net, codes, dcodes)).map_err(to_js)
    }

    /// Shard `s`'s gradient into `grads` (every parameter); returns its share of the loss.
    #[wasm_bindgen(js_name = shardGradient)]
    pub fn shard_gradient(&mut self, s: usize, dcodes: &[f32], grads: &mut [f32]) -> JsResult<f64> {
        let net = &self.net;
        sharded(&mut self.trainer).and_then(|session| session.shard_gradient(net, s, dcodes, grads)).map_err(to_js)
    }

    /// Ends the batch with the shards' gradients and losses added in shard order; returns
    /// the JSON `StepReport` of this one batch.
    #[wasm_bindgen(js_name = shardEnd)]
    pub fn shard_end(&mut self, grads: &[f32], loss: f64) -> JsResult<JsString> {
        let report = self.trainer.end_batch(&mut self.net, grads, loss).map_err(to_js)?;
        Ok(report.to_json(&js_number).into())
    }

    /// The probe's exchange: values `lo..hi` of the sum of `count` shard gradients laid end
    /// to end in `parts` (count × n), added in shard order as the core adds them (in wasm,
    /// where a JS loop over Float32Arrays was ~5 ns a value).
    #[wasm_bindgen(js_name = shardSumSlice)]
    pub fn shard_sum_slice(parts: &[f32], count: usize, lo: usize, hi: usize) -> JsResult<Vec<f32>> {
        let n = parts.len() / count.max(1);
        if count == 0 || lo > hi || hi > n {
            return Err(to_js(Error::InvalidOption("shardSumSlice: count > 0 and lo <= hi <= parts.length / count".into())));
        }
        let mut sum = parts[lo..hi].to_vec();
        for s in 1..count {
            add_into(&mut sum, &parts[s * n + lo..s * n + hi]);
        }
        Ok(sum)
    }
}
