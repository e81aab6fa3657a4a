//! Gradient checks: the analytic gradients of the f32 network against f64 central finite
//! differences of an independent f64 re-implementation of the forward pass and loss, for
//! every activation (as hidden, latent and output activation) and every loss.

use crate::activation::Activation;
use crate::autoencoder::{Autoencoder, Workspace};
use crate::config::ModelConfig;
use crate::loss::Loss;
use crate::rng::Rng;

fn act64(act: Activation, z: f64) -> f64 {
    match act {
        Activation::Relu => z.max(0.0),
        Activation::LeakyRelu => {
            if z > 0.0 {
                z
            } else {
                0.01 * z
            }
        }
        Activation::Elu => {
            if z > 0.0 {
                z
            } else {
                z.exp() - 1.0
            }
        }
        Activation::Gelu => 0.5 * z * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (z + 0.044715 * z * z * z)).tanh()),
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Linear => z,
    }
}

/// Mean loss of the autoencoder on x, computed in f64 from f64 parameters.
fn loss64(net: &Autoencoder, params: &[f64], x: &[f64], rows: usize) -> f64 {
    let mut h = x.to_vec();
    let last = net.layers().len() - 1;
    for (l, layer) in net.layers().iter().enumerate() {
        let (i_n, o_n) = (layer.inputs, layer.outputs);
        let mut next = vec![0f64; rows * o_n];
        for r in 0..rows {
            for o in 0..o_n {
                let mut z = params[layer.biases.start + o];
                for i in 0..i_n {
                    z += h[r * i_n + i] * params[layer.weights.start + i * o_n + o];
                }
                next[r * o_n + o] = if l == last && net.config().loss == Loss::Bce { z } else { act64(layer.activation, z) };
            }
        }
        h = next;
    }
    let n = h.len() as f64;
    match net.config().loss {
        Loss::Mse => h.iter().zip(x).map(|(a, y)| (a - y) * (a - y)).sum::<f64>() / n,
        Loss::Bce => h.iter().zip(x).map(|(z, y)| z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()).sum::<f64>() / n,
    }
}

fn check(config: ModelConfig, label: &str) {
    let mut net = Autoencoder::new(config).unwrap();
    // Non-zero biases: with zero biases a row whose inputs to a relu layer are all zero
    // sits exactly on the kink, where finite differences are one-sided.
    let mut rng = Rng::new(9, 9);
    let bias_ranges: Vec<_> = net.layers().iter().map(|l| l.biases.clone()).collect();
    for r in bias_ranges {
        for b in &mut net.params_mut()[r] {
            *b = rng.uniform_in(-0.3, 0.3);
        }
    }
    let rows = 3;
    let cols = net.input_size();
    let mut rng = Rng::new(42, 7);
    let x: Vec<f32> = (0..rows * cols).map(|_| rng.uniform_in(0.05, 0.95)).collect();
    let mut ws = Workspace::new(net.layers(), rows);
    let mut grads = vec![0f32; net.params().len()];
    let loss = net.loss_and_gradients(&x, &x, rows, &mut ws, &mut grads);

    let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let mut p64: Vec<f64> = net.params().iter().map(|&v| v as f64).collect();
    let want_loss = loss64(&net, &p64, &x64, rows);
    assert!((loss - want_loss).abs() <= 1e-5 * want_loss.abs().max(1.0), "{label}: loss {loss} vs f64 {want_loss}");

    let h = 1e-6;
    for i in 0..p64.len() {
        let orig = p64[i];
        p64[i] = orig + h;
        let up = loss64(&net, &p64, &x64, rows);
        p64[i] = orig - h;
        let down = loss64(&net, &p64, &x64, rows);
        p64[i] = orig;
        let fd = (up - down) / (2.0 * h);
        let g = grads[i] as f64;
        assert!((g - fd).abs() <= 2e-5 + 2e-3 * fd.abs(), "{label}: d loss / d param[{i}] analytic {g} vs finite difference {fd}");
    }
}

fn config(act: Activation, out: Activation, loss: Loss) -> ModelConfig {
    ModelConfig {
        input_size: 5,
        encoder: vec![4, 3],
        decoder: Some(vec![4]),
        activation: act,
        latent_activation: act,
        output_activation: out,
        loss,
        init: crate::config::Init::GlorotUniform,
        seed: 3,
    }
}

#[test]
fn every_activation_as_hidden_latent_and_output_with_mse() {
    for act in Activation::ALL {
        check(config(act, act, Loss::Mse), &format!("{act:?}/mse"));
    }
}

#[test]
fn bce_from_logits_with_every_hidden_activation() {
    for act in Activation::ALL {
        check(config(act, Activation::Sigmoid, Loss::Bce), &format!("{act:?}/bce"));
    }
}

#[test]
fn deeper_and_wider_net() {
    let mut c = config(Activation::Tanh, Activation::Sigmoid, Loss::Mse);
    c.input_size = 9;
    c.encoder = vec![11, 6, 2];
    c.decoder = Some(vec![6, 11]);
    check(c, "deep tanh/mse");
}

#[test]
fn activation_derivatives_match_finite_differences() {
    for act in Activation::ALL {
        let mut z = -4.0f32;
        while z < 4.0 {
            if z.abs() > 1e-3 {
                let fd = (act64(act, z as f64 + 1e-6) - act64(act, z as f64 - 1e-6)) / 2e-6;
                let d = act.derivative(z, act.apply(z)) as f64;
                assert!((d - fd).abs() < 1e-5, "{act:?}'({z}) = {d}, finite difference {fd}");
                assert!((act.apply(z) as f64 - act64(act, z as f64)).abs() < 1e-6, "{act:?}({z})");
            }
            z += 0.0173;
        }
    }
}
