// Seeded randomness that gives the same numbers in every JavaScript runtime: a 32-bit PRNG
// and a logarithm / exponential written with + − × ÷ and comparisons only (IEEE-754 exact in
// every engine; Math.log and Math.exp are implementation-approximated and may differ in the
// last bit between engines, which would change sampled tokens).

import { mulberry32 } from "../mulberry32.js";

const LN2_HI = 0.6931471803691238; // high bits of ln 2 (exact product with small integers)
const LN2_LO = 1.9082149292705877e-10; // ln 2 - LN2_HI
const LN2 = 0.6931471805599453;
const TWO32 = 4294967296;

/** Natural logarithm using basic arithmetic only (≤ ~1 ulp off Math.log). @internal */
export function detLog(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  while (x >= TWO32) {
    x /= TWO32;
    e += 32;
  }
  while (x < 1 / TWO32) {
    x *= TWO32;
    e -= 32;
  }
  while (x >= 2) {
    x /= 2;
    e += 1;
  }
  while (x < 1) {
    x *= 2;
    e -= 1;
  }
  if (x > 1.4142135623730951) {
    x /= 2;
    e += 1;
  }
  // ln x = 2 atanh(s), s = (x-1)/(x+1), |s| <= 0.1716
  const s = (x - 1) / (x + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k <= 41; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return e * LN2_HI + (2 * sum + e * LN2_LO);
}

/** e^x using basic arithmetic only. @internal */
export function detExp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.78) return Infinity;
  if (x < -745.2) return 0;
  const k = Math.round(x / LN2); // Math.round is exact
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= ~0.347
  let sum = 1;
  let term = 1;
  for (let i = 1; i <= 18; i++) {
    term = (term * r) / i;
    sum += term;
  }
  let y = sum;
  let n = k;
  while (n >= 30) {
    y *= 1073741824;
    n -= 30;
  }
  while (n <= -30) {
    y /= 1073741824;
    n += 30;
  }
  while (n > 0) {
    y *= 2;
    n--;
  }
  while (n < 0) {
    y /= 2;
    n++;
  }
  return y;
}

/** A seeded PRNG (mulberry32, 53-bit floats) with standard normal draws. @internal */
export class Random {
  readonly #next32: () => number;
  #spare: number | null = null;

  constructor(seed: number) {
    // Fold a seed of up to 53 bits into 32.
    const hi = Math.floor(seed / TWO32);
    this.#next32 = mulberry32(((seed >>> 0) ^ Math.imul(hi >>> 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    const a = this.#next32() >>> 5; // 27 bits
    const b = this.#next32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * detLog(s)) / s); // sqrt is exact in IEEE-754
        this.#spare = v * f;
        return u * f;
      }
    }
  }
}
