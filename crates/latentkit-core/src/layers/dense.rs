//! A dense layer as a forward/backward pair of plain functions over flat row-major slices.
//! Weights are stored (inputs × outputs) so the forward pass is X·W with no transpose.

use crate::layers::activation::Activation;
use crate::kernels;

/// x (B, I), w (I, O), b (O) -> z (B, O) = x·w + b, a (B, O) = act(z)
#[allow(clippy::too_many_arguments)]
pub fn forward(rows: usize, inputs: usize, outputs: usize, x: &[f32], w: &[f32], b: &[f32], act: Activation, z: &mut [f32], a: &mut [f32]) {
    let z = &mut z[..rows * outputs];
    kernels::gemm_nn(rows, outputs, inputs, x, w, z, false);
    act.bias_forward(z, b, &mut a[..rows * outputs]);
}

/// Inference form of `forward`: out (B, O) = act(x·w + b), keeping no pre-activation.
#[allow(clippy::too_many_arguments)]
pub fn infer(rows: usize, inputs: usize, outputs: usize, x: &[f32], w: &[f32], b: &[f32], act: Activation, out: &mut [f32]) {
    let out = &mut out[..rows * outputs];
    kernels::gemm_nn(rows, outputs, inputs, x, w, out, false);
    act.bias_forward_in_place(out, b);
}

/// Given dz (B, O) = ∂L/∂z: dw (I, O) = xᵀ·dz, db (O) = Σ_rows dz, and, when asked,
/// dx (B, I) = dz·wᵀ. Gradients are overwritten, not accumulated.
#[allow(clippy::too_many_arguments)]
pub fn backward(
    rows: usize,
    inputs: usize,
    outputs: usize,
    x: &[f32],
    w: &[f32],
    dz: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    dx: Option<&mut [f32]>,
) {
    kernels::gemm_tn(inputs, outputs, rows, x, dz, dw, false);
    db.fill(0.0);
    for row in dz[..rows * outputs].chunks_exact(outputs) {
        for (g, &d) in db.iter_mut().zip(row) {
            *g += d;
        }
    }
    if let Some(dx) = dx {
        kernels::gemm_nt(rows, inputs, outputs, dz, w, dx, false);
    }
}
