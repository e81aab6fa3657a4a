// The asynchronous training loop. The core trains in bounded steps (`trainStep(n)` runs at most
// n batches and never crosses an epoch end); this loop sizes n so that one step takes ~15 ms,
// yields to the event loop between steps, and handles epochs, callbacks, abort and errors.
// ModelHandle.train (handle.ts) imports it on the first training run: in the ESM builds it is
// a chunk of its own, so an app that only loads models and encodes does not download it.
// The epoch bookkeeping is the same whether the session runs in this thread or in workers
// (`workers`): a Stepper hides which.

import type { Matrix } from "./data.js";
import { throwIfAborted } from "./abort.js";
import { ERROR_CODES, LatentkitError, type LatentkitErrorCode } from "./errors.js";
import type { NormalizedFitOptions as FitOpts } from "./fit-options.js";
import { stopMessage, type StopFacts, type StopReason } from "./stop.js";
import { fromWasmError, ready, wasmCall, WasmModel } from "./wasm.js";
import type { WasmTrainOptions } from "./wire.js";
import { resolveWorkers, SHARDS } from "./workers/options.js";
import { yieldToEventLoop } from "./yield.js";

export type { StopReason } from "./stop.js";

/** One finished epoch, as kept in `model.history`. */
export interface EpochRecord {
  /** Epoch number, 1-based, counted over the model's whole life. */
  readonly epoch: number;
  /** Mean training loss of the epoch. */
  readonly loss: number;
  /** Validation loss at the end of the epoch, or `null` without validation data. */
  readonly valLoss: number | null;
  /** Wall-clock seconds the epoch took. Absent for epochs read from a model file (files carry no timings). */
  readonly seconds?: number;
}

/** The outcome of one training run (`fit()`). */
export interface History {
  /** The epochs of this run (also appended to `model.history`). */
  readonly epochs: readonly EpochRecord[];
  /** Why the run stopped. */
  readonly stopReason: StopReason;
  /**
   * The same in words, e.g. "validation loss stopped improving at epoch 12 (best: epoch 9)",
   * "reached the cap of 200 epochs" (early stopping on), "trained all 10 epochs" (off),
   * "stopped by onEpochEnd after epoch 4".
   */
  readonly stopMessage: string;
  /** Epoch (model-lifetime numbering) with the best monitored loss, when early stopping was on. */
  readonly bestEpoch: number | null;
  /** The best monitored loss, when early stopping was on. */
  readonly bestValue: number | null;
  /** Whether the weights of `bestEpoch` were restored at the end. */
  readonly restoredBestWeights: boolean;
}

/** What the loop needs from a model (src/handle.ts's ModelHandle gives it). @internal */
export interface TrainingTarget {
  /** The core model (a run in workers replaces it: see `replace`). */
  handle: WasmModel;
  /** The model's history: this run numbers its epochs after the last one, and appends them. */
  readonly history: EpochRecord[];
  isDisposed(): boolean;
  /** Makes `next` the model's core model (`handle` is set and the old one freed by the caller). */
  replace(next: WasmModel): void;
}

/** What one trainStep reports (the core's JSON). @internal */
export interface StepReport {
  batches: number;
  samples: number;
  epoch: number;
  epochEnded: boolean;
  loss: number | null;
  valLoss: number | null;
  stop: boolean;
  stopReason: "epochs" | "earlyStopping" | null;
  /** The session's best epoch so far (1-based within the session), with early stopping. */
  bestEpoch: number | null;
}

/** What trainEnd reports (the core's JSON). @internal */
export interface TrainSummary {
  epochs: number;
  bestEpoch: number | null;
  bestValue: number | null;
  restored: boolean;
}

/**
 * One training session as the epoch loop drives it: in this thread (ThreadStepper, below) or
 * in workers (workers/pool.ts). After `step` rejects, `end` or `abort`, the session is over.
 * @internal
 */
export interface Stepper {
  /** Runs (or waits for) the next bounded step; rejects with the error that ended the session. */
  step(): Promise<StepReport>;
  /** Between steps: lets the event loop run (in this thread; the workers run by themselves). */
  pause(): Promise<void>;
  /** The run goes on after the epoch that just ended. */
  goOn(): void;
  /** Ends the session (the core restores the best weights when earlyStopping asks for it). */
  end(): Promise<TrainSummary>;
  /** Ends an unfinished session, keeping the weights of the last finished batch. Idempotent. */
  abort(): Promise<void>;
}

/** Target duration of one `trainStep` call, in ms. */
const TARGET_MS = 15;
/** Upper bound of batches per step. */
const MAX_STEP = 1 << 20;

const now: () => number =
  typeof performance !== "undefined" && typeof performance.now === "function"
    ? () => performance.now()
    : () => Date.now();

/** What the stop sentence of this run needs, at lifetime epoch `epoch`. */
function facts(opts: FitOpts, epoch: number, epochOffset: number, bestEpoch: number | null): StopFacts {
  return {
    epoch,
    epochs: opts.wasm.epochs,
    bestEpoch: bestEpoch === null ? null : epochOffset + bestEpoch,
    monitor: opts.wasm.earlyStopping?.monitor ?? null,
  };
}

/**
 * Records an epoch that just ended (it took `seconds` for `samples` samples) and calls
 * onEpochEnd, telling it when the core ends the run after this epoch. Resolves to whether
 * the callback asked to stop.
 */
async function endEpoch(target: TrainingTarget, report: StepReport, stop: StopFacts, seconds: number, samples: number, opts: FitOpts): Promise<boolean> {
  const epoch = stop.epoch;
  const record: EpochRecord = Object.freeze({ epoch, loss: report.loss ?? NaN, valLoss: report.valLoss ?? null, seconds });
  target.history.push(record);
  const reason = report.stop ? (report.stopReason ?? "epochs") : null;
  const verdict = await opts.onEpochEnd?.({
    epoch,
    loss: record.loss,
    valLoss: record.valLoss,
    seconds,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    stopReason: reason,
    stopMessage: reason === null ? null : stopMessage(reason, stop),
  });
  return verdict === false;
}

/** A session in this thread: steps sized for ~TARGET_MS, the event loop between them. */
class ThreadStepper implements Stepper {
  readonly #handle: WasmModel;
  #open = true;
  #n = 1;

  constructor(handle: WasmModel, train: Matrix, val: Matrix | null, wasm: WasmTrainOptions) {
    wasmCall(() => handle.trainBegin(JSON.stringify(wasm), train.data, train.rows, val ? val.data : new Float32Array(0), val ? val.rows : 0));
    this.#handle = handle;
  }

  async step(): Promise<StepReport> {
    const t0 = now();
    let report: StepReport;
    try {
      report = JSON.parse(this.#handle.trainStep(this.#n)) as StepReport;
    } catch (e) {
      this.#open = false; // the core ends the session on any step error
      throw fromWasmError(e);
    }
    const dt = now() - t0;
    // Size the next step for ~TARGET_MS, growing at most 4x at a time.
    if (report.batches > 0) this.#n = Math.max(1, Math.min(MAX_STEP, this.#n * 4, Math.floor(TARGET_MS / (Math.max(dt, 0.01) / report.batches))));
    return report;
  }

  pause(): Promise<void> {
    return yieldToEventLoop();
  }

  goOn(): void {}

  async end(): Promise<TrainSummary> {
    this.#open = false;
    return JSON.parse(wasmCall(() => this.#handle.trainEnd())) as TrainSummary;
  }

  async abort(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#handle.trainAbort(); // keep the weights of the last finished batch
    } catch {
      // the session is already over
    }
  }
}

/**
 * The session of this run: in this thread, or (`workers` ≥ 2) in a pool of workers, loaded
 * only then. With `workers` (any value) every batch is cut into 4 shards.
 */
async function startSession(target: TrainingTarget, train: Matrix, val: Matrix | null, opts: FitOpts): Promise<Stepper> {
  const workers = opts.workers === undefined ? 0 : await resolveWorkers(opts.workers, target.handle, Math.min(opts.wasm.batchSize, train.rows));
  if (workers > 1) {
    const { startPool } = await import("./workers/pool.js");
    const error = (code: string, message: string) => new LatentkitError(ERROR_CODES.includes(code as LatentkitErrorCode) ? (code as LatentkitErrorCode) : "WORKER_FAILED", message);
    // the model takes the state the workers trained: a model file with the optimiser's state
    const adopt = (bytes: Uint8Array) => {
      const next = wasmCall(() => WasmModel.fromBytes(bytes));
      target.handle.free();
      target.replace((target.handle = next));
    };
    return startPool(target, { module: ready!, error, adopt }, train, val, opts, workers);
  }
  return new ThreadStepper(target.handle, train, val, workers === 1 ? { ...opts.wasm, shards: SHARDS } : opts.wasm);
}

/** Runs one training session to its end. @internal */
export async function runTraining(target: TrainingTarget, train: Matrix, val: Matrix | null, opts: FitOpts): Promise<History> {
  const { history } = target;
  const epochOffset = history.length === 0 ? 0 : history[history.length - 1]!.epoch;
  throwIfAborted(opts.signal);
  const session = await startSession(target, train, val, opts);
  // this run's epochs are the ones appended to the history from here on
  const firstRecord = history.length;
  let stopReason: StopReason = "epochs";
  let lastEpoch = epochOffset;
  try {
    let epochStart = now();
    let epochSamples = 0;
    for (;;) {
      if (target.isDisposed()) {
        throw new LatentkitError("DISPOSED", "The model was disposed while training; training stopped.");
      }
      throwIfAborted(opts.signal);
      const report = await session.step();
      epochSamples += report.samples;
      if (report.epochEnded) {
        const seconds = (now() - epochStart) / 1000;
        lastEpoch = epochOffset + report.epoch;
        const stop = facts(opts, lastEpoch, epochOffset, report.bestEpoch);
        if ((await endEpoch(target, report, stop, seconds, epochSamples, opts)) && !report.stop) {
          stopReason = "callback";
          break;
        }
        if (!report.stop) session.goOn();
        epochStart = now();
        epochSamples = 0;
      }
      if (report.stop) {
        stopReason = report.stopReason ?? "epochs";
        break;
      }
      await session.pause();
    }
    const summary = await session.end();
    return Object.freeze({
      epochs: Object.freeze(history.slice(firstRecord)),
      stopReason,
      stopMessage: stopMessage(stopReason, facts(opts, lastEpoch, epochOffset, summary.bestEpoch)),
      bestEpoch: summary.bestEpoch === null ? null : epochOffset + summary.bestEpoch,
      bestValue: summary.bestValue,
      restoredBestWeights: summary.restored,
    });
  } finally {
    await session.abort();
  }
}
