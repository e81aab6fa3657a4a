// The meaning of a text model file's meta (its `text` object), checked field by field before a
// TextGenerator trusts it: every number for what it is used for (finite in float32, shapes
// consistent with the weights and the vocabulary, the prior's factor lower-triangular with a
// positive diagonal, the mixture's weights a distribution), the vocabulary unique strings with
// the special tokens first, the settings equal to the core's config. Anything else is
// CORRUPT_MODEL naming the field (e.g. `meta.text.prior.chol[3]`), so that sampling never
// blames the caller for the file. The bytes (magic, CRC, version, weight count) are the core's.

import { LatentkitError } from "../errors.js";
import { ACTIVATIONS } from "../options.js";
import { show } from "../validate.js";
import type { WireModelConfig } from "../wire.js";
import { isCode } from "./finite.js";
import { MAX_COMPONENTS, type Mixture } from "./mixture.js";
import { END_ID, MASK_ID, PAD_ID, SPECIAL_TOKENS } from "./tokenizer.js";
import { checkLabelNames } from "./labels.js";
import { checkTrainingSummary } from "./training-summary.js";
import type { Prior, TextMeta, TextStats } from "./types.js";

/** The version of the `text` object in a text model file's meta. @internal */
export const TEXT_VERSION = 1;
/** How far a mixture's weights may sum from 1 (they are counts / n, summed in f64). */
const WEIGHT_SUM_SLACK = 1e-6;

type Obj = Record<string, unknown>;

function corrupt(field: string, why: string): LatentkitError {
  return new LatentkitError("CORRUPT_MODEL", `This text model file is damaged: ${field} ${why}. Save the model again from its source, or retrain it.`);
}

function obj(v: unknown, field: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw corrupt(field, `must be an object, got ${show(v)}`);
  return v as Obj;
}

function int(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw corrupt(field, `must be an integer from ${min} to ${max}, got ${show(v)}`);
  return v;
}

function array(v: unknown, field: string, n: number): unknown[] {
  if (!Array.isArray(v) || v.length !== n) throw corrupt(field, `must be an array of ${n} values, got ${Array.isArray(v) ? `${v.length} values` : show(v)}`);
  return v;
}

/** n code values (|x| ≤ MAX_CODE, see finite.ts), each > 0 when `positive`. */
function codes(v: unknown, field: string, n: number, positive = false): number[] {
  const a = array(v, field, n);
  a.forEach((x, i) => {
    if (!isCode(x) || (positive && !(x > 0))) throw corrupt(`${field}[${i}]`, `is ${show(x)}; it must be a ${positive ? "positive " : ""}number of magnitude at most 1e18`);
  });
  return a as number[];
}

/** A lower-triangular d × d factor (row-major) with a positive diagonal. */
function cholesky(v: unknown, field: string, d: number): number[] {
  const l = codes(v, field, d * d);
  for (let i = 0; i < d; i++) {
    if (!(l[i * d + i]! > 0)) throw corrupt(`${field}[${i * d + i}]`, `is ${l[i * d + i]}; a Cholesky factor's diagonal must be positive`);
    for (let j = i + 1; j < d; j++) if (l[i * d + j] !== 0) throw corrupt(`${field}[${i * d + j}]`, "is above the diagonal and must be 0 (a lower-triangular factor)");
  }
  return l;
}

function mixture(v: unknown, field: string, d: number): Mixture {
  const m = obj(v, field);
  const k = Array.isArray(m.weights) ? m.weights.length : 0;
  int(k, `${field}.weights.length`, 1, MAX_COMPONENTS);
  const weights = array(m.weights, `${field}.weights`, k);
  let sum = 0;
  weights.forEach((w, i) => {
    if (typeof w !== "number" || !(w >= 0 && w <= 1)) throw corrupt(`${field}.weights[${i}]`, `is ${show(w)}; it must be a share in [0, 1]`);
    sum += w;
  });
  if (!(Math.abs(sum - 1) <= WEIGHT_SUM_SLACK)) throw corrupt(`${field}.weights`, `sum to ${sum}, not 1`);
  return { weights: weights as number[], means: codes(m.means, `${field}.means`, k * d), stds: codes(m.stds, `${field}.stds`, k * d, true) };
}

function prior(v: unknown, d: number, variational: boolean): Prior {
  const p = obj(v, "meta.text.prior");
  const mean = codes(p.mean, "meta.text.prior.mean", d);
  if (variational && p.chol !== null) throw corrupt("meta.text.prior.chol", "must be null for a variational model (its prior is N(0, I))");
  const chol = p.chol === null ? null : cholesky(p.chol, "meta.text.prior.chol", d);
  return { mean, chol, mixture: p.mixture == null ? null : mixture(p.mixture, "meta.text.prior.mixture", d) };
}

/** Unique strings, the special tokens first, as many as the weights' vocabulary. */
function vocabulary(v: unknown, size: number): string[] {
  const words = array(v, "meta.text.vocabulary", size);
  const seen = new Set<string>();
  words.forEach((w, i) => {
    const field = `meta.text.vocabulary[${i}]`;
    if (typeof w !== "string") throw corrupt(field, `must be a string, got ${show(w)}`);
    if (i < SPECIAL_TOKENS.length ? w !== SPECIAL_TOKENS[i] : w.length === 0 || seen.has(w)) {
      throw corrupt(field, i < SPECIAL_TOKENS.length ? `must be ${SPECIAL_TOKENS[i]}` : `is ${w.length === 0 ? "empty" : `a repeat of ${JSON.stringify(w)}`}`);
    }
    seen.add(w);
  });
  return words as string[];
}

function stats(v: unknown): TextStats {
  const s = obj(v, "meta.text.stats");
  const n = (k: string) => int(s[k], `meta.text.stats.${k}`, 0);
  const out = { texts: n("texts"), truncated: n("truncated"), longest: n("longest"), unknownTokens: n("unknownTokens"), tokens: n("tokens") };
  if (out.truncated > out.texts) throw corrupt("meta.text.stats.truncated", `(${out.truncated}) is more than the texts (${out.texts})`);
  if (out.unknownTokens > out.tokens) throw corrupt("meta.text.stats.unknownTokens", `(${out.unknownTokens}) is more than the tokens (${out.tokens})`);
  return Object.freeze(out);
}

/** The token layout of the weights, as the SDK decodes it (ids of pad, end and mask fixed). */
function tokensOf(cfg: WireModelConfig): { length: number; vocab: number } {
  const t = cfg.tokens;
  if (!t || t.padId !== PAD_ID || t.endId !== END_ID || t.maskId !== MASK_ID || t.vocab < SPECIAL_TOKENS.length) {
    throw corrupt("config.tokens", `must hold pad ${PAD_ID}, end ${END_ID}, mask ${MASK_ID} and at least ${SPECIAL_TOKENS.length} tokens`);
  }
  return t;
}

function sameJson(a: unknown, b: unknown, field: string): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw corrupt(field, `(${JSON.stringify(a)}) does not match the weights' config (${JSON.stringify(b)})`);
}

/** `{ labels }` of a conditional model's meta (as many names as the weights' labels), `{}` for another. */
function labelsOf(v: unknown, cfg: WireModelConfig): { labels?: string[] } {
  const labels = checkLabelNames(v, cfg.tokens?.labels ?? 0, corrupt);
  return labels ? { labels } : {};
}

/** The `text` object of a file's meta, checked against the core's config (`cfg`) of its weights. @internal */
export function checkTextMeta(raw: unknown, cfg: WireModelConfig): TextMeta {
  const t = obj(raw, "meta.text");
  if (typeof t.version === "number" && t.version > TEXT_VERSION) {
    throw new LatentkitError("UNSUPPORTED_VERSION", `This text model file has text format version ${t.version}; this latentkit reads version ${TEXT_VERSION}. Upgrade latentkit.`);
  }
  int(t.version, "meta.text.version", TEXT_VERSION, TEXT_VERSION);
  if (t.level !== "char" && t.level !== "word") throw corrupt("meta.text.level", `must be "char" or "word", got ${show(t.level)}`);
  if (typeof t.lowercase !== "boolean") throw corrupt("meta.text.lowercase", `must be true or false, got ${show(t.lowercase)}`);
  const { length, vocab } = tokensOf(cfg);
  const latent = cfg.encoder[cfg.encoder.length - 1]!;
  sameJson(t.maxLength, length - 1, "meta.text.maxLength");
  sameJson(t.latent, latent, "meta.text.latent");
  sameJson(t.hidden, cfg.encoder.slice(0, -1), "meta.text.hidden");
  if (!ACTIVATIONS.includes(t.activation as never)) throw corrupt("meta.text.activation", `must be an activation, got ${show(t.activation)}`);
  sameJson(t.activation, cfg.activation, "meta.text.activation");
  sameJson(t.variational ?? null, cfg.variational ?? null, "meta.text.variational");
  return {
    version: TEXT_VERSION,
    level: t.level,
    lowercase: t.lowercase,
    minCount: int(t.minCount, "meta.text.minCount", 1),
    maxLength: length - 1,
    vocabulary: vocabulary(t.vocabulary, vocab),
    latent,
    hidden: cfg.encoder.slice(0, -1),
    activation: cfg.activation,
    variational: cfg.variational ?? null,
    seed: int(t.seed, "meta.text.seed", 0),
    prior: prior(t.prior, latent, cfg.variational !== undefined),
    codeStd: codes(t.codeStd, "meta.text.codeStd", latent, true),
    stats: stats(t.stats),
    // (before `training`: the order text.train() writes them in, so files save back to the same bytes)
    ...labelsOf(t.labels, cfg),
    // absent rather than null for older files, so that they save back to the same bytes
    ...(t.training !== undefined && t.training !== null ? { training: checkTrainingSummary(t.training) } : {}),
  };
}
