// The text layers of issue #12 learn together: a token table E shared by the input
// (token_embedding) and the output (class_softmax), a dense bottleneck between them, trained
// with the core's Adam kernel, reconstructs its texts exactly when decoded through the exact
// `log_probs`. The model wiring comes next session; this holds the pieces to working order.
use latentkit_core::kernels::{self, AdamStep};
use latentkit_core::layers::class_softmax::{self, ClassSoftmax};
use latentkit_core::layers::{dense, mat, mat_mut, token_embedding};
use latentkit_core::rng::Rng;
use latentkit_core::Activation;

const V: usize = 40;
const L: usize = 5;
const D: usize = 16;
const H: usize = 48;
const TEXTS: usize = 48;

/// E, P, W1 (L·D×H), b1, W2 (H×L·D), b2, then the class softmax's C, bc, bw.
fn ranges(own: usize) -> [std::ops::Range<usize>; 7] {
    let mut at = 0;
    let mut next = |len: usize| {
        at += len;
        at - len..at
    };
    [next(V * D), next(L * D), next(L * D * H), next(H), next(H * L * D), next(L * D), next(own)]
}

/// The per-position queries (TEXTS·L, D) of the texts, keeping what backward needs.
fn queries(p: &[f32], r: &[std::ops::Range<usize>; 7], ids: &[f32], x: &mut [f32], z1: &mut [f32], a1: &mut [f32], q: &mut [f32]) {
    let (b, ld) = (ids.len() / L, L * D);
    token_embedding::forward(mat(ids, b, L), mat(&p[r[0].clone()], V, D), mat(&p[r[1].clone()], L, D), mat_mut(x, b, ld));
    dense::forward(mat(x, b, ld), mat(&p[r[2].clone()], ld, H), &p[r[3].clone()], Activation::Tanh, mat_mut(z1, b, H), mat_mut(a1, b, H));
    dense::infer(mat(a1, b, H), mat(&p[r[4].clone()], H, ld), &p[r[5].clone()], Activation::Linear, mat_mut(q, b, ld));
}

#[test]
fn a_tied_table_and_class_softmax_learn_to_reconstruct_texts() {
    let mut rng = Rng::new(3, 0);
    let ids: Vec<f32> = (0..TEXTS * L).map(|_| rng.below(V as u32) as f32).collect();
    let mut counts = vec![1u64; V];
    ids.iter().for_each(|&t| counts[t as usize] += 1);
    let cs = ClassSoftmax::from_counts(&counts, 7, D).unwrap();
    let r = ranges(cs.param_count());
    let mut p: Vec<f32> = (0..r[6].end).map(|_| rng.uniform_in(-0.3, 0.3)).collect();
    let (n, ld) = (TEXTS * L, L * D);
    let (mut g, mut m, mut v) = (vec![0f32; p.len()], vec![0f32; p.len()], vec![0f32; p.len()]);
    let (mut x, mut z1, mut a1, mut q) = (vec![0f32; TEXTS * ld], vec![0f32; TEXTS * H], vec![0f32; TEXTS * H], vec![0f32; n * D]);
    let (mut dq, mut dh, mut dx) = (vec![0f32; n * D], vec![0f32; TEXTS * H], vec![0f32; TEXTS * ld]);
    let mut s = class_softmax::Scratch::default();
    let (mut first, mut last) = (0.0, 0.0);
    let (lr, b1, b2) = (1e-2f64, 0.9f64, 0.999f64);
    for step in 1..=400 {
        queries(&p, &r, &ids, &mut x, &mut z1, &mut a1, &mut q);
        let table = mat(&p[r[0].clone()], V, D);
        let loss = cs.forward(mat(&q, n, D), &ids, table, &p[r[6].clone()], 1.0 / n as f64, &mut s);
        (first, last) = (if step == 1 { loss } else { first }, loss);
        g.fill(0.0);
        let (ge, rest) = g.split_at_mut(r[0].end);
        let own = &mut rest[r[6].start - r[0].end..];
        cs.backward(mat(&q, n, D), &ids, table, &p[r[6].clone()], 1.0 / n as f64, &mut s, mat_mut(&mut dq, n, D), mat_mut(ge, V, D), own);
        let (gw2, gb2) = g[r[4].start..r[5].end].split_at_mut(H * ld);
        dense::backward(mat(&a1, TEXTS, H), mat(&p[r[4].clone()], H, ld), mat(&dq, TEXTS, ld), mat_mut(gw2, H, ld), gb2, Some(mat_mut(&mut dh, TEXTS, H)));
        Activation::Tanh.backward(&z1, &a1, &mut dh);
        let (gw1, gb1) = g[r[2].start..r[3].end].split_at_mut(ld * H);
        dense::backward(mat(&x, TEXTS, ld), mat(&p[r[2].clone()], ld, H), mat(&dh, TEXTS, H), mat_mut(gw1, ld, H), gb1, Some(mat_mut(&mut dx, TEXTS, ld)));
        let (ge, gp) = g[..r[1].end].split_at_mut(r[0].end);
        token_embedding::backward(mat(&ids, TEXTS, L), mat(&dx, TEXTS, ld), mat_mut(ge, V, D), mat_mut(gp, L, D));
        let adam = AdamStep { step_size: (lr / (1.0 - b1.powi(step))) as f32, bc2_sqrt: (1.0 - b2.powi(step)).sqrt() as f32, beta1: 0.9, beta2: 0.999, eps: 1e-7, l2: 0.0, decay: 1.0 };
        assert!(kernels::adam(&mut p, &g, &mut m, &mut v, &adam), "step {step}: weights stay finite");
    }
    assert!(last < 0.05 * first, "the loss fell from {first} to only {last}");
    // greedy decoding through the exact distribution
    queries(&p, &r, &ids, &mut x, &mut z1, &mut a1, &mut q);
    let mut lp = vec![0f32; n * V];
    cs.log_probs(mat(&q, n, D), mat(&p[r[0].clone()], V, D), &p[r[6].clone()], mat_mut(&mut lp, n, V));
    let decoded: Vec<f32> = lp.chunks(V).map(|row| (0..V).fold(0, |best, i| if row[i] > row[best] { i } else { best }) as f32).collect();
    let exact = decoded.chunks(L).zip(ids.chunks(L)).filter(|(a, b)| a == b).count();
    println!("loss {first:.4} -> {last:.5}, {exact} of {TEXTS} texts exact");
    assert_eq!(exact, TEXTS, "texts reconstructed exactly (loss {first} -> {last})");
}
