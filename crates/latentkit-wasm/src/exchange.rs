//! A worker's exchange (issue #14): the core's `Exchange` calls a JS function the SDK's worker
//! gives (`Model.trainExchange`), which trades this worker's part of a batch with the other
//! workers through SharedArrayBuffers. The function sees a view of wasm memory, not a copy:
//! a partial gradient is megabytes a batch, and the view is valid only during the call
//! (the function must not call back into wasm, which could grow the memory).

use js_sys::{Float32Array, Function};
use latentkit_core::{Error, Exchange, Result};
use std::ops::Range;
use wasm_bindgen::JsValue;

/// The SDK worker's function `(values, lo, hi) => void`.
pub(crate) struct JsExchange<'a>(pub &'a Function);

impl Exchange for JsExchange<'_> {
    fn exchange(&mut self, values: &mut [f32], mine: Range<usize>) -> Result<()> {
        // SAFETY: the view covers exactly `values`, which stays borrowed (and wasm memory
        // unmoved: the function makes no wasm call) until the call returns.
        let view = unsafe { Float32Array::view_mut_raw(values.as_mut_ptr(), values.len()) };
        match self.0.call3(&JsValue::NULL, &view, &JsValue::from(mine.start as u32), &JsValue::from(mine.end as u32)) {
            Ok(_) => Ok(()),
            Err(_) => Err(Error::InvalidState("a worker's exchange threw".into())),
        }
    }
}
