//! A conditional model's label adversary (Fader networks, Lample et al. 2017): a small
//! classifier that learns to tell a code's label from the code, while the encoder learns to
//! leave it nothing to tell. Why: a plain conditional autoencoder's code identifies its text,
//! and with it the text's label, so its decoder learns to read the label from the code and
//! ignore the label it is given (measured on English/French words: restyling moved ~12%, and
//! per-label MMD at λ 10–100 no more than ~20%). With the label gone from the code, the decoder
//! must take it from the label it is given, and `sample(n, { label })` and `restyle` follow it.
//!
//! The classifier: code (latent) → `HIDDEN` ReLU units → one logit a label, softmax. Each step,
//! on the batch's codes Z:
//! - the encoder's term is λ · mean over rows of the cross-entropy from the classifier's
//!   prediction p to the uniform distribution, −(1/K) Σ_c ln p_c (least when the classifier
//!   cannot tell, at p uniform: a target that stays bounded, unlike reversing the classifier's
//!   own loss); its gradient is added to ∂loss/∂Z, the classifier held fixed;
//! - the classifier then takes one Adam step on its own loss, the cross-entropy of the true
//!   labels, on the same codes.
//!
//! The classifier lives in the training session only (a saved model does not hold it; a new
//! session starts a new one from its seeded stream). Its term is a game, not something that
//! goes down, so it is not part of the reported loss.

use crate::kernels::elementwise::{add_into, log_sum_exp};
use crate::layers::activation::Activation;
use crate::layers::{dense, mat, mat_mut};
use crate::math;
use crate::rng::Rng;
use crate::train::optimizer::{Hyper, OptimizerKind, OptimizerState};
use std::ops::Range;

/// The classifier's hidden width: enough to read a label that is not linearly separable
/// from the code, small next to the model (latent · 64 weights).
pub const HIDDEN: usize = 64;

/// The classifier's optimiser: Adam at 1e-3, a step a batch (it must keep up with an encoder
/// that is trained to fool it).
const HYPER: Hyper = Hyper { kind: OptimizerKind::Adam, learning_rate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: 0.0, momentum: 0.0 };

pub struct Adversary {
    lambda: f32,
    latent: usize,
    labels: usize,
    /// W1 (latent × HIDDEN), b1, W2 (HIDDEN × labels), b2: two dense layers.
    params: Vec<f32>,
    grads: Vec<f32>,
    optimizer: OptimizerState,
    /// The batch's hidden activations (rows × HIDDEN), softmax (rows × labels) and scratch.
    hidden: Vec<f32>,
    probs: Vec<f32>,
    dhidden: Vec<f32>,
    dcodes: Vec<f32>,
}

impl Adversary {
    /// A classifier for `labels` labels of `latent`-wide codes, He-initialised from `rng`.
    pub fn new(latent: usize, labels: usize, lambda: f32, rng: &mut Rng) -> Adversary {
        let [w1, _, w2, b2] = parts(latent, labels);
        let n = b2.end;
        let mut params = vec![0f32; n];
        let (s1, s2) = ((2.0 / latent as f32).sqrt(), (1.0 / HIDDEN as f32).sqrt());
        params[w1].iter_mut().for_each(|w| *w = s1 * rng.normal());
        params[w2].iter_mut().for_each(|w| *w = s2 * rng.normal());
        let optimizer = OptimizerState::new(OptimizerKind::Adam, n);
        Adversary { lambda, latent, labels, grads: vec![0f32; n], optimizer, params, hidden: Vec::new(), probs: Vec::new(), dhidden: Vec::new(), dcodes: Vec::new() }
    }

    /// The penalty on codes `z` (rows × latent) with their true `labels` (ids as f32): adds
    /// λ · ∂(mean cross-entropy to uniform)/∂z into `dz`, then takes the classifier's step on
    /// the true labels. Returns the penalty's value, λ · mean cross-entropy to uniform (λ·ln K
    /// when the classifier cannot tell the labels apart).
    pub fn apply(&mut self, z: &[f32], labels: &[f32], rows: usize, dz: &mut [f32]) -> f64 {
        let value = self.forward(z, rows);
        let (k, scale) = (self.labels, 1.0 / rows as f32);
        // the encoder's term: ∂/∂logits of −(1/K) Σ ln p = p − 1/K
        let mut dlogits: Vec<f32> = self.probs.iter().map(|p| self.lambda * scale * (p - 1.0 / k as f32)).collect();
        self.backward(z, rows, &dlogits, true);
        add_into(&mut dz[..rows * self.latent], &self.dcodes);
        // the classifier's own loss: ∂/∂logits of −ln p_y = p − onehot(y)
        for (r, (d, p)) in dlogits.chunks_exact_mut(k).zip(self.probs.chunks_exact(k)).enumerate() {
            d.iter_mut().zip(p).for_each(|(d, p)| *d = scale * p);
            d[labels[r] as usize] -= scale;
        }
        self.backward(z, rows, &dlogits, false);
        // A step that made the classifier non-finite is not undone: its next softmax is NaN,
        // its gradients too, and the model's step then reports the divergence.
        let _ = self.optimizer.step(&HYPER, &mut self.params, &self.grads);
        self.lambda as f64 * value
    }

    /// The classifier on `z`: keeps its hidden activations and softmax; returns the mean
    /// cross-entropy from the softmax to uniform (f64).
    pub fn forward(&mut self, z: &[f32], rows: usize) -> f64 {
        let (d, k) = (self.latent, self.labels);
        let [w1, b1, w2, b2] = parts(d, k);
        let [w1, b1, w2, b2] = [&self.params[w1], &self.params[b1], &self.params[w2], &self.params[b2]];
        self.hidden.resize(rows * HIDDEN, 0.0);
        self.probs.resize(rows * k, 0.0);
        dense::infer(mat(&z[..rows * d], rows, d), mat(w1, d, HIDDEN), b1, Activation::Relu, mat_mut(&mut self.hidden, rows, HIDDEN));
        dense::infer(mat(&self.hidden, rows, HIDDEN), mat(w2, HIDDEN, k), b2, Activation::Linear, mat_mut(&mut self.probs, rows, k));
        let mut total = 0.0f64;
        for row in self.probs.chunks_exact_mut(k) {
            let log_sum = log_sum_exp(row);
            total -= row.iter().map(|l| (l - log_sum) as f64).sum::<f64>() / k as f64;
            row.iter_mut().for_each(|l| *l = math::exp(*l - log_sum));
        }
        total / rows as f64
    }

    /// Back through the classifier from ∂/∂logits (after `forward` on the same `z`): its
    /// gradients into `grads` and, with `codes`, ∂/∂z into `dcodes`.
    fn backward(&mut self, z: &[f32], rows: usize, dlogits: &[f32], codes: bool) {
        let (d, k) = (self.latent, self.labels);
        let [w1, b1, w2, b2] = parts(d, k);
        self.dhidden.resize(rows * HIDDEN, 0.0);
        self.dcodes.resize(rows * d, 0.0);
        let (g1, g2) = self.grads.split_at_mut(w2.start);
        let (gw1, gb1) = g1.split_at_mut(b1.start);
        let (gw2, gb2) = g2.split_at_mut(b2.start - w2.start);
        dense::backward(mat(&self.hidden, rows, HIDDEN), mat(&self.params[w2], HIDDEN, k), mat(dlogits, rows, k), mat_mut(gw2, HIDDEN, k), gb2, Some(mat_mut(&mut self.dhidden, rows, HIDDEN)));
        // ReLU: a unit that was off passes nothing back (its output is its own pre-activation's sign)
        Activation::Relu.backward(&self.hidden, &self.hidden, &mut self.dhidden);
        dense::backward(mat(&z[..rows * d], rows, d), mat(&self.params[w1], d, HIDDEN), mat(&self.dhidden, rows, HIDDEN), mat_mut(gw1, d, HIDDEN), gb1, codes.then(|| mat_mut(&mut self.dcodes, rows, d)));
    }

    /// The classifier's parameters (W1, b1, W2, b2; tests).
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// The share of `labels` the classifier gets right on `z` (tests).
    pub fn accuracy(&mut self, z: &[f32], labels: &[f32], rows: usize) -> f64 {
        self.forward(z, rows);
        let k = self.labels;
        let right = self.probs.chunks_exact(k).zip(labels).filter(|(p, &y)| (0..k).all(|c| p[c] <= p[y as usize])).count();
        right as f64 / rows as f64
    }
}

/// Where W1, b1, W2 and b2 of a classifier of `d`-wide codes and `k` labels lie in its
/// parameters (the last range ends at their count).
fn parts(d: usize, k: usize) -> [Range<usize>; 4] {
    let (b1, w2) = (d * HIDDEN, d * HIDDEN + HIDDEN);
    let b2 = w2 + HIDDEN * k;
    [0..b1, b1..w2, w2..b2, b2..b2 + k]
}
