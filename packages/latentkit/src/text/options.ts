// Options of text models: types, defaults and validation (INVALID_OPTION naming the option).

import { invalidOption } from "../errors.js";
import {
  bool,
  checkKeys,
  checkPlainObject,
  normalizeFitOptions,
  normalizeVariational,
  num,
  oneOf,
  show,
  type Activation,
  type EarlyStoppingOptions,
  type EpochInfo,
  type NormalizedFitOptions,
  type NormalizedVariational,
  type Optimizer,
  type VariationalOptions,
} from "../options.js";
import type { TextLevel } from "./tokenizer.js";

/** Denoising noise of text models: rates in [0, 1) applied to each training text's tokens (before its end). */
export interface TextNoiseOptions {
  /** Probability of replacing each token by `<mask>`. Default `0`. */
  mask?: number;
  /** Probability of deleting each token (at least one is kept; the rest shifts left). Default `0`. */
  delete?: number;
  /** Probability of swapping each token with the next one. Default `0`. */
  swap?: number;
  /**
   * Decoder side, for models with a `context`: probability of hiding each token the decoder
   * sees as context (replaced by `<mask>`), so it must lean on the code rather than guess a
   * text from its beginning ("word dropout", Bowman et al. 2016). Keeps a variational
   * model's codes in use. Default `0`.
   */
  context?: number;
}

/** Options of {@link text.train}. All optional; everything is validated before any work. */
export interface TextTrainOptions {
  /** Tokens: `"char"` (Unicode code points, so accents and emoji survive) or `"word"` (words, punctuation split off). Default `"char"`. */
  level?: TextLevel;
  /** Lower-case texts before tokenising (also at encode time). Default `false`. */
  lowercase?: boolean;
  /** Tokens seen fewer times in the corpus become `<unk>`. Integer >= 1. Default `1`. */
  minCount?: number;
  /**
   * Longest text in tokens (the end token not counted). Longer training texts are truncated
   * (counted in `gen.stats.truncated`); at encode time see `onLongText`. Integer 1..4096.
   * Default: the 99th percentile of the corpus' lengths (nearest rank).
   */
  maxLength?: number;
  /** Size of the latent code. Integer 1..4096. Default `32`. */
  latent?: number;
  /** Encoder hidden layer widths (the decoder mirrors them). Default `[256]`. */
  hidden?: readonly number[];
  /** Activation of the hidden layers. Default `"relu"`. */
  activation?: Activation;
  /**
   * Tokens before each position that the decoder's output layer sees, 0..8. With 0 every
   * position is predicted from the code alone, so codes between texts decode to blends of
   * their tokens; above 0 the decoder is autoregressive (each token is chosen knowing the
   * ones before it), which makes samples and interpolations read like the corpus.
   * Default `3`.
   */
  context?: number;
  /**
   * A variational autoencoder (sampling draws from the N(0, I) prior; interpolation is
   * spherical). `true` means `{ beta: 1, klWarmupEpochs: ceil(epochs / 4), freeBits: 0.1 }`.
   * Default `false`.
   */
  variational?: boolean | VariationalOptions;
  /**
   * Denoising: a number is the rate of each of mask, delete and swap; or give them separately.
   * Default none.
   */
  noise?: number | TextNoiseOptions;
  /** Epochs. Integer 1..1,000,000. Default `30`. */
  epochs?: number;
  /** Texts per gradient step. Integer 1..65536. Default `64`. */
  batchSize?: number;
  /** Learning rate, finite > 0. Default `2e-3`. */
  learningRate?: number;
  /** Optimizer. Default `"adam"`. */
  optimizer?: Optimizer;
  /** Weight decay (finite >= 0). Default `0` (adam) / `0.004` (adamw). */
  weightDecay?: number;
  /** Clip each batch's gradient to this global L2 norm, or `null`. Default `null`. */
  clipNorm?: number | null;
  /** Seed of the weights, the shuffling, the noise and the VAE's draws. Default `42`. */
  seed?: number;
  /** Fraction of texts held out for validation, in [0, 1): the LAST texts, as in `train()`. Default `0`. */
  validationSplit?: number;
  /** Early stopping, as in `train()`. Default off. */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Called after every epoch; return `false` to stop. */
  onEpochEnd?: (info: EpochInfo) => void | boolean | Promise<void | boolean>;
  /** Aborts training (rejects with `ABORTED`; the partly trained generator is on `error.generator`). */
  signal?: AbortSignal;
}

/** Validated text model settings. @internal */
export interface NormalizedTextOptions {
  level: TextLevel;
  lowercase: boolean;
  minCount: number;
  maxLength: number | undefined;
  latent: number;
  hidden: number[];
  activation: Activation;
  context: number;
  variational: NormalizedVariational | null;
  noise: { mask: number; delete: number; swap: number; context: number } | null;
  seed: number;
  fit: NormalizedFitOptions;
}

const TEXT_KEYS = [
  "level", "lowercase", "minCount", "maxLength", "latent", "hidden", "activation", "context", "variational", "noise",
  "epochs", "batchSize", "learningRate", "optimizer", "weightDecay", "clipNorm", "seed", "validationSplit",
  "earlyStopping", "onEpochEnd", "signal",
] as const;
const FIT_KEYS = [
  "epochs", "batchSize", "learningRate", "optimizer", "weightDecay", "clipNorm", "seed", "validationSplit",
  "earlyStopping", "onEpochEnd", "signal",
] as const;
const ACTIVATIONS: readonly Activation[] = ["relu", "leakyRelu", "elu", "gelu", "tanh", "sigmoid", "linear"];

/** Default text training settings. @internal */
export const TEXT_DEFAULTS = Object.freeze({
  latent: 32,
  hidden: Object.freeze([256]),
  context: 3,
  epochs: 30,
  batchSize: 64,
  learningRate: 2e-3,
  seed: 42,
  percentile: 99,
  beta: 1,
  freeBits: 0.1,
});

/** A rate in [0, 1). */
function rate(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw invalidOption(`${name} must be a rate in [0, 1), got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}

/** Validates the options of text.train(). @internal */
export function normalizeTextOptions(raw: unknown): NormalizedTextOptions {
  const o = checkPlainObject(raw, "options");
  checkKeys(o, TEXT_KEYS, "text.train()");
  const level = oneOf<TextLevel>(o, "level", ["char", "word"], "char");
  const lowercase = bool(o, "lowercase", false);
  const minCount = num(o, "minCount", 1, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  const maxLength = o.maxLength === undefined ? undefined : num(o, "maxLength", 0, { min: 1, max: 4096, integer: true });
  const latent = num(o, "latent", TEXT_DEFAULTS.latent, { min: 1, max: 4096, integer: true });
  let hidden: number[] = [...TEXT_DEFAULTS.hidden];
  if (o.hidden !== undefined) {
    if (!Array.isArray(o.hidden)) throw invalidOption(`hidden must be an array of layer widths (integers 1..65536), got ${show(o.hidden)}.`);
    hidden = (o.hidden as unknown[]).map((s, i) => {
      if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > 65536) {
        throw invalidOption(`hidden[${i}] must be an integer layer width in 1..65536, got ${typeof s === "number" ? s : show(s)}.`);
      }
      return s;
    });
    if (hidden.length > 30) throw invalidOption(`hidden may list at most 30 layers, got ${hidden.length}.`);
  }
  const activation = oneOf(o, "activation", ACTIVATIONS, "relu");
  const context = num(o, "context", TEXT_DEFAULTS.context, { min: 0, max: 8, integer: true });
  const epochs = num(o, "epochs", TEXT_DEFAULTS.epochs, { min: 1, max: 1_000_000, integer: true });
  const variational = normalizeVariational(o.variational, {
    beta: TEXT_DEFAULTS.beta,
    klWarmupEpochs: Math.ceil(epochs / 4),
    freeBits: TEXT_DEFAULTS.freeBits,
  });

  let noise: NormalizedTextOptions["noise"] = null;
  if (o.noise !== undefined && o.noise !== null) {
    if (typeof o.noise === "number") {
      const r = rate(o.noise, "noise");
      noise = { mask: r, delete: r, swap: r, context: 0 };
    } else if (typeof o.noise === "object" && !Array.isArray(o.noise)) {
      const n = o.noise as Record<string, unknown>;
      checkKeys(n, ["mask", "delete", "swap", "context"], "noise");
      noise = {
        mask: n.mask === undefined ? 0 : rate(n.mask, "noise.mask"),
        delete: n.delete === undefined ? 0 : rate(n.delete, "noise.delete"),
        swap: n.swap === undefined ? 0 : rate(n.swap, "noise.swap"),
        context: n.context === undefined ? 0 : rate(n.context, "noise.context"),
      };
    } else {
      throw invalidOption(`noise must be a rate in [0, 1) or { mask, delete, swap, context }, got ${show(o.noise)}.`);
    }
    if (noise.mask === 0 && noise.delete === 0 && noise.swap === 0 && noise.context === 0) noise = null;
  }

  if (noise && noise.context > 0 && context === 0) {
    throw invalidOption("noise.context hides context tokens from the decoder, so it needs context > 0; remove it or set context.");
  }
  const seed = num(o, "seed", TEXT_DEFAULTS.seed, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const fitRaw: Record<string, unknown> = {
    epochs,
    batchSize: TEXT_DEFAULTS.batchSize,
    learningRate: TEXT_DEFAULTS.learningRate,
  };
  for (const k of FIT_KEYS) if (o[k] !== undefined) fitRaw[k] = o[k];
  const fit = normalizeFitOptions(fitRaw, seed, false);
  return { level, lowercase, minCount, maxLength, latent, hidden, activation, context, variational, noise, seed, fit };
}

/** Validates a temperature: finite >= 0. @internal */
export function checkTemperature(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw invalidOption(`${name} must be a finite number >= 0, got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}

/** Validates a seed. @internal */
export function checkSeed(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
    throw invalidOption(`${name} must be an integer from 0 to 2^53-1, got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}

/** Validates a count (integer in [min, max]). @internal */
export function checkCount(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalidOption(`${name} must be an integer from ${min} to ${max}, got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}

/** Validates an options object of a method against its known keys. @internal */
export function methodOptions(raw: unknown, known: readonly string[], where: string): Record<string, unknown> {
  const o = checkPlainObject(raw, `${where} options`);
  checkKeys(o, known, where);
  return o;
}
