//! Gradient checks of the WAE's MMD penalty (`layers::mmd`): the layer's analytic f32
//! gradient against f64 central finite differences of an independent f64 implementation
//! written from the definition (every ordered pair, no symmetry shortcut), and the penalty
//! through a whole model (`check_with` adds `mmd64` of the codes to its f64 loss).

use super::{check_with, config, text_config};
use crate::layers::activation::Activation;
use crate::layers::loss::Loss;
use crate::layers::mmd;
use crate::rng::Rng;

/// MMD(Z, P) in f64 from its definition: means over i ≠ j of k(z_i, z_j) and k(p_i, p_j),
/// minus twice the mean over all (i, j) of k(z_i, p_j); k(x, y) = Σ_C C / (C + ‖x − y‖²)
/// with C = s · 2·d for s in the paper's scales.
pub(super) fn mmd64(z: &[f64], p: &[f64], n: usize, d: usize) -> f64 {
    let k = |a: &[f64], b: &[f64]| {
        let s: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
        [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0].iter().map(|m| m * 2.0 * d as f64).map(|c| c / (c + s)).sum::<f64>()
    };
    let r = |x: &[f64], i: usize| x[i * d..(i + 1) * d].to_vec();
    let (mut zz, mut pp, mut zp) = (0.0, 0.0, 0.0);
    for i in 0..n {
        for j in 0..n {
            if i != j {
                zz += k(&r(z, i), &r(z, j));
                pp += k(&r(p, i), &r(p, j));
            }
            zp += k(&r(z, i), &r(p, j));
        }
    }
    let nf = n as f64;
    zz / (nf * (nf - 1.0)) + pp / (nf * (nf - 1.0)) - 2.0 * zp / (nf * nf)
}

/// Σ_y (n_y / n)·MMD(Z_y, P_y) over the labels with two rows or more, P_y the draws of the
/// same rows: a conditional model's penalty, from the definition.
pub(super) fn mmd64_by_label(z: &[f64], p: &[f64], n: usize, d: usize, labels: &[f32]) -> f64 {
    let mut total = 0.0;
    for y in 0..8 {
        let rows: Vec<usize> = (0..n).filter(|&r| labels[r] as usize == y).collect();
        if rows.len() < 2 {
            continue;
        }
        let pick = |x: &[f64]| rows.iter().flat_map(|&r| x[r * d..(r + 1) * d].to_vec()).collect::<Vec<f64>>();
        total += rows.len() as f64 / n as f64 * mmd64(&pick(z), &pick(p), rows.len(), d);
    }
    total
}

fn check(n: usize, d: usize, shift: f32, lambda: f32, seed: u64) {
    let label = format!("mmd n {n} d {d} shift {shift} λ {lambda}");
    let mut rng = Rng::new(seed, 11);
    let z: Vec<f32> = (0..n * d).map(|_| rng.normal() * 0.7 + shift).collect();
    let p: Vec<f32> = (0..n * d).map(|_| rng.normal()).collect();
    let mut dz = vec![0f32; n * d];
    let value = mmd::penalty(&z, &p, n, d, lambda, &mut dz);
    let (mut z64, p64): (Vec<f64>, Vec<f64>) = (z.iter().map(|&v| v as f64).collect(), p.iter().map(|&v| v as f64).collect());
    let want = mmd64(&z64, &p64, n, d);
    assert!((value - want).abs() <= 1e-6 * want.abs().max(1e-3), "{label}: value {value} vs f64 {want}");
    let h = 1e-6;
    for i in 0..z64.len() {
        let orig = z64[i];
        z64[i] = orig + h;
        let up = mmd64(&z64, &p64, n, d);
        z64[i] = orig - h;
        let down = mmd64(&z64, &p64, n, d);
        z64[i] = orig;
        let fd = lambda as f64 * (up - down) / (2.0 * h);
        let g = dz[i] as f64;
        assert!((g - fd).abs() <= 2e-5 + 2e-3 * fd.abs(), "{label}: λ·d MMD / d z[{i}] analytic {g} vs finite difference {fd}");
    }
}

#[test]
fn mmd_penalty_gradient_matches_finite_differences() {
    check(2, 1, 0.0, 1.0, 1);
    check(5, 3, 0.0, 1.0, 2);
    check(6, 4, 1.5, 10.0, 3);
    check(9, 2, -0.8, 0.3, 4);
}

#[test]
fn mmd_penalty_of_one_row_is_zero() {
    let mut dz = vec![0f32; 2];
    assert_eq!(mmd::penalty(&[0.3, -2.0], &[1.0, 1.0], 1, 2, 5.0, &mut dz), 0.0);
    assert_eq!(dz, vec![0.0, 0.0]);
}

#[test]
fn mmd_penalty_reaches_the_weights_through_the_code() {
    // through a nonlinear latent activation, with and without a decoder hidden layer
    for (act, latent, decoder) in [(Activation::Tanh, Activation::Tanh, vec![4]), (Activation::Elu, Activation::Linear, vec![]), (Activation::Relu, Activation::Sigmoid, vec![4])] {
        let mut c = config(act, Activation::Sigmoid, Loss::Mse);
        c.latent_activation = latent;
        c.decoder = Some(decoder);
        check_with(c, &format!("mmd/{act:?}/{latent:?}"), 3.0);
    }
    check_with(text_config(Activation::Gelu, 2), "mmd/text model/context 2", 10.0);
    // a conditional model's penalty is label by label: rows 0 and 2 (label 0), 1 and 3 (label 1)
    let mut c = text_config(Activation::Tanh, 1);
    c.labels = 2;
    check_with(c.clone(), "mmd/conditional text model/2 labels", 10.0);
    // three labels over four rows: label 2 has one row, which has no penalty
    c.labels = 3;
    check_with(c, "mmd/conditional text model/3 labels", 10.0);
}

