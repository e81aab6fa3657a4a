//! The label tables of a conditional text model: one row per label, added to the
//! pre-activation of a dense layer (the encoder's first and the decoder's first). Adding row
//! `label` is the same as concatenating a one-hot label to the layer's input (the one-hot's
//! weights are the table's rows) without widening the input or running a product over it.
//! Both tables start at zero and are trained like biases of their own per label, so the
//! code need not carry what the label says.
//!
//! Where they live: in the token table's slice of the parameters, after E and P (encoder's
//! table, then decoder's; n × width each), so the plan's layers, and with them every
//! unconditional model, are unchanged. Labels travel as the last column of each data row
//! (checked below `labels` by `Autoencoder::check_data`); the model splits them off before
//! its layers see the ids.

use std::ops::Range;
use crate::kernels::elementwise::add_into;

/// z (B, width) += table[labels[r]] row by row; `labels` are checked label ids (as f32), or
/// the id one past the last label (`contrast`'s), which adds the mean of the rows.
pub fn add_rows(z: &mut [f32], width: usize, table: &[f32], labels: &[f32]) {
    let n = table.len() / width;
    let mut mean = Vec::new();
    for (row, &label) in z.chunks_exact_mut(width).zip(labels) {
        let at = label as usize * width;
        if at < table.len() {
            add_into(row, &table[at..at + width]);
            continue;
        }
        if mean.is_empty() {
            mean = vec![0f32; width];
            table.chunks_exact(width).for_each(|r| add_into(&mut mean, r));
            mean.iter_mut().for_each(|m| *m /= n as f32);
        }
        add_into(row, &mean);
    }
}

/// The label each row's guidance is contrasted with (`decode::guided`): the other of two
/// labels, or, of more, the id `count` (one past the last), which `add_rows` reads as the
/// mean of the label rows.
pub fn contrast(labels: &[f32], count: usize) -> Vec<f32> {
    labels.iter().map(|&l| if count == 2 { 1.0 - l } else { count as f32 }).collect()
}

/// dtable[labels[r]] += dz[r] row by row (adds: the caller zeroes the gradient once a step).
pub fn backward(dz: &[f32], width: usize, labels: &[f32], dtable: &mut [f32]) {
    for (row, &label) in dz.chunks_exact(width).zip(labels) {
        let at = label as usize * width;
        add_into(&mut dtable[at..at + width], row);
    }
}

/// Splits rows of `length` ids followed by a label into the ids (rows × length) and the
/// labels (rows): the layers read ids only.
pub fn split(data: &[f32], rows: usize, length: usize) -> (Vec<f32>, Vec<f32>) {
    let mut ids = Vec::with_capacity(rows * length);
    let mut labels = Vec::with_capacity(rows);
    for row in data.chunks_exact(length + 1).take(rows) {
        ids.extend_from_slice(&row[..length]);
        labels.push(row[length]);
    }
    (ids, labels)
}

/// The WAE's MMD penalty of a batch's codes `z` against the prior's draws `p`, with λ times
/// its gradient added into `dz`: taken label by label for a conditional model (`labels` one
/// id a row, `mmd_by_label`), over the whole batch otherwise (`labels` empty). The one
/// dispatch of the unsharded backward and the sharded batch's code gradient.
/// `only` (a shard's rows) computes those rows' gradients and share of the value alone
/// (`mmd::penalty_rows`); None, the whole batch.
#[allow(clippy::too_many_arguments)]
pub fn mmd_penalty(z: &[f32], p: &[f32], rows: usize, dim: usize, lambda: f32, labels: &[f32], only: Option<Range<usize>>, dz: &mut [f32]) -> f64 {
    match labels.is_empty() {
        true => crate::layers::mmd::penalty_rows(z, p, rows, dim, lambda, only, dz),
        false => mmd_by_label(z, p, rows, dim, lambda, labels, only, dz),
    }
}

/// The WAE's MMD penalty of a conditional model, label by label: Σ_y (n_y / B)·MMD(Z_y, P_y)
/// over the labels with at least two rows in the batch (P_y: the prior's draws of the same
/// rows), with λ times its gradient added into `dz` (B, dim). Sampling with a label draws
/// codes from one N(0, I) for every label, so each label's codes are matched to it, not only
/// their aggregate; this also leaves the code no room to carry what the label says (with the
/// aggregate penalty alone, a toy of two alphabets kept the alphabet in its code and the
/// decoder ignored the label).
#[allow(clippy::too_many_arguments)]
pub fn mmd_by_label(z: &[f32], p: &[f32], rows: usize, dim: usize, lambda: f32, labels: &[f32], only: Option<Range<usize>>, dz: &mut [f32]) -> f64 {
    let count = labels[..rows].iter().fold(0, |m, &l| m.max(l as usize + 1));
    let (mut zy, mut py, mut gy, mut idx) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut total = 0.0;
    for y in 0..count {
        idx.clear();
        idx.extend((0..rows).filter(|&r| labels[r] as usize == y));
        // the label's rows that `only` asks for: a run of its rows, as `idx` is in row order
        let own = only.as_ref().map(|o| idx.partition_point(|&r| r < o.start)..idx.partition_point(|&r| r < o.end));
        if idx.len() < 2 || own.as_ref().is_some_and(|o| o.is_empty()) {
            continue;
        }
        zy.clear();
        py.clear();
        for &r in &idx {
            zy.extend_from_slice(&z[r * dim..(r + 1) * dim]);
            py.extend_from_slice(&p[r * dim..(r + 1) * dim]);
        }
        gy.clear();
        gy.resize(idx.len() * dim, 0.0);
        let share = idx.len() as f64 / rows as f64;
        total += share * crate::layers::mmd::penalty_rows(&zy, &py, idx.len(), dim, lambda * share as f32, own.clone(), &mut gy);
        for k in own.unwrap_or(0..idx.len()) {
            let r = idx[k];
            add_into(&mut dz[r * dim..(r + 1) * dim], &gy[k * dim..(k + 1) * dim]);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn mmd_by_label_of_rows_computed_apart_is_the_bits_of_the_whole_batch() {
        let (b, d) = (19, 4);
        let mut rng = Rng::new(6, 1);
        let (z, p): (Vec<f32>, Vec<f32>) = ((0..b * d).map(|_| rng.normal()).collect(), (0..b * d).map(|_| rng.normal()).collect());
        // three labels, one of them on a single row (no pairs)
        let labels: Vec<f32> = (0..b).map(|r| if r == 4 { 2.0 } else { (r % 2) as f32 }).collect();
        let mut whole = vec![0f32; b * d];
        let value = mmd_penalty(&z, &p, b, d, 2.0, &labels, None, &mut whole);
        for cuts in [&[0, 19][..], &[0, 4, 5, 19], &[0, 9, 10, 14, 19]] {
            let mut parts = vec![0f32; b * d];
            let shares: f64 = cuts.windows(2).map(|w| mmd_penalty(&z, &p, b, d, 2.0, &labels, Some(w[0]..w[1]), &mut parts)).sum();
            assert_eq!(whole.iter().map(|g| g.to_bits()).collect::<Vec<_>>(), parts.iter().map(|g| g.to_bits()).collect::<Vec<_>>(), "{cuts:?}");
            assert!((shares - value).abs() <= 1e-12 * value.abs().max(1.0), "{cuts:?}: {shares} vs {value}");
        }
    }
}
