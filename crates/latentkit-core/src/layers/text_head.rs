//! The output of a text model's decoder, position by position. The decoder's dense layers
//! end in `base` (rows, L·d): one query slice per position, which carries the code. Each
//! position then sees the k tokens before it through the tied table E (the start id stands
//! before the text) and becomes a distribution over the vocabulary:
//!
//! ```text
//!   c_t = Σ_{j<k} a_j ⊙ E[x_{t-1-j}]       a_j (d): one weight vector a lag
//!   g_t = act(base_t + c_t·Wc + bq)         Wc (d×d), bq (d)
//!   p(· | g_t) = class_softmax(g_t; E)      exact and normalised, tied to E
//! ```
//!
//! The context costs k·d + d² weights and d² multiply-adds a position, where the one-hot
//! context head it replaces cost k·V·H of each: nothing here grows with length × vocabulary.
//!
//! Training takes the positions of each row up to and including its end (decoding stops
//! there, so the padding after it is never asked for) and hands them to the class softmax.
//! Its own parameters, in one slice: a (k×d) and Wc (d×d) when k > 0, bq (d), then the class
//! softmax's C, bc, bw. Gradients of the slice and of E are added to: E has three users.

use crate::error::{Error, Result};
use crate::kernels;
use crate::kernels::elementwise::{add_into, add_product};
use crate::layers::activation::Activation;
use crate::layers::class_softmax::{self, ClassSoftmax};
use crate::layers::{mat, mat_mut};
use crate::rng::Rng;
use crate::tokens::TokenSpec;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct TextHead {
    pub length: usize,
    pub vocab: usize,
    /// Width d of the token table and of the queries.
    pub dim: usize,
    /// Tokens before each position that it sees (k).
    pub context: usize,
    start_id: usize,
    /// A row's trained positions end at its first end (or pad) target.
    stop_ids: [u32; 2],
    activation: Activation,
    softmax: ClassSoftmax,
}

/// What `forward` keeps for `backward`, grown to the largest batch seen and reused.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// c_t of every position (rows·L × d); `backward` reuses it for ∂loss/∂c.
    mix: Vec<f32>,
    /// base + c·Wc + bq, and its activation g (rows·L × d).
    pre: Vec<f32>,
    g: Vec<f32>,
    /// The trained positions (row·L + t), their targets, queries and the queries' gradient.
    picked: Vec<usize>,
    targets: Vec<f32>,
    q: Vec<f32>,
    dq: Vec<f32>,
    softmax: class_softmax::Scratch,
}

impl TextHead {
    /// The head of a text model: `class_of` gives each token's class (see `ClassSoftmax`).
    pub fn new(t: &TokenSpec, class_of: &[u32], activation: Activation) -> Result<TextHead> {
        if class_of.len() != t.vocab {
            return Err(Error::InvalidOption(format!("tokens: classes must give one class for each of the {} tokens", t.vocab)));
        }
        let softmax = ClassSoftmax::from_classes(class_of, t.table)?;
        Ok(TextHead {
            length: t.length,
            vocab: t.vocab,
            dim: t.table,
            context: t.context,
            start_id: t.start_id as usize,
            stop_ids: [t.end_id, t.pad_id],
            activation,
            softmax,
        })
    }

    /// Each token's class.
    pub fn class_of(&self) -> &[u32] {
        self.softmax.class_of()
    }

    /// Length of the head's parameter slice.
    pub fn param_count(&self) -> usize {
        self.parts()[3].end
    }

    /// a, Wc, bq and the class softmax's C, bc, bw inside the head's slice.
    fn parts(&self) -> [Range<usize>; 4] {
        let (k, d) = (self.context, self.dim);
        let a = 0..k * d;
        let wc = a.end..a.end + if k > 0 { d * d } else { 0 };
        let bq = wc.end..wc.end + d;
        let sm = bq.end..bq.end + self.softmax.param_count();
        [a, wc, bq, sm]
    }

    /// Fresh weights: a = 1 (each lag passes its token's row as it is), Wc and C
    /// Glorot-uniform, biases 0.
    pub fn init(&self, w: &mut [f32], rng: &mut Rng) {
        let [a, wc, _, sm] = self.parts();
        let d = self.dim;
        w.fill(0.0);
        w[a].fill(1.0);
        let glorot = |w: &mut [f32], rng: &mut Rng, fan: usize| {
            let lim = (6.0 / fan as f64).sqrt() as f32;
            w.iter_mut().for_each(|x| *x = rng.uniform_in(-lim, lim));
        };
        glorot(&mut w[wc], rng, 2 * d);
        let classes = self.softmax.classes();
        glorot(&mut w[sm.start..sm.start + classes * d], rng, classes + d);
    }

    /// f32 values of scratch a row of a batch needs (an upper bound, for the budget).
    pub fn values_per_row(&self) -> u64 {
        let (l, d) = (self.length as u64, self.dim as u64);
        // mix, pre, g, q, dq, the grouped queries; class and word probabilities
        l * (6 * d + self.softmax.classes() as u64 + self.vocab as u64) + 2 * l
    }

    /// The id at lag j before position t of a row (the start id before the text).
    fn context_id(&self, row: &[f32], t: usize, j: usize) -> usize {
        if t > j {
            row[t - 1 - j] as usize
        } else {
            self.start_id
        }
    }

    /// c_t = Σ_j a_j ⊙ E[x_{t-1-j}] of position t of `row`.
    fn mix_one(&self, row: &[f32], t: usize, table: &[f32], a: &[f32], out: &mut [f32]) {
        let d = self.dim;
        out.fill(0.0);
        for j in 0..self.context {
            let id = self.context_id(row, t, j);
            add_product(out, &a[j * d..(j + 1) * d], &table[id * d..(id + 1) * d]);
        }
    }

    /// pre = base + c·Wc + bq and g = act(pre) of every position of `rows` rows.
    fn queries(&self, base: &[f32], ctx: &[f32], rows: usize, table: &[f32], w: &[f32], s: &mut Scratch) {
        let (l, d) = (self.length, self.dim);
        let p = rows * l;
        let [a, wc, bq, _] = self.parts();
        fit(&mut s.pre, p * d);
        fit(&mut s.g, p * d);
        s.pre.copy_from_slice(&base[..p * d]);
        if self.context > 0 {
            fit(&mut s.mix, p * d);
            for (i, m) in s.mix.chunks_exact_mut(d).enumerate() {
                self.mix_one(&ctx[(i / l) * l..(i / l + 1) * l], i % l, table, &w[a.clone()], m);
            }
            kernels::gemm_nn(p, d, d, &s.mix, &w[wc], &mut s.pre, true);
        }
        self.activation.bias_forward(&mut s.pre, &w[bq], &mut s.g);
    }

    /// Training and evaluation: base (rows, L·d), targets and the context the decoder sees
    /// (rows, L token ids), the tied table E (V×d) and the head's slice `w` → scale ·
    /// Σ −ln p(target) over every row's positions up to its end. Keeps what `backward` needs.
    #[allow(clippy::too_many_arguments)]
    pub fn forward(&self, base: &[f32], targets: &[f32], ctx: &[f32], rows: usize, table: &[f32], w: &[f32], scale: f64, s: &mut Scratch) -> f64 {
        let (l, d) = (self.length, self.dim);
        assert!(base.len() >= rows * l * d && targets.len() >= rows * l && ctx.len() >= rows * l, "text head shapes");
        self.queries(base, ctx, rows, table, w, s);
        s.picked.clear();
        s.targets.clear();
        for (r, row) in targets[..rows * l].chunks_exact(l).enumerate() {
            for (t, &id) in row.iter().enumerate() {
                s.picked.push(r * l + t);
                s.targets.push(id);
                if self.stop_ids.contains(&(id as u32)) {
                    break;
                }
            }
        }
        let n = s.picked.len();
        fit(&mut s.q, n * d);
        for (dst, &i) in s.q.chunks_exact_mut(d).zip(&s.picked) {
            dst.copy_from_slice(&s.g[i * d..(i + 1) * d]);
        }
        let sm = self.parts()[3].clone();
        self.softmax.forward(mat(&s.q, n, d), &s.targets, mat(table, self.vocab, d), &w[sm], scale, &mut s.softmax)
    }

    /// Each row's Σ −ln p(target) of the last `forward` (unscaled), into `out` (rows).
    pub fn row_losses(&self, s: &Scratch, out: &mut [f32]) {
        out.fill(0.0);
        for (&i, &loss) in s.picked.iter().zip(s.softmax.position_losses()) {
            out[i / self.length] += loss;
        }
    }

    /// Backward of the last `forward` (same ctx, table, w and scale): dbase (rows, L·d)
    /// overwritten; dtable (V×d) and dw (the head's slice) added to.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(&self, ctx: &[f32], rows: usize, table: &[f32], w: &[f32], scale: f64, s: &mut Scratch, dbase: &mut [f32], dtable: &mut [f32], dw: &mut [f32]) {
        let (l, d, v) = (self.length, self.dim, self.vocab);
        let (p, n) = (rows * l, s.picked.len());
        let [a, wc, bq, sm] = self.parts();
        fit(&mut s.dq, n * d);
        let (dq, q) = (mat_mut(&mut s.dq, n, d), mat(&s.q, n, d));
        self.softmax.backward(q, &s.targets, mat(table, v, d), &w[sm.clone()], scale, &mut s.softmax, dq, mat_mut(dtable, v, d), &mut dw[sm]);
        let dpre = &mut dbase[..p * d];
        dpre.fill(0.0);
        for (src, &i) in s.dq.chunks_exact(d).zip(&s.picked) {
            dpre[i * d..(i + 1) * d].copy_from_slice(src);
        }
        self.activation.backward(&s.pre[..p * d], &s.g[..p * d], dpre);
        for row in dpre.chunks_exact(d) {
            add_into(&mut dw[bq.clone()], row);
        }
        if self.context == 0 {
            return;
        }
        kernels::gemm_tn(d, d, p, &s.mix, dpre, &mut dw[wc.clone()], true);
        // mix is spent: it becomes ∂loss/∂c = dpre·Wcᵀ
        kernels::gemm_nt(p, d, d, dpre, &w[wc], &mut s.mix, false);
        for (i, dc) in s.mix.chunks_exact(d).enumerate() {
            let row = &ctx[(i / l) * l..(i / l + 1) * l];
            for j in 0..self.context {
                let id = self.context_id(row, i % l, j);
                let (aj, e) = (&w[a.start + j * d..a.start + (j + 1) * d], &table[id * d..(id + 1) * d]);
                add_product(&mut dw[a.start + j * d..a.start + (j + 1) * d], dc, e);
                add_product(&mut dtable[id * d..(id + 1) * d], dc, aj);
            }
        }
    }

    /// Decoding position t of n rows: base (n, L·d) and the ids chosen so far (n, L; the
    /// positions before t are read) → ln p of every token (n, V), exact. `buf` is reused.
    #[allow(clippy::too_many_arguments)]
    pub fn step(&self, base: &[f32], ids: &[f32], t: usize, n: usize, table: &[f32], w: &[f32], buf: &mut Vec<f32>, out: &mut [f32]) {
        let (l, d) = (self.length, self.dim);
        let [a, wc, bq, sm] = self.parts();
        fit(buf, 2 * n * d);
        let (q, mix) = buf.split_at_mut(n * d);
        for (r, qr) in q.chunks_exact_mut(d).enumerate() {
            qr.copy_from_slice(&base[(r * l + t) * d..(r * l + t + 1) * d]);
        }
        if self.context > 0 {
            for (r, m) in mix.chunks_exact_mut(d).enumerate() {
                self.mix_one(&ids[r * l..(r + 1) * l], t, table, &w[a.clone()], m);
            }
            kernels::gemm_nn(n, d, d, mix, &w[wc], q, true);
        }
        self.activation.bias_forward_in_place(q, &w[bq]);
        self.softmax.log_probs(mat(q, n, d), mat(table, self.vocab, d), &w[sm], mat_mut(&mut out[..n * self.vocab], n, self.vocab));
    }
}

/// `v` resized to n values; out of line, one copy of `Vec::resize` for the buffers.
#[inline(never)]
fn fit(v: &mut Vec<f32>, n: usize) {
    v.resize(n, 0.0);
}
