//! The variational part of a VAE: the encoder's last layer emits h = [μ | log σ²] per row;
//! training draws z = μ + σ·ε (ε ~ N(0, 1), seeded) and adds weight · KL(q(z|x) ‖ N(0, I)).
//!
//! KL per latent dimension j, averaged over the batch: kl_j = mean_b ½(μ² + σ² − 1 − log σ²).
//! With free bits λ the term is Σ_j max(kl_j, λ): a dimension below λ contributes λ and no
//! gradient, which keeps the encoder from collapsing every dimension onto the prior.

use crate::math;
use crate::rng::Rng;
use crate::layers::{flat, flat_mut};
use ndarray::{ArrayView2, ArrayViewMut2};

/// z (B, L) = μ + e^(log σ²/2)·ε from h (B, 2L) = [μ | log σ²], with fresh ε (kept in
/// `eps` (B, L) for the backward pass).
pub fn sample(h: ArrayView2<f32>, rng: &mut Rng, mut eps: ArrayViewMut2<f32>, mut z: ArrayViewMut2<f32>) {
    let latent = z.ncols();
    assert!(h.dim() == (z.nrows(), 2 * latent) && eps.dim() == z.dim(), "variational sample shapes");
    // flat row chunks rather than ndarray's row iterators, which cost wasm bytes
    let rows = flat(&h).chunks_exact(2 * latent).zip(flat_mut(&mut eps).chunks_exact_mut(latent)).zip(flat_mut(&mut z).chunks_exact_mut(latent));
    for ((hr, er), zr) in rows {
        let (mu, lv) = hr.split_at(latent);
        for j in 0..latent {
            let e = rng.normal();
            er[j] = e;
            zr[j] = mu[j] + math::exp(0.5 * lv[j]) * e;
        }
    }
}

/// z (B, L) = μ: the deterministic code used by encode, evaluation and scoring.
pub fn mean(h: ArrayView2<f32>, mut z: ArrayViewMut2<f32>) {
    let latent = z.ncols();
    assert!(h.dim() == (z.nrows(), 2 * latent), "variational mean shapes");
    for (hr, zr) in flat(&h).chunks_exact(2 * latent).zip(flat_mut(&mut z).chunks_exact_mut(latent)) {
        zr.copy_from_slice(&hr[..latent]);
    }
}

/// Σ_j max(kl_j, free_bits) over h (B, 2L); `active[j]` is set when dimension j is above
/// its floor.
pub fn kl(h: ArrayView2<f32>, free_bits: f64, active: &mut [bool]) -> f64 {
    let (rows, latent) = (h.nrows(), h.ncols() / 2);
    assert!(active.len() >= latent, "variational kl shapes");
    let h = flat(&h);
    let mut total = 0f64;
    for j in 0..latent {
        let mut s = 0f64;
        for r in 0..rows {
            let (mu, lv) = (h[r * 2 * latent + j], h[r * 2 * latent + latent + j]);
            s += 0.5 * (mu * mu + math::exp(lv) - 1.0 - lv) as f64;
        }
        let kl_j = s / rows as f64;
        active[j] = kl_j >= free_bits;
        total += kl_j.max(free_bits);
    }
    total
}

/// dh (B, 2L) from h (B, 2L), ε (B, L) and dz (B, L), the gradient reaching z from the
/// decoder, plus weight·∂KL.
pub fn backward(h: ArrayView2<f32>, eps: ArrayView2<f32>, dz: ArrayView2<f32>, weight: f32, active: &[bool], mut dh: ArrayViewMut2<f32>) {
    let (rows, latent) = dz.dim();
    assert!(h.dim() == (rows, 2 * latent) && eps.dim() == dz.dim() && dh.dim() == h.dim(), "variational gradient shapes");
    let w = weight / rows as f32;
    let (h, eps, dz, dh) = (flat(&h), flat(&eps), flat(&dz), flat_mut(&mut dh));
    for r in 0..rows {
        let (mu, lv) = h[r * 2 * latent..(r + 1) * 2 * latent].split_at(latent);
        let (dmu, dlv) = dh[r * 2 * latent..(r + 1) * 2 * latent].split_at_mut(latent);
        for j in 0..latent {
            let g = dz[r * latent + j];
            let sigma = math::exp(0.5 * lv[j]);
            let on = if active[j] { w } else { 0.0 };
            dmu[j] = g + on * mu[j];
            dlv[j] = g * eps[r * latent + j] * 0.5 * sigma + on * 0.5 * (sigma * sigma - 1.0);
        }
    }
}
