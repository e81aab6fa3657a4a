//! Gradient check of a conditional model's label adversary (`train::adversary`): the gradient
//! it adds to the codes against f64 central finite differences of λ · mean cross-entropy to
//! uniform, written here from the definition (ReLU hidden layer, softmax, −(1/K) Σ ln p).

use crate::rng::Rng;
use crate::train::adversary::{Adversary, HIDDEN};

/// λ · mean over rows of −(1/K) Σ_c ln softmax(W2ᵀ relu(W1ᵀ z + b1) + b2)_c, in f64.
fn penalty64(p: &[f64], z: &[f64], rows: usize, d: usize, k: usize, lambda: f64) -> f64 {
    let (w1, rest) = p.split_at(d * HIDDEN);
    let (b1, rest) = rest.split_at(HIDDEN);
    let (w2, b2) = rest.split_at(HIDDEN * k);
    let mut total = 0.0;
    for r in 0..rows {
        let h: Vec<f64> = (0..HIDDEN).map(|j| (b1[j] + (0..d).map(|i| z[r * d + i] * w1[i * HIDDEN + j]).sum::<f64>()).max(0.0)).collect();
        let logits: Vec<f64> = (0..k).map(|c| b2[c] + (0..HIDDEN).map(|j| h[j] * w2[j * k + c]).sum::<f64>()).collect();
        let log_sum = logits.iter().map(|l| l.exp()).sum::<f64>().ln();
        total -= logits.iter().map(|l| l - log_sum).sum::<f64>() / k as f64;
    }
    lambda * total / rows as f64
}

fn check(rows: usize, d: usize, k: usize, lambda: f32, seed: u64) {
    let label = format!("adversary rows {rows} d {d} labels {k} λ {lambda}");
    let mut rng = Rng::new(seed, 12);
    let z: Vec<f32> = (0..rows * d).map(|_| rng.normal()).collect();
    let labels: Vec<f32> = (0..rows).map(|r| (r % k) as f32).collect();
    let mut adv = Adversary::new(d, k, lambda, &mut Rng::new(seed, 13));
    let p64: Vec<f64> = adv.params().iter().map(|&v| v as f64).collect();
    let mut dz = vec![0f32; rows * d];
    let value = adv.apply(&z, &labels, rows, &mut dz);
    let mut z64: Vec<f64> = z.iter().map(|&v| v as f64).collect();
    let want = penalty64(&p64, &z64, rows, d, k, lambda as f64);
    assert!((value - want).abs() <= 1e-5 * want.abs().max(1e-3), "{label}: value {value} vs f64 {want}");
    let h = 1e-6;
    for i in 0..z64.len() {
        let orig = z64[i];
        z64[i] = orig + h;
        let up = penalty64(&p64, &z64, rows, d, k, lambda as f64);
        z64[i] = orig - h;
        let down = penalty64(&p64, &z64, rows, d, k, lambda as f64);
        z64[i] = orig;
        let fd = (up - down) / (2.0 * h);
        let g = dz[i] as f64;
        assert!((g - fd).abs() <= 1e-5 + 2e-3 * fd.abs(), "{label}: ∂/∂z[{i}] analytic {g} vs finite difference {fd}");
    }
    // the classifier took its step: its parameters moved
    assert!(adv.params().iter().zip(&p64).any(|(&a, &b)| a as f64 != b), "{label}: the classifier did not step");
}

#[test]
fn adversary_gradient_on_the_codes_matches_finite_differences() {
    check(3, 2, 2, 1.0, 1);
    check(5, 4, 3, 10.0, 2);
    check(8, 3, 2, 0.5, 3);
}

#[test]
fn adversary_learns_to_tell_labels_that_the_codes_carry() {
    // codes whose first coordinate says the label: the classifier learns it within a few
    // hundred steps, and the encoder's push on the codes is towards hiding it
    let (rows, d) = (64, 4);
    let mut rng = Rng::new(9, 14);
    let labels: Vec<f32> = (0..rows).map(|r| (r % 2) as f32).collect();
    let z: Vec<f32> = (0..rows * d).map(|i| if i % d == 0 { 2.0 * labels[i / d] - 1.0 + 0.3 * rng.normal() } else { rng.normal() }).collect();
    let mut adv = Adversary::new(d, 2, 1.0, &mut Rng::new(9, 15));
    let before = adv.accuracy(&z, &labels, rows);
    let mut dz = vec![0f32; rows * d];
    for _ in 0..300 {
        dz.fill(0.0);
        adv.apply(&z, &labels, rows, &mut dz);
    }
    let after = adv.accuracy(&z, &labels, rows);
    assert!(after > 0.95 && after > before, "classifier accuracy {before} -> {after}");
    // a gradient step on the codes (−dz) moves label 1's first coordinate down and label 0's
    // up: towards each other, where the classifier cannot tell them apart
    let push: f32 = (0..rows).map(|r| dz[r * d] * (2.0 * labels[r] - 1.0)).sum();
    assert!(push > 0.0, "the encoder's gradient does not close the gap: {push}");
}
