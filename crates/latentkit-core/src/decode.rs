//! Decoding codes back to outputs: probabilities per position, and texts token by token
//! (greedy or drawn) through the context head, which feeds each chosen token back as the
//! context of the next position. The sampler serves plain token models too.

use crate::autoencoder::Autoencoder;
use crate::error::{Error, Result};
use crate::layers::context_head::ContextHead;
use crate::layers::loss;
use crate::layers::{mat, mat_mut};
use crate::math;
use crate::matrix;
use crate::tokens::TokenSpec;

impl Autoencoder {
    /// rows × latentSize -> rows × inputSize (probabilities per position for tokens; with
    /// a context head, along the greedy path).
    pub fn decode(&self, codes: &[f32], rows: usize) -> Result<Vec<f32>> {
        matrix::check(codes, rows, self.latent_size(), "codes")?;
        self.check_output(rows, self.input_size(), "decode")?;
        matrix::finite_output(self.decode_rows(codes, rows), self.input_size(), "decode", "codes")
    }

    /// rows × dataCols -> rows × inputSize, through the code (μ for a VAE).
    pub fn reconstruct(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        // the codes in between are a result too
        self.check_output(rows, self.latent_size(), "reconstruct")?;
        self.check_output(rows, self.input_size(), "reconstruct")?;
        matrix::finite_output(self.decode_rows(&self.encode_rows(data, rows), rows), self.input_size(), "reconstruct", "data")
    }

    /// Decoder over checked codes; probabilities per position for a token model.
    pub(crate) fn decode_rows(&self, codes: &[f32], rows: usize) -> Vec<f32> {
        if let Some(head) = self.context_head() {
            return self.decode_greedy(head, codes, rows);
        }
        let logits = self.infer(self.encoder_layers..self.layers().len(), codes, rows);
        match self.config().tokens {
            Some(t) => {
                let mut p = vec![0f32; logits.len()];
                loss::softmax_groups(&logits, &mut p, t.vocab);
                p
            }
            None => logits,
        }
    }

    /// Texts drawn token by token from a token model. At each position a token is drawn
    /// from softmax(ln p / temperature) (never the start (mask) or pad id) with the uniform
    /// number `uniforms[row · (length − 1) + t]`; temperature 0 takes the most likely token.
    /// With a context head each drawn token is the context of the next position; without
    /// one, the positions are drawn independently from their probabilities. Returns rows ×
    /// length token ids: the text, the end id (the last position can only end a text), then
    /// padding.
    pub fn decode_sampled(&self, codes: &[f32], rows: usize, uniforms: &[f32], temperature: f32) -> Result<Vec<f32>> {
        let t = self.config().tokens.ok_or_else(|| Error::InvalidState("sampled decoding needs a token model (a model trained on texts)".into()))?;
        matrix::check(codes, rows, self.latent_size(), "codes")?;
        self.check_output(rows, t.length, "decodeSampled")?;
        let last = t.length - 1;
        if last > 0 {
            matrix::check(uniforms, rows, last, "uniforms")?;
        } else if !uniforms.is_empty() {
            return Err(Error::ShapeMismatch("sampled decoding: a model of length 1 draws nothing; pass no uniforms".into()));
        }
        if uniforms.iter().any(|&u| !(0.0..1.0).contains(&u)) {
            return Err(Error::InvalidOption("sampled decoding: uniforms must be in [0, 1)".into()));
        }
        if !(temperature.is_finite() && temperature >= 0.0) {
            return Err(Error::InvalidOption("sampled decoding: temperature must be a finite number >= 0".into()));
        }
        let (pad, end, start) = (t.pad_id as usize, t.end_id as usize, t.start_id as usize);
        let mut out = vec![pad as f32; rows * t.length];
        let mut done = vec![false; rows];
        let mut weights = vec![0f32; t.vocab];
        let choose = |row: usize, pos: usize, probs: &[f32]| {
            if done[row] {
                return pad;
            }
            let id = if pos == last {
                end
            } else if temperature == 0.0 {
                argmax(probs)
            } else {
                draw(probs, temperature, uniforms[row * last + pos], [start, pad], end, &mut weights)
            };
            out[row * t.length + pos] = id as f32;
            done[row] = id == end || id == pad;
            id
        };
        match self.context_head() {
            Some(head) => self.walk_context(head, codes, rows, choose),
            None => self.walk_positions(t, codes, rows, choose),
        }
        Ok(out)
    }

    /// The plain decoder's walk: each chunk of rows decoded at once, then
    /// `choose(row, t, probabilities)` called position by position (the choice feeds nothing).
    fn walk_positions(&self, t: TokenSpec, codes: &[f32], rows: usize, mut choose: impl FnMut(usize, usize, &[f32]) -> usize) {
        let (l, v, d) = (t.length, t.vocab, self.latent_size());
        for start in (0..rows).step_by(self.chunk_rows) {
            let n = self.chunk_rows.min(rows - start);
            let p = self.decode_rows(&codes[start * d..(start + n) * d], n);
            for r in 0..n {
                for pos in 0..l {
                    choose(start + r, pos, &p[(r * l + pos) * v..(r * l + pos + 1) * v]);
                }
            }
        }
    }

    /// The input of the context head for these codes: the decoder's hidden layers' output.
    fn head_input(&self, codes: &[f32], rows: usize) -> Vec<f32> {
        let n = self.layers().len();
        if self.encoder_layers + 1 == n {
            codes.to_vec()
        } else {
            self.infer(self.encoder_layers..n - 1, codes, rows)
        }
    }

    /// Greedy decoding through the context head: each position's most likely token (ties
    /// to the lower id) becomes the context of the next. Returns each position's
    /// probabilities along that path, whose argmax is the decoded text.
    fn decode_greedy(&self, head: ContextHead, codes: &[f32], rows: usize) -> Vec<f32> {
        let (l, v) = (head.length, head.vocab);
        let mut out = vec![0f32; rows * l * v];
        self.walk_context(head, codes, rows, |row, t, probs| {
            out[(row * l + t) * v..(row * l + t + 1) * v].copy_from_slice(probs);
            argmax(probs)
        });
        out
    }

    /// Runs the context head position by position over chunks of rows. The decoder's hidden
    /// layers and the head's per-row queries are computed once per chunk; at each position
    /// `choose(row, t, probabilities)` picks the row's token, which becomes its context for
    /// the positions after.
    fn walk_context(&self, head: ContextHead, codes: &[f32], rows: usize, mut choose: impl FnMut(usize, usize, &[f32]) -> usize) {
        let (l, v, d) = (head.length, head.vocab, self.latent_size());
        let layer = &self.layers()[self.layers().len() - 1];
        let (w, bu) = (&self.params()[layer.weights.clone()], &self.params()[layer.biases.clone()]);
        let chunk = self.chunk_rows.min(rows);
        let (mut act, mut logits, mut p) = (Vec::new(), vec![0f32; chunk * v], vec![0f32; chunk * v]);
        let mut ids = vec![0f32; chunk * l];
        for start in (0..rows).step_by(self.chunk_rows) {
            let n = self.chunk_rows.min(rows - start);
            let q = head.queries(mat(&self.head_input(&codes[start * d..(start + n) * d], n), n, head.hidden), w);
            for t in 0..l {
                head.step(mat(&q, n, head.width), mat(&ids, n, l), t, w, bu, &mut act, mat_mut(&mut logits, n, v));
                loss::softmax_groups(&logits[..n * v], &mut p[..n * v], v);
                for r in 0..n {
                    ids[r * l + t] = choose(start + r, t, &p[r * v..(r + 1) * v]) as f32;
                }
            }
        }
    }
}

/// The most likely id; ties go to the lower id.
fn argmax(probs: &[f32]) -> usize {
    probs.iter().enumerate().fold(0, |b, (i, &x)| if x > probs[b] { i } else { b })
}

/// An id drawn with the uniform `u` from softmax(ln p / temperature), never one of `never`;
/// `fallback` when no id has any weight.
fn draw(probs: &[f32], temperature: f32, u: f32, never: [usize; 2], fallback: usize, w: &mut [f32]) -> usize {
    let mut max = f32::NEG_INFINITY;
    for (i, (wi, &p)) in w.iter_mut().zip(probs).enumerate() {
        *wi = if never.contains(&i) || p.is_nan() || p <= 0.0 { f32::NEG_INFINITY } else { math::ln(p) / temperature };
        max = max.max(*wi);
    }
    let mut total = 0f32;
    for wi in w.iter_mut() {
        *wi = if *wi == f32::NEG_INFINITY { 0.0 } else { math::exp(*wi - max) };
        total += *wi;
    }
    let mut left = u * total;
    for (i, &wi) in w.iter().enumerate() {
        left -= wi;
        if left < 0.0 && wi > 0.0 {
            return i;
        }
    }
    fallback
}
