// A mixture of diagonal Gaussians fitted to a text model's training codes, to sample where
// the codes actually are ("ex-post density estimation", Ghosh et al. 2020, "From Variational
// to Deterministic Autoencoders"). A VAE's codes do not fill its N(0, I) prior evenly, and a
// plain model's are far from one Gaussian: draws from the gaps decode to texts unlike the
// corpus. Fitted with seeded k-means in f64 arithmetic only, so every runtime gets the same
// mixture from the same codes.

import type { Slices } from "../yield.js";
import { Random } from "./random.js";

/** K components over a d-dimensional latent space. */
export interface Mixture {
  /** Share of the training codes in each component (sums to 1). */
  weights: number[];
  /** Component means, K × d, row-major. */
  means: number[];
  /** Per-dimension standard deviations of each component, K × d. */
  stds: number[];
}

/** Most components; the corpus gives one per 100 texts below that. */
export const MAX_COMPONENTS = 256;
/** Codes the fit looks at, at most (evenly spaced rows of a larger corpus). */
const MAX_FIT_ROWS = 20_000;
const ITERATIONS = 10;

/**
 * Fits a mixture to `rows` codes of `d` values (seeded k-means, then each cluster's spread).
 * A large corpus takes seconds, so it yields to the event loop every ~15 ms (and throws
 * ABORTED there when the signal of `slices` fired). Bounded: ITERATIONS rounds of k-means.
 */
export async function fitMixture(codes: Float32Array, rows: number, d: number, seed: number, slices: Slices): Promise<Mixture> {
  const stride = Math.ceil(rows / MAX_FIT_ROWS);
  const n = Math.ceil(rows / stride);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = codes[i * stride * d + j]!;
  const k = Math.min(MAX_COMPONENTS, Math.max(1, Math.floor(n / 100)));

  // Initial centres: k distinct rows drawn with the seed.
  const rng = new Random(seed);
  const taken = new Set<number>();
  const centres = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    let r = Math.floor(rng.uniform() * n);
    while (taken.has(r)) r = (r + 1) % n;
    taken.add(r);
    centres.set(x.subarray(r * d, (r + 1) * d), c * d);
  }

  const assign = new Int32Array(n);
  const count = new Float64Array(k);
  const sums = new Float64Array(k * d);
  for (let it = 0; it < ITERATIONS; it++) {
    await nearest(x, n, d, centres, k, assign, slices);
    count.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      count[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += x[i * d + j]!;
    }
    // an empty cluster keeps its centre
    for (let c = 0; c < k; c++) if (count[c]! > 0) for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j]! / count[c]!;
  }
  await nearest(x, n, d, centres, k, assign, slices);

  // Each cluster's spread, floored at a thousandth of the codes' own spread so a cluster of
  // identical codes still has a proper distribution.
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const t = x[i * d + j]! - mean[j]!; // t * t, not t ** 2: Math.pow may differ between engines
      sq[j]! += (t * t) / n;
    }
  }
  count.fill(0);
  const vars = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const c = assign[i]!;
    count[c]!++;
    for (let j = 0; j < d; j++) {
      const t = x[i * d + j]! - centres[c * d + j]!;
      vars[c * d + j]! += t * t;
    }
  }
  const out: Mixture = { weights: [], means: [], stds: [] };
  for (let c = 0; c < k; c++) {
    if (count[c] === 0) continue;
    out.weights.push(count[c]! / n);
    for (let j = 0; j < d; j++) {
      out.means.push(centres[c * d + j]!);
      out.stds.push(Math.max(Math.sqrt(vars[c * d + j]! / count[c]!), 1e-3 * Math.sqrt(sq[j]!) + 1e-6));
    }
  }
  return out;
}

/** assign[i] = the centre nearest to row i (squared distance; ties to the lower index). */
async function nearest(x: Float64Array, n: number, d: number, centres: Float64Array, k: number, assign: Int32Array, slices: Slices): Promise<void> {
  for (let i = 0; i < n; i++) {
    if ((i & 15) === 0 && slices.due()) await slices.pause();
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d && s < bestD; j++) {
        const t = x[i * d + j]! - centres[c * d + j]!;
        s += t * t;
      }
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    assign[i] = best;
  }
}

/** Row `r` of `out` (d values): a component drawn by weight, then its mean + temperature × std × N(0, 1). */
export function drawFromMixture(m: Mixture, d: number, temperature: number, rng: Random, out: Float32Array, r: number): void {
  let u = rng.uniform();
  let c = m.weights.length - 1;
  for (let i = 0; i < m.weights.length; i++) {
    u -= m.weights[i]!;
    if (u < 0) {
      c = i;
      break;
    }
  }
  for (let j = 0; j < d; j++) out[r * d + j] = m.means[c * d + j]! + temperature * m.stds[c * d + j]! * rng.normal();
}
