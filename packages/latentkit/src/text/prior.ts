// The sampling distribution of a text model: the Gaussian fitted to the training codes (a
// plain model's prior; a VAE's is N(0, I)), the mixture beside it, draws from them, and the
// path between two codes that interpolate() decodes.

import { LatentkitError } from "../errors.js";
import type { Slices } from "../yield.js";
import { isCode, isF32 } from "./finite.js";
import { fitMixture } from "./mixture.js";
import type { Random } from "./random.js";
import type { Prior } from "./types.js";

/** Smallest code spread kept (a model file's codeStd must be positive). */
const MIN_STD = 1e-6;
/** Most tries of the ridge, ×10 each (1e-8 relative to 1e32 covers every finite covariance). */
const RIDGE_TRIES = 40;

function diverged(why: string): LatentkitError {
  return new LatentkitError(
    "DIVERGED",
    `Training diverged: ${why}, so no sampling distribution can be fitted. Lower learningRate or set clipNorm, and train again.`,
  );
}

/** Cholesky factor of a symmetric positive definite n × n matrix (row-major), or null. */
async function cholesky(a: Float64Array, n: number, slices: Slices): Promise<Float64Array | null> {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (slices.due()) await slices.pause();
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

/** Mean and covariance (lower triangle mirrored) of rows × d codes, in f64. */
async function moments(codes: Float32Array, rows: number, d: number, slices: Slices): Promise<{ mean: Float64Array; cov: Float64Array }> {
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j]! += codes[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= rows;
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    if (slices.due()) await slices.pause();
    for (let j = 0; j < d; j++) x[j] = codes[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      for (let j = 0; j <= i; j++) cov[i * d + j]! += xi * x[j]!;
    }
  }
  const denom = Math.max(1, rows - 1);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      cov[i * d + j]! /= denom;
      cov[j * d + i] = cov[i * d + j]!;
    }
  }
  return { mean, cov };
}

/**
 * Mean, per-dimension std and a ridge-regularised Cholesky factor of the codes. DIVERGED when
 * the codes (or what follows from them) are not finite in float32: a diverged model's codes
 * must never reach the ridge loop, whose ridge would be NaN.
 */
export async function fitGaussian(codes: Float32Array, rows: number, d: number, slices: Slices): Promise<{ mean: number[]; std: number[]; chol: number[] }> {
  for (let i = 0; i < rows * d; i++) if (!isF32(codes[i])) throw diverged(`the model's code of training text ${Math.floor(i / d)} is ${codes[i]}`);
  const { mean, cov } = await moments(codes, rows, d, slices);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i]!;
  // floored: a dimension where every code is the same (one text) still has a positive spread
  const std = Array.from({ length: d }, (_, j) => Math.max(Math.sqrt(cov[j * d + j]!), MIN_STD));
  let ridge = 1e-4 * (trace / d) + 1e-8;
  for (let t = 0; t < RIDGE_TRIES && Number.isFinite(ridge); t++, ridge *= 10) {
    const a = cov.slice();
    for (let i = 0; i < d; i++) a[i * d + i]! += ridge;
    const l = await cholesky(a, d, slices);
    if (!l) continue;
    const fitted = { mean: Array.from(mean), std, chol: Array.from(l) };
    if (![fitted.mean, fitted.std, fitted.chol].every((v) => v.every(isCode))) break;
    return fitted;
  }
  throw diverged("the model's codes are too far out (beyond ±1e18) to fit a Gaussian to them");
}

/**
 * The prior of a model from its training codes (rows × d) and their per-dimension std: a VAE
 * samples N(0, I), a plain model the Gaussian fitted to its codes; both get the mixture.
 * Yields every ~15 ms and honours the signal of `slices` (ABORTED).
 */
export async function fitPrior(codes: Float32Array, rows: number, d: number, variational: boolean, seed: number, slices: Slices): Promise<{ prior: Prior; codeStd: number[] }> {
  const g = await fitGaussian(codes, rows, d, slices);
  const mixture = await fitMixture(codes, rows, d, seed, slices);
  if (![mixture.means, mixture.stds].every((v) => v.every(isCode))) throw diverged("the model's codes are too far out (beyond ±1e18) for a mixture");
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
