//! The MMD penalty of a Wasserstein autoencoder (WAE-MMD, Tolstikhin et al. 2018): how far the
//! batch's codes Z are, as a sample, from draws P of the prior N(0, I). It matches the
//! *aggregate* of the codes to the prior, with no per-row pull towards the origin (the VAE's
//! KL term), so codes stay distinct and reconstructions sharp while the sampler's prior
//! covers them.
//!
//! Kernel: inverse multiquadratic k(x, y) = Σ_C C / (C + ‖x − y‖²) over the scales
//! C ∈ {0.1, 0.2, 0.5, 1, 2, 5, 10} · 2·d (σ² = 1, the paper's setting). Its heavy tails keep
//! a gradient for codes far from the prior's draws, where a Gaussian kernel's vanishes.
//!
//! The unbiased estimate (the Z–Z and P–P means leave out i = j; as in the paper's code), for
//! a batch of n:
//!   MMD = Σ_{i≠j} k(z_i, z_j) / (n(n−1)) + Σ_{i≠j} k(p_i, p_j) / (n(n−1)) − 2 Σ_{i,j} k(z_i, p_j) / n².
//! Only the Z terms have a gradient: with κ(s) = ∂k/∂s = −Σ_C C / (C + s)²,
//!   ∂MMD/∂z_i = 4/(n(n−1)) Σ_{j≠i} κ(‖z_i − z_j‖²)(z_i − z_j) − 4/n² Σ_j κ(‖z_i − p_j‖²)(z_i − p_j).
//!
//! Cost O(n²·d) over the n(2n−1) pairs of the stacked sample [Z; P] (the two orders of a
//! pair computed once): a squared distance and, for pairs in Z, two gradient rows; the 7
//! scales (7 divisions, most of the time) once a pair. Measured for n = 64, d = 32: ~0.2 ms
//! natively, ~0.3 ms in wasm with the batch's draws from N(0, I) (n = 32: ~0.09 ms).
//! Distances and kernel values are f32 in a fixed order (the same bits everywhere); the
//! estimate is summed in f64, which keeps a difference of near-equal means (an MMD of 1e-4
//! against terms of ~5) meaningful.

use std::ops::Range;

/// The multipliers of 2·d that give the kernel's scales (the paper's list).
const SCALES: [f32; 7] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0];

/// ‖a − b‖² of two rows: four running sums (of every fourth index), added at the end. One
/// sum is a chain of dependent adds, the loop's whole cost; four break it (and may share a
/// SIMD register), in an order that is still fixed, so the bits are the same everywhere.
fn dist2(a: &[f32], b: &[f32]) -> f32 {
    let mut s = [0f32; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    for (l, (x, y)) in ca.remainder().iter().zip(cb.remainder()).enumerate() {
        let t = x - y;
        s[l] = t * t;
    }
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            let t = x[l] - y[l];
            s[l] += t * t;
        }
    }
    (s[0] + s[1]) + (s[2] + s[3])
}

/// k and κ = ∂k/∂s at squared distance s, over the scales `c` (2·d·SCALES). The seven
/// divisions, independent of each other, are most of a pair's time: written as a loop of their
/// own (in f32) they run as SIMD lanes; the sums after it keep a fixed order.
fn kernel(s: f32, c: &[f32; 7]) -> (f32, f32) {
    let mut inv = [0f32; 7];
    for (v, c) in inv.iter_mut().zip(c) {
        *v = 1.0 / (c + s);
    }
    let (mut k, mut dk) = (0f32, 0f32);
    for (v, c) in inv.iter().zip(c) {
        k += c * v;
        dk -= c * v * v;
    }
    (k, dk)
}

/// dz_i += g · (a − b), row i of the gradient (d values). Out of line: its two call sites
/// would each inline a vectorised loop (~100 bytes of wasm).
#[inline(never)]
fn add_scaled(dz: &mut [f32], a: &[f32], b: &[f32], g: f32) {
    for ((d, x), y) in dz.iter_mut().zip(a).zip(b) {
        *d += g * (x - y);
    }
}

/// z (B, d), p (B, d), dz (B, d): returns MMD(Z, P) and adds λ·∂MMD/∂Z into `dz`. A batch of
/// one has no pairs: 0 and no gradient. Panics on mismatched lengths (a caller's bug).
pub fn penalty(z: &[f32], p: &[f32], rows: usize, dim: usize, lambda: f32, dz: &mut [f32]) -> f64 {
    penalty_rows(z, p, rows, dim, lambda, None, dz)
}

/// `penalty` for the codes `only` (a shard's rows; None: all of them, as `penalty`). With
/// `only`, each of its rows takes every one of its pairs and its gradient alone: the rows'
/// gradients are the bits `penalty` adds for them (the same terms in the same order), wherever
/// a shard is computed; the returned share of the estimate is its rows' pairs with the codes
/// after them, with every draw, and their draws' pairs with the draws after them, so the
/// shares of all rows add up to the estimate (in another order than `penalty`'s).
pub fn penalty_rows(z: &[f32], p: &[f32], rows: usize, dim: usize, lambda: f32, only: Option<Range<usize>>, dz: &mut [f32]) -> f64 {
    let m = rows * dim;
    assert!(z.len() >= m && p.len() >= m && dz.len() >= m, "mmd shapes");
    if rows < 2 || dim == 0 {
        return 0.0;
    }
    let pairs = Pairs { z, p, rows, dim, lambda: lambda as f64, scales: SCALES.map(|m| m * (2 * dim) as f32) };
    let mut total = 0f64;
    match only {
        None => (0..2 * rows).for_each(|i| pairs.row(i, i + 1, &mut total, dz)),
        Some(own) => {
            for i in own {
                pairs.row(i, 0, &mut total, dz);
                pairs.row(rows + i, rows + i + 1, &mut total, dz);
            }
        }
    }
    total
}

/// The stacked sample X = [Z; P] of one penalty and what weighs its pairs.
struct Pairs<'a> {
    z: &'a [f32],
    p: &'a [f32],
    rows: usize,
    dim: usize,
    lambda: f64,
    scales: [f32; 7],
}

impl Pairs<'_> {
    /// Row i of X.
    fn x(&self, i: usize) -> &[f32] {
        let (d, n) = (self.dim, self.rows);
        if i < n { &self.z[i * d..(i + 1) * d] } else { &self.p[(i - n) * d..(i + 1 - n) * d] }
    }

    /// The weight c of pair (i, j) in the estimate: a pair within Z or within P stands for
    /// (i, j) and (j, i) of its mean over n(n−1) ordered pairs; a pair across is one of the n²
    /// of the cross mean (× −2).
    fn weight(&self, i: usize, j: usize) -> f64 {
        let n = self.rows as f64;
        if (i < self.rows) == (j < self.rows) { 2.0 / (n * (n - 1.0)) } else { -2.0 / (n * n) }
    }

    /// Row i's pairs (i, j) for j from `from` on (j ≠ i): for j after i, c·k into `total`;
    /// ∂(c·k(‖x_i − x_j‖²))/∂x_i = 2c·κ·(x_i − x_j) into row i of `dz` (a code's), and, when
    /// `from` is after i (every pair once: `penalty`), the opposite into row j (P has none).
    /// `from` = 0 gives row i its whole gradient alone, the same bits: its pairs come in the
    /// order `penalty` adds them, and ‖x_i − x_j‖² is the same bits either way round.
    #[inline(never)]
    fn row(&self, i: usize, from: usize, total: &mut f64, dz: &mut [f32]) {
        let (d, n) = (self.dim, self.rows);
        for j in (from..2 * n).filter(|&j| j != i) {
            let c = self.weight(i, j);
            let (xi, xj) = (self.x(i), self.x(j));
            let (k, dk) = kernel(dist2(xi, xj), &self.scales);
            if j > i {
                *total += c * k as f64;
            }
            let g = (2.0 * c * self.lambda * dk as f64) as f32;
            if i < n {
                add_scaled(&mut dz[i * d..(i + 1) * d], xi, xj, g);
            }
            if from > i && j < n {
                add_scaled(&mut dz[j * d..(j + 1) * d], xj, xi, g);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn normal(n: usize, rng: &mut Rng) -> Vec<f32> {
        (0..n).map(|_| rng.normal()).collect()
    }

    #[test]
    fn a_sample_of_the_prior_scores_near_zero_and_a_shifted_one_does_not() {
        let (b, d) = (400, 8);
        let mut rng = Rng::new(1, 1);
        let (z, p) = (normal(b * d, &mut rng), normal(b * d, &mut rng));
        let mut dz = vec![0f32; b * d];
        let same = penalty(&z, &p, b, d, 1.0, &mut dz);
        // the unbiased estimate of two samples of one law scatters around 0 by ~1/B
        assert!(same.abs() < 5e-3, "MMD of two N(0, I) samples: {same}");
        let shifted: Vec<f32> = z.iter().map(|v| v + 0.5).collect();
        let far = penalty(&shifted, &p, b, d, 1.0, &mut dz);
        let farther: Vec<f32> = z.iter().map(|v| v + 1.5).collect();
        let farthest = penalty(&farther, &p, b, d, 1.0, &mut dz);
        assert!(far > 20.0 * same.abs().max(1e-4) && farthest > far, "{same} < {far} < {farthest}");
        // a code spread too narrowly (a collapsed encoder) is far from the prior too
        let narrow: Vec<f32> = z.iter().map(|v| v * 0.2).collect();
        assert!(penalty(&narrow, &p, b, d, 1.0, &mut dz) > far / 4.0);
    }

    #[test]
    fn symmetric_in_the_two_samples_and_in_row_order() {
        let (b, d) = (12, 3);
        let mut rng = Rng::new(2, 1);
        let (z, p) = (normal(b * d, &mut rng), normal(b * d, &mut rng));
        let mut dz = vec![0f32; b * d];
        let zp = penalty(&z, &p, b, d, 1.0, &mut dz);
        let pz = penalty(&p, &z, b, d, 1.0, &mut dz);
        assert!((zp - pz).abs() < 1e-12 * zp.abs().max(1.0), "{zp} vs {pz}");
        // reversing the rows of Z permutes the pairs only
        let rev: Vec<f32> = z.chunks(d).rev().flatten().copied().collect();
        let r = penalty(&rev, &p, b, d, 1.0, &mut dz);
        assert!((zp - r).abs() < 1e-9, "{zp} vs {r}");
    }

    #[test]
    fn gradient_moves_codes_towards_the_prior_and_scales_with_lambda() {
        let (b, d) = (64, 4);
        let mut rng = Rng::new(3, 1);
        let z: Vec<f32> = normal(b * d, &mut rng).iter().map(|v| v + 1.0).collect();
        let p = normal(b * d, &mut rng);
        let (mut g1, mut g10) = (vec![0f32; b * d], vec![0.5f32; b * d]);
        let before = penalty(&z, &p, b, d, 1.0, &mut g1);
        penalty(&z, &p, b, d, 10.0, &mut g10);
        for (a, c) in g1.iter().zip(&g10) {
            // added into the buffer (which held 0.5: f32 rounding at 0.5 is ~3e-8 an add), scaled by λ
            assert!((10.0 * a - (c - 0.5)).abs() <= 2e-6, "{a} vs {c}");
            assert!(*a != 0.0);
        }
        // a small step against the gradient lowers the penalty
        let stepped: Vec<f32> = z.iter().zip(&g1).map(|(v, g)| v - 2.0 * g).collect();
        let after = penalty(&stepped, &p, b, d, 1.0, &mut vec![0f32; b * d]);
        assert!(after < before, "{after} !< {before}");
    }

    #[test]
    fn rows_computed_apart_are_the_bits_of_the_whole_batch() {
        // a shard's rows take the same gradient bits as in `penalty`, and the shards' shares
        // add up to its estimate, however the batch is cut
        let (b, d) = (23, 5);
        let mut rng = Rng::new(4, 1);
        let (z, p) = (normal(b * d, &mut rng), normal(b * d, &mut rng));
        let mut whole = vec![0f32; b * d];
        let value = penalty(&z, &p, b, d, 3.0, &mut whole);
        for cuts in [&[0, 23][..], &[0, 5, 6, 23], &[0, 11, 12, 17, 23]] {
            let mut parts = vec![0f32; b * d];
            let shares: f64 = cuts.windows(2).map(|w| penalty_rows(&z, &p, b, d, 3.0, Some(w[0]..w[1]), &mut parts)).sum();
            assert_eq!(whole.iter().map(|g| g.to_bits()).collect::<Vec<_>>(), parts.iter().map(|g| g.to_bits()).collect::<Vec<_>>(), "{cuts:?}");
            assert!((shares - value).abs() <= 1e-12 * value.abs().max(1.0), "{cuts:?}: {shares} vs {value}");
        }
    }

    #[test]
    fn a_batch_of_one_is_zero_with_no_gradient() {
        let mut dz = vec![0.25f32; 3];
        assert_eq!(penalty(&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0], 1, 3, 10.0, &mut dz), 0.0);
        assert_eq!(dz, vec![0.25; 3]);
        // far-out codes stay finite (the kernel is bounded; no exp to overflow)
        let mut dz = vec![0f32; 4];
        let v = penalty(&[1e30, -1e30, 0.0, 1e30], &[0.0; 4], 2, 2, 1.0, &mut dz);
        assert!(v.is_finite() && dz.iter().all(|g| g.is_finite()), "{v} {dz:?}");
    }
}
