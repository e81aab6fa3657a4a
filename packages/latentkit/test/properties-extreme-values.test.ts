// Issue #11, "no silent NaN reaches the user": finite float32 inputs near the maximum
// (±3.4e38) can overflow inside the network; encode, decode and reconstruct then refuse with
// NON_FINITE_INPUT ("… overflowed float32: scale the data") instead of returning Infinity/NaN.

import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { init, train, type Autoencoder } from "../src/index.js";
import { randomRows } from "./helpers.js";
import { matrixInput, outcome, propertyRun } from "./properties/common.js";

const HUGE = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(3.4e38, -3.4e38, 1e38, -1e38));
let model: Autoencoder;

beforeAll(async () => {
  await init();
  model = await train(randomRows(24, 6, 2), { encoder: [4, 2], epochs: 1, seed: 5 });
});

it("finite inputs near the float32 maximum: a finite result or a documented error, never a silent Infinity/NaN", () => {
  fc.assert(
    fc.property(matrixInput(6, HUGE), fc.constantFrom("encode", "reconstruct"), ({ input }, fn) => {
      let out: { data: Float32Array } | undefined;
      outcome(() => (out = (model as any)[fn](input)));
      if (out) expect(out.data.every((v) => Number.isFinite(v)), `${fn} returned non-finite values`).toBe(true);
    }),
    propertyRun(300),
  );
  fc.assert(
    fc.property(matrixInput(2, HUGE), ({ input }) => {
      let out: { data: Float32Array } | undefined;
      outcome(() => (out = model.decode(input as never)));
      if (out) expect(out.data.every((v) => Number.isFinite(v)), "decode returned non-finite values").toBe(true);
    }),
    propertyRun(300),
  );
});
