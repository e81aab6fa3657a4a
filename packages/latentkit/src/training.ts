// The asynchronous training loop. The core trains in bounded steps (`trainStep(n)` runs at most
// n batches and never crosses an epoch end); this loop sizes n so that one step takes ~15 ms,
// yields to the event loop between steps, and handles epochs, callbacks, abort and errors.
// ModelHandle.train (handle.ts) imports it on the first training run: in the ESM builds it is
// a chunk of its own, so an app that only loads models and encodes does not download it.

import type { Matrix } from "./data.js";
import { throwIfAborted } from "./abort.js";
import { LatentkitError } from "./errors.js";
import type { NormalizedFitOptions as FitOpts } from "./fit-options.js";
import { stopMessage, type StopFacts, type StopReason } from "./stop.js";
import { fromWasmError, wasmCall, type WasmModel } from "./wasm.js";
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
  readonly handle: WasmModel;
  /** The model's history: this run numbers its epochs after the last one, and appends them. */
  readonly history: EpochRecord[];
  isDisposed(): boolean;
}

interface StepReport {
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

interface TrainSummary {
  epochs: number;
  bestEpoch: number | null;
  bestValue: number | null;
  restored: boolean;
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

/** Runs one training session to its end. @internal */
export async function runTraining(target: TrainingTarget, train: Matrix, val: Matrix | null, opts: FitOpts): Promise<History> {
  const { handle, history } = target;
  const epochOffset = history.length === 0 ? 0 : history[history.length - 1]!.epoch;
  throwIfAborted(opts.signal);
  wasmCall(() => handle.trainBegin(JSON.stringify(opts.wasm), train.data, train.rows, val ? val.data : new Float32Array(0), val ? val.rows : 0));
  let sessionOpen = true;
  // this run's epochs are the ones appended to the history from here on
  const firstRecord = history.length;
  let stopReason: StopReason = "epochs";
  let lastEpoch = epochOffset;
  try {
    let n = 1;
    let epochStart = now();
    let epochSamples = 0;
    for (;;) {
      if (target.isDisposed()) {
        throw new LatentkitError("DISPOSED", "The model was disposed while training; training stopped.");
      }
      throwIfAborted(opts.signal);
      const t0 = now();
      let report: StepReport;
      try {
        report = JSON.parse(handle.trainStep(n)) as StepReport;
      } catch (e) {
        sessionOpen = false; // the core ends the session on any step error
        throw fromWasmError(e);
      }
      const dt = now() - t0;
      epochSamples += report.samples;
      // Size the next step for ~TARGET_MS, growing at most 4x at a time.
      if (report.batches > 0) n = Math.max(1, Math.min(MAX_STEP, n * 4, Math.floor(TARGET_MS / (Math.max(dt, 0.01) / report.batches))));
      if (report.epochEnded) {
        const seconds = (now() - epochStart) / 1000;
        lastEpoch = epochOffset + report.epoch;
        const stop = facts(opts, lastEpoch, epochOffset, report.bestEpoch);
        if ((await endEpoch(target, report, stop, seconds, epochSamples, opts)) && !report.stop) {
          stopReason = "callback";
          break;
        }
        epochStart = now();
        epochSamples = 0;
      }
      if (report.stop) {
        stopReason = report.stopReason ?? "epochs";
        break;
      }
      await yieldToEventLoop();
    }

    sessionOpen = false;
    // the core restores the best weights when the session's earlyStopping asks for it
    const summary = JSON.parse(wasmCall(() => handle.trainEnd())) as TrainSummary;
    return Object.freeze({
      epochs: Object.freeze(history.slice(firstRecord)),
      stopReason,
      stopMessage: stopMessage(stopReason, facts(opts, lastEpoch, epochOffset, summary.bestEpoch)),
      bestEpoch: summary.bestEpoch === null ? null : epochOffset + summary.bestEpoch,
      bestValue: summary.bestValue,
      restoredBestWeights: summary.restored,
    });
  } finally {
    if (sessionOpen) {
      try {
        handle.trainAbort(); // keep the weights of the last finished batch
      } catch {
        // the session is already over
      }
    }
  }
}
