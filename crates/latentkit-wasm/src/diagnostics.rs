//! Exports of the test-only diagnostics wasm (cargo feature `diagnostics`; see
//! scripts/build-wasm.sh): the kernel parity report and the kernel timings. They serve the
//! SDK's tests and the benchmark, so the wasm that users get leaves them out (5.8 KiB gzip).

use crate::error::{to_js, JsResult};
use crate::js_number;
use js_sys::JsString;
use latentkit_core::diagnostics;
use wasm_bindgen::prelude::*;

/// Runs every kernel through its SIMD and scalar implementations on seeded random inputs
/// and returns a JSON report `{ simd: bool, cases: [{ name, maxAbsDiff }] }`. The tests of
/// the built wasm call it to compare the two paths inside wasm itself.
#[wasm_bindgen(js_name = kernelParityReport)]
pub fn kernel_parity_report() -> JsString {
    diagnostics::parity_report_json(&js_number).into()
}

/// Runs `reps` matrix products of `kind` ("nn" C=A·B, "nt" C=A·Bᵀ, "tn" C=Aᵀ·B) with C of
/// m×n and inner size k, for benchmarks that time the kernels alone. Returns a checksum.
#[wasm_bindgen(js_name = benchKernel)]
pub fn bench_kernel(kind: &str, m: usize, n: usize, k: usize, reps: u32) -> JsResult<f32> {
    diagnostics::bench_products(kind, m, n, k, reps)
        .ok_or_else(|| to_js(latentkit_core::Error::InvalidOption("benchKernel: kind must be nn, nt or tn and sizes at most 2^24 per operand".into())))
}
