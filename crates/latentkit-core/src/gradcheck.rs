//! Gradient checks: the analytic gradients of the f32 network against f64 central finite
//! differences of an independent f64 re-implementation of the forward pass and loss, for
//! every activation (as hidden, latent and output activation) and every loss.

use crate::layers::activation::Activation;
use crate::autoencoder::{Autoencoder, Workspace};
use crate::config::ModelConfig;
use crate::layers::loss::Loss;
use crate::rng::Rng;

mod mmd;

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

/// The loss of the autoencoder on x, computed in f64 from f64 parameters, with a dense
/// one-hot product for token inputs, the given ε for a variational model, and for a plain
/// one with `mmd` (prior draws, λ) λ·MMD of its codes.
#[allow(clippy::too_many_arguments)]
fn loss64(net: &Autoencoder, params: &[f64], x: &[f64], ctx: &[f64], rows: usize, eps: &[f64], kl_weight: f64, mmd: Option<(&[f64], f64)>) -> f64 {
    let cfg = net.config();
    // token ids -> one-hot rows
    let mut h: Vec<f64> = match cfg.tokens {
        Some(t) => {
            let mut v = vec![0f64; rows * t.length * t.vocab];
            for r in 0..rows {
                for p in 0..t.length {
                    v[r * t.length * t.vocab + p * t.vocab + x[r * t.length + p] as usize] = 1.0;
                }
            }
            v
        }
        None => x.to_vec(),
    };
    let last = net.layers().len() - 1;
    let enc = cfg.encoder.len();
    let latent = cfg.latent_size();
    let mut kl = 0f64;
    for (l, layer) in net.layers().iter().enumerate() {
        let (i_n, o_n) = (layer.inputs, layer.outputs);
        if let (true, Some(t)) = (l == last, cfg.tokens.filter(|t| t.context > 0)) {
            h = context_head64(&params[layer.weights.start..layer.biases.end], &h, ctx, rows, i_n, t, layer_act(cfg));
            continue;
        }
        let mut next = vec![0f64; rows * o_n];
        for r in 0..rows {
            for o in 0..o_n {
                let mut z = params[layer.biases.start + o];
                for i in 0..i_n {
                    z += h[r * i_n + i] * params[layer.weights.start + i * o_n + o];
                }
                let raw_out = l == last && cfg.loss != Loss::Mse;
                next[r * o_n + o] = if raw_out { z } else { act64(layer.activation, z) };
            }
        }
        h = next;
        if l + 1 == enc {
            if let Some(v) = cfg.variational {
                let mut z = vec![0f64; rows * latent];
                for j in 0..latent {
                    let mut s = 0.0;
                    for r in 0..rows {
                        let (mu, lv) = (h[r * 2 * latent + j], h[r * 2 * latent + latent + j]);
                        z[r * latent + j] = mu + (0.5 * lv).exp() * eps[r * latent + j];
                        s += 0.5 * (mu * mu + lv.exp() - 1.0 - lv);
                    }
                    kl += (s / rows as f64).max(v.free_bits);
                }
                h = z;
            }
            if let (None, Some((draws, lambda))) = (cfg.variational, mmd) {
                kl += lambda * mmd::mmd64(&h, draws, rows, latent);
            }
        }
    }
    let (per_row_sum, elements) = row_losses64(cfg, &h, x);
    let mean_row: f64 = per_row_sum.iter().sum::<f64>() / rows as f64;
    match cfg.variational {
        Some(_) => mean_row + kl_weight * kl,
        // `kl` holds λ·MMD here
        None => mean_row / elements as f64 + kl,
    }
}

/// Each row's summed loss of the outputs `h` (logits for bce and cce) against targets `x`,
/// and the elements a row has.
fn row_losses64(cfg: &ModelConfig, h: &[f64], x: &[f64]) -> (Vec<f64>, usize) {
    match (cfg.loss, cfg.tokens) {
        (Loss::Mse, _) => (h.chunks(cfg.input_size).zip(x.chunks(cfg.input_size)).map(|(a, y)| a.iter().zip(y).map(|(a, y)| (a - y) * (a - y)).sum()).collect(), cfg.input_size),
        (Loss::Bce, _) => (
            h.chunks(cfg.input_size)
                .zip(x.chunks(cfg.input_size))
                .map(|(z, y)| z.iter().zip(y).map(|(z, y)| z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()).sum())
                .collect(),
            cfg.input_size,
        ),
        (Loss::Cce, Some(t)) => (
            h.chunks(cfg.input_size)
                .zip(x.chunks(t.length))
                .map(|(z, ids)| {
                    z.chunks(t.vocab)
                        .zip(ids)
                        .map(|(logits, &id)| {
                            let m = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                            m + logits.iter().map(|v| (v - m).exp()).sum::<f64>().ln() - logits[id as usize]
                        })
                        .sum()
                })
                .collect(),
            t.length,
        ),
        _ => unreachable!(),
    }
}

fn layer_act(cfg: &ModelConfig) -> Activation {
    cfg.activation
}

/// The context head in f64, written out from its definition: for each row and position t,
/// g = act(h·Wq + bq + P[t] + Σ_j E[j·V + x_{t-1-j}]) (mask id before the start), then
/// logits = g·U + bu. `p` is the layer's parameters: Wq, E, P, bq, U, bu.
fn context_head64(p: &[f64], h: &[f64], x: &[f64], rows: usize, hid: usize, t: crate::tokens::TokenSpec, act: Activation) -> Vec<f64> {
    let (g, v, len, k) = (hid, t.vocab, t.length, t.context);
    let (wq, emb, pos) = (0, hid * g, hid * g + k * v * g);
    let bq = pos + len * g;
    let u = bq + g;
    let bu = u + g * v;
    let mut logits = vec![0f64; rows * len * v];
    for r in 0..rows {
        for pt in 0..len {
            let mut gv = vec![0f64; g];
            for (o, gv_o) in gv.iter_mut().enumerate() {
                let mut z = p[bq + o] + p[pos + pt * g + o];
                for i in 0..hid {
                    z += h[r * hid + i] * p[wq + i * g + o];
                }
                for j in 0..k {
                    let id = if pt > j { x[r * len + pt - 1 - j] as usize } else { t.start_id as usize };
                    z += p[emb + (j * v + id) * g + o];
                }
                *gv_o = act64(act, z);
            }
            for c in 0..v {
                let mut z = p[bu + c];
                for (o, &gv_o) in gv.iter().enumerate() {
                    z += gv_o * p[u + o * v + c];
                }
                logits[(r * len + pt) * v + c] = z;
            }
        }
    }
    logits
}

fn check(config: ModelConfig, label: &str) {
    check_with(config, label, 0.0);
}

/// `check`, with the MMD penalty of weight `lambda` when above 0 (draws seeded here).
fn check_with(config: ModelConfig, label: &str, lambda: f32) {
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
    let cols = net.data_cols();
    let mut rng = Rng::new(42, 7);
    let x: Vec<f32> = match net.config().tokens {
        Some(t) => (0..rows * cols).map(|_| rng.below(t.vocab as u32) as f32).collect(),
        None => (0..rows * cols).map(|_| rng.uniform_in(0.05, 0.95)).collect(),
    };
    let mut ws = Workspace::new(&net, rows);
    let mut grads = vec![0f32; net.params().len()];
    let kl_weight = 0.7f32;
    let eps_seed = Rng::new(5, 5);
    let mut eps_rng = eps_seed.clone();
    let vae = net.config().variational.map(|_| (&mut eps_rng, kl_weight));
    // A context head sees a copy of the targets with some tokens dropped (noise.context).
    let ctx: Vec<f32> = match net.config().tokens {
        Some(t) => x.iter().enumerate().map(|(i, &v)| if i % 3 == 1 { t.start_id as f32 } else { v }).collect(),
        None => x.clone(),
    };
    let draws: Vec<f32> = (0..rows * net.latent_size()).map(|_| rng.normal()).collect();
    let mmd = if lambda > 0.0 { Some((&draws[..], lambda)) } else { None };
    let loss = net.loss_and_gradients(&x, &x, &ctx, rows, &mut ws, &mut grads, vae, mmd);
    let draws64: Vec<f64> = draws.iter().map(|&v| v as f64).collect();
    let mmd64 = mmd.map(|_| (&draws64[..], lambda as f64));
    // the same ε the forward pass drew
    let mut e = eps_seed.clone();
    let eps: Vec<f64> = (0..rows * net.latent_size()).map(|_| e.normal() as f64).collect();

    let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let ctx64: Vec<f64> = ctx.iter().map(|&v| v as f64).collect();
    let mut p64: Vec<f64> = net.params().iter().map(|&v| v as f64).collect();
    let want_loss = loss64(&net, &p64, &x64, &ctx64, rows, &eps, kl_weight as f64, mmd64);
    assert!((loss - want_loss).abs() <= 1e-5 * want_loss.abs().max(1.0), "{label}: loss {loss} vs f64 {want_loss}");

    let h = 1e-6;
    for i in 0..p64.len() {
        let orig = p64[i];
        p64[i] = orig + h;
        let up = loss64(&net, &p64, &x64, &ctx64, rows, &eps, kl_weight as f64, mmd64);
        p64[i] = orig - h;
        let down = loss64(&net, &p64, &x64, &ctx64, rows, &eps, kl_weight as f64, mmd64);
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
        tokens: None,
        variational: None,
    }
}

#[test]
fn token_input_and_softmax_cross_entropy() {
    let mut c = config(Activation::Tanh, Activation::Linear, Loss::Cce);
    c.tokens = Some(crate::tokens::TokenSpec { length: 3, vocab: 4, pad_id: 0, end_id: 1, start_id: 2, context: 0 });
    c.input_size = 12;
    check(c, "tokens/cce");
}

#[test]
fn context_head_sees_the_tokens_before_each_position() {
    for (context, act) in [(1, Activation::Tanh), (2, Activation::Gelu), (3, Activation::Elu)] {
        let mut c = config(act, Activation::Linear, Loss::Cce);
        c.tokens = Some(crate::tokens::TokenSpec { length: 4, vocab: 5, pad_id: 0, end_id: 1, start_id: 2, context });
        c.input_size = 20;
        check(c.clone(), &format!("context {context}/{act:?}"));
        // with a variational encoder, and with no decoder hidden layer (the head reads z)
        c.latent_activation = Activation::Linear;
        c.variational = Some(crate::config::Variational { beta: 0.5, kl_warmup_epochs: 0, free_bits: 0.0 });
        c.decoder = Some(vec![]);
        check(c, &format!("context {context}/{act:?}/vae, no decoder layer"));
    }
}

#[test]
fn variational_with_every_loss() {
    let mut c = config(Activation::Elu, Activation::Sigmoid, Loss::Mse);
    c.latent_activation = Activation::Linear;
    c.variational = Some(crate::config::Variational { beta: 1.0, kl_warmup_epochs: 0, free_bits: 0.0 });
    check(c.clone(), "vae/mse");
    c.loss = Loss::Bce;
    check(c.clone(), "vae/bce");
    // free bits above every dimension's KL: those dimensions get no KL gradient
    c.variational = Some(crate::config::Variational { beta: 2.0, kl_warmup_epochs: 0, free_bits: 0.05 });
    check(c, "vae/bce/free bits");
}

#[test]
fn variational_text_model() {
    let mut c = config(Activation::Gelu, Activation::Linear, Loss::Cce);
    c.latent_activation = Activation::Linear;
    c.tokens = Some(crate::tokens::TokenSpec { length: 4, vocab: 5, pad_id: 0, end_id: 1, start_id: 2, context: 0 });
    c.input_size = 20;
    c.variational = Some(crate::config::Variational { beta: 0.5, kl_warmup_epochs: 3, free_bits: 0.01 });
    check(c, "vae/tokens");
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
