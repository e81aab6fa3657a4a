// How text.train() went, as `gen.training` reports it and the model file keeps it: why
// training stopped (in words too), which epoch's weights were kept, how many texts were held
// out, and the share of training (and held-out) texts the model reconstructs exactly, the
// number that shows a model too small for its corpus.

import type { Matrix } from "../data.js";
import { LatentkitError } from "../errors.js";
import { stopMessage, type StopFacts, type StopReason } from "../stop.js";
import type { History } from "../training.js";
import { show } from "../validate.js";

/** Why text.train() stopped: a {@link StopReason}, or `"signal"` / `"diverged"` for a generator taken from an ABORTED / DIVERGED error. */
export type TextStopReason = StopReason | "signal" | "diverged";

/** How text.train() went (`gen.training`), kept in the model file. */
export interface TextTrainingSummary {
  /** Epochs trained. */
  readonly epochs: number;
  /** Why training stopped. */
  readonly stopReason: TextStopReason;
  /**
   * The same in words: "validation loss stopped improving at epoch 12 (best: epoch 9)",
   * "reached the cap of 200 epochs", "trained all 30 epochs" (`earlyStopping: false`),
   * "stopped by onEpochEnd after epoch 4", "stopped by the signal during epoch 5",
   * "diverged in epoch 3".
   */
  readonly stopMessage: string;
  /** With early stopping: the epoch with the best monitored loss; `null` without, or when aborted. */
  readonly bestEpoch: number | null;
  /** Whether the weights are those of `bestEpoch` (early stopping restores them when training ends). */
  readonly restoredBestWeights: boolean;
  /** Texts trained on. */
  readonly trainingTexts: number;
  /** Texts held out for validation (not trained on). */
  readonly validationTexts: number;
  /**
   * Share of the training texts whose most likely reconstruction is exactly the text (as
   * `gen.evaluate(texts).exactMatch` measures it), over all of them up to 2,000 and over 2,000
   * evenly spaced ones beyond. Well below 1 means the model is too small for its corpus (raise
   * `hidden` or `latent`) or stopped too soon.
   */
  readonly trainingExact: number;
  /** The same share on the held-out texts (up to 2,000 of them), or `null` when none were held out. */
  readonly validationExact: number | null;
}

/** The counts a summary needs besides the run. @internal */
export interface SplitFacts {
  trainingTexts: number;
  validationTexts: number;
  trainingExact: number;
  validationExact: number | null;
}

/** The summary of a finished run. @internal */
export function finishedSummary(run: History, split: SplitFacts): TextTrainingSummary {
  return Object.freeze({
    epochs: run.epochs.length,
    stopReason: run.stopReason,
    stopMessage: run.stopMessage,
    bestEpoch: run.bestEpoch,
    restoredBestWeights: run.restoredBestWeights,
    ...split,
  });
}

/**
 * The summary of a run that ended with an ABORTED or DIVERGED error after `epochs` finished
 * epochs: the weights are the last finished batch's (aborted) or the failed epoch's start
 * (diverged), never a restored best epoch. @internal
 */
export function interruptedSummary(reason: "signal" | "diverged", epochs: number, split: SplitFacts): TextTrainingSummary {
  const facts: StopFacts = { epoch: epochs + 1, epochs, bestEpoch: null, monitor: null };
  return Object.freeze({ epochs, stopReason: reason, stopMessage: stopMessage(reason, facts), bestEpoch: null, restoredBestWeights: false, ...split });
}

const REASONS: readonly TextStopReason[] = ["epochs", "earlyStopping", "callback", "signal", "diverged"];

function corrupt(field: string, why: string): LatentkitError {
  return new LatentkitError("CORRUPT_MODEL", `This text model file is damaged: meta.text.training.${field} ${why}. Save the model again from its source, or retrain it.`);
}

/**
 * `meta.text.training` of a file, checked (CORRUPT_MODEL naming the field); `null` for files
 * saved before it existed. @internal
 */
export function checkTrainingSummary(v: unknown): TextTrainingSummary | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) throw corrupt("", `must be an object, got ${show(v)}`);
  const t = v as Record<string, unknown>;
  const count = (k: string) => {
    const x = t[k];
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0) throw corrupt(k, `must be an integer >= 0, got ${show(x)}`);
    return x;
  };
  const share = (k: string, nullable: boolean) => {
    const x = t[k];
    if (nullable && x === null) return null;
    if (typeof x !== "number" || !(x >= 0 && x <= 1)) throw corrupt(k, `must be a share from 0 to 1${nullable ? " or null" : ""}, got ${show(x)}`);
    return x;
  };
  if (!REASONS.includes(t.stopReason as TextStopReason)) throw corrupt("stopReason", `must be one of ${REASONS.join(", ")}, got ${show(t.stopReason)}`);
  if (typeof t.stopMessage !== "string") throw corrupt("stopMessage", `must be a string, got ${show(t.stopMessage)}`);
  if (typeof t.restoredBestWeights !== "boolean") throw corrupt("restoredBestWeights", `must be true or false, got ${show(t.restoredBestWeights)}`);
  return Object.freeze({
    epochs: count("epochs"),
    stopReason: t.stopReason as TextStopReason,
    stopMessage: t.stopMessage,
    bestEpoch: t.bestEpoch === null ? null : count("bestEpoch"),
    restoredBestWeights: t.restoredBestWeights,
    trainingTexts: count("trainingTexts"),
    validationTexts: count("validationTexts"),
    trainingExact: share("trainingExact", false)!,
    validationExact: share("validationExact", true),
  });
}

/** Most texts the exact-match shares are measured on (an evenly spaced sample beyond it). */
export const EXACT_SAMPLE = 2000;

/**
 * At most EXACT_SAMPLE rows of `m`, evenly spaced: decoding is exact over the whole vocabulary
 * (V·d a position), so a share over every text of a large corpus would cost more than the
 * training did (150,000 texts: over a minute); 2,000 texts give it within ±1.1 points (95%).
 */
function evenSample(m: Matrix): Matrix {
  if (m.rows <= EXACT_SAMPLE) return m;
  const data = new Float32Array(EXACT_SAMPLE * m.cols);
  for (let i = 0; i < EXACT_SAMPLE; i++) {
    const r = Math.floor((i * m.rows) / EXACT_SAMPLE);
    data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  }
  return { data, rows: EXACT_SAMPLE, cols: m.cols };
}

/**
 * The split's counts and exact-match shares, measured on `gen` now (one reconstruction of
 * each text, of at most EXACT_SAMPLE evenly spaced texts a part). @internal
 */
export function splitFacts(gen: { _exactShare(m: Matrix): number }, [train, val]: [Matrix, Matrix | null]): SplitFacts {
  return {
    trainingTexts: train.rows,
    validationTexts: val?.rows ?? 0,
    trainingExact: gen._exactShare(evenSample(train)),
    validationExact: val ? gen._exactShare(evenSample(val)) : null,
  };
}
