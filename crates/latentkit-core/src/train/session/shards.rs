//! A batch's gradient as the sum of S shard gradients (issue #14, design (a)), computed by
//! one instance or by W workers. The batch's B rows are cut into S fixed contiguous parts
//! (shard s: rows ⌊s·B/S⌋..⌊(s+1)·B/S⌋); each part's gradient is computed by the same code
//! as an unsharded batch's, in a buffer of its own, scaled as that part's share of the
//! batch's mean. The parts are added in a fixed tree that halves the shards (node lo..hi
//! is node lo..mid plus node mid..hi, mid = lo + (hi − lo)/2, left + right), and the losses
//! likewise. S is an option, never the number of workers, so the bits of a step do not
//! depend on how many instances computed it.
//!
//! With W workers (options `workers`, `worker`), every instance runs the same session (same
//! weights, data, options and seed, so each draws the same rows and noise) and computes a
//! contiguous group of shards, ⌊w·S/W⌋..⌊(w+1)·S/W⌋, which must be one node of the tree: it
//! sums its group in tree order into its slot of a W × n buffer, an `Exchange` fills the
//! other workers' slots, and every instance adds the slots in tree order and takes the same
//! optimiser step. So one partial gradient a worker crosses between instances, not one a
//! shard.
//!
//! Terms that couple a batch's rows (the WAE's MMD penalty, a conditional model's label
//! adversary) need every row's code, so such a batch takes two phases: each shard's forward
//! pass gives its codes (exchanged between workers); then each worker computes the MMD
//! penalty's gradient and share of the loss for its own shards' rows only (each row's is the
//! same bits wherever it is computed: `mmd::penalty_rows`), and the adversary's for every row
//! (it takes its own step from the whole batch, the same in every worker); then each shard's
//! backward adds its rows of ∂terms/∂codes at the code. A shard's loss is its share of the
//! reconstruction loss plus its rows' share of λ·MMD, added in the tree like the gradients.
//!
//! Variational models are refused for now: their ε is drawn row by row as the forward pass
//! goes, and the KL's free bits look at the whole batch.

use super::{batch_rows, TrainSession};
use crate::autoencoder::{Autoencoder, CodePenalty, Workspace};
use crate::error::Result;
use crate::kernels::elementwise::add_into;
use crate::layers::label_table;
use crate::train::options::TrainOptions;
use std::ops::Range;

/// How a worker's session trades its part of a batch with the other workers' sessions.
pub trait Exchange {
    /// Makes every value of `values` the one its owner wrote: this instance wrote
    /// `values[mine]`, each other worker its own range in its own call. Every worker makes
    /// the same calls in the same order: per batch, a coupled batch's codes (B × latent),
    /// then the partial gradients (W slots of n + 2: a partial, then its loss's f64 bits as
    /// two f32s, so values must be copied as bits, never as numbers). An error fails the
    /// batch: the session ends with the weights of the last finished batch.
    fn exchange(&mut self, values: &mut [f32], mine: Range<usize>) -> Result<()>;
}

/// A worker's slot in the partial gradients: its partial (n), then its loss as two f32s.
pub(super) fn slot_len(n: usize) -> usize {
    n + 2
}

fn put_loss(slot: &mut [f32], loss: f64) {
    let bits = loss.to_bits();
    let n = slot.len() - 2;
    slot[n] = f32::from_bits(bits as u32);
    slot[n + 1] = f32::from_bits((bits >> 32) as u32);
}

fn get_loss(slot: &[f32]) -> f64 {
    let n = slot.len() - 2;
    f64::from_bits(slot[n].to_bits() as u64 | (slot[n + 1].to_bits() as u64) << 32)
}

/// The sharded path's buffers.
pub(super) struct Shards {
    count: usize,
    workers: usize,
    worker: usize,
    /// A workspace for each of this worker's shards when the batch is coupled (phase 2
    /// continues phase 1's forward pass); one, reused, otherwise.
    ws: Vec<Workspace>,
    /// A coupled batch's codes and ∂terms/∂codes (B, latent).
    codes: Vec<f32>,
    dcodes: Vec<f32>,
    /// The right halves of the tree's nodes while they are summed, one a level.
    temps: Vec<Vec<f32>>,
    /// λ·MMD of each of this worker's shards' rows (0 when the batch is not coupled).
    mmd: Vec<f64>,
}

impl Shards {
    pub(super) fn new(net: &Autoencoder, options: &TrainOptions, batch: usize) -> Shards {
        let coupled = is_coupled(options);
        let (count, workers) = (options.shards, options.workers);
        let largest = batch.div_ceil(count);
        let mine = group(count, workers, options.worker);
        let latent = if coupled { batch * net.latent_size() } else { 0 };
        let levels = (usize::BITS - (count - 1).leading_zeros()) as usize;
        Shards {
            count,
            workers,
            worker: options.worker,
            ws: (0..if coupled { mine.len() } else { 1 }).map(|_| Workspace::new(net, largest)).collect(),
            codes: vec![0f32; latent],
            dcodes: vec![0f32; latent],
            temps: (0..levels).map(|_| vec![0f32; net.params().len()]).collect(),
            mmd: vec![0f64; mine.len()],
        }
    }
}

impl Shards {
    /// This instance's shards.
    fn mine(&self) -> Range<usize> {
        group(self.count, self.workers, self.worker)
    }
}

/// Whether a batch's loss has terms that see all of its rows' codes.
fn is_coupled(options: &TrainOptions) -> bool {
    options.mmd > 0.0 || options.adversary > 0.0
}

/// Rows of shard `s` of a batch of `b` rows cut into `count` shards (empty when `count` > `b`
/// leaves it none; a `count` of 0 counts as 1).
pub fn shard_range(b: usize, count: usize, s: usize) -> Range<usize> {
    let count = count.max(1);
    s * b / count..(s + 1) * b / count
}

/// The shards worker `w` of `workers` computes: the shards are cut among the workers as a
/// batch's rows are among its shards.
fn group(count: usize, workers: usize, w: usize) -> Range<usize> {
    shard_range(count, workers, w)
}

/// Where the sum tree splits node `lo..hi`: the one definition of the tree, which every
/// instance must share for the bits of a step to agree.
fn split(lo: usize, hi: usize) -> usize {
    lo + (hi - lo) / 2
}

/// Whether node `lo..hi` of the sum tree over `count` shards has `r` among its nodes.
fn is_node(lo: usize, hi: usize, r: &Range<usize>) -> bool {
    if (lo..hi) == *r {
        return true;
    }
    let mid = split(lo, hi);
    hi - lo > 1 && ((r.end <= mid && is_node(lo, mid, r)) || (r.start >= mid && is_node(mid, hi, r)))
}

/// Whether `workers` instances can share `count` shards: each one's group is a node of the
/// sum tree (always so for 1 to 4 workers of 4 shards).
pub fn workers_fit(count: usize, workers: usize) -> bool {
    workers <= count && (0..workers).all(|w| is_node(0, count, &group(count, workers, w)))
}

/// Fills a node of the sum tree into its buffer and returns its loss, or None to split it.
type GivenNode<'a> = dyn FnMut(Range<usize>, &mut [f32]) -> Option<f64> + 'a;

/// Adds node `lo..hi` of the sum tree into `out`, left half + right half, from the nodes
/// `given` fills (it returns their loss, or None for a node to split). Returns the node's
/// loss, summed in the same order.
fn tree_sum(lo: usize, hi: usize, out: &mut [f32], temps: &mut [Vec<f32>], given: &mut GivenNode) -> f64 {
    if let Some(loss) = given(lo..hi, out) {
        return loss;
    }
    let mid = split(lo, hi);
    let Some((right, deeper)) = temps.split_first_mut() else {
        return f64::NAN; // more levels than `Shards::new` made: not reachable
    };
    let left = tree_sum(lo, mid, out, deeper, given);
    let right_loss = tree_sum(mid, hi, right, deeper, given);
    add_into(out, right);
    left + right_loss
}

/// Adds the workers' slots of `parts` (W slots of n + 2) in the sum tree's order, in place:
/// node `lo..hi`'s sum and loss end in the slot of the worker whose group starts at `lo`.
/// Returns that worker.
fn combine_slots(lo: usize, hi: usize, sh: (usize, usize), parts: &mut [f32]) -> usize {
    let (count, workers) = sh;
    let len = parts.len() / workers;
    let first = (0..workers).find(|&w| group(count, workers, w).start == lo).unwrap_or(0);
    if group(count, workers, first) == (lo..hi) {
        return first;
    }
    let mid = split(lo, hi);
    let (a, b) = (combine_slots(lo, mid, sh, parts), combine_slots(mid, hi, sh, parts));
    let (left, right) = parts.split_at_mut(b * len);
    let (into, from) = (&mut left[a * len..(a + 1) * len], &right[..len]);
    let loss = get_loss(into) + get_loss(from);
    add_into(&mut into[..len - 2], &from[..len - 2]);
    put_loss(into, loss);
    a
}

impl TrainSession {
    /// The sharded path of `step`: this worker's shards, the exchanges with the others, and
    /// the batch's gradient in `grads[..n]`. Returns the batch's loss.
    pub(super) fn sharded_gradient(&mut self, net: &Autoencoder, b: usize, exchange: &mut Option<&mut dyn Exchange>) -> Result<f64> {
        // out of the session while it works, so that the session's fields stay borrowable
        let Some(mut sh) = self.shards.take() else {
            return Ok(f64::NAN);
        };
        let result = self.shard_work(&mut sh, net, b, exchange);
        self.shards = Some(sh);
        result
    }

    fn shard_work(&mut self, sh: &mut Shards, net: &Autoencoder, b: usize, exchange: &mut Option<&mut dyn Exchange>) -> Result<f64> {
        let mine = sh.mine();
        let (latent, n) = (net.latent_size(), net.params().len());
        let coupled = self.coupled();
        let (mut codes, mut dcodes) = (std::mem::take(&mut sh.codes), std::mem::take(&mut sh.dcodes));
        if coupled {
            for s in mine.clone() {
                let r = shard_range(b, sh.count, s);
                self.forward_shard(sh, net, b, s, &mut codes[r.start * latent..r.end * latent]);
            }
            if let Some(ex) = exchange.as_mut().filter(|_| sh.workers > 1) {
                let rows = shard_range(b, sh.count, mine.start).start..shard_range(b, sh.count, mine.end - 1).end;
                let traded = ex.exchange(&mut codes[..b * latent], rows.start * latent..rows.end * latent);
                if traded.is_err() {
                    (sh.codes, sh.dcodes) = (codes, dcodes);
                    return traded.map(|_| f64::NAN);
                }
            }
            self.codes_gradient(sh, net, b, &codes[..b * latent], &mut dcodes[..b * latent]);
        }
        sh.codes = codes;
        let loss = self.own_partial(sh, net, b, &dcodes[..if coupled { b * latent } else { 0 }]);
        sh.dcodes = dcodes;
        self.combine(sh, n, loss, exchange)
    }

    /// This worker's shards summed in tree order into its slot of `grads`; their loss.
    fn own_partial(&mut self, sh: &mut Shards, net: &Autoencoder, b: usize, dcodes: &[f32]) -> f64 {
        let mine = sh.mine();
        let mut temps = std::mem::take(&mut sh.temps);
        let mut grads = std::mem::take(&mut self.grads);
        let (n, start) = (net.params().len(), sh.worker * slot_len(net.params().len()));
        // a leaf's loss: its rows' share of the reconstruction loss, then of λ·MMD
        let mut leaf = |r: Range<usize>, out: &mut [f32]| (r.len() == 1).then(|| self.gradient_shard(sh, net, b, r.start, dcodes, out) + sh.mmd[r.start - mine.start]);
        let loss = tree_sum(mine.start, mine.end, &mut grads[start..start + n], &mut temps, &mut leaf);
        self.grads = grads;
        sh.temps = temps;
        loss
    }

    /// With several workers: the others' partials (exchanged) added to this one's in tree
    /// order, into `grads[..n]`. Returns the batch's loss.
    fn combine(&mut self, sh: &Shards, n: usize, own_loss: f64, exchange: &mut Option<&mut dyn Exchange>) -> Result<f64> {
        if sh.workers == 1 {
            return Ok(own_loss);
        }
        let Some(ex) = exchange.as_mut() else {
            return Err(crate::error::Error::InvalidState("workers > 1 needs an exchange (trainExchange)".into()));
        };
        let (w, len) = (sh.worker, slot_len(n));
        put_loss(&mut self.grads[w * len..(w + 1) * len], own_loss);
        ex.exchange(&mut self.grads, w * len..(w + 1) * len)?;
        let slot = combine_slots(0, sh.count, (sh.count, sh.workers), &mut self.grads);
        Ok(get_loss(&self.grads[slot * len..(slot + 1) * len]))
    }

    /// Shard `s`'s forward pass, kept for its gradient; its codes (its rows × latent).
    fn forward_shard(&self, sh: &mut Shards, net: &Autoencoder, b: usize, s: usize, codes: &mut [f32]) {
        let (r, w) = (shard_range(b, sh.count, s), self.width);
        let first = sh.mine().start;
        if r.is_empty() {
            return;
        }
        let (input, _, _) = batch_rows(&self.options.noise, &self.batch_x[..w * b], &self.batch_in, &self.batch_ctx);
        let labels = if self.batch_labels.is_empty() { &[][..] } else { &self.batch_labels[r.clone()] };
        let ws = &mut sh.ws[s - first];
        net.forward(&input[r.start * w..r.end * w], r.len(), ws, None, labels);
        codes.copy_from_slice(&ws.a[net.encoder_layers - 1][..codes.len()]);
    }

    /// ∂terms/∂codes of a coupled batch's rows (both B × latent) from every row's code. The
    /// MMD penalty's gradient and share of the loss (λ·MMD, into `sh.mmd`) only for this
    /// worker's shards: it is O(B²·latent), and each row's gradient is the same bits wherever
    /// it is computed (`mmd::penalty_rows`). The label adversary's for every row, as it takes
    /// its own step from the whole batch (once a batch, in every worker alike).
    fn codes_gradient(&mut self, sh: &mut Shards, net: &Autoencoder, b: usize, codes: &[f32], dcodes: &mut [f32]) {
        let (latent, lambda) = (net.latent_size(), self.options.mmd);
        let labels = &self.batch_labels[..self.batch_labels.len().min(b)];
        dcodes.fill(0.0);
        let mine = sh.mine();
        for (s, value) in mine.clone().zip(sh.mmd.iter_mut()) {
            let rows = shard_range(b, sh.count, s);
            let draws = &self.prior[..codes.len()];
            *value = if lambda > 0.0 { lambda as f64 * label_table::mmd_penalty(codes, draws, b, latent, lambda, labels, Some(rows), dcodes) } else { 0.0 };
        }
        if let Some(adversary) = self.adversary.as_mut() {
            adversary.apply(codes, labels, b, dcodes);
        }
    }

    /// Shard `s`'s gradient into `grads` (overwritten) as its share of the batch's; its share
    /// of the loss. `dcodes` is the batch's (empty when the batch is not coupled).
    fn gradient_shard(&self, sh: &mut Shards, net: &Autoencoder, b: usize, s: usize, dcodes: &[f32], grads: &mut [f32]) -> f64 {
        let coupled = self.coupled();
        let (w, latent) = (self.width, net.latent_size());
        let r = shard_range(b, sh.count, s);
        if r.is_empty() {
            grads.fill(0.0);
            return 0.0;
        }
        // the backward pass overwrites every gradient (`Autoencoder::backward`)
        let mine = if coupled { &dcodes[r.start * latent..r.end * latent] } else { &[][..] };
        let (input, target, context) = batch_rows(&self.options.noise, &self.batch_x[..b * w], &self.batch_in, &self.batch_ctx);
        let span = r.start * w..r.end * w;
        let (x, t, c) = (&input[span.clone()], &target[span.clone()], &context[span]);
        let labels = if self.batch_labels.is_empty() { &[][..] } else { &self.batch_labels[r.clone()] };
        let at = if coupled { s - sh.mine().start } else { 0 };
        let ws = &mut sh.ws[at];
        if !coupled {
            net.forward(x, r.len(), ws, None, labels);
        }
        let mut add = |_: &[f32], dz: &mut [f32]| add_into(dz, mine);
        let penalty = coupled.then_some(&mut add as CodePenalty);
        net.loss_and_backward((x, t, c), (r.len(), b), ws, grads, 0.0, (None, penalty), labels)
    }

    /// Whether a batch takes two phases (codes, then gradients).
    fn coupled(&self) -> bool {
        is_coupled(&self.options)
    }
}
