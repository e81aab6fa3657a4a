// The sampling distribution of a text model: the Gaussian fitted to the training codes (a
// plain model's prior; a VAE's is N(0, I)), the mixture beside it, draws from them, and the
// path between two codes that interpolate() decodes.

import { fitMixture } from "./mixture.js";
import type { Random } from "./random.js";
import type { Prior } from "./types.js";

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
export function fitGaussian(codes: Float32Array, rows: number, d: number): { mean: number[]; std: number[]; chol: number[] } {
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
 * The prior of a model from its training codes (rows × d) and their per-dimension std: a VAE
 * samples N(0, I), a plain model the Gaussian fitted to its codes; both get the mixture.
 */
export async function fitPrior(codes: Float32Array, rows: number, d: number, variational: boolean, seed: number): Promise<{ prior: Prior; codeStd: number[] }> {
  const g = fitGaussian(codes, rows, d);
  const mixture = await fitMixture(codes, rows, d, seed);
  const prior = variational ? { mean: new Array<number>(d).fill(0), chol: null, mixture } : { mean: g.mean, chol: g.chol, mixture };
  return { prior, codeStd: g.std };
}

/** `n` codes of size `d` from the prior's Gaussian, spread scaled by `temperature`. */
export function drawGaussian(prior: Prior, n: number, d: number, temperature: number, rng: Random): Float32Array {
  const { mean, chol } = prior;
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
 * `steps` codes from `za` to `zb`, ends included: linear, or spherical (slerp) when
 * `spherical` (a VAE's codes live near a sphere).
 */
export function pathCodes(za: readonly number[], zb: readonly number[], steps: number, spherical: boolean): Float32Array {
  const d = za.length;
  const codes = new Float32Array(steps * d);
  let omega = 0;
  if (spherical) {
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
  return codes;
}
