//! A two-level class softmax over a vocabulary (Goodman 2001), the output layer of a text
//! model whose training cost does not grow with the whole vocabulary.
//!
//! Tokens are cut into classes (frequency binning, Mikolov et al. 2011: tokens sorted by
//! count, cut into ~√V classes of about equal total count). For a query q (width d):
//!
//! ```text
//!   p(w | q) = p(c | q) · p(w | c, q),   c = class(w)
//!   p(c | q) = softmax_c(q·Cᵀ + bc)                  C (nC×d), bc (nC)
//!   p(w | c, q) = softmax over the members of c of (q·E[w]ᵀ + bw[w])
//! ```
//!
//! E (V×d) is the token table of `token_embedding`, tied (Press & Wolf 2017): the layer
//! reads it and adds its gradient on E to the caller's dE. The distribution is exact and
//! normalised, so training on −log p(target) costs (nC + |class(target)|)·d per position
//! instead of V·d, and `log_probs` (all V tokens, V·d) serves decoding and evaluation.
//!
//! Its own parameters, in one slice: C (nC×d), bc (nC), bw (V). Parameter gradients are
//! added to (the caller zeroes them once a step); the query's gradient is overwritten.
//!
//! Within a batch, the positions are grouped by their target's class, so every class's
//! products are matrix products (gemm) of its positions against its members; equal-count
//! classes give every class about the same number of positions.

use crate::error::{Error, Result};
use crate::kernels;
use crate::kernels::elementwise::{add_into, log_sum_exp, scale as scale_by, softmax_in_place};
use crate::layers::{flat, flat_mut};
use ndarray::{ArrayView2, ArrayViewMut2};
use std::ops::Range;

/// The class structure of a vocabulary, and the width of the queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSoftmax {
    dim: usize,
    class_of: Vec<u32>,
    /// Token ids class by class; class c's members are `order[starts[c]..starts[c + 1]]`.
    order: Vec<u32>,
    starts: Vec<usize>,
    /// Each token's index among its class's members.
    slot: Vec<u32>,
    /// The first id of each class whose members are consecutive ids (its rows of E are
    /// then one slice, read in place), else u32::MAX (they are gathered).
    run_start: Vec<u32>,
}

/// The number of classes used when none is given: ⌈√V⌉, which minimises nC + V/nC.
pub fn default_classes(vocab: usize) -> usize {
    let mut c = 1;
    while c * c < vocab {
        c += 1;
    }
    c
}

impl ClassSoftmax {
    /// Frequency binning: tokens by descending count (ties by id) are cut into `classes`
    /// classes of about equal total count. The class index moves on by at most one a token
    /// (a token heavier than a class's share, like padding, gets a class alone, and the
    /// next tokens take one class each until the shares catch up), and early enough that
    /// no class is left empty.
    pub fn from_counts(counts: &[u64], classes: usize, dim: usize) -> Result<ClassSoftmax> {
        let vocab = counts.len();
        if vocab < 2 || classes == 0 || classes > vocab || dim == 0 {
            return Err(Error::InvalidOption(format!("class softmax: need a vocabulary of at least 2 tokens, 1 to {vocab} classes and a width of at least 1")));
        }
        let total: u128 = counts.iter().map(|&c| c as u128).sum();
        if total == 0 {
            return Err(Error::InvalidOption("class softmax: the token counts are all zero: count the tokens of the training texts".into()));
        }
        let mut sorted: Vec<u32> = (0..vocab as u32).collect();
        // descending count, ties by id: a strict total order, so any correct sort agrees
        heap_sort(&mut sorted, |a, b| counts[a as usize] > counts[b as usize] || (counts[a as usize] == counts[b as usize] && a < b));
        let mut class_of = vec![0u32; vocab];
        let (mut c, mut before) = (0usize, 0u128);
        for (i, &tok) in sorted.iter().enumerate() {
            // the count before this token has passed class c's share (exact, and without a
            // 128-bit division, which would link a software routine into the wasm)
            let past_share = before * classes as u128 >= (c as u128 + 1) * total;
            let must = vocab - i <= classes - 1 - c;
            if i > 0 && c + 1 < classes && (past_share || must) {
                c += 1;
            }
            class_of[tok as usize] = c as u32;
            before += counts[tok as usize] as u128;
        }
        ClassSoftmax::from_classes(&class_of, dim)
    }

    /// A layer from each token's class (classes numbered from 0, none empty): the form a
    /// model file stores.
    pub fn from_classes(class_of: &[u32], dim: usize) -> Result<ClassSoftmax> {
        let vocab = class_of.len();
        // no more classes than tokens (checked before `starts` is sized by the largest)
        if class_of.iter().any(|&c| c as usize >= vocab) {
            return Err(Error::InvalidOption(format!("class softmax: a class index is not below the vocabulary size {vocab}")));
        }
        let classes = class_of.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let mut starts = vec![0usize; classes + 1];
        for &c in class_of {
            starts[c as usize + 1] += 1;
        }
        if vocab < 2 || dim == 0 || starts[1..].contains(&0) {
            return Err(Error::InvalidOption("class softmax: every class from 0 to the largest must have a token, over a vocabulary of at least 2".into()));
        }
        for c in 0..classes {
            starts[c + 1] += starts[c];
        }
        let (mut order, mut slot, mut next) = (vec![0u32; vocab], vec![0u32; vocab], starts.clone());
        for (tok, &c) in class_of.iter().enumerate() {
            let at = &mut next[c as usize];
            order[*at] = tok as u32;
            slot[tok] = (*at - starts[c as usize]) as u32;
            *at += 1;
        }
        let run_start = (0..classes)
            .map(|c| {
                let m = &order[starts[c]..starts[c + 1]];
                if m.windows(2).all(|w| w[1] == w[0] + 1) { m[0] } else { u32::MAX }
            })
            .collect();
        Ok(ClassSoftmax { dim, class_of: class_of.to_vec(), order, starts, slot, run_start })
    }

    pub fn vocab(&self) -> usize {
        self.class_of.len()
    }
    pub fn classes(&self) -> usize {
        self.starts.len() - 1
    }
    pub fn dim(&self) -> usize {
        self.dim
    }
    /// Each token's class (what a model file keeps).
    pub fn class_of(&self) -> &[u32] {
        &self.class_of
    }
    /// The token ids of class `c`.
    pub fn members(&self, c: usize) -> &[u32] {
        &self.order[self.starts[c]..self.starts[c + 1]]
    }
    /// Length of the layer's own parameter slice: C, bc, bw.
    pub fn param_count(&self) -> usize {
        self.classes() * self.dim + self.classes() + self.vocab()
    }
    /// C, bc and bw inside the parameter slice.
    pub fn parts(&self) -> [Range<usize>; 3] {
        let (nc, d) = (self.classes(), self.dim);
        [0..nc * d, nc * d..nc * d + nc, nc * d + nc..self.param_count()]
    }

    /// Class c's rows of E: the table's slice in place, or gathered into `buf`.
    fn class_rows<'a>(&self, c: usize, table: &'a [f32], buf: &'a mut Vec<f32>) -> &'a [f32] {
        let (d, members) = (self.dim, self.members(c));
        if self.run_start[c] != u32::MAX {
            let at = self.run_start[c] as usize * d;
            return &table[at..at + members.len() * d];
        }
        buf.clear();
        for &tok in members {
            buf.extend_from_slice(&table[tok as usize * d..(tok as usize + 1) * d]);
        }
        buf
    }

    fn check(&self, q: &ArrayView2<f32>, table: &ArrayView2<f32>, w: &[f32]) -> usize {
        assert!(q.ncols() == self.dim && table.dim() == (self.vocab(), self.dim) && w.len() == self.param_count(), "class softmax shapes");
        q.nrows()
    }
}

/// Sorts `v` in the order `before` defines (v[i] before v[j] for i < j; `before` a strict
/// total order). A heap sort, written out because std's sorts add ~8 KB to the wasm
/// (measured with a probe export): V log V steps, no allocation.
fn heap_sort(v: &mut [u32], before: impl Fn(u32, u32) -> bool) {
    // a heap whose root is the element that sorts last, moved to the end one at a time
    let sift = |v: &mut [u32], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && before(v[child], v[child + 1]) {
            child += 1;
        }
        if !before(v[root], v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    };
    for root in (0..v.len() / 2).rev() {
        sift(v, root, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

/// `v` resized to n values, new ones zero; out of line, so the layer has one copy of
/// `Vec::resize` for its five buffers.
#[inline(never)]
fn fit(v: &mut Vec<f32>, n: usize) {
    v.resize(n, 0.0);
}

/// What `forward` keeps for `backward`, grown to the largest batch seen and reused.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// p(c | q) per position (N × nC); `backward` turns it into its gradient.
    class_p: Vec<f32>,
    /// Positions sorted by their target's class, and where each class's run starts.
    group: Vec<usize>,
    group_starts: Vec<usize>,
    /// The queries in `group` order (N × d).
    grouped_q: Vec<f32>,
    /// p(w | c, q) of each position over its class's members, class by class.
    word_p: Vec<f32>,
    /// −ln p(target | q) of each position, unscaled.
    losses: Vec<f32>,
    rows_buf: Vec<f32>,
    grad_buf: Vec<f32>,
}

impl Scratch {
    /// −ln p(target | q) of each position of the last `forward` (unscaled).
    pub fn position_losses(&self) -> &[f32] {
        &self.losses
    }
}

impl ClassSoftmax {
    /// Positions grouped by their target's class (a stable counting sort).
    fn group(&self, targets: &[f32], s: &mut Scratch) {
        let nc = self.classes();
        s.group_starts.clear();
        s.group_starts.resize(nc + 1, 0);
        for &t in targets {
            s.group_starts[self.class_of[t as usize] as usize + 1] += 1;
        }
        for c in 0..nc {
            s.group_starts[c + 1] += s.group_starts[c];
        }
        let mut next = s.group_starts.clone();
        s.group.resize(targets.len(), 0);
        for (i, &t) in targets.iter().enumerate() {
            let at = &mut next[self.class_of[t as usize] as usize];
            s.group[*at] = i;
            *at += 1;
        }
    }

    /// Training forward pass: q (N, d), targets (N, token ids), the tied table E (V, d) and
    /// the layer's parameters `w` (C, bc, bw) -> scale · Σ −ln p(target | q) (scale 1/N for
    /// a mean, 1/rows for a sum per row). Keeps in `s` what `backward` needs.
    pub fn forward(&self, q: ArrayView2<f32>, targets: &[f32], table: ArrayView2<f32>, w: &[f32], scale: f64, s: &mut Scratch) -> f64 {
        let n = self.check(&q, &table, w);
        assert!(targets.len() == n && targets.iter().all(|&t| (t as usize) < self.vocab()), "class softmax targets");
        let (nc, d, [cw, bc, bw]) = (self.classes(), self.dim, self.parts());
        let (q, table) = (flat(&q), flat(&table));
        fit(&mut s.class_p, n * nc);
        fit(&mut s.losses, n);
        kernels::gemm_nt(n, nc, d, q, &w[cw], &mut s.class_p, false);
        for ((z, &t), loss) in s.class_p.chunks_exact_mut(nc).zip(targets).zip(&mut s.losses) {
            add_into(z, &w[bc.clone()]);
            let zt = z[self.class_of[t as usize] as usize];
            *loss = softmax_in_place(z) - zt;
        }
        self.group(targets, s);
        fit(&mut s.grouped_q, n * d);
        for (dst, &i) in s.grouped_q.chunks_exact_mut(d).zip(&s.group) {
            dst.copy_from_slice(&q[i * d..(i + 1) * d]);
        }
        let words: usize = (0..nc).map(|c| (s.group_starts[c + 1] - s.group_starts[c]) * self.members(c).len()).sum();
        fit(&mut s.word_p, words);
        let mut at = 0;
        for c in 0..nc {
            let (g, size) = (s.group_starts[c]..s.group_starts[c + 1], self.members(c).len());
            if g.is_empty() {
                continue;
            }
            let rows = self.class_rows(c, table, &mut s.rows_buf);
            let z = &mut s.word_p[at..at + g.len() * size];
            kernels::gemm_nt(g.len(), size, d, &s.grouped_q[g.start * d..g.end * d], rows, z, false);
            for (zr, &i) in z.chunks_exact_mut(size).zip(&s.group[g]) {
                for (v, &tok) in zr.iter_mut().zip(self.members(c)) {
                    *v += w[bw.start + tok as usize];
                }
                let zt = zr[self.slot[targets[i] as usize] as usize];
                s.losses[i] += softmax_in_place(zr) - zt;
            }
            at += z.len();
        }
        scale * s.losses.iter().map(|&l| l as f64).sum::<f64>()
    }

    /// Backward pass of the last `forward` (same q, targets, table, w and scale): dq (N, d)
    /// overwritten; dtable (V, d) and dw (dC, dbc, dbw) added to, dtable only on the rows
    /// of the targets' classes. Consumes the probabilities kept in `s`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(&self, q: ArrayView2<f32>, targets: &[f32], table: ArrayView2<f32>, w: &[f32], scale: f64, s: &mut Scratch, mut dq: ArrayViewMut2<f32>, mut dtable: ArrayViewMut2<f32>, dw: &mut [f32]) {
        let n = self.check(&q, &table, w);
        assert!(targets.len() == n && dq.dim() == (n, self.dim) && dtable.dim() == table.dim() && dw.len() == w.len() && s.losses.len() == n, "class softmax gradient shapes");
        let (nc, d, [cw, bc, _]) = (self.classes(), self.dim, self.parts());
        let (q, dq, scale) = (flat(&q), flat_mut(&mut dq), scale as f32);
        // classes: dz = scale · (p − onehot(class)), dq = dz·C, dC += dzᵀ·q, dbc += Σ dz
        for (z, &t) in s.class_p.chunks_exact_mut(nc).zip(targets) {
            scale_by(z, scale);
            z[self.class_of[t as usize] as usize] -= scale;
            add_into(&mut dw[bc.clone()], z);
        }
        kernels::gemm_nn(n, d, nc, &s.class_p, &w[cw.clone()], dq, false);
        kernels::gemm_tn(nc, d, n, &s.class_p, q, &mut dw[cw], true);
        self.backward_words(targets, flat(&table), scale, s, dq, flat_mut(&mut dtable), dw);
    }

    /// The within-class half of `backward`, class by class: dz = scale · (p − onehot(slot)),
    /// dq += dz·E_c, dE_c += dzᵀ·q_c, dbw += Σ dz.
    #[allow(clippy::too_many_arguments)]
    fn backward_words(&self, targets: &[f32], table: &[f32], scale: f32, s: &mut Scratch, dq: &mut [f32], dtable: &mut [f32], dw: &mut [f32]) {
        let (d, bw) = (self.dim, self.parts()[2].start);
        let mut at = 0;
        for c in 0..self.classes() {
            let (g, members) = (s.group_starts[c]..s.group_starts[c + 1], self.members(c));
            let size = members.len();
            if g.is_empty() {
                continue;
            }
            let dz = &mut s.word_p[at..at + g.len() * size];
            at += dz.len();
            for (zr, &i) in dz.chunks_exact_mut(size).zip(&s.group[g.clone()]) {
                scale_by(zr, scale);
                zr[self.slot[targets[i] as usize] as usize] -= scale;
                for (v, &tok) in zr.iter().zip(members) {
                    dw[bw + tok as usize] += v;
                }
            }
            let rows = self.class_rows(c, table, &mut s.rows_buf);
            fit(&mut s.grad_buf, g.len().max(size) * d);
            kernels::gemm_nn(g.len(), d, size, dz, rows, &mut s.grad_buf[..g.len() * d], false);
            for (src, &i) in s.grad_buf.chunks_exact(d).zip(&s.group[g.clone()]) {
                add_into(&mut dq[i * d..(i + 1) * d], src);
            }
            let qc = &s.grouped_q[g.start * d..g.end * d];
            if self.run_start[c] != u32::MAX {
                let first = self.run_start[c] as usize * d;
                kernels::gemm_tn(size, d, g.len(), dz, qc, &mut dtable[first..first + size * d], true);
                continue;
            }
            kernels::gemm_tn(size, d, g.len(), dz, qc, &mut s.grad_buf[..size * d], false);
            for (src, &tok) in s.grad_buf.chunks_exact(d).zip(members) {
                add_into(&mut dtable[tok as usize * d..(tok as usize + 1) * d], src);
            }
        }
    }

    /// ln p(w | q) of every token w for each query: q (N, d) -> out (N, V), exact (each row's
    /// exponentials sum to 1). Costs V·d a query, as a full softmax does: for decoding,
    /// sampling and evaluation, not for training.
    pub fn log_probs(&self, q: ArrayView2<f32>, table: ArrayView2<f32>, w: &[f32], mut out: ArrayViewMut2<f32>) {
        let n = self.check(&q, &table, w);
        let (nc, v, d, [cw, bc, bw]) = (self.classes(), self.vocab(), self.dim, self.parts());
        assert!(out.dim() == (n, v), "class softmax log_probs shape");
        let (q, out) = (flat(&q), flat_mut(&mut out));
        let mut lc = vec![0f32; n * nc];
        kernels::gemm_nt(n, nc, d, q, &w[cw], &mut lc, false);
        kernels::gemm_nt(n, v, d, q, flat(&table), out, false);
        let mut zs = Vec::new();
        for (zc, row) in lc.chunks_exact_mut(nc).zip(out.chunks_exact_mut(v)) {
            add_into(zc, &w[bc.clone()]);
            let lse = log_sum_exp(zc);
            add_into(row, &w[bw.clone()]);
            for (c, &class_logit) in zc.iter().enumerate() {
                zs.clear();
                zs.extend(self.members(c).iter().map(|&tok| row[tok as usize]));
                let within = log_sum_exp(&zs);
                for &tok in self.members(c) {
                    row[tok as usize] += class_logit - lse - within;
                }
            }
        }
    }
}
