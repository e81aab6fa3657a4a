//! The variational part of a VAE: the encoder's last layer emits h = [μ | log σ²] per row;
//! training draws z = μ + σ·ε (ε ~ N(0, 1), seeded) and adds weight · KL(q(z|x) ‖ N(0, I)).
//!
//! KL per latent dimension j, averaged over the batch: kl_j = mean_b ½(μ² + σ² − 1 − log σ²).
//! With free bits λ the term is Σ_j max(kl_j, λ): a dimension below λ contributes λ and no
//! gradient, which keeps the encoder from collapsing every dimension onto the prior.

use crate::math;
use crate::rng::Rng;
use ndarray::{ArrayView2, ArrayViewMut2};

/// z (B, L) = μ + e^(log σ²/2)·ε from h (B, 2L) = [μ | log σ²], with fresh ε (kept in
/// `eps` (B, L) for the backward pass).
pub fn sample(h: ArrayView2<f32>, rng: &mut Rng, mut eps: ArrayViewMut2<f32>, mut z: ArrayViewMut2<f32>) {
    let latent = z.ncols();
    assert!(h.dim() == (z.nrows(), 2 * latent) && eps.dim() == z.dim(), "variational sample shapes");
    for ((hr, mut er), mut zr) in h.rows().into_iter().zip(eps.rows_mut()).zip(z.rows_mut()) {
        for j in 0..latent {
            let e = rng.normal();
            er[j] = e;
            zr[j] = hr[j] + math::exp(0.5 * hr[latent + j]) * e;
        }
    }
}

/// z (B, L) = μ: the deterministic code used by encode, evaluation and scoring.
pub fn mean(h: ArrayView2<f32>, mut z: ArrayViewMut2<f32>) {
    let latent = z.ncols();
    assert!(h.dim() == (z.nrows(), 2 * latent), "variational mean shapes");
    z.assign(&h.slice(ndarray::s![.., ..latent]));
}

/// Σ_j max(kl_j, free_bits) over h (B, 2L); `active[j]` is set when dimension j is above
/// its floor.
pub fn kl(h: ArrayView2<f32>, free_bits: f64, active: &mut [bool]) -> f64 {
    let (rows, latent) = (h.nrows(), h.ncols() / 2);
    assert!(active.len() >= latent, "variational kl shapes");
    let mut total = 0f64;
    for j in 0..latent {
        let mut s = 0f64;
        for hr in h.rows() {
            let (mu, lv) = (hr[j], hr[latent + j]);
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
    for (((hr, er), gr), mut dr) in h.rows().into_iter().zip(eps.rows()).zip(dz.rows()).zip(dh.rows_mut()) {
        for j in 0..latent {
            let (mu, lv, g) = (hr[j], hr[latent + j], gr[j]);
            let sigma = math::exp(0.5 * lv);
            let on = if active[j] { w } else { 0.0 };
            dr[j] = g + on * mu;
            dr[latent + j] = g * er[j] * 0.5 * sigma + on * 0.5 * (sigma * sigma - 1.0);
        }
    }
}
