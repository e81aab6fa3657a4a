//! The first layer of a token model. A row is `length` token ids, which stand for a
//! one-hot vector of length × vocab; its product with W (length·vocab × outputs) is the
//! sum of one row of W per position. Computing that sum directly skips the zeros.

use crate::layers::activation::Activation;

/// ids (B, L) -> z (B, O) = Σ_t W[t·V + id_t] + b, a = act(z)
#[allow(clippy::too_many_arguments)]
pub fn forward(rows: usize, length: usize, vocab: usize, outputs: usize, ids: &[f32], w: &[f32], b: &[f32], act: Activation, z: &mut [f32], a: &mut [f32]) {
    sum_rows(rows, length, vocab, outputs, ids, w, &mut z[..rows * outputs]);
    act.bias_forward(&mut z[..rows * outputs], b, &mut a[..rows * outputs]);
}

/// Inference form: out (B, O) = act(Σ_t W[t·V + id_t] + b)
#[allow(clippy::too_many_arguments)]
pub fn infer(rows: usize, length: usize, vocab: usize, outputs: usize, ids: &[f32], w: &[f32], b: &[f32], act: Activation, out: &mut [f32]) {
    sum_rows(rows, length, vocab, outputs, ids, w, &mut out[..rows * outputs]);
    act.bias_forward_in_place(&mut out[..rows * outputs], b);
}

fn sum_rows(rows: usize, length: usize, vocab: usize, outputs: usize, ids: &[f32], w: &[f32], z: &mut [f32]) {
    for (zr, row_ids) in z.chunks_exact_mut(outputs).zip(ids.chunks_exact(length)).take(rows) {
        zr.fill(0.0);
        for (t, &id) in row_ids.iter().enumerate() {
            let at = (t * vocab + id as usize) * outputs;
            for (s, &v) in zr.iter_mut().zip(&w[at..at + outputs]) {
                *s += v;
            }
        }
    }
}

/// dW (L·V, O) = Σ over rows and positions of dz into the row of the id; db = Σ_rows dz.
/// Gradients are overwritten.
#[allow(clippy::too_many_arguments)]
pub fn backward(rows: usize, length: usize, vocab: usize, outputs: usize, ids: &[f32], dz: &[f32], dw: &mut [f32], db: &mut [f32]) {
    dw.fill(0.0);
    db.fill(0.0);
    for (g, row_ids) in dz.chunks_exact(outputs).zip(ids.chunks_exact(length)).take(rows) {
        for (t, &id) in row_ids.iter().enumerate() {
            let at = (t * vocab + id as usize) * outputs;
            for (d, &v) in dw[at..at + outputs].iter_mut().zip(g) {
                *d += v;
            }
        }
        for (d, &v) in db.iter_mut().zip(g) {
            *d += v;
        }
    }
}
