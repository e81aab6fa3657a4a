// Deterministic synthetic data shared by every benchmark process.
//
// X = sigmoid(Z · M): Z is rows × 8 standard normal (the "true" latent), M a fixed 8 × cols
// matrix with N(0, 1/8)·4 entries (so each pre-activation has variance 4: the data is
// non-linear in Z but not saturated). Both come from a seeded PRNG (mulberry32 + Box–Muller)
// that only uses integer arithmetic and Math.log/sqrt/cos/exp, so every process of the same
// Node binary gets bit-identical data; `fingerprint()` lets the orchestrator check that.

import { mulberry32 as mulberry32Ints } from "../../latentkit/src/mulberry32.js";

export const ROWS = 8192;
export const LATENT_DIM = 8;

/** Floats in [0, 1) from the SDK's mulberry32 (the one copy), seeded. */
export function mulberry32(seed) {
  const next = mulberry32Ints(seed);
  return () => next() / 4294967296;
}

/** Standard normal samples by Box–Muller (both outputs used). */
export function normalSampler(seed) {
  const u = mulberry32(seed);
  let spare = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u1 = u();
    while (u1 <= 0) u1 = u();
    const u2 = u();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * The benchmark matrix for `cols` columns: `{ data: Float32Array, rows, cols }`, row-major,
 * values in (0, 1). Same `cols` → same data, in every process.
 */
export function makeData(cols, rows = ROWS) {
  const zRand = normalSampler(0x5eed0000 + cols);
  const mRand = normalSampler(0x3a7c0000 + cols);
  const k = LATENT_DIM;
  const scale = 2 / Math.sqrt(k); // pre-activation std 2
  const M = new Float64Array(k * cols);
  for (let i = 0; i < M.length; i++) M[i] = mRand() * scale;
  const data = new Float32Array(rows * cols);
  const z = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) z[j] = zRand();
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += z[j] * M[j * cols + c];
      data[r * cols + c] = 1 / (1 + Math.exp(-s));
    }
  }
  return { data, rows, cols };
}

/** FNV-1a 32 over the float32 bytes, hex: identical data ⇔ identical fingerprint (practically). */
export function fingerprint(f32) {
  const b = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Mean squared error between two equal-length float arrays, accumulated in float64. */
export function mse(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s / a.length;
}
