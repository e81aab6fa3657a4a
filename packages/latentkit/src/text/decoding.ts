// From the decoder's output to texts: the most likely token at each position, or tokens drawn
// from softmax(log p / temperature) with the seeded PRNG. A model with a context (the decoder
// sees the tokens before each position) is decoded by the core, which walks the positions
// itself (each chosen token is the context of the next); this file then only supplies the
// uniforms of the draws and turns the ids into texts.

import { wasmCall, type WasmModel } from "../wasm.js";
import { detExp, detLog, Random } from "./random.js";
import { decodeIds, END_ID, MASK_ID, PAD_ID, SPECIAL_TOKENS, type TextLevel, type Vocabulary } from "./tokenizer.js";

/** Rows per decode/reconstruct call (bounds the probability buffers: rows × length × vocab floats). */
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

/**
 * A token id from the distribution `p[base .. base + vocab]`: argmax, or drawn with the
 * uniform number `u` in [0, 1). `w` is scratch space of vocab entries.
 */
function pick(p: Float32Array, base: number, temperature: number, u: number | null, w: Float64Array): number {
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

/** Per-position probabilities (rows × length × vocab) -> texts, most likely or drawn tokens. @internal */
export function textsFromProbs(dec: Decoder, p: Float32Array, rows: number, temperature: number, rng: Random | null): string[] {
  const L = dec.maxLength + 1;
  const V = dec.vocab.size;
  const out: string[] = [];
  const ids = new Int32Array(L);
  const w = new Float64Array(V);
  for (let r = 0; r < rows; r++) {
    // At most maxLength tokens: the last position can only end the text.
    let n = 0;
    for (let pos = 0; pos < L - 1; pos++) {
      const id = pick(p, (r * L + pos) * V, temperature, rng && rng.uniform(), w);
      ids[n++] = id;
      if (id === END_ID || id === PAD_ID) break;
    }
    out.push(toText(dec, ids.subarray(0, n)));
  }
  return out;
}

/**
 * Drawn texts of a context model: the core draws every token (decodeSampled) with uniforms
 * taken here, row after row and position after position as textsFromProbs takes them, so a
 * row's text does not depend on the rows decoded with it.
 */
function drawnContextTexts(dec: Decoder, codes: Float32Array, rows: number, temperature: number, rng: Random): string[] {
  const L = dec.maxLength + 1;
  const us = new Float32Array(rows * (L - 1));
  // float32 can round a double just below 1 up to 1; the core wants [0, 1)
  for (let i = 0; i < us.length; i++) us[i] = Math.min(Math.fround(rng.uniform()), ONE_BELOW);
  const ids = wasmCall(() => dec.wasm.decodeSampled(codes, rows, us, temperature));
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(toText(dec, ids.subarray(r * L, (r + 1) * L)));
  return out;
}

/** Codes (rows × latent) -> texts: most likely tokens, or drawn when `temperature > 0` (seeded). @internal */
export function decodeCodes(dec: Decoder, codes: Float32Array, rows: number, temperature: number, seed: number): string[] {
  const d = dec.latent;
  const rng = temperature > 0 ? new Random(seed) : null;
  const out: string[] = [];
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - r0);
    const chunk = codes.subarray(r0 * d, (r0 + n) * d);
    // The core's decode() gives each position's probabilities (for a context model, along the
    // path of the most likely tokens); drawing from a context model needs the core's own walk.
    const texts =
      rng !== null && dec.context > 0
        ? drawnContextTexts(dec, chunk, n, temperature, rng)
        : textsFromProbs(dec, wasmCall(() => dec.wasm.decode(chunk, n)), n, temperature, rng);
    for (const t of texts) out.push(t);
  }
  return out;
}

/** Reconstruction probabilities of id rows, in chunks; `each(p, firstRow, rows)`. @internal */
export function reconstructChunks(dec: Decoder, ids: Float32Array, rows: number, each: (p: Float32Array, r0: number, n: number) => void): void {
  const L = dec.maxLength + 1;
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - r0);
    const p = wasmCall(() => dec.wasm.reconstruct(ids.subarray(r0 * L, (r0 + n) * L), n));
    each(p, r0, n);
  }
}
