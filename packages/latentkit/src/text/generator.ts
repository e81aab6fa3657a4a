// TextGenerator: a text autoencoder (plain or variational) in WebAssembly memory, with its
// vocabulary and sampling distribution; and text.train / text.load that make one.

import { asBytes, splitRows, toMatrix, type DataInput, type Matrix } from "../data.js";
import { LatentkitError, invalidOption } from "../errors.js";
import { MAX_PARAMS, oneOf, show, type NormalizedVariational } from "../options.js";
import { runTraining, throwIfAborted, type EpochRecord } from "../training.js";
import { init, wasmCall, WasmModel } from "../wasm.js";
import {
  checkCount,
  checkSeed,
  checkTemperature,
  methodOptions,
  normalizeTextOptions,
  TEXT_DEFAULTS,
  type TextTrainOptions,
} from "./options.js";
import { detExp, detLog, Random } from "./random.js";
import { drawFromMixture, fitMixture, isMixture, type Mixture } from "./mixture.js";
import { checkTexts } from "./report.js";
import {
  buildVocabulary,
  decodeIds,
  encodeRows,
  END_ID,
  MASK_ID,
  PAD_ID,
  percentile,
  SPECIAL_TOKENS,
  tokenize,
  Vocabulary,
  type TextLevel,
} from "./tokenizer.js";

/** The `kind` of text models in the model file's meta. */
const TEXT_KIND = "text";
const TEXT_VERSION = 1;
/** Largest length × vocabulary the core accepts. */
const MAX_WIDTH = 16_777_216;
/** Default seed of sample(), variations() and sampled decoding. */
const DEFAULT_SAMPLE_SEED = 0;
/** Spread of variations() of a plain model: this fraction of the training codes' std. */
const PLAIN_VARIATION_SCALE = 0.3;
/** The largest float32 below 1. */
const ONE_BELOW = 1 - 2 ** -24;

/** Rows per decode/reconstruct call (bounds the probability buffers: rows × length × vocab floats). */
const CHUNK_ROWS = 2048;

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
  /** Tokens before each position the decoder sees (0: none, positions decoded independently). */
  readonly context: number;
  /** The β-VAE settings, or `null` for a plain autoencoder. */
  readonly variational: Readonly<NormalizedVariational> | null;
  readonly seed: number;
}

/** Options of {@link TextGenerator.encode}, {@link TextGenerator.reconstruct}, {@link TextGenerator.evaluate}. */
export interface EncodeTextOptions {
  /** Texts longer than `maxLength` tokens: cut to it (`"truncate"`, default) or refused (`"error"`, INVALID_OPTION). */
  onLongText?: LongTextPolicy;
}

/** Options of {@link TextGenerator.decode}. */
export interface DecodeTextOptions {
  /**
   * 0 (default) takes the most likely token at each position. Above 0, tokens are drawn from
   * softmax(log p / temperature) with a seeded PRNG (same seed, same texts, in every runtime).
   */
  temperature?: number;
  /** Seed of the token draws. Default `0`. */
  seed?: number;
}

/** Options of {@link TextGenerator.sample}. */
export interface SampleOptions {
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
export interface VariationOptions {
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

interface Prior {
  /** Mean of the sampling Gaussian. */
  mean: number[];
  /** Lower-triangular Cholesky factor of its covariance, row-major latent × latent (null: identity). */
  chol: number[] | null;
  /** A mixture fitted to the training codes (`sample({ prior: "mixture" })`); null before training. */
  mixture?: Mixture | null;
}

interface TextMeta {
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
}

function checkText(t: unknown, what: string): string {
  if (typeof t !== "string") throw invalidOption(`${what} must be a string, got ${show(t)}.`);
  return t;
}

/** The core config's `tokens.context` of a model handle (0 for models without it). */
function contextOf(handle: WasmModel): number {
  const cfg = JSON.parse(handle.configJson()) as { tokens?: { context?: number } };
  return cfg.tokens?.context ?? 0;
}

/** Argmax over `vocab` values at `base`; ties go to the lower id. */
function argmax(p: Float32Array, base: number, vocab: number): number {
  let best = 0;
  let bestV = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const x = p[base + v]!;
    if (x > bestV) {
      bestV = x;
      best = v;
    }
  }
  return best;
}

/** Cholesky factor of a symmetric positive definite n × n matrix (row-major), or null. */
function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** Mean, per-dimension std and a ridge-regularised Cholesky factor of the codes. */
function fitGaussian(codes: Float32Array, rows: number, d: number): { mean: number[]; std: number[]; chol: number[] } {
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j]! += codes[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= rows;
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) x[j] = codes[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      for (let j = 0; j <= i; j++) cov[i * d + j]! += xi * x[j]!;
    }
  }
  const denom = Math.max(1, rows - 1);
  let trace = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      cov[i * d + j]! /= denom;
      cov[j * d + i] = cov[i * d + j]!;
    }
    trace += cov[i * d + i]!;
  }
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(cov[j * d + j]!));
  let ridge = 1e-4 * (trace / d) + 1e-8;
  for (;;) {
    const a = cov.slice();
    for (let i = 0; i < d; i++) a[i * d + i]! += ridge;
    const l = cholesky(a, d);
    if (l) return { mean: Array.from(mean), std, chol: Array.from(l) };
    ridge *= 10;
  }
}

/**
 * A text generator: an autoencoder over token sequences with its vocabulary, ready to
 * sample, interpolate, vary, reconstruct, encode and decode texts. Get one from
 * {@link text.train} or {@link text.load}. It holds WebAssembly memory: call
 * {@link TextGenerator.dispose} when done.
 *
 * Texts are tokenised like the training corpus (`level`, `lowercase`); tokens not in the
 * vocabulary become `<unk>` (decoded as U+FFFD "�" at char level, `<unk>` at word level),
 * and texts longer than `maxLength` tokens are truncated unless `onLongText: "error"`.
 */
export class TextGenerator {
  #handle: WasmModel | null;
  readonly #vocab: Vocabulary;
  readonly #meta: TextMeta;
  readonly #config: TextModelConfig;
  readonly #history: EpochRecord[];
  #prior: Prior;
  #codeStd: number[];
  #training = false;
  #disposed = false;

  /** @internal */
  constructor(handle: WasmModel, meta: TextMeta, history: EpochRecord[]) {
    this.#handle = handle;
    this.#meta = meta;
    this.#vocab = new Vocabulary(meta.vocabulary);
    this.#history = history;
    this.#prior = meta.prior;
    this.#codeStd = meta.codeStd;
    this.#config = Object.freeze({
      level: meta.level,
      lowercase: meta.lowercase,
      minCount: meta.minCount,
      maxLength: meta.maxLength,
      vocabularySize: meta.vocabulary.length,
      latent: meta.latent,
      hidden: Object.freeze([...meta.hidden]),
      activation: meta.activation,
      context: contextOf(handle),
      variational: meta.variational ? Object.freeze({ ...meta.variational }) : null,
      seed: meta.seed,
    });
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (typeof dispose === "symbol") {
      Object.defineProperty(this, dispose, { value: () => this.dispose(), configurable: true, writable: true });
    }
  }

  #live(what: string): WasmModel {
    if (this.#disposed || this.#handle === null) {
      throw new LatentkitError(
        "DISPOSED",
        `${what} was called on a disposed text generator; load or train a new one (gen.save() before dispose() keeps it).`,
      );
    }
    return this.#handle;
  }

  /** The model's settings with defaults filled in (frozen). */
  get config(): TextModelConfig {
    return this.#config;
  }

  /** Whether this is a variational autoencoder. */
  get variational(): boolean {
    return this.#meta.variational !== null;
  }

  /** Number of weights and biases of the network (the context head's included). */
  get paramCount(): number {
    return this.#live("paramCount").paramCount();
  }

  /** Size of the latent code. */
  get latentSize(): number {
    return this.#meta.latent;
  }

  /** Longest text in tokens (end token not counted); longer texts are truncated. */
  get maxLength(): number {
    return this.#meta.maxLength;
  }

  /** The vocabulary by id: `<pad>`, `<end>`, `<mask>`, `<unk>`, then the corpus' tokens by descending count. */
  get vocabulary(): readonly string[] {
    return this.#vocab.tokens;
  }

  /** Facts about the training corpus (texts, truncated texts, unknown tokens...). */
  get stats(): TextStats {
    return this.#meta.stats;
  }

  /** Every training epoch, oldest first (a copy). Epochs read from a file have no `seconds`. */
  get history(): readonly EpochRecord[] {
    return this.#history.slice();
  }

  /** Whether {@link TextGenerator.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  #unknownText(): string {
    return this.#meta.level === "char" ? "\uFFFD" : SPECIAL_TOKENS[3]!;
  }

  /** Texts -> id rows (validated). */
  #rows(texts: readonly string[], what: string, policy: LongTextPolicy): { ids: Float32Array; lengths: number[] } {
    const { level, lowercase, maxLength } = this.#meta;
    const toks = texts.map((t) => tokenize(t, level, lowercase));
    const lengths = toks.map((t) => Math.min(t.length, maxLength));
    if (policy === "error") {
      const i = toks.findIndex((t) => t.length > maxLength);
      if (i >= 0) {
        throw invalidOption(
          `${what}[${i}] has ${toks[i]!.length} tokens, more than the model's maxLength of ${maxLength} ` +
            '(onLongText is "error"); shorten it or use onLongText: "truncate".',
        );
      }
    }
    return { ids: encodeRows(toks, this.#vocab, maxLength).ids, lengths };
  }

  #policy(o: Record<string, unknown>): LongTextPolicy {
    const v = o.onLongText;
    if (v === undefined) return "truncate";
    if (v === "truncate" || v === "error") return v;
    throw invalidOption(`onLongText must be "truncate" or "error", got ${show(v)}.`);
  }

  #encodeRaw(ids: Float32Array, rows: number): Float32Array {
    const h = this.#live("encode()");
    return wasmCall(() => h.encode(ids, rows));
  }

  /**
   * A token id from the distribution `p[base .. base + vocab]`: argmax, or drawn with the
   * uniform number `u` in [0, 1).
   */
  #pick(p: Float32Array, base: number, temperature: number, u: number | null, w: Float64Array): number {
    const V = w.length;
    if (temperature === 0 || u === null) return argmax(p, base, V);
    // softmax(log p / T), computed stably; the mask and pad tokens are never drawn
    // (pad counts as an end of text, which the end token already covers).
    let maxL = -Infinity;
    for (let v = 0; v < V; v++) {
      const pv = p[base + v]!;
      const l = v === MASK_ID || v === PAD_ID || !(pv > 0) ? -Infinity : detLog(pv) / temperature;
      w[v] = l;
      if (l > maxL) maxL = l;
    }
    let total = 0;
    for (let v = 0; v < V; v++) {
      const e = w[v] === -Infinity ? 0 : detExp(w[v]! - maxL);
      w[v] = e;
      total += e;
    }
    let left = u * total;
    for (let v = 0; v < V; v++) {
      left -= w[v]!;
      if (left < 0 && w[v]! > 0) return v;
    }
    return END_ID;
  }

  /** Probabilities per position (decoded independently) -> texts, argmax or sampled. */
  #textsFromProbs(p: Float32Array, rows: number, temperature: number, rng: Random | null): string[] {
    const L = this.#meta.maxLength + 1;
    const V = this.#vocab.size;
    const out: string[] = [];
    const ids = new Int32Array(L);
    const w = new Float64Array(V);
    for (let r = 0; r < rows; r++) {
      // At most maxLength tokens: the last position can only end the text.
      let n = 0;
      for (let pos = 0; pos < L - 1; pos++) {
        const id = this.#pick(p, (r * L + pos) * V, temperature, rng && rng.uniform(), w);
        ids[n++] = id;
        if (id === END_ID || id === PAD_ID) break;
      }
      out.push(decodeIds(ids.subarray(0, n), this.#vocab, this.#meta.level, this.#unknownText()));
    }
    return out;
  }

  /**
   * Sampled texts from a model with a context: the core draws token after token (each
   * drawn token is the context of the next) with uniforms taken here, row after row as
   * #textsFromProbs takes them, so a row's text does not depend on the rows decoded with it.
   */
  #textsByStep(h: WasmModel, codes: Float32Array, rows: number, temperature: number, rng: Random): string[] {
    const L = this.#meta.maxLength + 1;
    const us = new Float32Array(rows * (L - 1));
    // float32 can round a double just below 1 up to 1; the core wants [0, 1)
    for (let i = 0; i < us.length; i++) us[i] = Math.min(Math.fround(rng.uniform()), ONE_BELOW);
    const ids = wasmCall(() => h.decodeSampled(codes, rows, us, temperature));
    const out: string[] = [];
    for (let r = 0; r < rows; r++) {
      out.push(decodeIds(ids.subarray(r * L, (r + 1) * L), this.#vocab, this.#meta.level, this.#unknownText()));
    }
    return out;
  }

  #decodeRaw(codes: Float32Array, rows: number, temperature: number, seed: number): string[] {
    const h = this.#live("decode()");
    const d = this.latentSize;
    const rng = temperature > 0 ? new Random(seed) : null;
    const out: string[] = [];
    for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - r0);
      const chunk = codes.subarray(r0 * d, (r0 + n) * d);
      // Greedy decoding of a context model runs in the core (the argmax of each position's
      // probabilities along its path); sampling steps through the positions here.
      const texts =
        rng !== null && this.#config.context > 0
          ? this.#textsByStep(h, chunk, n, temperature, rng)
          : this.#textsFromProbs(wasmCall(() => h.decode(chunk, n)), n, temperature, rng);
      for (const t of texts) out.push(t);
    }
    return out;
  }

  /** Reconstruction probabilities of id rows, in chunks; `each(p, firstRow, rows)`. */
  #reconstructChunks(ids: Float32Array, rows: number, each: (p: Float32Array, r0: number, n: number) => void): void {
    const h = this.#live("reconstruct()");
    const L = this.#meta.maxLength + 1;
    for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - r0);
      const p = wasmCall(() => h.reconstruct(ids.subarray(r0 * L, (r0 + n) * L), n));
      each(p, r0, n);
    }
  }

  /**
   * Maps texts to their latent codes (a VAE's posterior means): `{ data, rows, cols: latentSize }`.
   * @throws LatentkitError INVALID_OPTION for non-strings (naming the index) or, with
   *   `onLongText: "error"`, texts longer than `maxLength`; EMPTY_DATA for an empty array
   */
  encode(texts: readonly string[], options: EncodeTextOptions = {}): Matrix {
    this.#live("encode()");
    const o = methodOptions(options, ["onLongText"], "encode()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", this.#policy(o));
    return { data: this.#encodeRaw(ids, list.length), rows: list.length, cols: this.latentSize };
  }

  /**
   * Maps latent codes (rows of `latentSize` values, e.g. from {@link TextGenerator.encode})
   * back to texts. Most likely tokens by default; `temperature > 0` draws tokens (seeded).
   * Decoding stops at the end token.
   */
  decode(codes: DataInput, options: DecodeTextOptions = {}): string[] {
    this.#live("decode()");
    const o = methodOptions(options, ["temperature", "seed"], "decode()");
    const temperature = checkTemperature(o.temperature, "temperature", 0);
    const seed = checkSeed(o.seed, "seed", DEFAULT_SAMPLE_SEED);
    const m = toMatrix(codes, "codes", { cols: this.latentSize, name: "latentSize" });
    return this.#decodeRaw(m.data, m.rows, temperature, seed);
  }

  /** Texts -> latent space -> texts (most likely tokens): what the model makes of each text. */
  reconstruct(texts: readonly string[], options: EncodeTextOptions = {}): string[] {
    this.#live("reconstruct()");
    const o = methodOptions(options, ["onLongText"], "reconstruct()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", this.#policy(o));
    const out: string[] = [];
    this.#reconstructChunks(ids, list.length, (p, _r0, n) => {
      for (const t of this.#textsFromProbs(p, n, 0, null)) out.push(t);
    });
    return out;
  }

  /**
   * `n` new texts like the corpus: latent codes drawn from the model's prior (N(0, I) for a
   * VAE; for a plain model a Gaussian fitted to the training codes), decoded. Reproducible:
   * the same `seed` (default 0) gives the same texts.
   * @param n integer 1..1,000,000
   */
  sample(n: number, options: SampleOptions = {}): string[] {
    this.#live("sample()");
    checkCount(n, "n", 1, 1_000_000);
    const o = methodOptions(options, ["temperature", "seed", "tokenTemperature", "refine", "prior"], "sample()");
    const temperature = checkTemperature(o.temperature, "temperature", 1);
    const seed = checkSeed(o.seed, "seed", DEFAULT_SAMPLE_SEED);
    const tokenTemperature = checkTemperature(o.tokenTemperature, "tokenTemperature", 0);
    const refine = o.refine === undefined ? 0 : checkCount(o.refine, "refine", 0, 100);
    const prior = oneOf(o, "prior", ["gaussian", "mixture"] as const, "gaussian");
    const mixture = this.#prior.mixture;
    if (prior === "mixture" && !mixture) {
      throw new LatentkitError("INVALID_STATE", "This model has no mixture prior (its file predates it, or it never finished an epoch); train it again, or sample with prior \"gaussian\".");
    }
    const rng = new Random(seed);
    let codes: Float32Array;
    if (prior === "mixture") {
      codes = new Float32Array(n * this.latentSize);
      for (let r = 0; r < n; r++) drawFromMixture(mixture!, this.latentSize, temperature, rng, codes, r);
    } else {
      codes = this.#draw(n, temperature, rng);
    }
    let texts = this.#decodeRaw(codes, n, tokenTemperature, seed + 1 > Number.MAX_SAFE_INTEGER ? 0 : seed + 1);
    for (let i = 0; i < refine; i++) texts = this.reconstruct(texts);
    return texts;
  }

  /** `n` codes from the prior, spread scaled by `temperature`. */
  #draw(n: number, temperature: number, rng: Random): Float32Array {
    const d = this.latentSize;
    const { mean, chol } = this.#prior;
    const out = new Float32Array(n * d);
    const eps = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) eps[j] = rng.normal();
      for (let i = 0; i < d; i++) {
        let s = 0;
        if (chol) {
          for (let j = 0; j <= i; j++) s += chol[i * d + j]! * eps[j]!;
        } else {
          s = eps[i]!;
        }
        out[r * d + i] = mean[i]! + temperature * s;
      }
    }
    return out;
  }

  /**
   * A path from text `a` to text `b` through latent space: `steps` texts, ends included
   * (the decoded codes of `a` and `b` themselves). Linear for a plain model, spherical
   * (slerp) for a VAE, whose codes live near a sphere.
   * @param steps integer 2..10,000
   * @throws LatentkitError INVALID_OPTION for empty or non-string texts
   */
  interpolate(a: string, b: string, steps: number): string[] {
    this.#live("interpolate()");
    checkText(a, "a");
    checkText(b, "b");
    if (a.length === 0 || b.length === 0) {
      throw invalidOption(`interpolate() needs two non-empty texts, got ${a.length === 0 ? "an empty a" : "an empty b"}.`);
    }
    checkCount(steps, "steps", 2, 10_000);
    const { ids } = this.#rows([a, b], "texts", "truncate");
    const z = this.#encodeRaw(ids, 2);
    const d = this.latentSize;
    const za = Array.from(z.subarray(0, d));
    const zb = Array.from(z.subarray(d, 2 * d));
    const codes = new Float32Array(steps * d);
    let omega = 0;
    if (this.variational) {
      let dot = 0, na = 0, nb = 0;
      for (let j = 0; j < d; j++) {
        dot += za[j]! * zb[j]!;
        na += za[j]! * za[j]!;
        nb += zb[j]! * zb[j]!;
      }
      if (na > 0 && nb > 0) omega = Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb))));
    }
    const so = Math.sin(omega);
    for (let s = 0; s < steps; s++) {
      const t = s / (steps - 1);
      let wa = 1 - t, wb = t;
      if (omega > 1e-4 && so > 1e-6) {
        wa = Math.sin((1 - t) * omega) / so;
        wb = Math.sin(t * omega) / so;
      }
      for (let j = 0; j < d; j++) codes[s * d + j] = wa * za[j]! + wb * zb[j]!;
    }
    return this.#decodeRaw(codes, steps, 0, 0);
  }

  /**
   * `n` texts near `text`: codes drawn around its code (a VAE's posterior spread for it; for
   * a plain model a fraction of the training codes' spread), decoded. Distinct texts other
   * than `text`'s own reconstruction are preferred; when too few exist nearby the spread grows,
   * and the list is topped up with repeats as a last resort.
   * @param n integer 1..10,000
   */
  variations(text: string, n: number, options: VariationOptions = {}): string[] {
    const h = this.#live("variations()");
    checkText(text, "text");
    checkCount(n, "n", 1, 10_000);
    const o = methodOptions(options, ["spread", "seed"], "variations()");
    const spread = o.spread === undefined ? 1 : checkTemperature(o.spread, "spread", 1);
    if (!(spread > 0)) throw invalidOption(`spread must be a finite number > 0, got ${String(o.spread)}.`);
    const seed = checkSeed(o.seed, "seed", DEFAULT_SAMPLE_SEED);
    const d = this.latentSize;
    const { ids } = this.#rows([text], "text", "truncate");
    let mu: Float32Array;
    let sigma: number[];
    if (this.variational) {
      const dist = wasmCall(() => h.encodeDistribution(ids, 1));
      mu = dist.slice(0, d);
      sigma = Array.from(dist.subarray(d, 2 * d), (lv) => detExp(lv / 2));
    } else {
      mu = this.#encodeRaw(ids, 1);
      sigma = this.#codeStd.map((s) => PLAIN_VARIATION_SCALE * s);
    }
    const own = this.#decodeRaw(mu, 1, 0, 0)[0]!;
    const rng = new Random(seed);
    const found: string[] = [];
    const seen = new Set<string>([own, text]);
    let scale = spread;
    for (let round = 0; round < 6 && found.length < n; round++) {
      const m = Math.max(8, 2 * (n - found.length));
      const codes = new Float32Array(m * d);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < d; j++) codes[r * d + j] = mu[j]! + scale * sigma[j]! * rng.normal();
      }
      for (const t of this.#decodeRaw(codes, m, 0, 0)) {
        if (!seen.has(t) && found.length < n) {
          seen.add(t);
          found.push(t);
        }
      }
      scale *= 1.5;
    }
    const pool = found.length > 0 ? [...found] : [own];
    for (let i = 0; found.length < n; i++) found.push(pool[i % pool.length]!);
    return found;
  }

  /**
   * The latent direction from one group of texts to another: mean code of `toTexts` minus
   * mean code of `fromTexts`. Add it to codes with {@link TextGenerator.shift}.
   */
  direction(fromTexts: readonly string[], toTexts: readonly string[]): Float32Array {
    this.#live("direction()");
    const a = this.encode(checkTexts(fromTexts, "fromTexts"));
    const b = this.encode(checkTexts(toTexts, "toTexts"));
    const d = this.latentSize;
    const out = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      let sa = 0, sb = 0;
      for (let r = 0; r < a.rows; r++) sa += a.data[r * d + j]!;
      for (let r = 0; r < b.rows; r++) sb += b.data[r * d + j]!;
      out[j] = sb / b.rows - sa / a.rows;
    }
    return out;
  }

  /** Moves each text's code by `amount` × `direction` and decodes it (most likely tokens). */
  shift(texts: readonly string[], direction: ArrayLike<number>, amount = 1): string[] {
    this.#live("shift()");
    const list = checkTexts(texts, "texts");
    const d = this.latentSize;
    if (direction === null || typeof direction !== "object" || typeof direction.length !== "number" || direction.length !== d) {
      throw new LatentkitError("SHAPE_MISMATCH", `direction must be ${d} numbers (the latent size), got ${show(direction)}${direction && typeof (direction as ArrayLike<number>).length === "number" ? ` of length ${(direction as ArrayLike<number>).length}` : ""}.`);
    }
    if (typeof amount !== "number" || !Number.isFinite(amount)) throw invalidOption(`amount must be a finite number, got ${show(amount)}.`);
    const z = this.encode(list);
    for (let r = 0; r < z.rows; r++) {
      for (let j = 0; j < d; j++) {
        const v = direction[j];
        if (typeof v !== "number" || !Number.isFinite(v)) throw new LatentkitError("NON_FINITE_INPUT", `direction[${j}] is ${show(v)}; it must be a finite number.`);
        z.data[r * d + j]! += amount * v;
      }
    }
    return this.#decodeRaw(z.data, z.rows, 0, 0);
  }

  /**
   * How well texts survive the round trip: exact-match rate of the most likely reconstruction,
   * token accuracy (over each text's tokens and its end token), and the model's loss. Texts
   * with unknown tokens count (their `<unk>` positions must come back as `<unk>`).
   */
  evaluate(texts: readonly string[], options: EncodeTextOptions = {}): TextEvaluation {
    const h = this.#live("evaluate()");
    const o = methodOptions(options, ["onLongText"], "evaluate()");
    const list = checkTexts(texts, "texts");
    const { ids, lengths } = this.#rows(list, "texts", this.#policy(o));
    const rows = list.length;
    const loss = wasmCall(() => h.evaluate(ids, rows));
    const L = this.#meta.maxLength + 1;
    const V = this.#vocab.size;
    let exact = 0, correct = 0, total = 0;
    this.#reconstructChunks(ids, rows, (p, r0, n) => {
      for (let i = 0; i < n; i++) {
        const r = r0 + i;
        let ok = true;
        for (let pos = 0; pos <= lengths[r]!; pos++) {
          const hit = argmax(p, (i * L + pos) * V, V) === ids[r * L + pos];
          if (hit) correct++;
          else ok = false;
          total++;
        }
        if (ok) exact++;
      }
    });
    return { exactMatch: exact / rows, tokenAccuracy: total > 0 ? correct / total : 0, loss };
  }

  /** Per-text loss (higher = less typical of the corpus), one value per text. */
  score(texts: readonly string[]): Float32Array {
    const h = this.#live("score()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", "truncate");
    return wasmCall(() => h.score(ids, list.length));
  }

  /**
   * The generator as one self-contained file: vocabulary, settings, sampling prior, corpus
   * stats, history and weights. Read back with {@link text.load}. Identical training gives
   * identical bytes.
   */
  save(): Uint8Array {
    const h = this.#live("save()");
    const meta = {
      format: "latentkit",
      kind: TEXT_KIND,
      text: { ...this.#meta, prior: this.#prior, codeStd: this.#codeStd },
      history: this.#history.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss })),
    };
    return wasmCall(() => h.toBytes(JSON.stringify(meta)));
  }

  /** Frees the WebAssembly memory. Idempotent; afterwards every method throws DISPOSED. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#training) this.#free();
  }

  #free(): void {
    const h = this.#handle;
    this.#handle = null;
    try {
      h?.free();
    } catch {
      // already freed
    }
  }

  /** Trains on id rows, then fits the sampling distribution. @internal */
  async _train(ids: Float32Array, rows: number, opts: ReturnType<typeof normalizeTextOptions>): Promise<void> {
    const handle = this.#live("train()");
    const L = this.#meta.maxLength + 1;
    let trainM: Matrix = { data: ids, rows, cols: L };
    let val: Matrix | null = null;
    if (opts.fit.validationSplit > 0) [trainM, val] = splitRows(trainM, opts.fit.validationSplit, "texts");
    const fit = opts.noise ? { ...opts.fit, wasm: { ...opts.fit.wasm, noise: opts.noise } } : opts.fit;
    this.#training = true;
    try {
      await runTraining(
        {
          handle,
          epochOffset: 0,
          isDisposed: () => this.#disposed,
          addEpoch: (r) => void this.#history.push(r),
        },
        trainM,
        val,
        fit,
      );
    } finally {
      this.#training = false;
      if (this.#disposed) this.#free();
    }
    await this._fitPrior(trainM.data, trainM.rows);
  }

  /** Fits the code statistics (and a plain model's sampling Gaussian) on training rows. @internal */
  async _fitPrior(ids: Float32Array, rows: number): Promise<void> {
    const d = this.latentSize;
    const codes = this.#encodeRaw(ids, rows);
    const g = fitGaussian(codes, rows, d);
    this.#codeStd = g.std;
    const mixture = await fitMixture(codes, rows, d, this.#meta.seed);
    this.#prior = this.variational ? { mean: new Array<number>(d).fill(0), chol: null, mixture } : { mean: g.mean, chol: g.chol, mixture };
  }
}

/** The error of an aborted or diverged text.train(), carrying the partly trained generator. */
export interface TextTrainingError extends LatentkitError {
  /** The partly trained, usable generator (ABORTED and DIVERGED only). */
  generator?: TextGenerator;
}

/** text.train(): see the `text` namespace. @internal */
export async function trainText(texts: readonly string[], options: TextTrainOptions = {}): Promise<TextGenerator> {
  const list = checkTexts(texts, "texts", true);
  const opts = normalizeTextOptions(options);
  throwIfAborted(opts.fit.signal);
  const toks = list.map((t) => tokenize(t, opts.level, opts.lowercase));
  const lengths = toks.map((t) => t.length);
  if (list.length === 0 || lengths.every((n) => n === 0)) {
    throw new LatentkitError("EMPTY_DATA", "The corpus has no text (no texts, or only empty ones); pass at least one non-empty string.");
  }
  const vocabulary = buildVocabulary(toks, opts.minCount);
  const vocab = new Vocabulary(vocabulary);
  const maxLength = opts.maxLength ?? Math.max(1, percentile(lengths, TEXT_DEFAULTS.percentile));
  const L = maxLength + 1;
  const V = vocabulary.length;
  if (L * V > MAX_WIDTH) {
    throw new LatentkitError(
      "TOO_LARGE",
      `(maxLength + 1) × vocabulary = ${L} × ${V} = ${L * V} is above the limit of ${MAX_WIDTH}; use a smaller maxLength or a larger minCount.`,
    );
  }
  const z = opts.latent * (opts.variational ? 2 : 1);
  const enc = [L * V, ...opts.hidden, z];
  const dec = [opts.latent, ...[...opts.hidden].reverse(), L * V];
  let params = 0;
  for (let i = 0; i + 1 < enc.length; i++) params += enc[i]! * enc[i + 1]! + enc[i + 1]!;
  for (let i = 0; i + 2 < dec.length; i++) params += dec[i]! * dec[i + 1]! + dec[i + 1]!;
  // The output layer: dense, or the context head (core: context_head.rs) of width H.
  const H = dec[dec.length - 2]!;
  const k = opts.context;
  params += k === 0 ? H * L * V + L * V : H * H + k * V * H + L * H + H + H * V + V;
  if (params > MAX_PARAMS) {
    throw new LatentkitError(
      "TOO_LARGE",
      `This text model would have ${params} parameters (vocabulary ${V}, length ${L}, hidden ${JSON.stringify(opts.hidden)}), ` +
        `more than the limit of ${MAX_PARAMS}; raise minCount, lower maxLength or use narrower hidden layers.`,
    );
  }
  const enc0 = encodeRows(toks, vocab, maxLength);
  const stats: TextStats = Object.freeze({
    texts: list.length,
    truncated: enc0.truncated.length,
    longest: lengths.reduce((a, b) => (b > a ? b : a), 0),
    unknownTokens: enc0.unknown,
    tokens: enc0.tokens,
  });
  await init();
  const config = {
    inputSize: L * V,
    tokens: { length: L, vocab: V, padId: PAD_ID, endId: END_ID, maskId: MASK_ID, context: opts.context },
    encoder: [...opts.hidden, opts.latent],
    activation: opts.activation,
    latentActivation: "linear",
    outputActivation: "linear",
    loss: "cce",
    init: opts.activation === "relu" || opts.activation === "leakyRelu" ? "heUniform" : "glorotUniform",
    seed: opts.seed,
    ...(opts.variational ? { variational: opts.variational } : {}),
  };
  const handle = wasmCall(() => WasmModel.create(JSON.stringify(config)));
  const meta: TextMeta = {
    version: TEXT_VERSION,
    level: opts.level,
    lowercase: opts.lowercase,
    minCount: opts.minCount,
    maxLength,
    vocabulary,
    latent: opts.latent,
    hidden: opts.hidden,
    activation: opts.activation,
    variational: opts.variational,
    seed: opts.seed,
    prior: { mean: new Array<number>(opts.latent).fill(0), chol: null, mixture: null },
    codeStd: new Array<number>(opts.latent).fill(1),
    stats,
  };
  const gen = new TextGenerator(handle, meta, []);
  try {
    await gen._train(enc0.ids, list.length, opts);
  } catch (e) {
    if (e instanceof LatentkitError && (e.code === "ABORTED" || e.code === "DIVERGED") && !gen.disposed) {
      try {
        await gen._fitPrior(enc0.ids, list.length);
        (e as TextTrainingError).generator = gen;
      } catch {
        gen.dispose();
      }
    } else {
      gen.dispose();
    }
    throw e;
  }
  return gen;
}

function corrupt(why: string): LatentkitError {
  return new LatentkitError("CORRUPT_MODEL", `This text model file is damaged: ${why}.`);
}

function isNumArray(v: unknown, n: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));
}

/** text.load(): see the `text` namespace. @internal */
export async function loadText(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Promise<TextGenerator> {
  const u8 = asBytes(bytes);
  if (!u8) throw invalidOption(`text.load() needs the bytes from gen.save() as a Uint8Array or ArrayBuffer, got ${show(bytes)}.`);
  await init();
  const handle = wasmCall(() => WasmModel.fromBytes(u8));
  try {
    let raw: { kind?: unknown; text?: unknown; history?: unknown };
    try {
      raw = JSON.parse(handle.metaJson()) as typeof raw;
    } catch {
      throw corrupt("its metadata is not JSON");
    }
    if (raw.kind !== TEXT_KIND || raw.text === undefined) {
      throw invalidOption(
        "These bytes are a numeric latentkit model, not a text model: load them with load() (text.load() reads files saved by a TextGenerator).",
      );
    }
    const t = raw.text as Partial<TextMeta>;
    const cfg = JSON.parse(handle.configJson()) as { tokens?: { length: number; vocab: number }; encoder: number[]; variational?: unknown };
    if (typeof t !== "object" || t === null) throw corrupt("no text settings");
    if (t.version !== TEXT_VERSION) {
      throw new LatentkitError("UNSUPPORTED_VERSION", `This text model file has text format version ${String(t.version)}; this latentkit reads version ${TEXT_VERSION}. Upgrade latentkit.`);
    }
    if (!Array.isArray(t.vocabulary) || !t.vocabulary.every((s) => typeof s === "string")) throw corrupt("bad vocabulary");
    if (t.level !== "char" && t.level !== "word") throw corrupt("bad level");
    if (!cfg.tokens || cfg.tokens.vocab !== t.vocabulary.length || cfg.tokens.length !== (t.maxLength ?? -1) + 1) {
      throw corrupt("the vocabulary or maxLength does not match the weights");
    }
    const d = handle.latentSize();
    if (t.latent !== d || !t.prior || !isNumArray(t.prior.mean, d) || !(t.prior.chol === null || isNumArray(t.prior.chol, d * d)) || !isNumArray(t.codeStd, d) ||
      !(t.prior.mixture == null || isMixture(t.prior.mixture, d))) {
      throw corrupt("bad sampling prior");
    }
    if ((t.variational != null) !== (cfg.variational !== undefined)) throw corrupt("variational settings do not match the weights");
    const history: EpochRecord[] = [];
    if (Array.isArray(raw.history)) {
      for (const r of raw.history as { epoch?: unknown; loss?: unknown; valLoss?: unknown }[]) {
        if (typeof r === "object" && r !== null && typeof r.epoch === "number" && typeof r.loss === "number") {
          history.push(Object.freeze({ epoch: r.epoch, loss: r.loss, valLoss: typeof r.valLoss === "number" ? r.valLoss : null }));
        }
      }
    }
    const meta: TextMeta = {
      version: TEXT_VERSION,
      level: t.level,
      lowercase: t.lowercase === true,
      minCount: typeof t.minCount === "number" ? t.minCount : 1,
      maxLength: t.maxLength!,
      vocabulary: t.vocabulary,
      latent: d,
      hidden: Array.isArray(t.hidden) ? t.hidden : [],
      activation: typeof t.activation === "string" ? t.activation : "relu",
      variational: t.variational ?? null,
      seed: typeof t.seed === "number" ? t.seed : 0,
      prior: t.prior,
      codeStd: t.codeStd!,
      stats: Object.freeze(t.stats ?? { texts: 0, truncated: 0, longest: 0, unknownTokens: 0, tokens: 0 }),
    };
    return new TextGenerator(handle, meta, history);
  } catch (e) {
    handle.free();
    throw e;
  }
}
