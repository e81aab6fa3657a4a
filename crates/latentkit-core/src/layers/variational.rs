//! The variational part of a VAE: the encoder's last layer emits h = [μ | log σ²] per row;
//! training draws z = μ + σ·ε (ε ~ N(0, 1), seeded) and adds weight · KL(q(z|x) ‖ N(0, I)).
//!
//! KL per latent dimension j, averaged over the batch: kl_j = mean_b ½(μ² + σ² − 1 − log σ²).
//! With free bits λ the term is Σ_j max(kl_j, λ): a dimension below λ contributes λ and no
//! gradient, which keeps the encoder from collapsing every dimension onto the prior.

use crate::math;
use crate::rng::Rng;

/// z (B, L) = μ + e^(log σ²/2)·ε with fresh ε (kept in `eps` for the backward pass).
pub fn sample(h: &[f32], rows: usize, latent: usize, rng: &mut Rng, eps: &mut [f32], z: &mut [f32]) {
    for r in 0..rows {
        let (mu, lv) = h[r * 2 * latent..(r + 1) * 2 * latent].split_at(latent);
        for j in 0..latent {
            let e = rng.normal();
            eps[r * latent + j] = e;
            z[r * latent + j] = mu[j] + math::exp(0.5 * lv[j]) * e;
        }
    }
}

/// z (B, L) = μ: the deterministic code used by encode, evaluation and scoring.
pub fn mean(h: &[f32], rows: usize, latent: usize, z: &mut [f32]) {
    for r in 0..rows {
        z[r * latent..(r + 1) * latent].copy_from_slice(&h[r * 2 * latent..r * 2 * latent + latent]);
    }
}

/// Σ_j max(kl_j, free_bits); `active[j]` is set when dimension j is above its floor.
pub fn kl(h: &[f32], rows: usize, latent: usize, free_bits: f64, active: &mut [bool]) -> f64 {
    let mut total = 0f64;
    for j in 0..latent {
        let mut s = 0f64;
        for r in 0..rows {
            let mu = h[r * 2 * latent + j];
            let lv = h[r * 2 * latent + latent + j];
            s += 0.5 * (mu * mu + math::exp(lv) - 1.0 - lv) as f64;
        }
        let kl_j = s / rows as f64;
        active[j] = kl_j >= free_bits;
        total += kl_j.max(free_bits);
    }
    total
}

/// dh (B, 2L) from dz (B, L), the gradient reaching z from the decoder, plus weight·∂KL.
#[allow(clippy::too_many_arguments)]
pub fn backward(h: &[f32], eps: &[f32], dz: &[f32], rows: usize, latent: usize, weight: f32, active: &[bool], dh: &mut [f32]) {
    let w = weight / rows as f32;
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
