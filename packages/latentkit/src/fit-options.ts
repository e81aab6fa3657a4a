// Validation of a training run's options (fit(), the training part of train(), and of
// text.train()): defaults filled in, INVALID_OPTION naming the option, and the core's JSON
// (wire.ts) built from them.

import type { DataInput } from "./data.js";
import { invalidOption, show } from "./errors.js";
import { MAX_BATCH, MAX_EPOCHS } from "./limits.js";
import { FIT_KEYS, MODEL_KEYS, type FitOptions, type Optimizer } from "./options.js";
import { bool, checkKeys, checkPlainObject, NON_NEGATIVE, num, oneOf, POSITIVE, SEED, UNIT } from "./validate.js";
import type { WasmTrainOptions } from "./wire.js";

/** Validated training options. @internal */
export interface NormalizedFitOptions {
  wasm: WasmTrainOptions;
  validationSplit: number;
  validationData: DataInput | undefined;
  onEpochEnd: FitOptions["onEpochEnd"] | undefined;
  signal: AbortSignal | undefined;
  /** `workers` as given: checked by the training loop's chunk (workers/options.ts), not here, to keep the default entry small. */
  workers: unknown;
}

const ES_KEYS = ["monitor", "patience", "minDelta", "restoreBestWeights"] as const;

/**
 * Validates the training part of `options` and fills in defaults. With `allowModelKeys`
 * (train()), model keys are accepted and ignored here.
 * @internal
 */
export function normalizeFitOptions(raw: unknown, defaultSeed: number, allowModelKeys: boolean): NormalizedFitOptions {
  const o = checkPlainObject(raw, "options");
  checkKeys(
    o,
    allowModelKeys ? [...MODEL_KEYS, ...FIT_KEYS] : FIT_KEYS,
    allowModelKeys ? "train()" : "fit()",
    allowModelKeys ? undefined : { keys: MODEL_KEYS, hint: "is a model option; it can only be set when the model is created (train() or create())." },
  );
  const optimizer = oneOf<Optimizer>(o, "optimizer", ["adam", "adamw", "sgd"], "adam");
  const isAdam = optimizer !== "sgd";
  for (const k of ["beta1", "beta2", "epsilon"]) {
    if (!isAdam && o[k] !== undefined) throw invalidOption(`${k} only applies to optimizer "adam" or "adamw", not "sgd"; remove it.`);
  }
  if (isAdam && o.momentum !== undefined) throw invalidOption(`momentum only applies to optimizer "sgd", not "${optimizer}"; remove it.`);
  const learningRate = num(o, "learningRate", isAdam ? 1e-3 : 1e-2, POSITIVE);
  const beta1 = num(o, "beta1", 0.9, UNIT);
  const beta2 = num(o, "beta2", 0.999, UNIT);
  const epsilon = num(o, "epsilon", 1e-7, POSITIVE);
  const weightDecay = num(o, "weightDecay", optimizer === "adamw" ? 0.004 : 0, NON_NEGATIVE);
  const momentum = num(o, "momentum", 0, UNIT);
  const epochs = num(o, "epochs", 10, { min: 1, max: MAX_EPOCHS, integer: true });
  const batchSize = num(o, "batchSize", 32, { min: 1, max: MAX_BATCH, integer: true });
  const shuffle = bool(o, "shuffle", true);
  const seed = num(o, "seed", defaultSeed, SEED);
  const validationSplit = num(o, "validationSplit", 0, UNIT);
  const validationData = o.validationData as DataInput | undefined;
  if (validationData !== undefined && validationSplit > 0) {
    throw invalidOption("validationSplit and validationData cannot both be set; pick one.");
  }
  const clipNorm = o.clipNorm !== undefined && o.clipNorm !== null ? num(o, "clipNorm", 0, POSITIVE) : null;
  const hasValidation = validationData !== undefined || validationSplit > 0;
  let earlyStopping: WasmTrainOptions["earlyStopping"] = null;
  const es = o.earlyStopping;
  if (es !== undefined && es !== false) {
    if (es !== true && (typeof es !== "object" || es === null || Array.isArray(es))) {
      throw invalidOption(`earlyStopping must be true, false or { monitor, patience, minDelta, restoreBestWeights }, got ${show(es)}.`);
    }
    const eo = es === true ? {} : (es as Record<string, unknown>);
    checkKeys(eo, ES_KEYS, "earlyStopping");
    const monitor = oneOf<"valLoss" | "loss">(eo, "monitor", ["valLoss", "loss"], hasValidation ? "valLoss" : "loss", "earlyStopping.");
    if (monitor === "valLoss" && !hasValidation) {
      throw invalidOption('earlyStopping.monitor "valLoss" needs validation data: set validationSplit or validationData, or monitor "loss".');
    }
    earlyStopping = {
      monitor,
      patience: num(eo, "patience", 5, { min: 0, max: MAX_EPOCHS, integer: true }, "earlyStopping."),
      minDelta: num(eo, "minDelta", 0, NON_NEGATIVE, "earlyStopping."),
      restoreBestWeights: bool(eo, "restoreBestWeights", true, "earlyStopping."),
    };
  }
  const noise = normalizeNumericNoise(o.noise);
  // capped where the core's float32 is still finite (it would refuse Infinity later)
  const mmd = num(o, "mmd", 0, { min: 0, max: 1e30 });
  const onEpochEnd = o.onEpochEnd;
  if (onEpochEnd !== undefined && typeof onEpochEnd !== "function") {
    throw invalidOption(`onEpochEnd must be a function, got ${show(onEpochEnd)}.`);
  }
  const signal = o.signal;
  if (signal !== undefined && (typeof signal !== "object" || signal === null || typeof (signal as AbortSignal).aborted !== "boolean")) {
    throw invalidOption(`signal must be an AbortSignal (e.g. new AbortController().signal), got ${show(signal)}.`);
  }
  return {
    wasm: {
      epochs, batchSize, learningRate, optimizer, beta1, beta2, epsilon, weightDecay, momentum,
      shuffle, seed, clipNorm, earlyStopping,
      ...(noise ? { noise } : {}),
      // absent when off, so the core's JSON of every run without it stays as it was
      ...(mmd > 0 ? { mmd } : {}),
    },
    validationSplit,
    validationData,
    onEpochEnd: onEpochEnd as FitOptions["onEpochEnd"],
    signal: signal as AbortSignal | undefined,
    workers: o.workers,
  };
}

/** Validates numeric `noise`; null when absent or all zero. @internal */
export function normalizeNumericNoise(raw: unknown): { gaussian: number; mask: number } | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw invalidOption(`noise must be an object { gaussian, mask }, got ${show(raw)}.`);
  }
  const o = raw as Record<string, unknown>;
  checkKeys(o, ["gaussian", "mask"], "noise");
  const gaussian = num(o, "gaussian", 0, NON_NEGATIVE, "noise.");
  const mask = num(o, "mask", 0, UNIT, "noise.");
  return gaussian === 0 && mask === 0 ? null : { gaussian, mask };
}
