// Options of text models: types, defaults and validation (INVALID_OPTION naming the option),
// written with the same toolkit (validate.ts) as the numeric options.

import { invalidOption } from "../errors.js";
import { normalizeFitOptions, type NormalizedFitOptions } from "../fit-options.js";
import { MAX_EPOCHS, MAX_LAYER, TEXT_LIMITS } from "../limits.js";
import { normalizeVariational } from "../model-options.js";
import {
  ACTIVATIONS,
  type Activation,
  type EarlyStoppingOptions,
  type EpochInfo,
  type NormalizedVariational,
  type Optimizer,
  type VariationalOptions,
} from "../options.js";
import { bool, checkKeys, checkPlainObject, layerList, num, oneOf, SEED, show } from "../validate.js";
import { rate } from "./arguments.js";
import type { TextLevel } from "./tokenizer.js";
import type { GuidanceOptions } from "./types.js";

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
  /**
   * One label per text (a string, e.g. `"en"` / `"fr"`; 2 to 256 distinct): trains a
   * conditional model, whose encoder and decoder both see the label, so the code carries what
   * the label does not. Then `sample(n, { label })`, `restyle(texts, label)` and the `label`
   * options of the other methods choose the label; `gen.labels` lists them. A plain
   * conditional model defaults to `latent: 64` and `adversary: 25`, and its decoding to
   * `guidance: 6` (see {@link GuidanceOptions}). Default: none.
   */
  labels?: readonly string[];
  /**
   * λ of a plain conditional model's label adversary (Fader networks, Lample et al. 2017): a
   * small classifier learns to tell a code's label from the code while the encoder learns to
   * leave it nothing to tell, so the label, not the code, decides the language/style of what
   * is decoded. Higher moves restyled texts further from their input and costs some
   * reconstruction. Finite >= 0; only with `labels` and not `variational`. Default `25` there.
   */
  adversary?: number;
  /** Tokens: `"char"` (Unicode code points, so accents and emoji survive) or `"word"` (words, punctuation split off). Default `"char"`. */
  level?: TextLevel;
  /** Lower-case texts before tokenising (also at encode time). Default `false`. */
  lowercase?: boolean;
  /** Tokens seen fewer times in the corpus become `<unk>`. Integer >= 1. Default `1`. */
  minCount?: number;
  /**
   * Longest text in tokens (the end token not counted). Longer training texts are truncated
   * (counted in `gen.stats.truncated`); at encode time see `onLongText`. Integer 1..4096.
   * Default: the 99th percentile of the corpus' lengths (nearest rank), capped at 4096.
   */
  maxLength?: number;
  /** Size of the latent code. Integer 1..4096. Default `32` (`64` for a plain model with `labels`). */
  latent?: number;
  /** Encoder hidden layer widths (the decoder mirrors them). Default `[256]`. */
  hidden?: readonly number[];
  /** Activation of the hidden layers. Default `"relu"`. */
  activation?: Activation;
  /**
   * Width of the token table: each token's embedding, shared by every position of the
   * encoder's input and tied to the output layer. Integer 1..1024. Default: the vocabulary
   * size rounded up to a multiple of 16, at most 96 (32 for the English letters, 96 for a
   * few thousand Chinese characters or words), which keeps a 4,000-character model under
   * 4 MB and a 12,500-word one under 8 MB.
   */
  embedding?: number;
  /**
   * Classes of the output layer: tokens are grouped by frequency into this many classes, and
   * training reads one class's tokens a position instead of the whole vocabulary (decoding
   * and evaluation stay exact). Integer >= 1, at most the vocabulary size. Default ⌈√vocabulary⌉.
   */
  classes?: number;
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
   * spherical). `true` means `{ beta: 1, klWarmupEpochs: ceil(epochs / 4), freeBits: 0.1 }`,
   * where with early stopping on `epochs` counts at most 30 (a warm-up of at most 8 epochs:
   * one that lasted a quarter of the 200-epoch cap would still be raising the KL weight, and
   * so the loss, when early stopping looks for the best epoch).
   * Default `false`.
   */
  variational?: boolean | VariationalOptions;
  /**
   * Denoising: a number is the rate of each of mask, delete and swap; or give them separately.
   * Default none.
   */
  noise?: number | TextNoiseOptions;
  /**
   * The most epochs to train, integer 1..1,000,000. Default `200`: with early stopping (the
   * default) training ends when the validation loss stops improving, which on the bundled
   * corpora happens well before that. With `earlyStopping: false`, exactly this many epochs
   * are trained, and the default is `30`.
   */
  epochs?: number;
  /** Texts per gradient step. Integer 1..65536. Default `64`. */
  batchSize?: number;
  /** Learning rate, finite > 0. Default `5e-4`. */
  learningRate?: number;
  /**
   * Weight λ of a Wasserstein-autoencoder penalty (MMD between the batch's codes and draws
   * from N(0, I); Tolstikhin et al. 2018) added to a plain model's training loss: it keeps the
   * codes spread like the prior the sampler draws from, without the per-text KL term of a VAE
   * that blurs reconstructions. Finite >= 0. Default `1` for plain models; a variational model
   * takes none (its KL term does this).
   */
  mmd?: number;
  /** Optimizer. Default `"adam"`. */
  optimizer?: Optimizer;
  /** Weight decay (finite >= 0). Default `0` (adam) / `0.004` (adamw). */
  weightDecay?: number;
  /** Clip each batch's gradient to this global L2 norm, or `null`. Default `null`. */
  clipNorm?: number | null;
  /** Seed of the weights, the shuffling, the noise and the VAE's draws. Default `42`. */
  seed?: number;
  /**
   * Fraction of texts held out for validation, in [0, 1): a random subset drawn with `seed`
   * (the same seed holds out the same texts; the texts keep their order). Before this
   * release the LAST texts were held out, as `train()` still does with rows, which made a
   * sorted word list validate on its w–z words only. Held-out texts are not trained on; the
   * vocabulary, `maxLength`, `stats` and the sampling prior still cover every text.
   * Default `0.1` when early stopping is on and there are 5,000 texts or more, else `0` (a
   * small corpus is trained on every text and stops on its training loss).
   */
  validationSplit?: number;
  /**
   * Stop when the monitored loss has not improved for `patience` epochs. Default on:
   * `{ monitor: "valLoss", patience: 5, minDelta: 0, restoreBestWeights: false }` (the last
   * epoch's weights: reconstruction keeps improving a little past the validation loss's
   * minimum); when no texts are held out (`validationSplit: 0`, or fewer than 5,000 texts)
   * `{ monitor: "loss", restoreBestWeights: true }` (the best fit of the training texts). `true` or an object
   * fills in the same defaults; `false` trains exactly `epochs` (default `30`) on every text.
   * Why training stopped is in `gen.training` and in the last epoch's `EpochInfo`.
   */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Called after every epoch; return `false` to stop. */
  onEpochEnd?: (info: EpochInfo) => void | boolean | Promise<void | boolean>;
  /** Aborts training (rejects with `ABORTED`; the partly trained generator is on `error.model`). */
  signal?: AbortSignal;
  /**
   * Train on several cores: an integer 1..4 or `"auto"`. The saved bytes are the same for any
   * of these (the batches are cut into 4 fixed shards), but not those of a run without it. See
   * `FitOptions.workers`. Not for `variational` models. Default: off (one thread).
   */
  workers?: number | "auto";
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
  /** undefined: by the vocabulary (`embeddingWidth`). */
  embedding: number | undefined;
  /** undefined: ⌈√vocabulary⌉ (the core's default). */
  classes: number | undefined;
  context: number;
  variational: NormalizedVariational | null;
  noise: TextNoise | null;
  seed: number;
  fit: NormalizedFitOptions;
}

/** Text noise rates, as the core's training options take them. @internal */
export interface TextNoise {
  mask: number;
  delete: number;
  swap: number;
  context: number;
}

/** The keys of text.train() that are training options (normalizeFitOptions checks them). */
const FIT_KEYS = [
  "epochs", "batchSize", "learningRate", "optimizer", "weightDecay", "clipNorm", "seed", "validationSplit",
  "earlyStopping", "onEpochEnd", "signal", "mmd", "workers",
] as const;
/** Every key of text.train(): the model's settings, then the training options. */
const TEXT_KEYS = [
  "level", "lowercase", "minCount", "maxLength", "latent", "hidden", "activation", "embedding", "classes", "context", "variational", "noise", "labels", "adversary",
  ...FIT_KEYS,
] as const;

/** Default text training settings. @internal */
export const TEXT_DEFAULTS = Object.freeze({
  latent: 32,
  hidden: Object.freeze([256]),
  /** The widest default token table (see `embeddingWidth`). */
  embedding: 96,
  context: 3,
  /** Epochs with `earlyStopping: false`: the fixed count of releases before early stopping. */
  epochs: 30,
  /** Epoch cap with early stopping (the default). */
  maxEpochs: 200,
  /** Early stopping: epochs without a better (validation) loss before training stops. */
  patience: 5,
  /**
   * Early stopping on held-out texts keeps the last epoch's weights, not the best validation loss's (on the training loss it keeps the best): past the
   * validation loss's minimum the held-out loss rises (overconfidence) while reconstruction
   * still improves (16,000 Tang lines: held-out characters right 82.5% at the minimum, 86.2%
   * five epochs later; training lines back exactly 76% -> 93%).
   */
  restoreBestWeights: false,
  /** Share of texts held out for validation by default... */
  validationSplit: 0.1,
  /**
   * ...when the corpus has at least this many texts. A smaller corpus holds none out and
   * stops when its training loss stops improving: its texts are what the user interpolates
   * between, epochs are cheap, and a held-out tenth would leave a tenth of them unlearnt
   * (2,700 Tang lines: 90% of the texts back at the validation stop, 100% at the training one).
   */
  minTextsForValidation: 5000,
  batchSize: 64,
  /** Measured on English words (issue #12): 2e-3 left the loss bouncing between epochs (95.7% of training words back), 5e-4 converges (99.4%). */
  learningRate: 5e-4,
  /** λ of the WAE-MMD penalty of plain models (see `mmd`). */
  mmd: 1,
  /**
   * A plain conditional model's label adversary λ and latent size. Measured on 16,000
   * English/French words (`pnpm bench:text-labels`; issue #13): without the adversary the code
   * carries the language, the decoder ignores its label and restyling moves ~15% of words;
   * λ 25 with guidance 6 moves 92–98% while held-out words come back 93.5% (latent 64;
   * 88.8% at latent 32, 94.6% for the unconditional model).
   */
  adversary: 25,
  conditionalLatent: 64,
  seed: 42,
  percentile: 99,
  beta: 1,
  freeBits: 0.1,
});

/** `noise`: one rate for mask, delete and swap, or each given; null when absent or all zero. */
function textNoise(raw: unknown, context: number): TextNoise | null {
  if (raw === undefined || raw === null) return null;
  let noise: TextNoise;
  if (typeof raw === "number") {
    const r = rate(raw, "noise");
    noise = { mask: r, delete: r, swap: r, context: 0 };
  } else if (typeof raw === "object" && !Array.isArray(raw)) {
    const n = raw as Record<string, unknown>;
    checkKeys(n, ["mask", "delete", "swap", "context"], "noise");
    noise = {
      mask: n.mask === undefined ? 0 : rate(n.mask, "noise.mask"),
      delete: n.delete === undefined ? 0 : rate(n.delete, "noise.delete"),
      swap: n.swap === undefined ? 0 : rate(n.swap, "noise.swap"),
      context: n.context === undefined ? 0 : rate(n.context, "noise.context"),
    };
  } else {
    throw invalidOption(`noise must be a rate in [0, 1) or { mask, delete, swap, context }, got ${show(raw)}.`);
  }
  if (noise.mask === 0 && noise.delete === 0 && noise.swap === 0 && noise.context === 0) return null;
  if (noise.context > 0 && context === 0) {
    throw invalidOption("noise.context hides context tokens from the decoder, so it needs context > 0; remove it or set context.");
  }
  return noise;
}

/**
 * The stopping options of a text run before validation: early stopping on with patience 3
 * unless `earlyStopping: false`, the epoch cap, and the default validation split for a corpus
 * of `texts` texts. Explicit values are passed on as given (normalizeFitOptions checks them).
 */
function stoppingDefaults(o: Record<string, unknown>, texts: number): { epochs: unknown; validationSplit: unknown; earlyStopping: unknown } {
  const es = o.earlyStopping;
  if (es === false) return { epochs: o.epochs ?? TEXT_DEFAULTS.epochs, validationSplit: o.validationSplit ?? 0, earlyStopping: false };
  const validationSplit = o.validationSplit ?? (texts >= TEXT_DEFAULTS.minTextsForValidation ? TEXT_DEFAULTS.validationSplit : 0);
  // Watching held-out texts: keep the last weights (see TEXT_DEFAULTS.restoreBestWeights).
  // Watching the training loss: its best epoch is the best fit of the texts, and a loss spike
  // in the last epochs must not be what is kept (2,700 Tang lines: 97.2% back with the last
  // weights of a run whose loss jumped from 0.08 to 0.66 at its end).
  const held = typeof validationSplit === "number" && validationSplit > 0;
  const base = { patience: TEXT_DEFAULTS.patience, restoreBestWeights: held ? TEXT_DEFAULTS.restoreBestWeights : true };
  const fill = es === undefined || es === true ? base : es;
  return {
    epochs: o.epochs ?? TEXT_DEFAULTS.maxEpochs,
    validationSplit,
    // an object given by the user keeps its own keys; patience defaults to the text default
    earlyStopping: typeof fill === "object" && fill !== null && !Array.isArray(fill) ? { ...base, ...fill } : fill,
  };
}

/** Validates the options of text.train() for a corpus of `texts` texts. @internal */
export function normalizeTextOptions(raw: unknown, texts: number): NormalizedTextOptions {
  const o = checkPlainObject(raw, "options");
  checkKeys(o, TEXT_KEYS, "text.train()");
  const level = oneOf<TextLevel>(o, "level", ["char", "word"], "char");
  const lowercase = bool(o, "lowercase", false);
  const minCount = num(o, "minCount", 1, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  const maxLength = o.maxLength === undefined ? undefined : num(o, "maxLength", 0, { min: 1, max: TEXT_LIMITS.maxLength, integer: true });
  const latentOption = o.latent === undefined ? undefined : num(o, "latent", 0, { min: 1, max: TEXT_LIMITS.latent, integer: true });
  const hidden = layerList(o, "hidden", MAX_LAYER, true, "width") ?? [...TEXT_DEFAULTS.hidden];
  if (hidden.length > TEXT_LIMITS.hiddenLayers) throw invalidOption(`hidden may list at most ${TEXT_LIMITS.hiddenLayers} layers, got ${hidden.length}.`);
  const activation = oneOf(o, "activation", ACTIVATIONS, "relu");
  const embedding = o.embedding === undefined ? undefined : num(o, "embedding", 0, { min: 1, max: TEXT_LIMITS.embedding, integer: true });
  const classes = o.classes === undefined ? undefined : num(o, "classes", 0, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  const context = num(o, "context", TEXT_DEFAULTS.context, { min: 0, max: TEXT_LIMITS.context, integer: true });
  const stopping = stoppingDefaults(o, texts);
  const epochs = num(stopping, "epochs", 0, { min: 1, max: MAX_EPOCHS, integer: true });
  const warmupOver = stopping.earlyStopping === false ? epochs : Math.min(epochs, TEXT_DEFAULTS.epochs);
  const variational = normalizeVariational(o.variational, {
    beta: TEXT_DEFAULTS.beta,
    klWarmupEpochs: Math.ceil(warmupOver / 4),
    freeBits: TEXT_DEFAULTS.freeBits,
  });
  const conditionalPlain = o.labels !== undefined && variational === null;
  const latent = latentOption ?? (conditionalPlain ? TEXT_DEFAULTS.conditionalLatent : TEXT_DEFAULTS.latent);
  const noise = textNoise(o.noise, context);
  const seed = num(o, "seed", TEXT_DEFAULTS.seed, SEED);
  const fitRaw: Record<string, unknown> = {
    batchSize: TEXT_DEFAULTS.batchSize,
    learningRate: TEXT_DEFAULTS.learningRate,
  };
  // plain models keep their codes near N(0, I) by default; a VAE's KL term does that already
  if (variational === null) fitRaw.mmd = TEXT_DEFAULTS.mmd;
  for (const k of FIT_KEYS) if (o[k] !== undefined) fitRaw[k] = o[k];
  Object.assign(fitRaw, stopping, { epochs });
  const fit = normalizeFitOptions(fitRaw, seed, false);
  const adversary = textAdversary(o, conditionalPlain);
  if (adversary > 0) fit.wasm.adversary = adversary;
  return { level, lowercase, minCount, maxLength, latent, hidden, activation, embedding, classes, context, variational, noise, seed, fit };
}

/**
 * λ of a conditional model's label adversary: the default for a plain model trained with
 * labels, none without labels or for a VAE (the core refuses it there; said here first).
 */
function textAdversary(o: Record<string, unknown>, conditionalPlain: boolean): number {
  if (o.adversary === undefined) return conditionalPlain ? TEXT_DEFAULTS.adversary : 0;
  const value = num(o, "adversary", 0, { min: 0, max: 1e30 });
  if (value > 0 && !conditionalPlain) {
    throw invalidOption("adversary is for plain conditional models (trained with labels, not variational): remove adversary.");
  }
  return value;
}

/** The default token table width for a vocabulary of `vocab` tokens: rounded up to 16, at most 96. @internal */
export function embeddingWidth(vocab: number): number {
  return Math.min(TEXT_DEFAULTS.embedding, Math.ceil(vocab / 16) * 16);
}
