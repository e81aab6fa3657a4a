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
//! Cost O(n²·d): the squared distances are the only loop over d; the 7 scales run once a pair.
//! Distances are summed in f32 (row-major, in index order: the same bits everywhere); kernel
//! values and the estimate in f64, which keeps the difference of three near-equal means exact
//! enough to be small (an MMD of 1e-4 against terms of ~5).

/// The multipliers of 2·d that give the kernel's scales (the paper's list).
const SCALES: [f64; 7] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0];

/// ‖a − b‖² of two rows, summed in index order.
#[inline]
fn dist2(a: &[f32], b: &[f32]) -> f32 {
    let mut s = 0f32;
    for (x, y) in a.iter().zip(b) {
        let t = x - y;
        s += t * t;
    }
    s
}

/// k and κ = ∂k/∂s at squared distance s, over the scales 2·d·SCALES.
#[inline]
fn kernel(s: f32, two_d: f64) -> (f64, f64) {
    let (mut k, mut dk) = (0f64, 0f64);
    for m in SCALES {
        let c = m * two_d;
        let inv = 1.0 / (c + s as f64);
        k += c * inv;
        dk -= c * inv * inv;
    }
    (k, dk)
}

/// dz_i += g · (a − b), row i of the gradient (d values).
#[inline]
fn add_scaled(dz: &mut [f32], a: &[f32], b: &[f32], g: f32) {
    for ((d, x), y) in dz.iter_mut().zip(a).zip(b) {
        *d += g * (x - y);
    }
}

/// z (B, d), p (B, d), dz (B, d): returns MMD(Z, P) and adds λ·∂MMD/∂Z into `dz`. A batch of
/// one has no pairs: 0 and no gradient. Panics on mismatched lengths (a caller's bug).
pub fn penalty(z: &[f32], p: &[f32], rows: usize, dim: usize, lambda: f32, dz: &mut [f32]) -> f64 {
    let m = rows * dim;
    assert!(z.len() >= m && p.len() >= m && dz.len() >= m, "mmd shapes");
    if rows < 2 || dim == 0 {
        return 0.0;
    }
    let n = rows as f64;
    let two_d = 2.0 * dim as f64;
    // per ordered pair: weight of a Z–Z or P–P kernel value, and of a Z–P one
    let (same, cross) = (1.0 / (n * (n - 1.0)), 2.0 / (n * n));
    let lam = lambda as f64;
    let row = |i: usize| i * dim..(i + 1) * dim;
    let mut total = 0f64;
    for i in 0..rows {
        let zi = &z[row(i)];
        // Z–Z and P–P over the pairs j > i, each standing for (i, j) and (j, i)
        for j in i + 1..rows {
            let zj = &z[row(j)];
            let (k, dk) = kernel(dist2(zi, zj), two_d);
            total += 2.0 * same * k + 2.0 * same * kernel(dist2(&p[row(i)], &p[row(j)]), two_d).0;
            let g = (4.0 * same * lam * dk) as f32;
            let (head, tail) = dz.split_at_mut(j * dim);
            add_scaled(&mut head[row(i)], zi, zj, g);
            add_scaled(&mut tail[..dim], zj, zi, g);
        }
        for j in 0..rows {
            let pj = &p[row(j)];
            let (k, dk) = kernel(dist2(zi, pj), two_d);
            total -= cross * k;
            add_scaled(&mut dz[row(i)], zi, pj, (-2.0 * cross * lam * dk) as f32);
        }
    }
    total
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
