// Option types, defaults and validation. Everything is checked here, in TypeScript, before
// the core sees it: unknown keys (with a "did you mean"), wrong types and out-of-range values
// become INVALID_OPTION errors naming the option; absurd sizes become TOO_LARGE.

import type { DataInput } from "./data.js";
import { LatentkitError, invalidOption, show } from "./errors.js";

/** Activation functions available for hidden, latent and output layers. */
export type Activation = "relu" | "leakyRelu" | "elu" | "gelu" | "tanh" | "sigmoid" | "linear";
/** Reconstruction loss: mean squared error, or binary cross-entropy (for data in [0, 1]). */
export type Loss = "mse" | "bce";
/** Weight initialisation scheme. */
export type Initializer = "glorotUniform" | "heUniform";
/** Optimizer. `adamw` is Adam with decoupled weight decay. */
export type Optimizer = "adam" | "adamw" | "sgd";

/** The architecture of a new model (accepted by `train()` and `create()`). */
export interface ModelOptions {
  /**
   * Encoder layer sizes; the last one is the latent (code) size. Integers 1..65536.
   * Default: `[min(32, max(2, ceil(inputSize / 4)))]` (one linear-ish layer straight to the code).
   */
  encoder?: readonly number[];
  /**
   * Decoder hidden layer sizes after the latent layer; the output layer (inputSize units) is
   * implicit. Default: the encoder's hidden sizes reversed (`[64, 32]` → `[64]`).
   */
  decoder?: readonly number[];
  /** Activation of hidden layers. Default `"relu"`. */
  activation?: Activation;
  /** Activation of the latent (code) layer. Default `"linear"`. */
  latentActivation?: Activation;
  /**
   * Activation of the output layer. Default `"linear"`, or `"sigmoid"` when `loss` is `"bce"`
   * (which requires it). Use `"sigmoid"` for data scaled to [0, 1].
   */
  outputActivation?: Activation;
  /** Loss. Default `"mse"`. `"bce"` needs data in [0, 1] and a sigmoid output. */
  loss?: Loss;
  /** Weight initialisation. Default `"glorotUniform"`. */
  init?: Initializer;
  /**
   * Seed of the weight initialisation (and, in `train()`, of shuffling). Integer
   * 0..2^53-1. Default `42`: training is deterministic unless you change it.
   */
  seed?: number;
  /**
   * A variational autoencoder (β-VAE): the encoder's last layer emits a mean and a
   * log-variance per latent dimension, training draws codes with the reparameterisation trick
   * and adds β × KL(q(z|x) ‖ N(0, I)) to the loss. `encode()` returns the posterior means.
   * `true` means `{ beta: 1, klWarmupEpochs: 0, freeBits: 0 }`. Needs `latentActivation`
   * `"linear"`. Default `false`.
   */
  variational?: boolean | VariationalOptions;
}

/** Early stopping settings. */
export interface EarlyStoppingOptions {
  /** Which loss to watch. Default `"valLoss"` when there is validation data, else `"loss"`. */
  monitor?: "valLoss" | "loss";
  /** Epochs without improvement tolerated before stopping. Integer >= 0 (0 behaves like 1, as in Keras). Default `5`. */
  patience?: number;
  /** Smallest decrease that counts as an improvement. >= 0. Default `0`. */
  minDelta?: number;
  /** Restore the weights of the best epoch when training ends. Default `true`. */
  restoreBestWeights?: boolean;
}

/** What `onEpochEnd` receives after each epoch. */
export interface EpochInfo {
  /** Epoch number, 1-based, counted over the model's whole life (continues across `fit()` calls). */
  epoch: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Validation loss at the end of the epoch, or `null` without validation data. */
  valLoss: number | null;
  /** Training throughput of the epoch (samples per wall-clock second). */
  samplesPerSecond: number;
  /** Wall-clock duration of the epoch, in seconds. */
  seconds: number;
}

/** Options of a training run (`fit()`, and the training part of `train()`). */
export interface FitOptions {
  /** Optimizer. Default `"adam"`. */
  optimizer?: Optimizer;
  /** Learning rate, finite > 0. Default `1e-3` for adam/adamw, `1e-2` for sgd. */
  learningRate?: number;
  /** Adam's first-moment decay, in [0, 1). Default `0.9`. adam/adamw only. */
  beta1?: number;
  /** Adam's second-moment decay, in [0, 1). Default `0.999`. adam/adamw only. */
  beta2?: number;
  /** Adam's epsilon, finite > 0. Default `1e-7`. adam/adamw only. */
  epsilon?: number;
  /** Weight decay, finite >= 0. Default `0.004` for adamw (decoupled), `0` otherwise. */
  weightDecay?: number;
  /** SGD momentum, in [0, 1). Default `0`. sgd only. */
  momentum?: number;
  /** Number of epochs, integer 1..1,000,000. Default `10`. */
  epochs?: number;
  /** Rows per gradient step, integer 1..65536 (capped at the number of rows). Default `32`. */
  batchSize?: number;
  /** Shuffle the training rows every epoch. Default `true`. */
  shuffle?: boolean;
  /**
   * Seed of the shuffling, integer 0..2^53-1. Default: the model's seed (42 unless set).
   * The shuffle order also depends on how many steps the model has already taken, so a
   * second `fit()` with the same seed does not replay the first one's order.
   */
  seed?: number;
  /**
   * Fraction of rows held out for validation, in [0, 1) (0 = none). Like Keras, the LAST
   * rows are taken, before any shuffling. Default `0`. Exclusive with `validationData`.
   */
  validationSplit?: number;
  /** Separate validation data (same columns as the training data). */
  validationData?: DataInput;
  /**
   * Stop when the monitored loss stops improving. `true` means
   * `{ monitor: validation ? "valLoss" : "loss", patience: 5, minDelta: 0, restoreBestWeights: true }`.
   * Default: off.
   */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Clip each batch's gradient to this global L2 norm (finite > 0), or `null` for no clipping. Default `null`. */
  clipNorm?: number | null;
  /**
   * Called after every epoch. Return (or resolve to) `false` to stop after this epoch.
   * May be async; training waits for it.
   */
  onEpochEnd?: (info: EpochInfo) => void | boolean | Promise<void | boolean>;
  /** Aborts training promptly (between steps of ~10-20 ms); see `train()`/`fit()` for what happens. */
  signal?: AbortSignal;
  /**
   * Denoising: the inputs of each batch are corrupted (Gaussian noise of std `gaussian`, then
   * each value zeroed with probability `mask`), the targets stay clean. Seeded like the
   * shuffling. Default none.
   */
  noise?: NumericNoiseOptions;
}

/** Options of {@link train}: the model's architecture and its first training run, in one flat object. */
export interface TrainOptions extends ModelOptions, FitOptions {}

/** The normalised architecture of a model, with every default filled in (`model.config`). */
export interface ModelConfig {
  /** Number of input (and output) columns. */
  readonly inputSize: number;
  /** Encoder layer sizes; the last is the latent size. */
  readonly encoder: readonly number[];
  /** Decoder hidden layer sizes. */
  readonly decoder: readonly number[];
  readonly activation: Activation;
  readonly latentActivation: Activation;
  readonly outputActivation: Activation;
  readonly loss: Loss;
  readonly init: Initializer;
  readonly seed: number;
  /** The β-VAE settings; absent for a plain autoencoder. */
  readonly variational?: Readonly<NormalizedVariational>;
}

/** Default seed of weights and shuffling. */
export const DEFAULT_SEED = 42;
/** Largest accepted layer size. */
export const MAX_LAYER = 65536;
/** Largest accepted parameter count (2^25 ≈ 33.5M; training keeps ~6 copies of the weights). */
export const MAX_PARAMS = 2 ** 25;
/** Most layers in a model (encoder + decoder hidden layers + output layer). */
export const MAX_LAYERS = 64;
/** Largest accepted batch size. */
export const MAX_BATCH = 65536;

const ACTIVATIONS: readonly Activation[] = ["relu", "leakyRelu", "elu", "gelu", "tanh", "sigmoid", "linear"];
const MODEL_KEYS = ["encoder", "decoder", "activation", "latentActivation", "outputActivation", "loss", "init", "seed", "variational"] as const;
const FIT_KEYS = [
  "optimizer", "learningRate", "beta1", "beta2", "epsilon", "weightDecay", "momentum", "epochs",
  "batchSize", "shuffle", "seed", "validationSplit", "validationData", "earlyStopping", "clipNorm",
  "onEpochEnd", "signal", "noise",
] as const;
const ES_KEYS = ["monitor", "patience", "minDelta", "restoreBestWeights"] as const;

function levenshtein(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest known name to `key`, if within `max(slack, length / 3)` edits of it.
 * @internal
 */
export function closest(key: string, known: readonly string[], slack = 2): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(slack, Math.floor(best.length / 3)) ? best : undefined;
}

export { show };

/** @internal */
export function checkPlainObject(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw invalidOption(`${name} must be an object, got ${show(v)}.`);
  }
  return v as Record<string, unknown>;
}

/** @internal */
export function checkKeys(obj: Record<string, unknown>, known: readonly string[], where: string, elsewhere?: { keys: readonly string[]; hint: string }) {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    if (elsewhere && elsewhere.keys.includes(key)) {
      throw invalidOption(`${where} option "${key}" ${elsewhere.hint}`);
    }
    const guess = closest(key, [...known]);
    throw invalidOption(
      `Unknown ${where} option "${key}".` + (guess ? ` Did you mean "${guess}"?` : ` Known options: ${known.join(", ")}.`),
    );
  }
}

/** @internal */
export function num(
  obj: Record<string, unknown>,
  key: string,
  dflt: number,
  rule: { min?: number; minExclusive?: boolean; max?: number; maxExclusive?: boolean; integer?: boolean },
  prefix = "",
): number {
  const v = obj[key];
  if (v === undefined) return dflt;
  const name = prefix + key;
  const range =
    (rule.integer ? "an integer" : "a finite number") +
    (rule.min !== undefined ? ` ${rule.minExclusive ? ">" : ">="} ${rule.min}` : "") +
    (rule.max !== undefined ? `${rule.min !== undefined ? " and" : ""} ${rule.maxExclusive ? "<" : "<="} ${rule.max}` : "");
  if (typeof v !== "number") throw invalidOption(`${name} must be ${range}, got ${show(v)}.`);
  const ok =
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? v < rule.max : v <= rule.max));
  if (!ok) throw invalidOption(`${name} must be ${range}, got ${v}.`);
  return v;
}

/** @internal */
export function oneOf<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[], dflt: T, prefix = ""): T {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  const guess = typeof v === "string" ? closest(v, allowed) : undefined;
  throw invalidOption(
    `${prefix}${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${show(v)}.` +
      (guess ? ` Did you mean "${guess}"?` : ""),
  );
}

/** @internal */
export function bool(obj: Record<string, unknown>, key: string, dflt: boolean, prefix = ""): boolean {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw invalidOption(`${prefix}${key} must be true or false, got ${show(v)}.`);
  return v;
}

function layers(obj: Record<string, unknown>, key: string, allowEmpty: boolean): number[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidOption(`${key} must be an array of layer sizes (integers 1..${MAX_LAYER}), got ${show(v)}.`);
  if (!allowEmpty && v.length === 0) throw invalidOption(`${key} must list at least one layer size (the last is the latent size).`);
  v.forEach((s: unknown, i: number) => {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > MAX_LAYER) {
      throw invalidOption(`${key}[${i}] must be an integer layer size in 1..${MAX_LAYER}, got ${typeof s === "number" ? s : show(s)}.`);
    }
  });
  return [...(v as number[])];
}

/** Default latent size for `inputSize` columns. @internal */
export function defaultLatent(inputSize: number): number {
  return Math.min(32, Math.max(2, Math.ceil(inputSize / 4)));
}

/**
 * Validates the model part of `options` and fills in defaults. `options` may also contain
 * training keys when `allowFitKeys` (train()).
 * @internal
 */
export function normalizeModelOptions(raw: unknown, inputSize: number, allowFitKeys: boolean): ModelConfig {
  const o = checkPlainObject(raw, "options");
  checkKeys(
    o,
    allowFitKeys ? [...MODEL_KEYS, ...FIT_KEYS] : MODEL_KEYS,
    allowFitKeys ? "train()" : "create()",
    allowFitKeys ? undefined : { keys: FIT_KEYS, hint: "is a training option; pass it to model.fit() instead." },
  );
  const encoder = layers(o, "encoder", false) ?? [defaultLatent(inputSize)];
  const decoder = layers(o, "decoder", true) ?? encoder.slice(0, -1).reverse();
  const activation = oneOf(o, "activation", ACTIVATIONS, "relu");
  const latentActivation = oneOf(o, "latentActivation", ACTIVATIONS, "linear");
  const loss = oneOf<Loss>(o, "loss", ["mse", "bce"], "mse");
  const outputActivation = oneOf(o, "outputActivation", ACTIVATIONS, loss === "bce" ? "sigmoid" : "linear");
  if (loss === "bce" && outputActivation !== "sigmoid") {
    throw invalidOption(`loss "bce" requires outputActivation "sigmoid" (got "${outputActivation}"); use loss "mse" or a sigmoid output.`);
  }
  const init = oneOf<Initializer>(o, "init", ["glorotUniform", "heUniform"], "glorotUniform");
  const seed = num(o, "seed", DEFAULT_SEED, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });

  if (encoder.length + decoder.length + 1 > MAX_LAYERS) {
    throw new LatentkitError(
      "TOO_LARGE",
      `The model would have ${encoder.length + decoder.length + 1} layers (encoder + decoder + output); at most ${MAX_LAYERS} are supported.`,
    );
  }
  if (inputSize > MAX_LAYER) {
    throw new LatentkitError("TOO_LARGE", `The data has ${inputSize} columns; at most ${MAX_LAYER} are supported.`);
  }
  const variational = normalizeVariational(o.variational, { beta: 1, klWarmupEpochs: 0, freeBits: 0 });
  if (variational && latentActivation !== "linear") {
    throw invalidOption(`variational models need latentActivation "linear" (the encoder emits a mean and a log-variance), got "${latentActivation}".`);
  }
  const latent = encoder[encoder.length - 1]!;
  const encSizes = [inputSize, ...encoder.slice(0, -1), variational ? 2 * latent : latent];
  const decSizes = [latent, ...decoder, inputSize];
  const sizes = [inputSize, ...encoder, ...decoder, inputSize];
  let params = 0;
  for (const chain of [encSizes, decSizes]) {
    for (let i = 0; i + 1 < chain.length; i++) params += chain[i]! * chain[i + 1]! + chain[i + 1]!;
  }
  if (params > MAX_PARAMS) {
    throw new LatentkitError(
      "TOO_LARGE",
      `This model would have ${params} parameters (layers ${sizes.join(" → ")}), more than the limit of 2^25 (${MAX_PARAMS}); use narrower layers.`,
    );
  }
  return Object.freeze({
    inputSize,
    encoder: Object.freeze(encoder),
    decoder: Object.freeze(decoder),
    activation,
    latentActivation,
    outputActivation,
    loss,
    init,
    seed,
    ...(variational ? { variational: Object.freeze(variational) } : {}),
  });
}

/** The JSON the core's `TrainOptions` takes. @internal */
export interface WasmTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: Optimizer;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  momentum: number;
  shuffle: boolean;
  seed: number;
  clipNorm: number | null;
  earlyStopping: null | { monitor: "valLoss" | "loss"; patience: number; minDelta: number; restoreBestWeights: boolean };
  noise?: { gaussian?: number; mask?: number; delete?: number; swap?: number };
}

/** Validated training options. @internal */
export interface NormalizedFitOptions {
  wasm: WasmTrainOptions;
  validationSplit: number;
  validationData: DataInput | undefined;
  onEpochEnd: FitOptions["onEpochEnd"] | undefined;
  signal: AbortSignal | undefined;
}

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
  const learningRate = num(o, "learningRate", isAdam ? 1e-3 : 1e-2, { min: 0, minExclusive: true });
  const beta1 = num(o, "beta1", 0.9, { min: 0, max: 1, maxExclusive: true });
  const beta2 = num(o, "beta2", 0.999, { min: 0, max: 1, maxExclusive: true });
  const epsilon = num(o, "epsilon", 1e-7, { min: 0, minExclusive: true });
  const weightDecay = num(o, "weightDecay", optimizer === "adamw" ? 0.004 : 0, { min: 0 });
  const momentum = num(o, "momentum", 0, { min: 0, max: 1, maxExclusive: true });
  const epochs = num(o, "epochs", 10, { min: 1, max: 1_000_000, integer: true });
  const batchSize = num(o, "batchSize", 32, { min: 1, max: MAX_BATCH, integer: true });
  const shuffle = bool(o, "shuffle", true);
  const seed = num(o, "seed", defaultSeed, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const validationSplit = num(o, "validationSplit", 0, { min: 0, max: 1, maxExclusive: true });
  const validationData = o.validationData as DataInput | undefined;
  if (validationData !== undefined && validationSplit > 0) {
    throw invalidOption("validationSplit and validationData cannot both be set; pick one.");
  }
  const hasValidation = validationData !== undefined || validationSplit > 0;

  let clipNorm: number | null = null;
  if (o.clipNorm !== undefined && o.clipNorm !== null) clipNorm = num(o, "clipNorm", 0, { min: 0, minExclusive: true });

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
      patience: num(eo, "patience", 5, { min: 0, max: 1_000_000, integer: true }, "earlyStopping."),
      minDelta: num(eo, "minDelta", 0, { min: 0 }, "earlyStopping."),
      restoreBestWeights: bool(eo, "restoreBestWeights", true, "earlyStopping."),
    };
  }

  const noise = normalizeNumericNoise(o.noise);

  const onEpochEnd = o.onEpochEnd;
  if (onEpochEnd !== undefined && typeof onEpochEnd !== "function") {
    throw invalidOption(`onEpochEnd must be a function, got ${show(onEpochEnd)}.`);
  }
  const signal = o.signal;
  if (
    signal !== undefined &&
    (typeof signal !== "object" || signal === null || typeof (signal as AbortSignal).aborted !== "boolean")
  ) {
    throw invalidOption(`signal must be an AbortSignal (e.g. new AbortController().signal), got ${show(signal)}.`);
  }

  return {
    wasm: {
      epochs, batchSize, learningRate, optimizer, beta1, beta2, epsilon, weightDecay, momentum,
      shuffle, seed, clipNorm, earlyStopping,
      ...(noise ? { noise } : {}),
    },
    validationSplit,
    validationData,
    onEpochEnd: onEpochEnd as FitOptions["onEpochEnd"],
    signal: signal as AbortSignal | undefined,
  };
}

/** β-VAE settings (`variational: { ... }`); see the option's documentation. */
export interface VariationalOptions {
  /** Weight of the KL term, finite >= 0. */
  beta?: number;
  /** Epochs over which the KL weight rises linearly to `beta` (0 = from the start), integer >= 0. */
  klWarmupEpochs?: number;
  /** Nats of KL per latent dimension that cost nothing (against posterior collapse), finite >= 0. */
  freeBits?: number;
}

/** Normalised variational settings, as the core takes them (`model.config.variational`). */
export interface NormalizedVariational {
  beta: number;
  klWarmupEpochs: number;
  freeBits: number;
}

/**
 * Validates `variational` (`undefined | false | true | { beta, klWarmupEpochs, freeBits }`);
 * `defaults` fill what is not given. Returns null for a plain model. @internal
 */
export function normalizeVariational(raw: unknown, defaults: NormalizedVariational): NormalizedVariational | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { ...defaults };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalidOption(`variational must be true, false or { beta, klWarmupEpochs, freeBits }, got ${show(raw)}.`);
  }
  const o = raw as Record<string, unknown>;
  checkKeys(o, ["beta", "klWarmupEpochs", "freeBits"], "variational");
  return {
    beta: num(o, "beta", defaults.beta, { min: 0 }, "variational."),
    klWarmupEpochs: num(o, "klWarmupEpochs", defaults.klWarmupEpochs, { min: 0, max: 1_000_000, integer: true }, "variational."),
    freeBits: num(o, "freeBits", defaults.freeBits, { min: 0 }, "variational."),
  };
}

/** Denoising noise of numeric models (`noise: { ... }`): the inputs are corrupted, the targets stay clean. */
export interface NumericNoiseOptions {
  /** Standard deviation of Gaussian noise added to every input value, finite >= 0. Default `0`. */
  gaussian?: number;
  /** Probability of zeroing each input value, in [0, 1). Default `0`. */
  mask?: number;
}

/** Validates numeric `noise`; null when absent or all zero. @internal */
export function normalizeNumericNoise(raw: unknown): { gaussian: number; mask: number } | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw invalidOption(`noise must be an object { gaussian, mask }, got ${show(raw)}.`);
  }
  const o = raw as Record<string, unknown>;
  checkKeys(o, ["gaussian", "mask"], "noise");
  const gaussian = num(o, "gaussian", 0, { min: 0 }, "noise.");
  const mask = num(o, "mask", 0, { min: 0, max: 1, maxExclusive: true }, "noise.");
  return gaussian === 0 && mask === 0 ? null : { gaussian, mask };
}
