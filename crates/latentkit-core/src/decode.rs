//! Decoding codes back to outputs: a numeric model's outputs, and a text model's texts token
//! by token (greedy or drawn) through its head, which sees each chosen token as the context
//! of the positions after it.

use crate::autoencoder::Autoencoder;
use crate::error::{Error, Result};
use crate::kernels::elementwise::log_sum_exp;
use crate::layers::label_table;
use crate::layers::text_head::TextHead;
use crate::math;
use crate::matrix;

impl Autoencoder {
    /// rows × latentSize -> rows × inputSize (for a text model, probabilities per position
    /// along the greedy path).
    pub fn decode(&self, codes: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.decode_labelled(codes, rows, &[], 0.0)
    }

    /// `decode` for a conditional model: each row's code decoded with its label (one label
    /// id a row; none for an unconditional model), with label `guidance` (0: none; see
    /// `guided`).
    pub fn decode_labelled(&self, codes: &[f32], rows: usize, labels: &[f32], guidance: f32) -> Result<Vec<f32>> {
        matrix::check(codes, rows, self.latent_size(), "codes")?;
        self.check_labels(labels, rows)?;
        self.check_guidance(guidance)?;
        self.check_output(rows, self.input_size(), "decode")?;
        matrix::finite_output(self.decode_rows(codes, rows, (labels, guidance)), self.input_size(), "decode", "codes")
    }

    /// rows × dataCols -> rows × inputSize, through the code (μ for a VAE).
    pub fn reconstruct(&self, data: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.check_data(data, rows, "data")?;
        // the codes in between are a result too
        self.check_output(rows, self.latent_size(), "reconstruct")?;
        self.check_output(rows, self.input_size(), "reconstruct")?;
        // decoded with the label each row was encoded with
        let labels = self.split_labels(data, rows).1;
        matrix::finite_output(self.decode_rows(&self.encode_rows(data, rows), rows, (&labels, 0.0)), self.input_size(), "reconstruct", "data")
    }

    /// Decoder over checked codes; for a text model, each position's probabilities along
    /// the greedy path (its most likely tokens, each the context of the next).
    pub(crate) fn decode_rows(&self, codes: &[f32], rows: usize, (labels, guidance): (&[f32], f32)) -> Vec<f32> {
        match self.text_head() {
            Some(head) => self.decode_greedy(head, codes, rows, (labels, guidance)),
            None => self.infer(self.encoder_layers..self.layers().len(), codes, rows, labels),
        }
    }

    /// Texts drawn token by token from a token model. At each position a token is drawn
    /// from softmax(ln p / temperature) (never the start (mask) or pad id) with the uniform
    /// number `uniforms[row · (length − 1) + t]`; temperature 0 takes the most likely token.
    /// With a context (tokens.context > 0) each drawn token is the context of the positions
    /// after it; without one, the positions depend on the code alone. Returns rows ×
    /// length token ids: the text, the end id (the last position can only end a text), then
    /// padding. A conditional model takes one label id a row (`labels`; none otherwise) and
    /// a label `guidance` (0: none; see `guided`).
    #[allow(clippy::too_many_arguments)]
    pub fn decode_sampled(&self, codes: &[f32], rows: usize, uniforms: &[f32], temperature: f32, labels: &[f32], guidance: f32) -> Result<Vec<f32>> {
        let t = self.config().tokens.ok_or_else(|| Error::InvalidState("sampled decoding needs a token model (a model trained on texts)".into()))?;
        matrix::check(codes, rows, self.latent_size(), "codes")?;
        self.check_labels(labels, rows)?;
        self.check_guidance(guidance)?;
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
        let mut choose = |row: usize, pos: usize, log_p: &[f32]| {
            if done[row] {
                return pad;
            }
            let id = if pos == last {
                end
            } else if temperature == 0.0 {
                argmax(log_p)
            } else {
                draw(log_p, temperature, uniforms[row * last + pos], [start, pad], end, &mut weights)
            };
            out[row * t.length + pos] = id as f32;
            done[row] = id == end || id == pad;
            id
        };
        let head = self.text_head().expect("a token model has a text head");
        self.walk(head, (codes, labels, guidance), rows, &mut choose);
        Ok(out)
    }

    /// Greedy decoding: each position's most likely token (ties to the lower id) becomes
    /// the context of the next. Returns each position's probabilities along that path,
    /// whose argmax is the decoded text.
    fn decode_greedy(&self, head: &TextHead, codes: &[f32], rows: usize, (labels, guidance): (&[f32], f32)) -> Vec<f32> {
        let (l, v) = (head.length, head.vocab);
        let mut out = vec![0f32; rows * l * v];
        self.walk(head, (codes, labels, guidance), rows, &mut |row, t, log_p| {
            for (o, &x) in out[(row * l + t) * v..(row * l + t + 1) * v].iter_mut().zip(log_p) {
                *o = math::exp(x);
            }
            argmax(log_p)
        });
        out
    }

    /// Runs the text head position by position over chunks of rows. The decoder's dense
    /// layers (each position's query base) run once per chunk; at each position
    /// `choose(row, t, ln p)` picks the row's token, which the head sees as context after.
    /// With `guidance` w > 0 (a conditional model), ln p is `guided`. (`choose` is a trait
    /// object: one copy of this loop in the wasm, not one per caller.)
    fn walk(&self, head: &TextHead, (codes, labels, w): (&[f32], &[f32], f32), rows: usize, choose: &mut dyn FnMut(usize, usize, &[f32]) -> usize) {
        let (l, v, d) = (head.length, head.vocab, self.latent_size());
        let n_layers = self.layers().len();
        let table = self.token_tables().0.to_slice().expect("row-major");
        let chunk = self.chunk_rows.min(rows);
        let (mut buf, mut log_p, mut ids) = (Vec::new(), vec![0f32; chunk * v], vec![0f32; chunk * l]);
        let mut contrast_p = if w > 0.0 { vec![0f32; chunk * v] } else { Vec::new() };
        for start in (0..rows).step_by(self.chunk_rows) {
            let n = self.chunk_rows.min(rows - start);
            let codes = &codes[start * d..(start + n) * d];
            let labels = if labels.is_empty() { labels } else { &labels[start..start + n] };
            let base = self.infer(self.encoder_layers..n_layers - 1, codes, n, labels);
            let contrast = (w > 0.0).then(|| self.infer(self.encoder_layers..n_layers - 1, codes, n, &label_table::contrast(labels, self.config().labels)));
            for t in 0..l {
                head.step(&base, &ids, t, n, table, self.head_params(), &mut buf, &mut log_p);
                if let Some(c) = &contrast {
                    head.step(c, &ids, t, n, table, self.head_params(), &mut buf, &mut contrast_p);
                    guided(&mut log_p[..n * v], &contrast_p[..n * v], v, w);
                }
                for r in 0..n {
                    ids[r * l + t] = choose(start + r, t, &log_p[r * v..(r + 1) * v]) as f32;
                }
            }
        }
    }

    /// Refuses a guidance that is not a finite number in [0, MAX_GUIDANCE], or any guidance
    /// for a model without labels.
    fn check_guidance(&self, guidance: f32) -> Result<()> {
        if !(guidance.is_finite() && (0.0..=MAX_GUIDANCE).contains(&guidance)) {
            // written out: formatting an f32 would link float printing (~10 KiB of wasm)
            return Err(Error::InvalidOption("guidance must be a finite number in [0, 100] (0 is none)".into()));
        }
        if guidance > 0.0 && self.config().labels == 0 {
            return Err(Error::InvalidOption("guidance is for conditional models (trained with labels): pass 0".into()));
        }
        Ok(())
    }
}

/// The largest label guidance a decoding takes (its error message says 100): past a few
/// units the label's log-ratio drowns the code's own choice of tokens, so this is an
/// absurd-value guard, not a tuning bound.
pub const MAX_GUIDANCE: f32 = 100.0;

/// Label guidance (as classifier-free guidance, Ho & Salimans 2022, on the label): each
/// row's ln p(· | code, label) becomes the log-softmax of ln p + w·(ln p − ln p(· | code,
/// contrast)), where the contrast is the other label of two, or the mean of the label rows
/// of more. Tokens the label makes likelier than its contrast gain, so a decoder that reads
/// its label weakly (its code carries much of it) still follows the label. Measured on
/// English/French words (`pnpm bench:text-labels`): no cut of implausible tokens, as in
/// contrastive decoding; keeping only tokens with p ≥ 0.01·max left restyling at ~45%
/// French, since the code makes the input's own letters the only plausible ones.
fn guided(log_p: &mut [f32], contrast: &[f32], v: usize, w: f32) {
    for (row, c) in log_p.chunks_exact_mut(v).zip(contrast.chunks_exact(v)) {
        for (x, &y) in row.iter_mut().zip(c) {
            *x += w * (*x - y);
        }
        let log_sum = log_sum_exp(row);
        row.iter_mut().for_each(|x| *x -= log_sum);
    }
}

/// The most likely id (of probabilities or their logarithms); ties go to the lower id.
fn argmax(p: &[f32]) -> usize {
    p.iter().enumerate().fold(0, |b, (i, &x)| if x > p[b] { i } else { b })
}

/// An id drawn with the uniform `u` from softmax(ln p / temperature), never one of `never`;
/// `fallback` when no id has any weight.
fn draw(log_p: &[f32], temperature: f32, u: f32, never: [usize; 2], fallback: usize, w: &mut [f32]) -> usize {
    let mut max = f32::NEG_INFINITY;
    for (i, (wi, &lp)) in w.iter_mut().zip(log_p).enumerate() {
        *wi = if never.contains(&i) || lp.is_nan() { f32::NEG_INFINITY } else { lp / temperature };
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
