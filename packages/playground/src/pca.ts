// A small principal component analysis by power iteration with deflation: enough to draw
// latent codes (a few dozen dimensions, a few thousand rows) on a 2D scatter plot.

export interface Pca {
  /** Number of input dimensions. */
  readonly cols: number;
  /** Mean of each input dimension (the data is centred on it). */
  readonly mean: Float64Array;
  /** The principal directions, unit length, strongest first (zero vectors when the data has no variance left). */
  readonly components: Float64Array[];
  /** Variance of the data along each component. */
  readonly variances: number[];
  /** Total variance of the data (trace of the covariance): `variances[i] / totalVariance` is the share explained. */
  readonly totalVariance: number;
}

/** A deterministic pseudo-random start vector (a start orthogonal to the answer would never move). */
function startVector(d: number, salt: number): Float64Array {
  const v = new Float64Array(d);
  let s = (0x9e3779b9 ^ (salt * 0x85ebca6b)) >>> 0;
  for (let j = 0; j < d; j++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    v[j] = s / 2 ** 32 - 0.5;
  }
  return v;
}

function normalize(v: Float64Array): number {
  let n = 0;
  for (let j = 0; j < v.length; j++) n += v[j]! * v[j]!;
  n = Math.sqrt(n);
  if (n > 0) for (let j = 0; j < v.length; j++) v[j]! /= n;
  return n;
}

/**
 * The first `k` principal components of `rows` × `cols` row-major data.
 * Each component: power iteration on the covariance matrix, which is then deflated.
 */
export function pca(data: ArrayLike<number>, rows: number, cols: number, k = 2, maxIterations = 500): Pca {
  if (data.length !== rows * cols) throw new Error(`pca: ${data.length} values are not ${rows} × ${cols}`);
  const d = cols;
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j]! += data[r * d + j]!;
  if (rows > 0) for (let j = 0; j < d; j++) mean[j]! /= rows;

  // Covariance (d × d, symmetric).
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) x[j] = data[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      for (let j = i; j < d; j++) cov[i * d + j]! += xi * x[j]!;
    }
  }
  const denom = Math.max(1, rows - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      cov[i * d + j]! /= denom;
      cov[j * d + i] = cov[i * d + j]!;
    }
  }
  let totalVariance = 0;
  for (let i = 0; i < d; i++) totalVariance += cov[i * d + i]!;

  const components: Float64Array[] = [];
  const variances: number[] = [];
  const next = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const v = startVector(d, c + 1);
    normalize(v);
    let lambda = 0;
    for (let it = 0; it < maxIterations; it++) {
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += cov[i * d + j]! * v[j]!;
        next[i] = s;
      }
      lambda = normalize(next);
      if (lambda === 0 || !Number.isFinite(lambda)) break;
      let diff = 0;
      for (let j = 0; j < d; j++) diff = Math.max(diff, Math.abs(next[j]! - v[j]!));
      v.set(next);
      if (diff < 1e-10) break;
    }
    if (!(lambda > 1e-12 * Math.max(1, totalVariance))) {
      components.push(new Float64Array(d));
      variances.push(0);
      continue;
    }
    // Rayleigh quotient: the variance along v.
    let rq = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += cov[i * d + j]! * v[j]!;
      rq += v[i]! * s;
    }
    // A stable orientation: the largest coordinate is positive.
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    if (v[big]! < 0) for (let j = 0; j < d; j++) v[j] = -v[j]!;
    components.push(v);
    variances.push(rq);
    // Deflate: remove this direction's variance.
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j]! -= rq * v[i]! * v[j]!;
  }
  return { cols: d, mean, components, variances, totalVariance };
}

/** Coordinates of `rows` × `cols` data along the components: `rows` × `k` row-major. */
export function project(p: Pca, data: ArrayLike<number>, rows: number): Float32Array {
  const d = p.cols;
  const k = p.components.length;
  if (data.length !== rows * d) throw new Error(`project: ${data.length} values are not ${rows} × ${d}`);
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < k; c++) {
      const v = p.components[c]!;
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[r * d + j]! - p.mean[j]!) * v[j]!;
      out[r * k + c] = s;
    }
  }
  return out;
}
