//! Input corruption for denoising autoencoders. Targets stay clean; only the copy fed to
//! the encoder is corrupted, with the session's seeded RNG so runs repeat exactly.

use crate::rng::Rng;
use crate::tokens::TokenSpec;

/// Denoising: numeric models add Gaussian noise of std `gaussian` and zero each value
/// with probability `mask`; token models replace tokens with the start (mask) id (`mask`), delete
/// them (`delete`, the rest shifts left) and swap neighbours (`swap`), each at its rate.
/// `context` is on the decoder's side of a model with a context head: each token it sees
/// as context is replaced by the start (mask) id at this rate, so the decoder cannot predict a
/// text from its context alone and must use the code ("word dropout", Bowman et al. 2016).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Noise {
    pub gaussian: f32,
    pub mask: f32,
    pub delete: f32,
    pub swap: f32,
    pub context: f32,
}

impl Noise {
    /// True when the encoder's input is used as it is (`context` is not input noise).
    pub fn is_none(&self) -> bool {
        self.gaussian == 0.0 && self.mask == 0.0 && self.delete == 0.0 && self.swap == 0.0
    }
}

/// Gaussian noise of std `noise.gaussian`, then each value zeroed with prob. `noise.mask`.
pub fn corrupt_numeric(x: &mut [f32], noise: &Noise, rng: &mut Rng) {
    if noise.gaussian > 0.0 {
        for v in x.iter_mut() {
            *v += noise.gaussian * rng.normal();
        }
    }
    if noise.mask > 0.0 {
        for v in x.iter_mut() {
            if rng.uniform() < noise.mask {
                *v = 0.0;
            }
        }
    }
}

/// The decoder's context of a context head: each token of each row's text (before its end)
/// replaced by the start (mask) id with probability `rate`.
pub fn drop_context(ids: &mut [f32], spec: &TokenSpec, rate: f32, rng: &mut Rng) {
    for row in ids.chunks_exact_mut(spec.length) {
        for t in row.iter_mut().take_while(|id| **id as u32 != spec.end_id && **id as u32 != spec.pad_id) {
            if rng.uniform() < rate {
                *t = spec.start_id as f32;
            }
        }
    }
}

/// Per row of `spec.length` ids: swaps neighbouring tokens (prob. `swap` each), deletes
/// tokens (prob. `delete`, at least one token kept), masks tokens (prob. `mask`, replaced
/// by `start_id`); then writes the tokens, the end id and padding back. Only the text
/// before the first end/pad id is touched.
pub fn corrupt_tokens(ids: &mut [f32], spec: &TokenSpec, noise: &Noise, rng: &mut Rng) {
    let mut text: Vec<f32> = Vec::with_capacity(spec.length);
    for row in ids.chunks_exact_mut(spec.length) {
        text.clear();
        text.extend(row.iter().copied().take_while(|&id| id as u32 != spec.end_id && id as u32 != spec.pad_id));
        let ended = text.len() < spec.length && row[text.len()] as u32 == spec.end_id;
        if noise.swap > 0.0 {
            let mut i = 0;
            while i + 1 < text.len() {
                if rng.uniform() < noise.swap {
                    text.swap(i, i + 1);
                    i += 1;
                }
                i += 1;
            }
        }
        if noise.delete > 0.0 && text.len() > 1 {
            let mut kept = Vec::with_capacity(text.len());
            for &t in &text {
                if rng.uniform() >= noise.delete {
                    kept.push(t);
                }
            }
            if kept.is_empty() {
                kept.push(text[0]);
            }
            text = kept;
        }
        if noise.mask > 0.0 {
            for t in text.iter_mut() {
                if rng.uniform() < noise.mask {
                    *t = spec.start_id as f32;
                }
            }
        }
        let n = text.len();
        row[..n].copy_from_slice(&text);
        let mut i = n;
        if ended && i < spec.length {
            row[i] = spec.end_id as f32;
            i += 1;
        }
        row[i..].fill(spec.pad_id as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_dropout_masks_text_tokens_at_its_rate_and_keeps_the_rest() {
        let spec = TokenSpec { length: 8, vocab: 20, pad_id: 0, end_id: 1, start_id: 2, context: 3, table: 4 };
        let mut rng = Rng::new(3, 1);
        let clean: Vec<f32> = [5., 6., 7., 8., 9., 1., 0., 0.].repeat(400);
        let mut ids = clean.clone();
        drop_context(&mut ids, &spec, 0.25, &mut rng);
        let mut masked = 0;
        for (row, orig) in ids.chunks(8).zip(clean.chunks(8)) {
            assert_eq!(&row[5..], &orig[5..], "end and padding untouched");
            for (a, b) in row[..5].iter().zip(&orig[..5]) {
                assert!(a == b || *a == 2.0);
                masked += (*a == 2.0) as usize;
            }
        }
        let rate = masked as f64 / 2000.0;
        assert!((rate - 0.25).abs() < 0.03, "rate {rate}");
    }

    #[test]
    fn token_noise_keeps_rows_well_formed() {
        let spec = TokenSpec { length: 8, vocab: 20, pad_id: 0, end_id: 1, start_id: 2, context: 0, table: 4 };
        let noise = Noise { gaussian: 0.0, mask: 0.3, delete: 0.3, swap: 0.3, context: 0.0 };
        let mut rng = Rng::new(1, 1);
        let clean: Vec<f32> = [5., 6., 7., 8., 9., 1., 0., 0.].repeat(50);
        let mut ids = clean.clone();
        corrupt_tokens(&mut ids, &spec, &noise, &mut rng);
        assert_ne!(ids, clean);
        for row in ids.chunks(8) {
            let end = row.iter().position(|&v| v == 1.0).expect("end kept");
            assert!((1..=5).contains(&end), "{row:?}");
            assert!(row[end + 1..].iter().all(|&v| v == 0.0));
            assert!(row[..end].iter().all(|&v| v == 2.0 || (5.0..=9.0).contains(&v)));
        }
    }

    #[test]
    fn numeric_noise_has_the_asked_std_and_mask_rate() {
        let mut rng = Rng::new(2, 2);
        let mut x = vec![1.0f32; 100_000];
        corrupt_numeric(&mut x, &Noise { gaussian: 0.5, ..Noise::default() }, &mut rng);
        let var = x.iter().map(|v| ((v - 1.0) as f64).powi(2)).sum::<f64>() / x.len() as f64;
        assert!((var.sqrt() - 0.5).abs() < 0.01);
        let mut y = vec![1.0f32; 100_000];
        corrupt_numeric(&mut y, &Noise { mask: 0.25, ..Noise::default() }, &mut rng);
        let zeros = y.iter().filter(|&&v| v == 0.0).count() as f64 / y.len() as f64;
        assert!((zeros - 0.25).abs() < 0.01);
    }
}
