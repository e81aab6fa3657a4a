//! A dense layer as a forward/backward pair of plain functions over row-major matrix
//! views; the shapes come from the views, and the kernels get their contiguous slices.
//! Weights are stored (inputs × outputs) so the forward pass is X·W with no transpose.

use crate::kernels;
use crate::kernels::elementwise::add_into;
use crate::layers::activation::Activation;
use crate::layers::{flat, flat_mut};
use ndarray::{ArrayView2, ArrayViewMut2};

/// x (B, I), w (I, O), b (O) -> z (B, O) = x·w + b, a (B, O) = act(z)
pub fn forward(x: ArrayView2<f32>, w: ArrayView2<f32>, b: &[f32], act: Activation, mut z: ArrayViewMut2<f32>, mut a: ArrayViewMut2<f32>) {
    product(x, w, &mut z);
    act.bias_forward(flat_mut(&mut z), b, flat_mut(&mut a));
}

/// Inference form of `forward`: out (B, O) = act(x·w + b), keeping no pre-activation.
pub fn infer(x: ArrayView2<f32>, w: ArrayView2<f32>, b: &[f32], act: Activation, mut out: ArrayViewMut2<f32>) {
    product(x, w, &mut out);
    act.bias_forward_in_place(flat_mut(&mut out), b);
}

/// z (B, O) = x (B, I) · w (I, O)
fn product(x: ArrayView2<f32>, w: ArrayView2<f32>, z: &mut ArrayViewMut2<f32>) {
    let ((rows, inputs), outputs) = (x.dim(), w.ncols());
    assert!(w.nrows() == inputs && z.dim() == (rows, outputs), "dense shapes");
    kernels::gemm_nn(rows, outputs, inputs, flat(&x), flat(&w), flat_mut(z), false);
}

/// Given x (B, I), w (I, O) and dz (B, O) = ∂L/∂z: dw (I, O) = xᵀ·dz, db (O) = Σ_rows dz,
/// and, when asked, dx (B, I) = dz·wᵀ. Gradients are overwritten, not accumulated.
pub fn backward(x: ArrayView2<f32>, w: ArrayView2<f32>, dz: ArrayView2<f32>, mut dw: ArrayViewMut2<f32>, db: &mut [f32], dx: Option<ArrayViewMut2<f32>>) {
    let ((rows, inputs), outputs) = (x.dim(), w.ncols());
    assert!(w.dim() == dw.dim() && dz.dim() == (rows, outputs) && db.len() == outputs, "dense gradient shapes");
    kernels::gemm_tn(inputs, outputs, rows, flat(&x), flat(&dz), flat_mut(&mut dw), false);
    db.fill(0.0);
    for row in flat(&dz).chunks_exact(outputs) {
        add_into(db, row);
    }
    if let Some(mut dx) = dx {
        assert!(dx.dim() == (rows, inputs), "dense dx shape");
        kernels::gemm_nt(rows, inputs, outputs, flat(&dz), flat(&w), flat_mut(&mut dx), false);
    }
}
