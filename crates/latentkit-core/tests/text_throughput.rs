// Native throughput of the text layers of issue #12 at the shapes, against a full
// softmax over the vocabulary at the same shapes, and the parameter counts and file sizes
// of a model built from them against today's. Not a benchmark of the product (that is
// `pnpm bench:text`, in wasm): natively the kernels are the scalar twin, so the absolute
// numbers are this machine's and the ratio is the finding. Run:
//
//   cargo test --release -p latentkit-core --test text_throughput -- --ignored --nocapture
//
// One training step of a batch, in both variants:
//   ids (B, L) -> token_embedding (B, L·d) -> dense L·d→H (tanh) -> dense H→L·d (linear)
//   = one query of width d per position (B·L, d) -> output layer against the targets (the
//   same ids), then every backward pass and one Adam step over all parameters.
// The output layer is the class softmax (tied to E) or a full softmax q·Eᵀ + b over V
// (tied too, through the existing gemm kernels).

use latentkit_core::kernels::{self, AdamStep};
use latentkit_core::layers::class_softmax::{self, default_classes, ClassSoftmax};
use latentkit_core::layers::loss::log_sum_exp;
use latentkit_core::math;
use latentkit_core::layers::{dense, mat, mat_mut, token_embedding};
use latentkit_core::rng::Rng;
use latentkit_core::Activation;
use std::time::Instant;

struct Shape {
    name: &'static str,
    vocab: usize,
    length: usize,
    d: usize,
    hidden: usize,
    batch: usize,
}

/// Zipf counts (rank r ~ 1/(r + 2)) and ids drawn from them, so that the class of a target
/// is as skewed as in text.
fn zipf(vocab: usize, n: usize, seed: u64) -> (Vec<u64>, Vec<f32>) {
    let counts: Vec<u64> = (0..vocab).map(|r| 1 + 1_000_000 / (r as u64 + 2)).collect();
    let total: u64 = counts.iter().sum();
    let mut cdf = Vec::with_capacity(vocab);
    let mut acc = 0u64;
    for &c in &counts {
        acc += c;
        cdf.push(acc);
    }
    let mut rng = Rng::new(seed, 0);
    let ids = (0..n).map(|_| cdf.partition_point(|&c| c <= (rng.uniform() as f64 * total as f64) as u64).min(vocab - 1) as f32).collect();
    (counts, ids)
}

/// Parameter offsets: E, P, W1, b1, W2, b2, then the output layer's own (C, bc, bw for the
/// class softmax; b for the full softmax).
fn ranges(s: &Shape, own: usize) -> [std::ops::Range<usize>; 7] {
    let (ld, h) = (s.length * s.d, s.hidden);
    let mut at = 0;
    let mut next = |len: usize| {
        at += len;
        at - len..at
    };
    [next(s.vocab * s.d), next(ld), next(ld * h), next(h), next(h * ld), next(ld), next(own)]
}

/// The output layer of one variant: the loss and dq (N, d) from q, and its gradients on E
/// and its own parameters.
enum Output {
    Class(ClassSoftmax, Box<class_softmax::Scratch>),
    Full(Vec<f32>),
}

impl Output {
    #[allow(clippy::too_many_arguments)]
    fn step(&mut self, q: &[f32], ids: &[f32], n: usize, d: usize, table: &[f32], own: &[f32], dq: &mut [f32], dtable: &mut [f32], down: &mut [f32]) -> f64 {
        let v = table.len() / d;
        let scale = 1.0 / n as f64;
        match self {
            Output::Class(cs, s) => {
                let loss = cs.forward(mat(q, n, d), ids, mat(table, v, d), own, scale, s);
                cs.backward(mat(q, n, d), ids, mat(table, v, d), own, scale, s, mat_mut(dq, n, d), mat_mut(dtable, v, d), down);
                loss
            }
            Output::Full(logits) => {
                logits.resize(n * v, 0.0);
                kernels::gemm_nt(n, v, d, q, table, logits, false);
                let mut loss = 0f64;
                for (z, &t) in logits.chunks_exact_mut(v).zip(ids) {
                    for (x, &b) in z.iter_mut().zip(own) {
                        *x += b;
                    }
                    let lse = log_sum_exp(z);
                    loss += (lse - z[t as usize]) as f64;
                    for x in z.iter_mut() {
                        *x = math::exp(*x - lse);
                    }
                }
                for (z, &t) in logits.chunks_exact_mut(v).zip(ids) {
                    z[t as usize] -= 1.0;
                    for (x, g) in z.iter_mut().zip(down.iter_mut()) {
                        *x *= scale as f32;
                        *g += *x;
                    }
                }
                kernels::gemm_nn(n, d, v, logits, table, dq, false);
                kernels::gemm_tn(v, d, n, logits, q, dtable, true);
                loss * scale
            }
        }
    }
}

/// Seconds of `steps` training steps of the model with this output layer, and of its
/// phases: embedding (both passes), dense layers (both passes), output layer, Adam.
fn run(s: &Shape, out: &mut Output, own: usize, steps: usize) -> (f64, [f64; 4]) {
    let [e, pos, w1, b1, w2, b2, o] = ranges(s, own);
    let (b, l, d, h, ld, n) = (s.batch, s.length, s.d, s.hidden, s.length * s.d, s.batch * s.length);
    let mut rng = Rng::new(1, 1);
    let mut p: Vec<f32> = (0..o.end).map(|_| rng.uniform_in(-0.05, 0.05)).collect();
    let (mut g, mut m, mut vv) = (vec![0f32; p.len()], vec![0f32; p.len()], vec![0f32; p.len()]);
    let (_, ids) = zipf(s.vocab, b * l * steps, 7);
    let (mut x, mut z1, mut a1, mut q, mut z2) = (vec![0f32; b * ld], vec![0f32; b * h], vec![0f32; b * h], vec![0f32; n * d], vec![0f32; n * d]);
    let (mut dq, mut dh, mut dx) = (vec![0f32; n * d], vec![0f32; b * h], vec![0f32; b * ld]);
    let adam = AdamStep { step_size: 1e-3, bc2_sqrt: 1.0, beta1: 0.9, beta2: 0.999, eps: 1e-7, l2: 0.0, decay: 1.0 };
    let (start, mut phases) = (Instant::now(), [0f64; 4]);
    let mut clock = Instant::now();
    let mut lap = |phase: usize| {
        phases[phase] += clock.elapsed().as_secs_f64();
        clock = Instant::now();
    };
    for batch in ids.chunks_exact(b * l) {
        let ids = mat(batch, b, l);
        lap(3);
        token_embedding::forward(ids, mat(&p[e.clone()], s.vocab, d), mat(&p[pos.clone()], l, d), mat_mut(&mut x, b, ld));
        lap(0);
        dense::forward(mat(&x, b, ld), mat(&p[w1.clone()], ld, h), &p[b1.clone()], Activation::Tanh, mat_mut(&mut z1, b, h), mat_mut(&mut a1, b, h));
        dense::forward(mat(&a1, b, h), mat(&p[w2.clone()], h, ld), &p[b2.clone()], Activation::Linear, mat_mut(&mut z2, b, ld), mat_mut(&mut q, b, ld));
        g.fill(0.0);
        lap(1);
        let (ge, rest) = g.split_at_mut(e.end);
        let go = &mut rest[o.start - e.end..];
        let loss = out.step(&q, batch, n, d, &p[e.clone()], &p[o.clone()], &mut dq, ge, go);
        assert!(loss.is_finite());
        lap(2);
        let (gw2, gb2) = g[w2.start..b2.end].split_at_mut(h * ld);
        dense::backward(mat(&a1, b, h), mat(&p[w2.clone()], h, ld), mat(&dq, b, ld), mat_mut(gw2, h, ld), gb2, Some(mat_mut(&mut dh, b, h)));
        Activation::Tanh.backward(&z1, &a1, &mut dh);
        let (gw1, gb1) = g[w1.start..b1.end].split_at_mut(ld * h);
        dense::backward(mat(&x, b, ld), mat(&p[w1.clone()], ld, h), mat(&dh, b, h), mat_mut(gw1, ld, h), gb1, Some(mat_mut(&mut dx, b, ld)));
        lap(1);
        let (ge, gp) = g[..pos.end].split_at_mut(e.end);
        token_embedding::backward(ids, mat(&dx, b, ld), mat_mut(ge, s.vocab, d), mat_mut(gp, l, d));
        lap(0);
        assert!(kernels::adam(&mut p, &g, &mut m, &mut vv, &adam));
    }
    lap(3);
    (start.elapsed().as_secs_f64(), phases)
}

/// Texts a second of the best of three timings (the machine is shared), and the shares of
/// the phases in that run.
fn texts_per_second(s: &Shape, class: bool, steps: usize) -> (f64, [f64; 4]) {
    let best = (0..3)
        .map(|_| {
            let (counts, _) = zipf(s.vocab, 0, 7);
            let (mut out, own) = if class {
                let cs = ClassSoftmax::from_counts(&counts, default_classes(s.vocab), s.d).unwrap();
                let own = cs.param_count();
                (Output::Class(cs, Box::default()), own)
            } else {
                (Output::Full(Vec::new()), s.vocab)
            };
            run(s, &mut out, own, steps)
        })
        .fold((f64::INFINITY, [0.0; 4]), |a, b| if b.0 < a.0 { b } else { a });
    ((s.batch * steps) as f64 / best.0, best.1.map(|t| t / best.0))
}

#[test]
#[ignore]
fn text_layers_throughput() {
    let shapes = [
        Shape { name: "Tang", vocab: 4460, length: 6, d: 128, hidden: 256, batch: 64 },
        Shape { name: "WordNet", vocab: 7700, length: 13, d: 128, hidden: 256, batch: 64 },
        // narrower tables: the dense layers over L·d columns are what remains
        Shape { name: "Tang", vocab: 4460, length: 6, d: 64, hidden: 256, batch: 64 },
        Shape { name: "WordNet", vocab: 7700, length: 13, d: 64, hidden: 256, batch: 64 },
    ];
    println!("| corpus | V | L | d | H | batch | classes | class softmax texts/s | full softmax texts/s | ratio |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut shares = Vec::new();
    for s in &shapes {
        let ((class, cp), (full, fp)) = (texts_per_second(s, true, 40), texts_per_second(s, false, 8));
        println!("| {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.1}× |", s.name, s.vocab, s.length, s.d, s.hidden, s.batch, default_classes(s.vocab), class, full, class / full);
        shares.push((s.name, "class", cp));
        shares.push((s.name, "full", fp));
    }
    println!("\n| corpus | output | embedding | dense layers | output layer | Adam + rest |\n|---|---|---|---|---|---|");
    for (name, kind, p) in shares {
        println!("| {name} | {kind} | {:.0}% | {:.0}% | {:.0}% | {:.0}% |", 100.0 * p[0], 100.0 * p[1], 100.0 * p[2], 100.0 * p[3]);
    }
}
