// The public types of text models (options of the TextGenerator's methods, its config, corpus
// stats, evaluation, the training error) and the meta a text model file keeps.

import type { LatentkitError } from "../errors.js";
import type { NormalizedVariational } from "../options.js";
import type { TextGenerator } from "./generator.js";
import type { Mixture } from "./mixture.js";
import type { TextLevel } from "./tokenizer.js";
import type { TextTrainingSummary } from "./training-summary.js";

/** What to do with a text longer than the model's `maxLength` at encode time. */
export type LongTextPolicy = "truncate" | "error";

/** Facts about the training corpus, kept in the model file. */
export interface TextStats {
  /** Texts in the training corpus. */
  readonly texts: number;
  /** Training texts longer than `maxLength` (truncated to it). */
  readonly truncated: number;
  /** Length in tokens of the longest training text (before truncation). */
  readonly longest: number;
  /** Tokens in the corpus (after truncation) mapped to `<unk>` (rarer than `minCount`). */
  readonly unknownTokens: number;
  /** Tokens in the corpus after truncation (end tokens not counted). */
  readonly tokens: number;
}

/** The settings of a text model, with defaults filled in (`gen.config`). */
export interface TextModelConfig {
  readonly level: TextLevel;
  readonly lowercase: boolean;
  readonly minCount: number;
  /** Longest text in tokens (the end token not counted). */
  readonly maxLength: number;
  /** Vocabulary size, special tokens included. */
  readonly vocabularySize: number;
  readonly latent: number;
  readonly hidden: readonly number[];
  readonly activation: string;
  /** Width of the token table (each token's embedding, tied to the output layer). */
  readonly embedding: number;
  /** Classes of the output layer (tokens grouped by frequency). */
  readonly classes: number;
  /** Tokens before each position the decoder sees (0: none, positions decoded independently). */
  readonly context: number;
  /** The β-VAE settings, or `null` for a plain autoencoder. */
  readonly variational: Readonly<NormalizedVariational> | null;
  readonly seed: number;
}

/** Options of {@link TextGenerator.encode}, {@link TextGenerator.reconstruct}, {@link TextGenerator.evaluate}. */
export interface EncodeTextOptions extends LabelOptions {
  /** Texts longer than `maxLength` tokens: cut to it (`"truncate"`, default) or refused (`"error"`, INVALID_OPTION). */
  onLongText?: LongTextPolicy;
}

/**
 * The label of each text for a conditional model (trained with `labels`): required by it,
 * refused (INVALID_OPTION) by other models. An unknown label is INVALID_OPTION naming the
 * known ones ({@link TextGenerator.labels}).
 */
export interface LabelOptions {
  /** One label for every text (or every decoded code). */
  label?: string;
  /** One label per text (or per decoded code); not with `label`. */
  labels?: readonly string[];
}

/**
 * How strongly a conditional model's decoding follows the label (classifier-free guidance on
 * the label): each token's log-probability becomes ln p(· | code, label) + guidance ·
 * (ln p(· | code, label) − ln p(· | code, other)), renormalised, where "other" is the other
 * label of two, or the mean of the labels of more. 0 decodes with the label alone; higher
 * values make the output more typical of the label and less like the code's own text.
 * Decoding costs twice as much above 0.
 */
export interface GuidanceOptions {
  /**
   * Finite, 0..100. Default `6` for a plain conditional model's `sample` and `restyle` (whose
   * point is the label); `0` for `decode`, `interpolate` and `variations` (which give back the
   * texts their codes came from), for a conditional VAE (its KL term already leaves the label
   * to the label) and for other models (which take nothing else). With `0`, restyling a text
   * into its own label is its reconstruction.
   */
  guidance?: number;
}

/** Options of {@link TextGenerator.restyle}. */
export interface RestyleOptions extends GuidanceOptions {
  /**
   * The texts' own labels, which they are encoded with: one for all, or one per text. Without
   * it, each text's own label is the one whose {@link TextGenerator.score} of it is lowest (one
   * `score` pass per label).
   */
  from?: string | readonly string[];
  /** Texts longer than `maxLength` tokens: cut to it (`"truncate"`, default) or refused (`"error"`, INVALID_OPTION). */
  onLongText?: LongTextPolicy;
}

/** Options of {@link TextGenerator.decode}. */
export interface DecodeTextOptions extends LabelOptions, GuidanceOptions {
  /**
   * 0 (default) takes the most likely token at each position. Above 0, tokens are drawn from
   * softmax(log p / temperature) with a seeded PRNG (same seed, same texts, in every runtime).
   */
  temperature?: number;
  /** Seed of the token draws. Default `0`. */
  seed?: number;
}

/** Options of {@link TextGenerator.sample}. */
export interface SampleOptions extends GuidanceOptions {
  /** A conditional model's label: every sample is decoded with it (required there). */
  label?: string;
  /** Scales the spread of the latent draws: below 1 is more conservative, above 1 more adventurous. Finite >= 0. Default `1`. */
  temperature?: number;
  /** Seed of the latent draws (and token draws). Default `0`: sampling is reproducible. */
  seed?: number;
  /** Token temperature of the decoding, as in {@link DecodeTextOptions.temperature}. Default `0` (most likely tokens). */
  tokenTemperature?: number;
  /**
   * Round trips after decoding: each sample is encoded and decoded again (most likely tokens)
   * this many times, which pulls samples towards texts the model reconstructs well (the
   * sampling chain of denoising autoencoders). Integer 0..100. Default `0`.
   */
  refine?: number;
  /**
   * Where codes are drawn from. `"gaussian"` (default): a VAE's N(0, I) prior, or for a plain
   * model the Gaussian fitted to its training codes. `"mixture"`: a mixture of up to 256
   * Gaussians fitted to the training codes after training (seeded k-means), which draws where
   * the codes actually are; for a VAE whose codes carry information this gives samples more
   * like the corpus.
   */
  prior?: "gaussian" | "mixture";
}

/** Options of {@link TextGenerator.variations}. */
export interface VariationOptions extends GuidanceOptions {
  /** A conditional model's label: the text is encoded and its variations decoded with it (required there). */
  label?: string;
  /**
   * How far from the text's code to draw, a multiple of the model's own spread (a VAE's
   * posterior sigma for that text; for a plain model 0.3 × the training codes' std per
   * dimension). Finite > 0. Default `1`.
   */
  spread?: number;
  /** Seed of the draws. Default `0`. */
  seed?: number;
}

/** What {@link TextGenerator.evaluate} measures. */
export interface TextEvaluation {
  /** Share of texts whose most-likely reconstruction equals the (tokenised, truncated) text. */
  exactMatch: number;
  /** Share of positions reconstructed correctly, over each text's tokens and its end token. */
  tokenAccuracy: number;
  /** The model's mean loss on the texts (for a VAE: reconstruction at the mean code + β·KL). */
  loss: number;
}

/** The sampling distribution of a text model. @internal */
export interface Prior {
  /** Mean of the sampling Gaussian. */
  mean: number[];
  /** Lower-triangular Cholesky factor of its covariance, row-major latent × latent (null: identity). */
  chol: number[] | null;
  /** A mixture fitted to the training codes (`sample({ prior: "mixture" })`); null before training. */
  mixture?: Mixture | null;
}

/** The `text` object of a text model file's meta. @internal */
export interface TextMeta {
  version: number;
  level: TextLevel;
  lowercase: boolean;
  minCount: number;
  maxLength: number;
  vocabulary: string[];
  latent: number;
  hidden: number[];
  activation: string;
  variational: NormalizedVariational | null;
  seed: number;
  prior: Prior;
  codeStd: number[];
  stats: TextStats;
  /** How text.train() went; absent in files saved before it existed. */
  training?: TextTrainingSummary | null;
  /** A conditional model's label names, by label id; absent for other models. */
  labels?: string[];
}

/**
 * The error of an aborted or diverged text.train(), carrying the partly trained generator on
 * `model` (as train()'s errors carry theirs).
 */
export interface TextTrainingError extends Omit<LatentkitError, "model"> {
  /** The partly trained, usable generator (ABORTED and DIVERGED only). */
  model?: TextGenerator;
  /** The same as `model`. @deprecated Read `error.model`, as for every other model. */
  generator?: TextGenerator;
}
