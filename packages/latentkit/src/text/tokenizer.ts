// Tokenisation and vocabularies of text models: characters (Unicode code points) or words
// (punctuation split off), a deterministic vocabulary, and texts <-> rows of token ids.

/** How texts are split into tokens. */
export type TextLevel = "char" | "word";

/** Id of the padding token (after the end of a text). */
export const PAD_ID = 0;
/** Id of the end-of-text token. */
export const END_ID = 1;
/** Id of the mask token (denoising noise replaces tokens with it). */
export const MASK_ID = 2;
/** Id of the unknown token (tokens not in the vocabulary). */
export const UNK_ID = 3;
/** The special tokens, in id order. */
export const SPECIAL_TOKENS: readonly string[] = Object.freeze(["<pad>", "<end>", "<mask>", "<unk>"]);

// A word: letters, marks and digits, joined by inner apostrophes or hyphens ("don't",
// "well-known"); anything else that is not white space is a token of its own.
const WORD_RE = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;
// No space before these when words are joined back...
const NO_SPACE_BEFORE = new Set([".", ",", "!", "?", ";", ":", ")", "]", "}", "%", "…", "»", "”", "’"]);
// ...and none after these.
const NO_SPACE_AFTER = new Set(["(", "[", "{", "«", "“", "‘", "¿", "¡"]);

// A UTF-16 code unit of a surrogate pair without its partner (no `u` flag: code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with every unpaired surrogate replaced by U+FFFD, as `String.prototype.toWellFormed`
 * (Node 20+) does. JavaScript strings may hold them, UTF-8 and the model file's JSON cannot: a
 * vocabulary with one could never be saved. Every text goes through here (via tokenize) at
 * train, encode, evaluate and decode time, so the same string always gives the same tokens.
 * @internal
 */
export function wellFormed(text: string): string {
  const s = text as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  if (typeof s.isWellFormed === "function") return s.isWellFormed() ? text : s.toWellFormed!();
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/** Splits one text into tokens (after {@link wellFormed}). @internal */
export function tokenize(text: string, level: TextLevel, lowercase: boolean): string[] {
  const w = wellFormed(text);
  const t = lowercase ? w.toLowerCase() : w;
  if (level === "char") return Array.from(t);
  return t.match(WORD_RE) ?? [];
}

/** Joins tokens back into a text (the inverse of {@link tokenize} for ordinary texts). @internal */
export function detokenize(tokens: readonly string[], level: TextLevel): string {
  if (level === "char") return tokens.join("");
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i > 0 && !NO_SPACE_BEFORE.has(t) && !NO_SPACE_AFTER.has(tokens[i - 1]!)) out += " ";
    out += t;
  }
  return out;
}

function compareCodePoints(a: string, b: string): number {
  // Code-point order (not UTF-16 order, which puts astral characters before U+E000..U+FFFF).
  const A = Array.from(a);
  const B = Array.from(b);
  const n = Math.min(A.length, B.length);
  for (let i = 0; i < n; i++) {
    const d = A[i]!.codePointAt(0)! - B[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return A.length - B.length;
}

/**
 * The vocabulary of tokenised texts: the 4 special tokens, then every token seen at least
 * `minCount` times, by descending count, ties by code-point order. Deterministic. @internal
 */
export function buildVocabulary(tokenized: readonly (readonly string[])[], minCount: number): string[] {
  const counts = new Map<string, number>();
  for (const toks of tokenized) for (const t of toks) counts.set(t, (counts.get(t) ?? 0) + 1);
  const kept = [...counts].filter(([, c]) => c >= minCount);
  kept.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
  return [...SPECIAL_TOKENS, ...kept.map(([t]) => t)];
}

/** `p`-th percentile (nearest rank, p in (0, 100]) of `values`. @internal */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Maps tokens to ids and back. @internal */
export class Vocabulary {
  readonly tokens: readonly string[];
  readonly #ids: Map<string, number>;

  constructor(tokens: readonly string[]) {
    this.tokens = Object.freeze([...tokens]);
    this.#ids = new Map();
    // Special tokens are never produced by tokenize() as ids of text: "<unk>" typed in a text
    // is a text like any other, so only ids >= 4 are looked up by name.
    for (let i = SPECIAL_TOKENS.length; i < tokens.length; i++) this.#ids.set(tokens[i]!, i);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.#ids.get(token) ?? UNK_ID;
  }
}

/** What {@link encodeRows} found. @internal */
export interface EncodedRows {
  /** rows × length token ids as floats. */
  ids: Float32Array;
  /** Index of every text longer than the maximum (truncated). */
  truncated: number[];
  /** Number of tokens mapped to `<unk>`. */
  unknown: number;
  /** Total number of tokens (after truncation, without end tokens). */
  tokens: number;
}

/**
 * Tokenised texts -> rows of `maxLength + 1` ids: the tokens (the first `maxLength` of a longer
 * text), the end id, then padding. @internal
 */
export function encodeRows(tokenized: readonly (readonly string[])[], vocab: Vocabulary, maxLength: number): EncodedRows {
  const length = maxLength + 1;
  const ids = new Float32Array(tokenized.length * length); // zero = PAD_ID
  const truncated: number[] = [];
  let unknown = 0;
  let total = 0;
  tokenized.forEach((toks, r) => {
    const n = Math.min(toks.length, maxLength);
    if (toks.length > maxLength) truncated.push(r);
    const base = r * length;
    for (let i = 0; i < n; i++) {
      const id = vocab.id(toks[i]!);
      if (id === UNK_ID) unknown++;
      ids[base + i] = id;
    }
    ids[base + n] = END_ID;
    total += n;
  });
  return { ids, truncated, unknown, tokens: total };
}

/**
 * Token ids of one row -> text: stops at the first end or padding id; the mask token is
 * dropped and `<unk>` is written as `unknownText`. @internal
 */
export function decodeIds(ids: ArrayLike<number>, vocab: Vocabulary, level: TextLevel, unknownText: string): string {
  const toks: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === END_ID || id === PAD_ID) break;
    if (id === MASK_ID) continue;
    toks.push(id === UNK_ID ? unknownText : vocab.tokens[id]!);
  }
  return detokenize(toks, level);
}
