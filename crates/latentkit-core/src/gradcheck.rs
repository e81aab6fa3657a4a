//! Gradient checks: the analytic gradients of the f32 network against f64 central finite
//! differences of an independent f64 re-implementation of the forward pass and loss, for
//! every activation (as hidden, latent and output activation) and every loss.

use crate::layers::activation::Activation;
use crate::autoencoder::{Autoencoder, Workspace};
use crate::config::{LayerKind, ModelConfig};
use crate::layers::loss::Loss;
use crate::rng::Rng;

mod adversary;
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

/// The loss of the autoencoder on x, computed in f64 from f64 parameters, with the given ε
/// for a variational model, and for a plain one with `mmd` (prior draws, λ) λ·MMD of its
/// codes. A text model's input is its tables' rows E[id] + P[t] and its loss the head's,
/// written out from the definitions (`text_loss64`); a conditional one's `labels` (one a
/// row) pick the label tables' rows added to its two first dense layers' pre-activations.
#[allow(clippy::too_many_arguments)]
fn loss64(net: &Autoencoder, params: &[f64], x: &[f64], ctx: &[f64], rows: usize, eps: &[f64], kl_weight: f64, mmd: Option<(&[f64], f64)>, labels: &[f32]) -> f64 {
    let cfg = net.config();
    let mut h: Vec<f64> = match cfg.tokens {
        Some(t) => {
            let (e, p) = (&params[..t.vocab * t.table], &params[t.vocab * t.table..net.layers()[0].weights.end]);
            x.iter().enumerate().flat_map(|(i, &id)| (0..t.table).map(move |k| e[id as usize * t.table + k] + p[(i % t.length) * t.table + k])).collect()
        }
        None => x.to_vec(),
    };
    let last = net.layers().len() - 1;
    let enc = net.encoder_layers;
    let latent = cfg.latent_size();
    let mut kl = 0f64;
    for (l, layer) in net.layers().iter().enumerate() {
        let (i_n, o_n) = (layer.inputs, layer.outputs);
        match layer.kind {
            LayerKind::TokenTable => continue,
            LayerKind::TextHead => {
                let t = cfg.tokens.unwrap();
                let table = &params[..t.vocab * t.table];
                let recon = text_loss64(&params[layer.weights.clone()], table, &h, x, ctx, rows, t, &cfg.classes, cfg.activation);
                // `kl` holds λ·MMD for a plain model
                return recon / rows as f64 + if cfg.variational.is_some() { kl_weight * kl } else { kl };
            }
            LayerKind::Dense => {}
        }
        let mut next = vec![0f64; rows * o_n];
        let label_table = net.label_range(l);
        for r in 0..rows {
            for o in 0..o_n {
                let mut z = params[layer.biases.start + o];
                if let Some(table) = &label_table {
                    z += params[table.start + labels[r] as usize * o_n + o];
                }
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
                kl += lambda * if labels.is_empty() { mmd::mmd64(&h, draws, rows, latent) } else { mmd::mmd64_by_label(&h, draws, rows, latent, labels) };
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

/// Each row's summed loss of the outputs `h` (logits for bce) against targets `x`, and the
/// elements a row has.
fn row_losses64(cfg: &ModelConfig, h: &[f64], x: &[f64]) -> (Vec<f64>, usize) {
    let n = cfg.input_size;
    let rows = h.chunks(n).zip(x.chunks(n));
    let sums = match cfg.loss {
        Loss::Mse => rows.map(|(a, y)| a.iter().zip(y).map(|(a, y)| (a - y) * (a - y)).sum()).collect(),
        Loss::Bce => rows.map(|(z, y)| z.iter().zip(y).map(|(z, y)| z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()).sum()).collect(),
        Loss::Cce => unreachable!("text models' loss is the head's"),
    };
    (sums, n)
}

fn lse64(z: &[f64]) -> f64 {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// A text head's Σ −ln p(target) over every row's positions up to its first end or pad,
/// written out from the definition: c = Σ_j a_j ⊙ E[ctx id at t−1−j] (start id before the
/// text), g = act(base_t + c·Wc + bq), p(w | g) = p(class | g) · p(w | class, g) with class
/// logits g·C + bc over all classes and word logits g·E[u] + bw[u] over the word's class.
#[allow(clippy::too_many_arguments)]
fn text_loss64(p: &[f64], table: &[f64], base: &[f64], x: &[f64], ctx: &[f64], rows: usize, t: crate::tokens::TokenSpec, classes: &[u32], act: Activation) -> f64 {
    let (l, d, k, v) = (t.length, t.table, t.context, t.vocab);
    let nc = classes.iter().map(|&c| c as usize + 1).max().unwrap();
    let wc = k * d;
    let bq = wc + if k > 0 { d * d } else { 0 };
    let (cw, bc) = (bq + d, bq + d + nc * d);
    let bw = bc + nc;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut total = 0.0;
    for r in 0..rows {
        for pt in 0..l {
            let mut c = vec![0f64; d];
            for j in 0..k {
                let id = if pt > j { ctx[r * l + pt - 1 - j] as usize } else { t.start_id as usize };
                for o in 0..d {
                    c[o] += p[j * d + o] * table[id * d + o];
                }
            }
            let g: Vec<f64> = (0..d).map(|o| act64(act, base[(r * l + pt) * d + o] + p[bq + o] + (0..d).map(|i| if k > 0 { c[i] * p[wc + i * d + o] } else { 0.0 }).sum::<f64>())).collect();
            let target = x[r * l + pt] as usize;
            let class_logits: Vec<f64> = (0..nc).map(|ci| dot(&g, &p[cw + ci * d..cw + (ci + 1) * d]) + p[bc + ci]).collect();
            let tc = classes[target] as usize;
            let members: Vec<usize> = (0..v).filter(|&u| classes[u] as usize == tc).collect();
            let word_logits: Vec<f64> = members.iter().map(|&u| dot(&g, &table[u * d..(u + 1) * d]) + p[bw + u]).collect();
            let within = members.iter().position(|&u| u == target).unwrap();
            total += lse64(&class_logits) - class_logits[tc] + lse64(&word_logits) - word_logits[within];
            if target as u32 == t.end_id || target as u32 == t.pad_id {
                break;
            }
        }
    }
    total
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
    // (and the label tables, which start at zero too)
    let mut bias_ranges: Vec<_> = net.layers().iter().map(|l| l.biases.clone()).collect();
    bias_ranges.extend((0..net.layers().len()).filter_map(|l| net.label_range(l)));
    for r in bias_ranges {
        for b in &mut net.params_mut()[r] {
            *b = rng.uniform_in(-0.3, 0.3);
        }
    }
    // a conditional model gets a fourth row, so that two labels can each have two rows (MMD)
    let rows = 3 + usize::from(net.config().labels > 0);
    // ids only: a conditional model's labels are passed beside them, as training does
    let cols = net.layers()[0].inputs;
    let labels: Vec<f32> = (0..rows).map(|r| (r % net.config().labels.max(1)) as f32).filter(|_| net.config().labels > 0).collect();
    let mut rng = Rng::new(42, 7);
    let x: Vec<f32> = match net.config().tokens {
        // texts of 1..length tokens (ids 2.., the start id included) ended by the end id, padded
        Some(t) => (0..rows * cols)
            .map(|i| {
                let (r, pos) = (i / cols, i % cols);
                let end = (r + 1).min(cols - 1);
                if pos < end { 2 + rng.below(t.vocab as u32 - 2) } else if pos == end { t.end_id } else { t.pad_id }
            } as f32)
            .collect(),
        None => (0..rows * cols).map(|_| rng.uniform_in(0.05, 0.95)).collect(),
    };
    let mut ws = Workspace::new(&net, rows);
    let mut grads = vec![0f32; net.params().len()];
    let kl_weight = 0.7f32;
    let eps_seed = Rng::new(5, 5);
    let mut eps_rng = eps_seed.clone();
    let vae = net.config().variational.map(|_| (&mut eps_rng, kl_weight));
    // A text head sees a copy of the targets with some tokens dropped (noise.context).
    let ctx: Vec<f32> = match net.config().tokens {
        Some(t) => x.iter().enumerate().map(|(i, &v)| if i % 3 == 1 { t.start_id as f32 } else { v }).collect(),
        None => x.clone(),
    };
    let draws: Vec<f32> = (0..rows * net.latent_size()).map(|_| rng.normal()).collect();
    let mmd = if lambda > 0.0 { Some((&draws[..], lambda)) } else { None };
    let loss = net.loss_and_gradients(&x, &x, &ctx, rows, &mut ws, &mut grads, vae, mmd, &labels, None);
    let draws64: Vec<f64> = draws.iter().map(|&v| v as f64).collect();
    let mmd64 = mmd.map(|_| (&draws64[..], lambda as f64));
    // the same ε the forward pass drew
    let mut e = eps_seed.clone();
    let eps: Vec<f64> = (0..rows * net.latent_size()).map(|_| e.normal() as f64).collect();

    let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let ctx64: Vec<f64> = ctx.iter().map(|&v| v as f64).collect();
    let mut p64: Vec<f64> = net.params().iter().map(|&v| v as f64).collect();
    let want_loss = loss64(&net, &p64, &x64, &ctx64, rows, &eps, kl_weight as f64, mmd64, &labels);
    assert!((loss - want_loss).abs() <= 1e-5 * want_loss.abs().max(1.0), "{label}: loss {loss} vs f64 {want_loss}");

    let h = 1e-6;
    for i in 0..p64.len() {
        let orig = p64[i];
        p64[i] = orig + h;
        let up = loss64(&net, &p64, &x64, &ctx64, rows, &eps, kl_weight as f64, mmd64, &labels);
        p64[i] = orig - h;
        let down = loss64(&net, &p64, &x64, &ctx64, rows, &eps, kl_weight as f64, mmd64, &labels);
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
        classes: Vec::new(),
        labels: 0,
        variational: None,
    }
}

/// A text model of 4 positions over 7 tokens (pad 0, end 1, start 2), a table of width 3,
/// `context` tokens of context and three classes (one of a single token).
fn text_config(act: Activation, context: usize) -> ModelConfig {
    let mut c = config(act, Activation::Linear, Loss::Cce);
    c.tokens = Some(crate::tokens::TokenSpec { length: 4, vocab: 7, pad_id: 0, end_id: 1, start_id: 2, context, table: 3 });
    c.classes = vec![0, 1, 1, 2, 2, 2, 1];
    c.input_size = 28;
    c
}

#[test]
fn text_model_without_context() {
    check(text_config(Activation::Tanh, 0), "text/tanh/context 0");
}

#[test]
fn text_head_sees_the_tokens_before_each_position() {
    for (context, act) in [(1, Activation::Tanh), (2, Activation::Gelu), (3, Activation::Elu)] {
        let mut c = text_config(act, context);
        check(c.clone(), &format!("text/context {context}/{act:?}"));
        // with a variational encoder, and with no decoder hidden layer (the base reads z)
        c.latent_activation = Activation::Linear;
        c.variational = Some(crate::config::Variational { beta: 0.5, kl_warmup_epochs: 0, free_bits: 0.0 });
        c.decoder = Some(vec![]);
        check(c, &format!("text/context {context}/{act:?}/vae, no decoder layer"));
    }
}

#[test]
fn conditional_text_model() {
    // three labels: rows 0, 1, 2 each get their own rows of both label tables
    let mut c = text_config(Activation::Tanh, 2);
    c.labels = 3;
    check(c.clone(), "conditional text/context 2");
    c.encoder = vec![3];
    c.decoder = Some(vec![]);
    check(c.clone(), "conditional text/latent layer and query base take the labels");
    c.latent_activation = Activation::Linear;
    c.variational = Some(crate::config::Variational { beta: 0.5, kl_warmup_epochs: 0, free_bits: 0.0 });
    check(c, "conditional text/vae");
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
    let mut c = text_config(Activation::Gelu, 2);
    c.latent_activation = Activation::Linear;
    c.variational = Some(crate::config::Variational { beta: 0.5, kl_warmup_epochs: 3, free_bits: 0.01 });
    check(c, "vae/text");
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
