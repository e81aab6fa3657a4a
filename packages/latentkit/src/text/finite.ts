// Numbers that stay finite as float32. The core computes in f32, so a number a text model
// keeps in its meta (prior, code spread) that is finite in f64 but beyond ±3.4028235e38
// becomes Infinity there: both fitting (prior.ts) and loading (meta-check.ts) test this.

/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/** Whether `x` is a number that is finite as float32. @internal */
export function isF32(x: unknown): x is number {
  return typeof x === "number" && x >= -F32_MAX && x <= F32_MAX;
}

/**
 * Largest magnitude of a value a text model keeps about its codes (prior means and factors,
 * mixture, code spread). Far beyond any trained model's codes, and small enough that a draw
 * (mean + temperature × Σ factor × N(0, 1) over up to 4,096 dimensions) stays finite in
 * float32 at every ordinary temperature.
 */
export const MAX_CODE = 1e18;

/** Whether `x` is a number of magnitude at most {@link MAX_CODE}. @internal */
export function isCode(x: unknown): x is number {
  return typeof x === "number" && x >= -MAX_CODE && x <= MAX_CODE;
}
