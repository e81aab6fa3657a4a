// The toolkit's checks that only text models use (validate.ts has the rest): a method's
// options object, and values given directly as arguments (counts, rates). They live in the
// text chunk, loaded on the first text.train()/text.load(), not in the default entry.

import { invalidOption, show } from "../errors.js";
import { checkKeys, checkPlainObject } from "../validate.js";

/** Validates the options object of a method against its known keys. @internal */
export function methodOptions(raw: unknown, known: readonly string[], where: string): Record<string, unknown> {
  const o = checkPlainObject(raw, `${where} options`);
  checkKeys(o, known, where);
  return o;
}

/** A rate in [0, 1) given directly (not as an object key). @internal */
export function rate(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw invalidOption(`${name} must be a rate in [0, 1), got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}

/** A seed: an integer 0..2^53-1, or `dflt` when absent. @internal */
export function seedOf(obj: Record<string, unknown>, key: string, dflt: number): number {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
    throw invalidOption(`${key} must be an integer from 0 to 2^53-1, got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}

/** A count given directly: an integer in [min, max]. @internal */
export function count(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalidOption(`${name} must be an integer from ${min} to ${max}, got ${typeof v === "number" ? v : show(v)}.`);
  }
  return v;
}
