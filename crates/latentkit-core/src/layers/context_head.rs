//! The autoregressive output layer of a token model (`tokens.context > 0`).
//!
//! A plain token decoder predicts every position from the code alone, so a code between
//! two words decodes to a blend of their letters. This layer also sees the `k` tokens
//! before each position, so each token is chosen knowing what came before it:
//!
//! ```text
//!   q      = h·Wq                                       (B, G)   once per row
//!   pre_t  = q + P[t] + Σ_j E[j·V + x_{t-1-j}] + bq     (B·L, G) per position
//!   g_t    = act(pre_t)
//!   logit_t = g_t·U + bu                                (B·L, V)
//! ```
//!
//! `h` is the decoder's last hidden layer (width H), `G = H`, `x` the target tokens during
//! training (teacher forcing) and the tokens chosen so far when decoding; positions before
//! the start see the mask id, which never occurs in a target. The logits have the layout of
//! the plain output layer (rows × length·vocab), so the loss is the same.
//!
//! Parameters, in the layer's slice of the buffer: Wq (H×G), E (k·V×G), P (L×G), bq (G),
//! U (G×V), then bu (V) as the layer's "biases".

use crate::layers::activation::Activation;
use crate::tokens::TokenSpec;
use crate::layers::dense;
use crate::kernels;
use crate::layers::{flat, flat_mut, mat, mat_mut};
use ndarray::{ArrayView2, ArrayViewMut2};
use std::ops::Range;

/// Shape of a context head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextHead {
    /// Width of its input (the decoder's last hidden layer, or the latent size).
    pub hidden: usize,
    /// Width of the per-position hidden layer (= hidden).
    pub width: usize,
    pub vocab: usize,
    pub length: usize,
    /// Tokens seen before each position.
    pub context: usize,
    /// Token fed as context before the start of a text (the mask id).
    pub start_id: u32,
    pub activation: Activation,
}

/// Offsets of the parameters inside the layer's weight slice.
struct Parts {
    wq: Range<usize>,
    emb: Range<usize>,
    pos: Range<usize>,
    bq: Range<usize>,
    u: Range<usize>,
}

impl ContextHead {
    pub fn new(hidden: usize, t: TokenSpec, activation: Activation) -> ContextHead {
        ContextHead { hidden, width: hidden, vocab: t.vocab, length: t.length, context: t.context, start_id: t.start_id, activation }
    }

    /// Length of the weight slice (everything but bu), in u128 for size checks.
    pub fn weight_count(hidden: u128, t: &TokenSpec) -> u128 {
        let (g, v) = (hidden, t.vocab as u128);
        hidden * g + t.context as u128 * v * g + t.length as u128 * g + g + g * v
    }

    fn parts(&self) -> Parts {
        let (h, g, v) = (self.hidden, self.width, self.vocab);
        let wq = 0..h * g;
        let emb = wq.end..wq.end + self.context * v * g;
        let pos = emb.end..emb.end + self.length * g;
        let bq = pos.end..pos.end + g;
        let u = bq.end..bq.end + g * v;
        Parts { wq, emb, pos, bq, u }
    }

    /// Which of the weights are drawn at initialisation, with their fan-in and fan-out
    /// (the biases bq stay zero).
    pub fn init_ranges(&self) -> [(Range<usize>, usize, usize); 4] {
        let p = self.parts();
        // a position's pre-activation sums q, P[t] and k embedding rows
        [(p.wq, self.hidden, self.width), (p.emb, self.context + 1, self.width), (p.pos, self.context + 1, self.width), (p.u, self.width, self.vocab)]
    }

    /// The id at position `t - 1 - j` of `ids` (a row of `length`), or the start id.
    #[inline]
    fn context_id(&self, ids: &[f32], t: usize, j: usize) -> usize {
        if t > j {
            ids[t - 1 - j] as usize
        } else {
            self.start_id as usize
        }
    }

    /// pre (rows·L, G) from q (rows, G) and the context of every position of `ids`.
    fn positions(&self, rows: usize, q: &[f32], ids: &[f32], w: &[f32], pre: &mut [f32]) {
        let p = self.parts();
        let (g, l) = (self.width, self.length);
        let (emb, pos) = (&w[p.emb], &w[p.pos]);
        for r in 0..rows {
            let qr = &q[r * g..(r + 1) * g];
            let row_ids = &ids[r * l..(r + 1) * l];
            for t in 0..l {
                let out = &mut pre[(r * l + t) * g..(r * l + t + 1) * g];
                for ((o, &a), &b) in out.iter_mut().zip(qr).zip(&pos[t * g..(t + 1) * g]) {
                    *o = a + b;
                }
                for j in 0..self.context {
                    let at = (j * self.vocab + self.context_id(row_ids, t, j)) * g;
                    for (o, &e) in out.iter_mut().zip(&emb[at..at + g]) {
                        *o += e;
                    }
                }
            }
        }
    }

    /// Checks h (B, H) and ids (B, L) against the head; returns B.
    fn rows_of(&self, h: &ArrayView2<f32>, ids: &ArrayView2<f32>) -> usize {
        assert!(h.ncols() == self.hidden && ids.dim() == (h.nrows(), self.length), "context head input shapes");
        h.nrows()
    }

    /// Training forward pass: logits (B, L·V) of every position from h (B, H), given the
    /// `ids` (B, L) as context, keeping q, the pre-activations and activations for `backward`.
    pub fn forward(&self, h: ArrayView2<f32>, ids: ArrayView2<f32>, w: &[f32], bu: &[f32], s: &mut Scratch, mut logits: ArrayViewMut2<f32>) {
        let rows = self.rows_of(&h, &ids);
        let p = self.parts();
        let (g, n) = (self.width, rows * self.length);
        assert!(logits.dim() == (rows, self.length * self.vocab), "context head logits shape");
        kernels::gemm_nn(rows, g, self.hidden, flat(&h), &w[p.wq.clone()], &mut s.q[..rows * g], false);
        self.positions(rows, &s.q, flat(&ids), w, &mut s.pre);
        let act = &mut s.act[..n * g];
        self.activation.bias_forward(&mut s.pre[..n * g], &w[p.bq], act);
        // every position is a row of the output layer U: (B·L, G) -> (B·L, V)
        dense::infer(mat(act, n, g), mat(&w[p.u], g, self.vocab), bu, Activation::Linear, mat_mut(flat_mut(&mut logits), n, self.vocab));
    }

    /// Backward pass from h (B, H), ids (B, L) and dlogits (B, L·V): the gradients of the
    /// layer's weights (`dw`, same layout as its weight slice) and bu (`dbu`), and dh (B, H).
    /// Overwrites.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(&self, h: ArrayView2<f32>, ids: ArrayView2<f32>, w: &[f32], dlogits: ArrayView2<f32>, s: &mut Scratch, dw: &mut [f32], dbu: &mut [f32], dh: ArrayViewMut2<f32>) {
        let rows = self.rows_of(&h, &ids);
        let p = self.parts();
        let (g, v, l, n) = (self.width, self.vocab, self.length, rows * self.length);
        let ids = flat(&ids);
        // U, bu and d(act) = dlogits·Uᵀ
        let du = mat_mut(&mut dw[p.u.clone()], g, v);
        dense::backward(mat(&s.act, n, g), mat(&w[p.u.clone()], g, v), mat(flat(&dlogits), n, v), du, dbu, Some(mat_mut(&mut s.dact, n, g)));
        // through the activation: dpre in place of dact
        self.activation.backward(&s.pre[..n * g], &s.act[..n * g], &mut s.dact[..n * g]);
        // E, P, and dq = Σ_t dpre
        dw[p.emb.clone()].fill(0.0);
        dw[p.pos.clone()].fill(0.0);
        let dq = &mut s.q[..rows * g];
        dq.fill(0.0);
        for r in 0..rows {
            let row_ids = &ids[r * l..(r + 1) * l];
            for t in 0..l {
                let d = &s.dact[(r * l + t) * g..(r * l + t + 1) * g];
                for (o, &x) in dq[r * g..(r + 1) * g].iter_mut().zip(d) {
                    *o += x;
                }
                let pos = p.pos.start + t * g;
                for (o, &x) in dw[pos..pos + g].iter_mut().zip(d) {
                    *o += x;
                }
                for j in 0..self.context {
                    let at = p.emb.start + (j * v + self.context_id(row_ids, t, j)) * g;
                    for (o, &x) in dw[at..at + g].iter_mut().zip(d) {
                        *o += x;
                    }
                }
            }
        }
        // Wq, dh = dq·Wqᵀ, and bq's gradient Σ_rows dq = Σ_rows Σ_t dpre
        let (dwq, rest) = dw[..p.bq.end].split_at_mut(p.wq.end);
        let dbq = &mut rest[p.bq.start - p.wq.end..];
        dense::backward(h, mat(&w[p.wq], self.hidden, g), mat(&s.q, rows, g), mat_mut(dwq, self.hidden, g), dbq, Some(dh));
    }

    /// Logits (B, V) of position `t` alone, given each row's tokens before it in `ids`
    /// (B, L; only positions < t are read). `q` (B, G) is `queries` of the rows.
    #[allow(clippy::too_many_arguments)]
    pub fn step(&self, q: ArrayView2<f32>, ids: ArrayView2<f32>, t: usize, w: &[f32], bu: &[f32], act: &mut Vec<f32>, logits: ArrayViewMut2<f32>) {
        let rows = q.nrows();
        assert!(q.ncols() == self.width && ids.dim() == (rows, self.length) && logits.dim() == (rows, self.vocab), "context head step shapes");
        let (q, ids) = (flat(&q), flat(&ids));
        let p = self.parts();
        let (g, l) = (self.width, self.length);
        act.clear();
        act.resize(rows * g, 0.0);
        let (emb, pos) = (&w[p.emb.clone()], &w[p.pos.clone()]);
        for r in 0..rows {
            let out = &mut act[r * g..(r + 1) * g];
            for ((o, &a), &b) in out.iter_mut().zip(&q[r * g..(r + 1) * g]).zip(&pos[t * g..(t + 1) * g]) {
                *o = a + b;
            }
            for j in 0..self.context {
                let at = (j * self.vocab + self.context_id(&ids[r * l..(r + 1) * l], t, j)) * g;
                for (o, &e) in out.iter_mut().zip(&emb[at..at + g]) {
                    *o += e;
                }
            }
        }
        self.activation.bias_forward_in_place(act, &w[p.bq.clone()]);
        dense::infer(mat(act, rows, g), mat(&w[p.u], g, self.vocab), bu, Activation::Linear, logits);
    }

    /// q (B, G) = h·Wq from h (B, H): the per-row part of every position, computed once.
    pub fn queries(&self, h: ArrayView2<f32>, w: &[f32]) -> Vec<f32> {
        assert!(h.ncols() == self.hidden, "context head input shape");
        let p = self.parts();
        let mut q = vec![0f32; h.nrows() * self.width];
        kernels::gemm_nn(h.nrows(), self.width, self.hidden, flat(&h), &w[p.wq], &mut q, false);
        q
    }
}

/// The head's buffers for a batch, made once per batch size.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    q: Vec<f32>,
    pre: Vec<f32>,
    act: Vec<f32>,
    dact: Vec<f32>,
}

impl Scratch {
    /// The values one row takes (what `new` allocates per row).
    pub fn values_per_row(head: &ContextHead) -> u64 {
        let (l, g) = (head.length as u64, head.width as u64);
        g + 3 * l * g
    }

    pub fn new(head: &ContextHead, rows: usize) -> Scratch {
        let n = rows * head.length * head.width;
        Scratch { q: vec![0.0; rows * head.width], pre: vec![0.0; n], act: vec![0.0; n], dact: vec![0.0; n] }
    }
}
