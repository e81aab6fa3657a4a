//! The first layer of a token model. A row is `length` token ids, which stand for a
//! one-hot vector of length × vocab; its product with W (length·vocab × outputs) is the
//! sum of one row of W per position. Computing that sum directly skips the zeros.

use crate::layers::activation::Activation;
use crate::layers::{flat, flat_mut};
use ndarray::{ArrayView2, ArrayViewMut2};

/// ids (B, L), w (L·V, O), b (O) -> z (B, O) = Σ_t W[t·V + id_t] + b, a = act(z)
pub fn forward(ids: ArrayView2<f32>, w: ArrayView2<f32>, b: &[f32], act: Activation, mut z: ArrayViewMut2<f32>, mut a: ArrayViewMut2<f32>) {
    sum_rows(ids, w, &mut z);
    act.bias_forward(flat_mut(&mut z), b, flat_mut(&mut a));
}

/// Inference form: out (B, O) = act(Σ_t W[t·V + id_t] + b)
pub fn infer(ids: ArrayView2<f32>, w: ArrayView2<f32>, b: &[f32], act: Activation, mut out: ArrayViewMut2<f32>) {
    sum_rows(ids, w, &mut out);
    act.bias_forward_in_place(flat_mut(&mut out), b);
}

/// The vocabulary size implied by ids (B, L) and w (L·V, O).
fn vocab(ids: &ArrayView2<f32>, w: &ArrayView2<f32>) -> usize {
    let length = ids.ncols();
    assert!(length > 0 && w.nrows().is_multiple_of(length), "embedding shapes");
    w.nrows() / length
}

/// z (B, O) = Σ_t W[t·V + id_t]
fn sum_rows(ids: ArrayView2<f32>, w: ArrayView2<f32>, z: &mut ArrayViewMut2<f32>) {
    let v = vocab(&ids, &w);
    assert!(z.dim() == (ids.nrows(), w.ncols()), "embedding output shape");
    // flat slices in the loops: the first layer of a text model is on the hot path
    let (outputs, w) = (w.ncols(), flat(&w));
    for (zr, row_ids) in flat_mut(z).chunks_exact_mut(outputs).zip(flat(&ids).chunks_exact(ids.ncols())) {
        zr.fill(0.0);
        for (t, &id) in row_ids.iter().enumerate() {
            let at = (t * v + id as usize) * outputs;
            for (s, &x) in zr.iter_mut().zip(&w[at..at + outputs]) {
                *s += x;
            }
        }
    }
}

/// dW (L·V, O) = Σ over rows and positions of dz into the row of the id; db = Σ_rows dz.
/// Gradients are overwritten.
pub fn backward(ids: ArrayView2<f32>, dz: ArrayView2<f32>, mut dw: ArrayViewMut2<f32>, db: &mut [f32]) {
    let v = vocab(&ids, &dw.view());
    assert!(dz.dim() == (ids.nrows(), dw.ncols()) && db.len() == dw.ncols(), "embedding gradient shapes");
    let (outputs, dw) = (dz.ncols(), flat_mut(&mut dw));
    dw.fill(0.0);
    db.fill(0.0);
    for (g, row_ids) in flat(&dz).chunks_exact(outputs).zip(flat(&ids).chunks_exact(ids.ncols())) {
        for (t, &id) in row_ids.iter().enumerate() {
            let at = (t * v + id as usize) * outputs;
            for (d, &x) in dw[at..at + outputs].iter_mut().zip(g) {
                *d += x;
            }
        }
        for (d, &x) in db.iter_mut().zip(g) {
            *d += x;
        }
    }
}
