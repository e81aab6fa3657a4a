// Shared test helpers: a seeded PRNG, synthetic data, CRC32 and matrix utilities.

import { mulberry32 } from "../src/mulberry32.js";

/** Floats in [0, 1) from the SDK's mulberry32 (src/mulberry32.js), seeded. */
export function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Standard normal samples (Box-Muller) from a uniform PRNG. */
export function gaussian(u: () => number): () => number {
  return () => {
    const u1 = Math.max(u(), 1e-12);
    const u2 = u();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * Structured synthetic data: rows = sigmoid(Z · M), Z rows x k standard normal, M k x cols
 * normal scaled by `scale / sqrt(k)`. Values in (0, 1), with k latent degrees of freedom.
 */
export function lowRankSigmoid(rows: number, cols: number, k = 8, seed = 1, scale = 2): { data: Float32Array; rows: number; cols: number } {
  const g = gaussian(rng(seed));
  const M = new Float64Array(k * cols);
  for (let i = 0; i < M.length; i++) M[i] = (g() * scale) / Math.sqrt(k);
  const data = new Float32Array(rows * cols);
  const z = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) z[j] = g();
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += z[j]! * M[j * cols + c]!;
      data[r * cols + c] = 1 / (1 + Math.exp(-s));
    }
  }
  return { data, rows, cols };
}

/** Small random data as number[][]. */
export function randomRows(rows: number, cols: number, seed = 3): number[][] {
  const u = rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => u()));
}

/** Each column's mean and (population) variance. */
export function columnMoments(m: { data: Float32Array; rows: number; cols: number }): { mean: number; variance: number }[] {
  const out: { mean: number; variance: number }[] = [];
  for (let c = 0; c < m.cols; c++) {
    let mean = 0;
    for (let r = 0; r < m.rows; r++) mean += m.data[r * m.cols + c]!;
    mean /= m.rows;
    let v = 0;
    for (let r = 0; r < m.rows; r++) v += (m.data[r * m.cols + c]! - mean) ** 2;
    out.push({ mean, variance: v / m.rows });
  }
  return out;
}

/** Mean over columns of the per-column variance. */
export function meanColumnVariance(m: { data: Float32Array; rows: number; cols: number }): number {
  return columnMoments(m).reduce((total, c) => total + c.variance, 0) / m.cols;
}

/** Mean squared difference of two equally long arrays. */
export function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

/** Whether two float arrays are identical bit for bit. */
export function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as in zlib/PNG). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `n` distinct words of 2–3 syllables over one alphabet (consonant, vowel, and with probability
 * `coda` a closing consonant): the two-"language" toy of the label tests.
 */
export function syllableWords(n: number, cons: string, vows: string, seed: number, coda = 0.3): string[] {
  const u = rng(seed);
  const out = new Set<string>();
  while (out.size < n) {
    let w = "";
    for (let s = 2 + Math.floor(u() * 2); s > 0; s--) {
      w += cons[Math.floor(u() * cons.length)]! + vows[Math.floor(u() * vows.length)]!;
      if (coda > 0 && u() < coda) w += cons[Math.floor(u() * cons.length)]!;
    }
    out.add(w);
  }
  return [...out];
}
