// Numbers that stay finite as float32. The core computes in f32, so a number a text model
// keeps in its meta (prior, code spread) that is finite in f64 but beyond ±3.4028235e38
// becomes Infinity there: both fitting (prior.ts) and loading (meta-check.ts) test this.

/** The largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;

/** Whether `x` is a number that is finite as float32. @internal */
export function isF32(x: unknown): x is number {
  return typeof x === "number" && x >= -F32_MAX && x <= F32_MAX;
}
