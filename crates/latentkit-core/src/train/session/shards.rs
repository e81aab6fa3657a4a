//! A batch's gradient as the sum of S shard gradients (issue #14, design (a)). The batch's
//! B rows are cut into S fixed contiguous parts (shard s: rows ⌊s·B/S⌋..⌊(s+1)·B/S⌋); each
//! part's gradient is computed by the same code as an unsharded batch's, in a buffer of its
//! own, scaled as that part's share of the batch's mean; the parts are added in shard order
//! (g₀ + g₁ + … + g_{S−1}, from the left). A shard's gradient depends only on the weights
//! and the batch, never on where it is computed, so other wasm instances holding the same
//! weights can compute some of them (workers), and the weights after a step are the same
//! bits however the shards are grouped. S is an option, never the number of workers.
//!
//! Terms that couple a batch's rows (the WAE's MMD penalty, a conditional model's label
//! adversary) need every row's code, so such a batch takes two phases: every shard's forward
//! pass gives its codes; the batch level computes ∂terms/∂codes (B, latent) once from all of
//! them (each instance computes the same, and steps the adversary the same way); then each
//! shard's backward adds its rows of it at the code. Every input and output of a phase is a
//! plain f32 buffer, so a phase's work can move to another instance.
//!
//! A worker's calls for one batch, every instance running the same session (same weights,
//! data, options and seed, so `begin_batch` draws the same rows and noise everywhere):
//! `begin_batch` → coupled only: `shard_forward` for its shards, exchange the codes,
//! `code_gradient` → `shard_gradient` for its shards → exchange the gradients, add them in
//! shard order → `end_batch` with the sum and the summed loss.
//!
//! Variational models are refused for now: their ε is drawn row by row as the forward pass
//! goes, and the KL's free bits look at the whole batch.

use super::{batch_rows, StepReport, TrainSession};
use crate::autoencoder::{Autoencoder, CodePenalty, Workspace};
use crate::error::{Error, Result};
use crate::kernels::elementwise::add_into;
use crate::layers::label_table;
use crate::train::options::TrainOptions;
use std::ops::Range;

/// The sharded path's buffers.
pub(super) struct Shards {
    count: usize,
    /// A workspace a shard when the batch is coupled (phase 2 continues phase 1's forward
    /// pass); one, reused, otherwise.
    ws: Vec<Workspace>,
    /// Rows of the batch `begin_batch` started (0: none).
    rows: usize,
    /// A coupled batch's shards whose `shard_forward` ran (and whose gradient did not yet).
    ready: Vec<bool>,
    /// The in-one-place path's codes and ∂terms/∂codes (B, latent), and one shard's gradient
    /// before it joins the sum.
    codes: Vec<f32>,
    dcodes: Vec<f32>,
    part: Vec<f32>,
}

impl Shards {
    pub(super) fn new(net: &Autoencoder, options: &TrainOptions, batch: usize) -> Shards {
        let coupled = is_coupled(options);
        let count = options.shards;
        let largest = batch.div_ceil(count);
        let latent = if coupled { batch * net.latent_size() } else { 0 };
        Shards {
            count,
            ws: (0..if coupled { count } else { 1 }).map(|_| Workspace::new(net, largest)).collect(),
            rows: 0,
            ready: vec![false; count],
            codes: vec![0f32; latent],
            dcodes: vec![0f32; latent],
            part: vec![0f32; if count > 1 { net.params().len() } else { 0 }],
        }
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

impl TrainSession {
    /// Shards a batch (0: the unsharded path).
    pub fn shard_count(&self) -> usize {
        self.shards.as_ref().map_or(0, |s| s.count)
    }

    /// Whether a batch takes two phases (`shard_forward`, `code_gradient`) before
    /// `shard_gradient`.
    pub fn coupled(&self) -> bool {
        is_coupled(&self.options)
    }

    /// Starts the next batch of a sharded session: its rows, their noise and the prior's
    /// draws, the same in every instance. Returns its rows (B).
    pub fn begin_batch(&mut self, net: &Autoencoder) -> Result<usize> {
        if self.shards.is_none() || self.stopped {
            return Err(Error::InvalidState("begin_batch needs a sharded session (shards > 0) that has not stopped".into()));
        }
        let b = self.prepare_batch(net);
        let sh = self.shards.as_mut().expect("checked above");
        sh.rows = b;
        sh.ready.fill(false);
        Ok(b)
    }

    /// Phase 1 of a coupled batch: shard `s`'s forward pass, kept for its `shard_gradient`;
    /// its codes (its rows × latent) into `codes`.
    pub fn shard_forward(&mut self, net: &Autoencoder, s: usize, codes: &mut [f32]) -> Result<()> {
        let r = self.checked_shard(s, true)?;
        let codes = exact(codes, r.len() * net.latent_size(), "codes")?;
        self.forward_shard(net, s, codes);
        Ok(())
    }

    /// The batch level of a coupled batch: from every row's code (B × latent, shard after
    /// shard) ∂terms/∂codes into `dcodes` (B × latent, overwritten). Returns the terms' share
    /// of the loss (λ·MMD). It also takes the adversary's own step: once a batch.
    pub fn code_gradient(&mut self, net: &Autoencoder, codes: &[f32], dcodes: &mut [f32]) -> Result<f64> {
        let b = self.shards.as_ref().map_or(0, |sh| sh.rows);
        if b == 0 || !self.coupled() {
            return Err(Error::InvalidState("code_gradient is for a coupled batch (mmd or adversary) after begin_batch".into()));
        }
        let m = b * net.latent_size();
        let codes = &codes[..exact_len(codes.len(), m, "codes")?];
        Ok(self.codes_gradient(net, codes, exact(dcodes, m, "dcodes")?))
    }

    /// Shard `s`'s gradient into `grads` (every parameter, overwritten) as its share of the
    /// batch's; returns its share of the loss. A coupled batch's shard continues its
    /// `shard_forward` and adds its rows of `dcodes` (the batch's, from `code_gradient`) at
    /// its codes.
    pub fn shard_gradient(&mut self, net: &Autoencoder, s: usize, dcodes: &[f32], grads: &mut [f32]) -> Result<f64> {
        let coupled = self.coupled();
        self.checked_shard(s, coupled)?;
        let grads = exact(grads, net.params().len(), "grads")?;
        let b = self.shards.as_ref().map_or(0, |sh| sh.rows);
        let dcodes = &dcodes[..if coupled { exact_len(dcodes.len(), b * net.latent_size(), "dcodes")? } else { 0 }];
        let sh = self.shards.as_mut().expect("checked");
        if coupled && !std::mem::take(&mut sh.ready[s]) {
            return Err(Error::InvalidState(format!("shard {s} of a coupled batch needs its shard_forward first")));
        }
        Ok(self.gradient_shard(net, s, dcodes, grads))
    }

    /// `shard_forward` on checked arguments (`codes` exactly the shard's).
    fn forward_shard(&mut self, net: &Autoencoder, s: usize, codes: &mut [f32]) {
        let sh = self.shards.as_mut().expect("a sharded session");
        let (r, w) = (shard_range(sh.rows, sh.count, s), self.width);
        let (input, _, _) = batch_rows(&self.options.noise, &self.batch_x[..w * sh.rows], &self.batch_in, &self.batch_ctx);
        let labels = if self.batch_labels.is_empty() { &[][..] } else { &self.batch_labels[r.clone()] };
        sh.ready[s] = true;
        if r.is_empty() {
            return;
        }
        let ws = &mut sh.ws[s];
        net.forward(&input[r.start * w..r.end * w], r.len(), ws, None, labels);
        codes.copy_from_slice(&ws.a[net.encoder_layers - 1][..codes.len()]);
    }

    /// `code_gradient` on checked arguments (both B × latent exactly).
    fn codes_gradient(&mut self, net: &Autoencoder, codes: &[f32], dcodes: &mut [f32]) -> f64 {
        let b = self.shards.as_ref().map_or(0, |sh| sh.rows);
        let (latent, lambda) = (net.latent_size(), self.options.mmd);
        let labels = &self.batch_labels[..self.batch_labels.len().min(b)];
        dcodes.fill(0.0);
        let mut value = 0.0;
        if lambda > 0.0 {
            let draws = &self.prior[..codes.len()];
            value = lambda as f64 * label_table::mmd_penalty(codes, draws, b, latent, lambda, labels, dcodes);
        }
        if let Some(adversary) = self.adversary.as_mut() {
            adversary.apply(codes, labels, b, dcodes);
        }
        value
    }

    /// `shard_gradient` on checked arguments (`dcodes` the batch's, or empty when the batch
    /// is not coupled; `grads` exactly the parameters' length).
    fn gradient_shard(&mut self, net: &Autoencoder, s: usize, dcodes: &[f32], grads: &mut [f32]) -> f64 {
        grads.fill(0.0);
        let coupled = self.coupled();
        let sh = self.shards.as_mut().expect("a sharded session");
        let (b, w, latent) = (sh.rows, self.width, net.latent_size());
        let r = shard_range(b, sh.count, s);
        if r.is_empty() {
            return 0.0;
        }
        let mine = if coupled { &dcodes[r.start * latent..r.end * latent] } else { &[][..] };
        let (input, target, context) = batch_rows(&self.options.noise, &self.batch_x[..b * w], &self.batch_in, &self.batch_ctx);
        let span = r.start * w..r.end * w;
        let (x, t, c) = (&input[span.clone()], &target[span.clone()], &context[span]);
        let labels = if self.batch_labels.is_empty() { &[][..] } else { &self.batch_labels[r.clone()] };
        let ws = &mut sh.ws[if coupled { s } else { 0 }];
        if !coupled {
            net.forward(x, r.len(), ws, None, labels);
        }
        let mut add = |_: &[f32], dz: &mut [f32]| add_into(dz, mine);
        let penalty = coupled.then_some(&mut add as CodePenalty);
        net.loss_and_backward((x, t, c), (r.len(), b), ws, grads, 0.0, (None, penalty), labels)
    }

    /// Ends a sharded batch with the shards' gradients added in shard order and their losses
    /// added likewise (plus `code_gradient`'s value): clipping, the optimiser's step, and the
    /// epoch's end when it is one. On error (divergence) the session has stopped.
    pub fn end_batch(&mut self, net: &mut Autoencoder, grads: &[f32], loss: f64) -> Result<StepReport> {
        let b = self.shards.as_ref().map_or(0, |sh| sh.rows);
        if b == 0 || self.stopped {
            return Err(Error::InvalidState("end_batch needs a batch started by begin_batch".into()));
        }
        let n = exact_len(grads.len(), self.grads.len(), "grads")?;
        self.grads.copy_from_slice(&grads[..n]);
        let mut report = self.report();
        self.shards.as_mut().expect("checked").rows = 0;
        self.finish_batch(net, loss, b, &mut report)?;
        Ok(report)
    }

    /// The in-one-place sharded path of `step`: every shard here, summed in shard order,
    /// into `grads`. Returns the batch's loss.
    pub(super) fn sharded_gradient(&mut self, net: &Autoencoder, b: usize) -> f64 {
        let sh = self.shards.as_mut().expect("a sharded session");
        sh.rows = b;
        let count = sh.count;
        let (mut codes, mut dcodes, mut part) = (std::mem::take(&mut sh.codes), std::mem::take(&mut sh.dcodes), std::mem::take(&mut sh.part));
        let mut grads = std::mem::take(&mut self.grads);
        let (latent, mut value) = (net.latent_size(), 0.0);
        let coupled = self.coupled();
        if coupled {
            for s in 0..count {
                let r = shard_range(b, count, s);
                self.forward_shard(net, s, &mut codes[r.start * latent..r.end * latent]);
            }
            value = self.codes_gradient(net, &codes[..b * latent], &mut dcodes[..b * latent]);
        }
        let dcodes_b = &dcodes[..if coupled { b * latent } else { 0 }];
        let mut loss = self.gradient_shard(net, 0, dcodes_b, &mut grads);
        for s in 1..count {
            loss += self.gradient_shard(net, s, dcodes_b, &mut part);
            add_into(&mut grads, &part);
        }
        let sh = self.shards.as_mut().expect("a sharded session");
        (sh.codes, sh.dcodes, sh.part, self.grads) = (codes, dcodes, part, grads);
        sh.rows = 0;
        sh.ready.fill(false);
        loss + value
    }

    /// Shard `s`'s rows in the batch `begin_batch` started; `forward` also needs the shard's
    /// own workspace (a coupled batch's).
    fn checked_shard(&self, s: usize, own_workspace: bool) -> Result<Range<usize>> {
        let Some(sh) = self.shards.as_ref().filter(|sh| sh.rows > 0) else {
            return Err(Error::InvalidState("no sharded batch is running: call begin_batch first".into()));
        };
        if s >= sh.count || (own_workspace && !self.coupled()) {
            return Err(Error::InvalidOption(format!("shard {s} is not one of this batch's {} shards, or the batch has a single phase", sh.count)));
        }
        Ok(shard_range(sh.rows, sh.count, s))
    }
}

/// `buf` cut to `len` values; a shorter one is refused.
fn exact<'a>(buf: &'a mut [f32], len: usize, what: &str) -> Result<&'a mut [f32]> {
    exact_len(buf.len(), len, what)?;
    Ok(&mut buf[..len])
}

fn exact_len(have: usize, len: usize, what: &str) -> Result<usize> {
    if have < len {
        return Err(Error::ShapeMismatch(format!("{what} has {have} values but the shard needs {len}")));
    }
    Ok(len)
}
