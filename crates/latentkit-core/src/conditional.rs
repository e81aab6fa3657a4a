//! A conditional text model's labels at the model's edges: checking the labels a call is
//! given, splitting them off data rows, and finding each label table in the parameters
//! (`layers::label_table` says what the tables do and why they live where they do).

use crate::autoencoder::Autoencoder;
use crate::error::{Error, Result};
use crate::layers::label_table;
use std::borrow::Cow;
use std::ops::Range;

impl Autoencoder {
    /// Checks the labels a decoding call is given: one label id a row for a conditional
    /// model, none for another.
    pub(crate) fn check_labels(&self, labels: &[f32], rows: usize) -> Result<()> {
        let n = self.config().labels;
        if n == 0 {
            if !labels.is_empty() {
                return Err(Error::InvalidOption("this model is not conditional (it was trained without labels): pass no labels".into()));
            }
            return Ok(());
        }
        if labels.len() != rows {
            return Err(Error::ShapeMismatch(format!("this model is conditional: pass one label a row ({rows}), not {}", labels.len())));
        }
        if labels.iter().any(|&v| !(v >= 0.0 && v.fract() == 0.0 && (v as usize) < n)) {
            return Err(Error::InvalidOption(format!("labels must be label ids in 0..{n}")));
        }
        Ok(())
    }

    /// Checked data as the layers read it: the ids and, for a conditional model, the labels
    /// split off the rows' last column (empty otherwise).
    pub(crate) fn split_labels<'a>(&self, data: &'a [f32], rows: usize) -> (Cow<'a, [f32]>, Vec<f32>) {
        match self.config().tokens {
            Some(t) if self.config().labels > 0 => {
                let (ids, labels) = label_table::split(data, rows, t.length);
                (Cow::Owned(ids), labels)
            }
            _ => (Cow::Borrowed(data), Vec::new()),
        }
    }

    /// Where layer `l`'s label table lies in the parameters: a conditional model's encoder
    /// and decoder first dense layers have one (n × outputs), after E and P.
    pub(crate) fn label_range(&self, l: usize) -> Option<Range<usize>> {
        let t = self.config().tokens?;
        let n = self.config().labels;
        if n == 0 || (l != 1 && l != self.encoder_layers) {
            return None;
        }
        let mut start = self.layers()[0].weights.start + (t.vocab + t.length) * t.table;
        if l == self.encoder_layers {
            start += n * self.layers()[1].outputs;
        }
        Some(start..start + n * self.layers()[l].outputs)
    }
}
