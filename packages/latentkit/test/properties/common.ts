// What the property tests (test/properties-*.test.ts) share: the seed, the error check, and
// arbitraries.

import fc from "fast-check";
import { expect } from "vitest";
import { LatentkitError } from "../../src/index.js";
import { ERROR_CODES } from "../../src/errors.js";

/** The seed of every property (LATENTKIT_PROP_SEED overrides it; fast-check prints it on failure). */
export const PROPERTY_SEED = Number(process.env.LATENTKIT_PROP_SEED ?? 112026);

/** fast-check parameters: the seed and `numRuns` cases. */
export const propertyRun = (numRuns: number) => ({ seed: PROPERTY_SEED, numRuns });

const DOCUMENTED = new Set<string>(ERROR_CODES.filter((c) => c !== "INTERNAL"));

/** Runs `f`: the error it throws, or undefined; asserts any error is a documented LatentkitError. */
export function outcome(f: () => unknown): LatentkitError | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e, `threw ${String(e)}`).toBeInstanceOf(LatentkitError);
    expect(DOCUMENTED.has((e as LatentkitError).code), (e as Error).message).toBe(true);
    return e as LatentkitError;
  }
}


// Moderate finite values: values near the float32 maximum may overflow inside the network,
// which is NON_FINITE_INPUT (test/properties-extreme-values.test.ts covers them).
export const FINITE = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, -0, 1e-45, -1e-45));
export const BAD_VALUE = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 3.5e38, -1e39, "1", null, undefined, {}, 1n);

/** A data argument and whether it is valid for `cols` columns. */
export const matrixInput = (cols: number, finite = FINITE) =>
  fc
    .record({
      rows: fc.constantFrom(0, 1, 2, 3, 17),
      cols: fc.constantFrom(0, cols - 1, cols, cols + 1),
      form: fc.constantFrom("rows", "f32rows", "matrix", "matrixArray", "ragged", "bogus"),
      bad: fc.option(fc.tuple(fc.nat(), BAD_VALUE), { freq: 3 }),
      values: fc.array(finite, { minLength: 64, maxLength: 64 }),
      bogus: fc.constantFrom<unknown>(null, 5, "x", {}, [], [null], { data: null, rows: 1, cols }, { data: [], rows: -1, cols }, { data: new Float32Array(cols), rows: 1.5, cols }),
    })
    .map(({ rows, cols: c, form, bad, values, bogus }) => {
      const flat: unknown[] = Array.from({ length: rows * c }, (_, i) => values[i % values.length]);
      if (bad && flat.length) flat[bad[0] % flat.length] = bad[1];
      const valid = rows > 0 && c === cols && !(bad && flat.length) && form !== "ragged" && form !== "bogus";
      const rowsOf = () => Array.from({ length: rows }, (_, r) => flat.slice(r * c, (r + 1) * c));
      // A typed array holds numbers only (what else is bad becomes NaN); every bad number is
      // non-finite in float32, so validity is the same.
      const f32 = (a: unknown[]) => Float32Array.from(a, (x) => (typeof x === "number" ? x : NaN));
      let input: unknown;
      if (form === "rows") input = rowsOf();
      else if (form === "f32rows") input = rowsOf().map(f32);
      else if (form === "matrix") input = { data: f32(flat), rows, cols: c };
      else if (form === "matrixArray") input = { data: flat, rows, cols: c };
      else if (form === "ragged") input = [...rowsOf(), new Array(c + 1).fill(0)];
      else input = bogus;
      return { input, valid };
    });

