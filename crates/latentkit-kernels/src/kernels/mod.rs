//! The hot loops: the three matrix products of a dense layer.
//!
//! | product          | used for               | layout of the operands                   |
//! |------------------|------------------------|------------------------------------------|
//! | `gemm_nn` C=A·B  | forward  Z = X·W       | A (m×k), B (k×n)                         |
//! | `gemm_nt` C=A·Bᵀ | backward dX = dZ·Wᵀ    | A (m×k), B (n×k)                         |
//! | `gemm_tn` C=Aᵀ·B | backward dW = Xᵀ·dZ    | A (k×m), B (k×n)                         |
//!
//! All matrices are row-major `f32`. Each product overwrites C, or adds to it when
//! `accumulate` is set. Two implementations share these signatures: `scalar` (the
//! reference, used natively and by tests) and `simd128` (wasm32 with `+simd128`). Both
//! sum every C element over k in the same order, with separate multiply and add and no
//! fused multiply-add, so they agree bit for bit; the parity cases in `diagnostics` hold
//! them to that. This module imports nothing of the crate but `math`.
//!
//! Besides the products (and Adam's update and the sigmoid output layer, twinned the same
//! way), `elementwise` holds the layers' element-wise loops, written once (see there).

pub mod elementwise;
pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd128;

// `active` is the implementation this build runs; the core's `diagnostics` compares it with
// `scalar` (public for that reason: the core is another crate).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd128 as active;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub use scalar as active;

/// True when this build runs the wasm SIMD128 kernels.
pub const SIMD_ENABLED: bool = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));

/// C (m×n) = A (m×k) · B (k×n)
#[inline]
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    check(m, n, k, a, b, c);
    active::gemm_nn(m, n, k, a, b, c, accumulate)
}

/// C (m×n) = A (m×k) · Bᵀ, with B stored (n×k)
#[inline]
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    check(m, n, k, a, b, c);
    active::gemm_nt(m, n, k, a, b, c, accumulate)
}

/// C (m×n) = Aᵀ · B, with A stored (k×m) and B (k×n)
#[inline]
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    check(m, n, k, a, b, c);
    active::gemm_tn(m, n, k, a, b, c, accumulate)
}

/// Constants of one Adam step. `l2` is added as `l2 · p` to the gradient (Adam's
/// weight decay); `decay` multiplies p first (AdamW's decoupled decay; 1 otherwise).
#[derive(Debug, Clone, Copy)]
pub struct AdamStep {
    pub step_size: f32,
    pub bc2_sqrt: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub l2: f32,
    pub decay: f32,
}

/// p, m, v updated in place: g' = g + l2·p; p *= decay; m = β1·m + (1-β1)·g';
/// v = β2·v + (1-β2)·g'·g'; p -= step_size · m / (√v / bc2_sqrt + ε). False if a parameter
/// became non-finite.
#[inline]
pub fn adam(params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32], s: &AdamStep) -> bool {
    let n = params.len();
    assert!(grads.len() == n && m.len() == n && v.len() == n, "adam buffers differ in length");
    active::adam(params, grads, m, v, s)
}

/// z += bias row by row, then a = sigmoid(z): the output layer of most autoencoders.
#[inline]
pub fn bias_sigmoid(z: &mut [f32], bias: &[f32], a: &mut [f32]) {
    assert!(!bias.is_empty() && z.len().is_multiple_of(bias.len()) && a.len() == z.len(), "bias_sigmoid shapes");
    active::bias_sigmoid(z, bias, a)
}

/// Callers size every buffer from the model's shapes; a mismatch is a bug in the core,
/// caught here once so the kernels may index without further checks.
#[inline]
fn check(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &[f32]) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "gemm operand too small");
}
