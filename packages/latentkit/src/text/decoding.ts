// From the decoder's output to texts: the most likely token at each position, or tokens drawn
// from softmax(log p / temperature). Drawing is the core's one sampler (decodeSampled, for
// models with and without a context): this file supplies the seeded uniforms of the draws and
// turns the ids into texts. Rows go to the core in chunks whose output stays within its limit.

import { wasmCall, type WasmModel } from "../wasm.js";
import { MAX_OUTPUT } from "../limits.js";
import { Random } from "./random.js";
import { decodeIds, END_ID, PAD_ID, SPECIAL_TOKENS, type TextLevel, type Vocabulary } from "./tokenizer.js";

/** Most rows per decode/reconstruct call (smaller models' calls also stay within MAX_OUTPUT values). */
const CHUNK_ROWS = 2048;
/** The largest float32 below 1. */
const ONE_BELOW = 1 - 2 ** -24;

/** What decoding needs of a text model. @internal */
export interface Decoder {
  readonly wasm: WasmModel;
  readonly vocab: Vocabulary;
  readonly level: TextLevel;
  readonly maxLength: number;
  /** Size of the latent code. */
  readonly latent: number;
  /** Tokens before each position the decoder sees (0: positions decoded independently). */
  readonly context: number;
  /** Values of an id row: maxLength + 1, and the label after them for a conditional model. */
  readonly cols: number;
}

function unknownText(level: TextLevel): string {
  return level === "char" ? "\uFFFD" : SPECIAL_TOKENS[3]!;
}

function toText(dec: Decoder, ids: ArrayLike<number>): string {
  return decodeIds(ids, dec.vocab, dec.level, unknownText(dec.level));
}

/** Argmax over `vocab` values at `base`; ties go to the lower id. @internal */
export function argmax(p: Float32Array, base: number, vocab: number): number {
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

/** Per-position probabilities (rows × length × vocab) -> texts of the most likely tokens. @internal */
export function textsFromProbs(dec: Decoder, p: Float32Array, rows: number): string[] {
  const L = dec.maxLength + 1;
  const V = dec.vocab.size;
  const out: string[] = [];
  const ids = new Int32Array(L);
  for (let r = 0; r < rows; r++) {
    // At most maxLength tokens: the last position can only end the text.
    let n = 0;
    for (let pos = 0; pos < L - 1; pos++) {
      const id = argmax(p, (r * L + pos) * V, V);
      ids[n++] = id;
      if (id === END_ID || id === PAD_ID) break;
    }
    out.push(toText(dec, ids.subarray(0, n)));
  }
  return out;
}

/**
 * Drawn texts: the core draws every token (decodeSampled; for a context model each drawn token
 * is the context of the next) with uniforms taken here, a full grid of rows × (length − 1) in
 * row-major order, so a row's text does not depend on the rows decoded with it.
 */
function drawnTexts(dec: Decoder, codes: Float32Array, rows: number, temperature: number, rng: Random, labels: Float32Array, guidance: number): string[] {
  const L = dec.maxLength + 1;
  const us = new Float32Array(rows * (L - 1));
  // float32 can round a double just below 1 up to 1; the core wants [0, 1)
  for (let i = 0; i < us.length; i++) us[i] = Math.min(Math.fround(rng.uniform()), ONE_BELOW);
  const ids = wasmCall(() => dec.wasm.decodeSampled(codes, rows, us, temperature, labels, guidance));
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(toText(dec, ids.subarray(r * L, (r + 1) * L)));
  return out;
}

/** The labels an unconditional model's decoding passes the core: none. */
const NO_LABELS = new Float32Array(0);

/**
 * Rows per core call for this model: each call's output (rows × length × vocab probabilities)
 * within the core's output limit, and at most CHUNK_ROWS. @internal
 */
export function chunkRows(dec: Decoder): number {
  return Math.max(1, Math.min(CHUNK_ROWS, Math.floor(MAX_OUTPUT / ((dec.maxLength + 1) * dec.vocab.size))));
}

/**
 * Codes (rows × latent) -> texts: most likely tokens, or drawn when `temperature > 0` (seeded).
 * A conditional model's `labels` give each row's label id (empty for other models), decoded
 * with label `guidance` (0: none; the core's `decode::guided`). @internal
 */
export function decodeCodes(dec: Decoder, codes: Float32Array, rows: number, temperature: number, seed: number, labels: Float32Array = NO_LABELS, guidance = 0): string[] {
  const d = dec.latent;
  const rng = temperature > 0 ? new Random(seed) : null;
  const out: string[] = [];
  const chunk = chunkRows(dec);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    const part = codes.subarray(r0 * d, (r0 + n) * d);
    const lab = labels.length > 0 ? labels.subarray(r0, r0 + n) : labels;
    // The core's decode() gives each position's probabilities (for a context model, along the
    // path of the most likely tokens); drawn tokens are the core's decodeSampled.
    const texts = rng !== null ? drawnTexts(dec, part, n, temperature, rng, lab, guidance) : textsFromProbs(dec, wasmCall(() => dec.wasm.decode(part, n, lab, guidance)), n);
    for (const t of texts) out.push(t);
  }
  return out;
}

/** Reconstruction probabilities of id rows, in chunks; `each(p, firstRow, rows)`. @internal */
export function reconstructChunks(dec: Decoder, ids: Float32Array, rows: number, each: (p: Float32Array, r0: number, n: number) => void): void {
  const cols = dec.cols;
  const chunk = chunkRows(dec);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    const p = wasmCall(() => dec.wasm.reconstruct(ids.subarray(r0 * cols, (r0 + n) * cols), n));
    each(p, r0, n);
  }
}
