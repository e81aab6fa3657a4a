//! The first layer of a text model whose size does not multiply length by vocabulary: one
//! token table E (V×d) shared by every position, plus a position table P (L×d). Position t
//! of a row becomes E[id_t] + P[t], and the L vectors are laid side by side, so the row is
//! (L·d) wide and the dense layer after it still knows which token stood where. Parameters:
//! V·d + L·d, against L·V·H for `embedding` (6 × 4,460 × 256 = 6.9 M for the Tang lines,
//! here 0.57 M + 768).
//!
//! Padding after the end of a text is a token like any other: it has its own row of E and
//! receives gradients. The encoder then sees a text's length in every position after it
//! (as today's first layer does, which has a row per (position, pad)), the lookup stays a
//! plain gather with no branch, and the same table can be tied to the output layer
//! (`class_softmax`), where pad is a target the decoder must predict.
//!
//! The table is shared with the output layer (weight tying), so `backward` adds to dE and
//! dP instead of overwriting them: the caller zeroes the gradients once a step, and both
//! users of E add their part.

use crate::kernels::elementwise::{add_into, sum};
use crate::layers::{flat, flat_mut};
use ndarray::{ArrayView2, ArrayViewMut2};

/// ids (B, L), table E (V, d), pos P (L, d) -> out (B, L·d), out[b, t·d..(t+1)·d] = E[id] + P[t]
pub fn forward(ids: ArrayView2<f32>, table: ArrayView2<f32>, pos: ArrayView2<f32>, mut out: ArrayViewMut2<f32>) {
    let (rows, length, d) = shapes(&ids, &table, &pos);
    assert!(out.dim() == (rows, length * d), "token embedding output shape");
    let (table, pos) = (flat(&table), flat(&pos));
    for (o, row_ids) in flat_mut(&mut out).chunks_exact_mut(length * d).zip(flat(&ids).chunks_exact(length)) {
        for (t, (slot, &id)) in o.chunks_exact_mut(d).zip(row_ids).enumerate() {
            let e = &table[id as usize * d..(id as usize + 1) * d];
            sum(slot, e, &pos[t * d..(t + 1) * d]);
        }
    }
}

/// Given ids (B, L) and dout (B, L·d): dE (V, d) += Σ over rows and positions of the
/// position's slice of dout into the row of its id; dP (L, d) += Σ over rows. Adds, so a
/// tied table collects the gradient of each of its users.
pub fn backward(ids: ArrayView2<f32>, dout: ArrayView2<f32>, mut dtable: ArrayViewMut2<f32>, mut dpos: ArrayViewMut2<f32>) {
    let (rows, length, d) = shapes(&ids, &dtable.view(), &dpos.view());
    assert!(dout.dim() == (rows, length * d), "token embedding gradient shape");
    let (dtable, dpos) = (flat_mut(&mut dtable), flat_mut(&mut dpos));
    for (g, row_ids) in flat(&dout).chunks_exact(length * d).zip(flat(&ids).chunks_exact(length)) {
        for (t, (slot, &id)) in g.chunks_exact(d).zip(row_ids).enumerate() {
            let at = id as usize * d;
            add_into(&mut dtable[at..at + d], slot);
            add_into(&mut dpos[t * d..(t + 1) * d], slot);
        }
    }
}

/// Checks ids (B, L), table (V, d) and pos (L, d) against each other; returns (B, L, d).
/// Ids are the caller's to check (`Autoencoder::check_data` does for every public call).
fn shapes(ids: &ArrayView2<f32>, table: &ArrayView2<f32>, pos: &ArrayView2<f32>) -> (usize, usize, usize) {
    let ((rows, length), (vocab, d)) = (ids.dim(), table.dim());
    assert!(pos.dim() == (length, d) && d > 0, "token embedding table shapes");
    assert!(flat(ids).iter().all(|&id| (id as usize) < vocab), "token id outside the table");
    (rows, length, d)
}
