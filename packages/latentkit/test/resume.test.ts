// Resume exactly (issue #11): save({ optimizer: true }) keeps the optimiser's state (Adam's
// moments and step count, SGD's momentum; the shuffling follows from the seed and the step
// count), so fit(A); save; load; fit(B) gives the bytes of fit(A); fit(B) on the model that
// stayed in memory. The default file is unchanged (test/pinned-bytes.test.ts pins it).
//
// Numeric models only: the text generator exposes no fit(); the core's tests
// (crates/latentkit-core/tests/resume.rs) cover token models.

import { beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, init, load, train } from "../src/index.js";
import { crc32, randomRows } from "./helpers.js";

const A = randomRows(60, 8, 1);
const B = randomRows(45, 8, 2);

beforeAll(() => init());

const version = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);

/** The parameter count N of a model file (after the header). */
const paramCount = (bytes: Uint8Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return view.getUint32(16 + view.getUint32(12, true), true);
};

/** fit(A) then fit(B) three ways: in memory, through a file with the optimiser's state, through the default file. */
async function runs(trainOpts: Record<string, unknown>, fitOpts: Record<string, unknown>) {
  const kept = await train(A, { encoder: [6, 3], epochs: 2, batchSize: 8, seed: 3, ...trainOpts });
  const saved = kept.save({ optimizer: true });
  const plain = kept.save();
  expect(version(saved)).toBe(2);
  await kept.fit(B, fitOpts);
  const back = await load(saved);
  expect(back.save({ optimizer: true }), "load then save keeps the state byte for byte").toEqual(saved);
  await back.fit(B, fitOpts);
  const fresh = await load(plain);
  await fresh.fit(B, fitOpts);
  const out = { kept: kept.save({ optimizer: true }), resumed: back.save({ optimizer: true }), keptPlain: kept.save(), resumedPlain: back.save(), fresh: fresh.save() };
  for (const m of [kept, back, fresh]) m.dispose();
  return out;
}

describe("save({ optimizer: true }) then load and fit continues bit for bit", () => {
  for (const [name, trainOpts, fitOpts] of [
    ["adam", {}, { epochs: 2, batchSize: 8, seed: 3 }],
    ["adamw, another seed for the second fit", { optimizer: "adamw", weightDecay: 0.01 }, { epochs: 1, batchSize: 5, seed: 11, optimizer: "adamw", weightDecay: 0.01 }],
    ["sgd with momentum", { optimizer: "sgd", momentum: 0.9, learningRate: 0.01 }, { epochs: 2, batchSize: 8, optimizer: "sgd", momentum: 0.9, learningRate: 0.01 }],
    ["a variational model", { variational: true }, { epochs: 2, batchSize: 8 }],
  ] as const) {
    it(name, async () => {
      const r = await runs(trainOpts, fitOpts);
      expect(r.resumed).toEqual(r.kept);
      expect(r.resumedPlain).toEqual(r.keptPlain);
      // the state matters: without it the second fit starts a fresh optimiser, other weights
      expect(r.fresh).not.toEqual(r.keptPlain);
    });
  }
});

describe("the file with the optimiser's state", () => {
  it("is version 2 and about three times the default for Adam; the default file stays version 1", async () => {
    const m = await train(A, { encoder: [6, 3], epochs: 1, seed: 3 });
    const plain = m.save();
    const full = m.save({ optimizer: true });
    expect(version(plain)).toBe(1);
    expect(version(full)).toBe(2);
    const n = paramCount(plain);
    expect(paramCount(full)).toBe(n);
    expect(full.length).toBeGreaterThan(plain.length + 2 * 4 * n + 16); // m, v, β1ᵗ, β2ᵗ and the header's field
    expect(m.save({ optimizer: false })).toEqual(plain);
    m.dispose();
  });

  it("a model never trained has no state: the default file", async () => {
    const m = await train(A, { encoder: [6, 3], epochs: 1, seed: 3 });
    const back = await load(m.save()); // loaded without state
    expect(version(back.save({ optimizer: true }))).toBe(1);
    m.dispose();
    back.dispose();
  });

  it("a damaged moment under a correct CRC is CORRUPT_MODEL", async () => {
    const m = await train(A, { encoder: [6, 3], epochs: 1, seed: 3 });
    const bytes = m.save({ optimizer: true });
    m.dispose();
    // the first moment of the first parameter: m and v (4·N each), β1ᵗ, β2ᵗ (16) and the CRC (4) end the file
    const at = bytes.length - 4 - 16 - 2 * 4 * paramCount(bytes);
    new DataView(bytes.buffer).setFloat32(at, NaN, true);
    const crc = crc32(bytes.subarray(0, bytes.length - 4));
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc, true);
    await expect(load(bytes)).rejects.toMatchObject({ code: "CORRUPT_MODEL", message: expect.stringContaining("moment") });
  });

  it("bad options are INVALID_OPTION", async () => {
    const m = await train(A, { encoder: [6, 3], epochs: 1, seed: 3 });
    for (const bad of [null, 1, { optimizer: "yes" }]) {
      expect(() => m.save(bad as never)).toThrow(LatentkitError);
    }
    m.dispose();
  });
});
