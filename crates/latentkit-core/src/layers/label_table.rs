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

use crate::kernels::elementwise::add_into;

/// z (B, width) += table[labels[r]] row by row; `labels` are checked label ids (as f32).
pub fn add_rows(z: &mut [f32], width: usize, table: &[f32], labels: &[f32]) {
    for (row, &label) in z.chunks_exact_mut(width).zip(labels) {
        let at = label as usize * width;
        add_into(row, &table[at..at + width]);
    }
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
