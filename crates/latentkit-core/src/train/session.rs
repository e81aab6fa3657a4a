//! Mini-batch training as a resumable session: `step` runs a bounded number of batches
//! and returns, so a JS caller can yield to its event loop between calls.
//!
//! Guarantees: the data is copied in once; batches are gathered from a seeded shuffle;
//! a batch whose loss or gradient is not finite is never applied, and a step whose
//! result is not finite restores the weights from the start of the epoch and fails with
//! `Diverged`. Early stopping follows Keras (best-so-far with `minDelta`, `patience`).

use crate::autoencoder::{Autoencoder, CodePenalty, Workspace};
use crate::error::{Error, Result};
use crate::io::json::{opt_num, NumberFormat};
use crate::layers::loss::Loss;
use crate::limits::{weight_ok, MAX_WORKSPACE_VALUES};
use crate::rng::Rng;
use crate::train::adversary::Adversary;
use crate::train::noise::{self, Noise};
use crate::train::optimizer::OptimizerState;
use crate::train::options::{Monitor, TrainOptions};
pub use shards::{shard_range, workers_fit, Exchange};
use shards::Shards;

mod shards;
#[cfg(test)]
mod shard_tests;

/// RNG streams: shuffling, input noise, the VAE's ε and the MMD penalty's prior draws
/// (initialisation uses stream 1).
const SHUFFLE_STREAM: u64 = 2;
const NOISE_STREAM: u64 = 3;
const EPSILON_STREAM: u64 = 4;
const PRIOR_STREAM: u64 = 5;
const ADVERSARY_STREAM: u64 = 6;

#[derive(Debug, Clone)]
pub struct StepReport {
    pub batches: usize,
    pub samples: usize,
    /// 1-based number of the epoch the batches belong to.
    pub epoch: usize,
    pub epoch_ended: bool,
    /// Mean training loss of the epoch (when it ended).
    pub loss: Option<f64>,
    /// Validation loss after the epoch (when it ended and there is validation data).
    pub val_loss: Option<f64>,
    pub stop: bool,
    pub stop_reason: Option<&'static str>,
    /// With early stopping, the session's epoch (1-based) with the best monitored value so
    /// far: the SDK says "best: epoch M" when the epoch that stops training is reported.
    pub best_epoch: Option<usize>,
}

impl StepReport {
    /// `{ batches, samples, epoch, epochEnded, loss, valLoss, stop, stopReason, bestEpoch }`
    pub fn to_json(&self, num: NumberFormat) -> String {
        format!(
            r#"{{"batches":{},"samples":{},"epoch":{},"epochEnded":{},"loss":{},"valLoss":{},"stop":{},"stopReason":{},"bestEpoch":{}}}"#,
            self.batches,
            self.samples,
            self.epoch,
            self.epoch_ended,
            opt_num(self.loss, num),
            opt_num(self.val_loss, num),
            self.stop,
            self.stop_reason.map_or("null".into(), |r| format!("\"{r}\"")),
            self.best_epoch.map_or("null".into(), |e| e.to_string())
        )
    }
}

#[derive(Debug, Clone)]
pub struct TrainSummary {
    pub epochs: usize,
    pub best_epoch: Option<usize>,
    pub best_value: Option<f64>,
    pub restored: bool,
}

impl TrainSummary {
    /// `{ epochs, bestEpoch, bestValue, restored }`
    pub fn to_json(&self, num: NumberFormat) -> String {
        format!(
            r#"{{"epochs":{},"bestEpoch":{},"bestValue":{},"restored":{}}}"#,
            self.epochs,
            self.best_epoch.map_or("null".into(), |e| e.to_string()),
            opt_num(self.best_value, num),
            self.restored
        )
    }
}

pub struct TrainSession {
    options: TrainOptions,
    data: Vec<f32>,
    rows: usize,
    cols: usize,
    val: Option<(Vec<f32>, usize)>,
    order: Vec<u32>,
    rng: Rng,
    batch: usize,
    /// Epochs finished in this session.
    epochs_done: usize,
    /// Next row (position in `order`) of the current epoch.
    cursor: usize,
    epoch_loss_sum: f64,
    epoch_start_params: Vec<f32>,
    ws: Workspace,
    grads: Vec<f32>,
    /// The batch's clean rows (the targets) and, with noise, their corrupted copy.
    batch_x: Vec<f32>,
    batch_in: Vec<f32>,
    /// With `noise.context`, the decoder's context: the clean rows with tokens dropped.
    batch_ctx: Vec<f32>,
    /// A conditional model's batch labels, split off the rows by `gather` (which leaves
    /// `width` ids a row in `batch_x`); empty otherwise.
    batch_labels: Vec<f32>,
    width: usize,
    noise_rng: Rng,
    eps_rng: Rng,
    /// With `mmd`, the batch's draws from N(0, I) (B, latent) and their own stream, so the
    /// other streams (and so models trained without it) are unchanged.
    prior: Vec<f32>,
    prior_rng: Rng,
    /// A conditional model's label adversary while `adversary` > 0 (this session's only).
    adversary: Option<Adversary>,
    /// With `shards` > 0, the buffers of the sharded path (`shards`).
    shards: Option<Shards>,
    optimizer: OptimizerState,
    best: Option<(usize, f64)>,
    best_params: Option<Vec<f32>>,
    wait: usize,
    stopped: bool,
}

impl TrainSession {
    /// Checks the options and data against the model and keeps the data. `carried` is
    /// the optimiser state a previous session of this model ended with: it is taken (and
    /// continued) when the options' optimiser matches, and left alone if this fails.
    pub fn new(net: &Autoencoder, options: TrainOptions, data: Vec<f32>, rows: usize, val: Option<(&[f32], usize)>, carried: &mut Option<OptimizerState>) -> Result<TrainSession> {
        options.validate()?;
        let cols = net.data_cols();
        net.check_data(&data, rows, "data")?;
        check_targets(net, &data, cols, "data")?;
        check_against_model(net, &options)?;
        let val = match val {
            Some((v, vrows)) => {
                net.check_data(v, vrows, "validation data")?;
                check_targets(net, v, cols, "validation data")?;
                Some((v.to_vec(), vrows))
            }
            None => None,
        };
        if let Some(es) = &options.early_stopping {
            if es.monitor == Monitor::ValLoss && val.is_none() {
                return Err(Error::InvalidOption(
                    "earlyStopping monitors 'valLoss' but there is no validation data: give validationSplit or validationData, or monitor 'loss'".into(),
                ));
            }
        }
        let batch = options.batch_size.min(rows);
        // S shards keep up to S workspaces of ⌈batch/S⌉ rows: S·⌈batch/S⌉ rows, at most batch + S − 1
        let kept = if options.shards > 0 { batch.div_ceil(options.shards) * options.shards } else { batch };
        check_batch_budget(net, kept, if options.mmd > 0.0 { net.latent_size() } else { 0 })?;
        let n = net.params().len();
        let optimizer = match carried.take() {
            Some(state) if state.fits(options.optimizer, n) => state,
            _ => OptimizerState::new(options.optimizer, n),
        };
        // A session's shuffles depend on the seed and on how many steps the model has
        // taken, so a second `fit` with the same seed does not replay the first's order.
        let salt = optimizer.t << 8;
        let rng = Rng::new(options.seed, SHUFFLE_STREAM ^ salt);
        let noise_rng = Rng::new(options.seed, NOISE_STREAM ^ salt);
        let eps_rng = Rng::new(options.seed, EPSILON_STREAM ^ salt);
        let prior_rng = Rng::new(options.seed, PRIOR_STREAM ^ salt);
        Ok(TrainSession {
            // the sharded path has a workspace a shard instead
            ws: Workspace::new(net, if options.shards > 0 { 0 } else { batch }),
            // with workers, a slot of n for each one's partial gradient; the batch's in the first
            grads: vec![0f32; if options.workers > 1 { shards::slot_len(n) * options.workers } else { n }],
            batch_x: vec![0f32; batch * cols],
            batch_in: if options.noise.is_none() { Vec::new() } else { vec![0f32; batch * cols] },
            batch_ctx: if options.noise.context > 0.0 { vec![0f32; batch * cols] } else { Vec::new() },
            batch_labels: if net.config().labels > 0 { vec![0f32; batch] } else { Vec::new() },
            width: net.layers()[0].inputs,
            noise_rng,
            eps_rng,
            prior: if options.mmd > 0.0 { vec![0f32; batch * net.latent_size()] } else { Vec::new() },
            prior_rng,
            adversary: (options.adversary > 0.0).then(|| Adversary::new(net.latent_size(), net.config().labels, options.adversary, &mut Rng::new(options.seed, ADVERSARY_STREAM ^ salt))),
            shards: (options.shards > 0).then(|| Shards::new(net, &options, batch)),
            epoch_start_params: net.params().to_vec(),
            order: (0..rows as u32).collect(),
            data,
            rows,
            cols,
            val,
            rng,
            batch,
            epochs_done: 0,
            cursor: 0,
            epoch_loss_sum: 0.0,
            optimizer,
            best: None,
            best_params: None,
            wait: 0,
            stopped: false,
            options,
        })
    }

    /// Runs up to `max_batches` batches, stopping early at the end of an epoch.
    pub fn step(&mut self, net: &mut Autoencoder, max_batches: usize) -> Result<StepReport> {
        self.step_with(net, max_batches, None)
    }

    /// `step` for a session with `workers` > 1, which trades its part of each batch through
    /// `exchange`.
    pub fn step_with(&mut self, net: &mut Autoencoder, max_batches: usize, mut exchange: Option<&mut dyn Exchange>) -> Result<StepReport> {
        let mut report = self.report();
        if self.stopped {
            return Ok(report);
        }
        for _ in 0..max_batches.max(1) {
            let b = self.prepare_batch(net);
            let loss = match &self.shards {
                None => self.batch_gradient(net, b),
                Some(_) => self.sharded_gradient(net, b, &mut exchange)?,
            };
            if self.finish_batch(net, loss, b, &mut report)? {
                break;
            }
        }
        Ok(report)
    }

    /// A report of no batches yet.
    fn report(&self) -> StepReport {
        StepReport {
            batches: 0,
            samples: 0,
            epoch: self.epochs_done + 1,
            epoch_ended: false,
            loss: None,
            val_loss: None,
            stop: self.stopped,
            stop_reason: None,
            best_epoch: self.best.map(|b| b.0),
        }
    }

    /// Starts the next batch: everything drawn at random for it (its rows, their noise, the
    /// MMD penalty's prior draws), before any gradient. Returns its number of rows.
    fn prepare_batch(&mut self, net: &Autoencoder) -> usize {
        if self.cursor == 0 {
            self.begin_epoch(net);
        }
        let b = self.batch.min(self.rows - self.cursor);
        self.gather(b);
        let n = b * self.width;
        if !self.options.noise.is_none() {
            self.batch_in[..n].copy_from_slice(&self.batch_x[..n]);
            match &net.config().tokens {
                Some(spec) => noise::corrupt_tokens(&mut self.batch_in[..n], spec, &self.options.noise, &mut self.noise_rng),
                None => noise::corrupt_numeric(&mut self.batch_in[..n], &self.options.noise, &mut self.noise_rng),
            }
        }
        if let (true, Some(spec)) = (self.options.noise.context > 0.0, &net.config().tokens) {
            self.batch_ctx[..n].copy_from_slice(&self.batch_x[..n]);
            noise::drop_context(&mut self.batch_ctx[..n], spec, self.options.noise.context, &mut self.noise_rng);
        }
        // the MMD penalty's draws from N(0, I), one per code value of the batch
        if self.options.mmd > 0.0 {
            self.prior[..b * net.latent_size()].iter_mut().for_each(|v| *v = self.prior_rng.normal());
        }
        b
    }

    /// The unsharded path: the batch's loss, and its gradient in `grads`.
    fn batch_gradient(&mut self, net: &Autoencoder, b: usize) -> f64 {
        let n = b * self.width;
        let (input, target, context) = batch_rows(&self.options.noise, &self.batch_x[..n], &self.batch_in, &self.batch_ctx);
        let vae = net.config().variational.map(|v| {
            // KL warm-up: the weight climbs linearly over the first klWarmupEpochs epochs.
            let ramp = if v.kl_warmup_epochs == 0 { 1.0 } else { ((self.epochs_done + 1) as f64 / v.kl_warmup_epochs as f64).min(1.0) };
            (&mut self.eps_rng, (v.beta * ramp) as f32)
        });
        let mmd = (self.options.mmd > 0.0).then(|| (&self.prior[..b * net.latent_size()], self.options.mmd));
        let labels = &self.batch_labels[..self.batch_labels.len().min(b)];
        let mut adversary = self.adversary.as_mut().map(|a| move |z: &[f32], dz: &mut [f32]| {
            a.apply(z, labels, b, dz);
        });
        let penalty = adversary.as_mut().map(|f| f as CodePenalty);
        net.loss_and_gradients(input, target, context, b, &mut self.ws, &mut self.grads, vae, mmd, labels, penalty)
    }

    /// The batch's gradient (in `grads`) is known: checks it, clips it, takes the
    /// optimiser's step and moves on. True when the batch ended an epoch.
    fn finish_batch(&mut self, net: &mut Autoencoder, loss: f64, b: usize, report: &mut StepReport) -> Result<bool> {
        if !loss.is_finite() {
            return Err(self.diverged(net, if loss.is_nan() { "the loss became NaN" } else { "the loss became infinite" }));
        }
        // A non-finite gradient with a finite loss shows up as non-finite weights after
        // the step, which the optimizer reports; the norm is only needed for clipping.
        let grads = &mut self.grads[..net.params().len()];
        if let Some(max) = self.options.clip_norm {
            let norm = global_norm(grads);
            if !norm.is_finite() {
                return Err(self.diverged(net, if norm.is_nan() { "the gradient became NaN" } else { "the gradient became infinite" }));
            }
            if norm > max as f64 {
                let scale = (max as f64 / norm) as f32;
                grads.iter_mut().for_each(|g| *g *= scale);
            }
        }
        if !self.optimizer.step(&self.options.hyper(), net.params_mut(), grads) {
            return Err(self.diverged(net, "a weight became NaN or infinite"));
        }
        self.epoch_loss_sum += loss * b as f64;
        self.cursor += b;
        report.batches += 1;
        report.samples += b;
        if self.cursor == self.rows {
            self.end_epoch(net, report)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Ends the session: with early stopping's `restoreBestWeights`, the best epoch's
    /// weights come back. Returns the summary and the optimiser state to carry over.
    pub fn end(mut self, net: &mut Autoencoder) -> (TrainSummary, OptimizerState) {
        let mut restored = false;
        if self.options.early_stopping.as_ref().is_some_and(|e| e.restore_best_weights) {
            if let Some(best) = self.best_params.take() {
                net.params_mut().copy_from_slice(&best);
                restored = true;
            }
        }
        (self.summary(restored), self.optimizer)
    }

    /// Ends the session early (a cancelled run): the weights of the last finished batch
    /// stay, whatever the options say.
    pub fn abort(self) -> (TrainSummary, OptimizerState) {
        (self.summary(false), self.optimizer)
    }

    fn summary(&self, restored: bool) -> TrainSummary {
        TrainSummary { epochs: self.epochs_done, best_epoch: self.best.map(|b| b.0), best_value: self.best.map(|b| b.1), restored }
    }

    fn begin_epoch(&mut self, net: &Autoencoder) {
        self.epoch_start_params.copy_from_slice(net.params());
        self.epoch_loss_sum = 0.0;
        if self.options.shuffle {
            self.rng.shuffle(&mut self.order);
        }
    }

    /// The batch's rows in shuffled order; a conditional model's labels (each row's last
    /// column) go to `batch_labels`, its ids to `batch_x` (`width` a row).
    fn gather(&mut self, b: usize) {
        let (cols, width) = (self.cols, self.width);
        for (i, (dst, &row)) in self.batch_x.chunks_exact_mut(width).zip(&self.order[self.cursor..self.cursor + b]).enumerate() {
            let r = row as usize;
            dst.copy_from_slice(&self.data[r * cols..r * cols + width]);
            if let Some(label) = self.batch_labels.get_mut(i) {
                *label = self.data[r * cols + width];
            }
        }
    }

    fn end_epoch(&mut self, net: &mut Autoencoder, report: &mut StepReport) -> Result<()> {
        // Weights past ±2^64 overflow on ordinary inputs and would not load: checked once an
        // epoch (a pass over the parameters, nothing next to the epoch's products).
        if net.params().iter().any(|&p| !weight_ok(p)) {
            return Err(self.diverged(net, "a weight went beyond ±2^64"));
        }
        let loss = self.epoch_loss_sum / self.rows as f64;
        let val_loss = match &self.val {
            // a validation loss that overflows is a divergence like a training loss that does
            Some((v, vrows)) => match net.evaluate(v, *vrows) {
                Ok(l) => Some(l),
                Err(Error::NonFiniteInput(_)) => return Err(self.diverged(net, "the validation loss overflowed")),
                Err(e) => return Err(e),
            },
            None => None,
        };
        self.cursor = 0;
        self.epochs_done += 1;
        report.epoch_ended = true;
        report.loss = Some(loss);
        report.val_loss = val_loss;
        if let Some(es) = self.options.early_stopping.clone() {
            let value = match es.monitor {
                Monitor::Loss => loss,
                Monitor::ValLoss => val_loss.unwrap_or(loss),
            };
            let improved = self.best.is_none_or(|(_, best)| value < best - es.min_delta);
            if improved {
                self.best = Some((self.epochs_done, value));
                self.wait = 0;
                if es.restore_best_weights {
                    match &mut self.best_params {
                        Some(p) => p.copy_from_slice(net.params()),
                        None => self.best_params = Some(net.params().to_vec()),
                    }
                }
            } else {
                self.wait += 1;
                if self.wait >= es.patience.max(1) {
                    self.stopped = true;
                    report.stop = true;
                    report.stop_reason = Some("earlyStopping");
                }
            }
        }
        report.best_epoch = self.best.map(|b| b.0);
        if !self.stopped && self.epochs_done >= self.options.epochs {
            self.stopped = true;
            report.stop = true;
            report.stop_reason = Some("epochs");
        }
        Ok(())
    }

    /// Rolls back to the start of the epoch and stops; `why` says what went wrong. Out of
    /// line: the error path needs no inlining into the batch loop.
    #[inline(never)]
    fn diverged(&mut self, net: &mut Autoencoder, why: &str) -> Error {
        // The optimiser state goes with the session (the trainer drops both).
        net.params_mut().copy_from_slice(&self.epoch_start_params);
        self.stopped = true;
        Error::Diverged(format!(
            "training diverged in epoch {} ({why}): the weights were restored to the start of that epoch and the model is still usable; lower learningRate, set clipNorm, or scale the data.",
            self.epochs_done + 1
        ))
    }
}

/// Refuses options the model cannot take: noise of the other kind of model, a context
/// dropout without a context head, the MMD penalty on a variational model.
fn check_against_model(net: &Autoencoder, options: &TrainOptions) -> Result<()> {
    if !options.noise.is_none() {
        let tokens = net.config().tokens.is_some();
        if tokens && options.noise.gaussian > 0.0 {
            return Err(Error::InvalidOption("noise.gaussian is for numeric models; token models take mask, delete and swap".into()));
        }
        if !tokens && (options.noise.delete > 0.0 || options.noise.swap > 0.0) {
            return Err(Error::InvalidOption("noise.delete and noise.swap are for token models; numeric models take gaussian and mask".into()));
        }
    }
    if options.mmd > 0.0 && net.is_variational() {
        return Err(Error::InvalidOption(
            "mmd is for plain models, not variational ones (their KL term pulls codes to the prior already): remove mmd or variational".into(),
        ));
    }
    if options.adversary > 0.0 && (net.config().labels == 0 || net.is_variational()) {
        return Err(Error::InvalidOption("adversary is for plain conditional text models (trained with labels, not variational): remove adversary".into()));
    }
    if options.shards > 0 && net.is_variational() {
        return Err(Error::InvalidOption(
            "shards is not available for variational models yet (their KL term's free bits and ε see the whole batch): remove shards or variational".into(),
        ));
    }
    if options.noise.context > 0.0 && net.config().tokens.is_none_or(|t| t.context == 0) {
        return Err(Error::InvalidOption("noise.context is for token models with a context (tokens.context > 0)".into()));
    }
    Ok(())
}

/// Refuses a batch whose working memory (the workspace, the batch's three copies of its
/// rows and `extra` values a row) passes MAX_WORKSPACE_VALUES, before any of it is allocated.
fn check_batch_budget(net: &Autoencoder, batch: usize, extra: usize) -> Result<()> {
    let per_row = Workspace::values_per_row(net) + 3 * net.data_cols() as u64 + extra as u64;
    let need = per_row * batch as u64;
    if need > MAX_WORKSPACE_VALUES as u64 {
        let most = MAX_WORKSPACE_VALUES as u64 / per_row;
        let what = match net.config().tokens {
            Some(t) => format!("batchSize {batch} x maxLength {} x vocabulary {}", t.length, t.vocab),
            None => format!("batchSize {batch} x the layers' widths"),
        };
        let advice = if most == 0 {
            "even one row does not fit: use a shorter maxLength, a smaller vocabulary or narrower layers".to_string()
        } else {
            format!("use batchSize {most} or less, a shorter maxLength or a smaller vocabulary")
        };
        return Err(Error::TooLarge(format!(
            "one training batch would need {need} values of working memory ({what}), above the budget of {MAX_WORKSPACE_VALUES}: {advice}"
        )));
    }
    Ok(())
}

/// For BCE the targets must be probabilities.
fn check_targets(net: &Autoencoder, data: &[f32], cols: usize, what: &str) -> Result<()> {
    if net.config().loss == Loss::Bce {
        if let Some(i) = data.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return Err(Error::InvalidOption(format!(
                "loss 'bce' needs values in [0, 1] but {what} row {}, column {} is outside: scale the data or use loss 'mse'",
                i / cols,
                i % cols
            )));
        }
    }
    Ok(())
}

/// A batch's (corrupted) input, its clean rows (the targets) and the text head's context:
/// `x` the clean rows, `noisy` and `ctx` their copies where the options make them.
fn batch_rows<'a>(noise: &Noise, x: &'a [f32], noisy: &'a [f32], ctx: &'a [f32]) -> (&'a [f32], &'a [f32], &'a [f32]) {
    let n = x.len();
    let input = if noise.is_none() { x } else { &noisy[..n] };
    let context = if noise.context > 0.0 { &ctx[..n] } else { x };
    (input, x, context)
}

fn global_norm(grads: &[f32]) -> f64 {
    grads.iter().map(|&g| (g as f64) * (g as f64)).sum::<f64>().sqrt()
}
