// Property-based tests (fast-check) of the numeric API's inputs (issue #11): matrices of every
// shape and representation with non-finite and non-number values, sizes at the documented
// limits, option values in and out of range. Property: a correct result for valid input, a
// LatentkitError with a documented code for anything else, and the model unchanged after it.
//
// Seeded: LATENTKIT_PROP_SEED (default below) reproduces a run; fast-check prints the seed and
// the path of a failing case.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Autoencoder, create, init, LatentkitError, load, train } from "../src/index.js";
import { randomRows } from "./helpers.js";
import { matrixInput, outcome, propertyRun as run } from "./properties/common.js";

const INPUT = 6;
const LATENT = 2;

let model: Autoencoder;
let digest: string;

beforeAll(async () => {
  await init();
  model = await train(randomRows(24, INPUT, 2), { encoder: [4, LATENT], epochs: 1, seed: 5 });
  digest = model.weightsDigest();
});

function finite(a: Float32Array): boolean {
  return a.every((v) => Number.isFinite(v));
}

describe("matrix inputs", () => {
  it("encode, reconstruct, score and evaluate: valid data gives a right result, anything else a documented error; the model is unchanged", () => {
    fc.assert(
      fc.property(matrixInput(INPUT), fc.constantFrom("encode", "reconstruct", "score", "evaluate"), ({ input, valid }, fn) => {
        let out: unknown;
        const e = outcome(() => (out = (model as any)[fn](input)));
        if (valid) expect(e?.message, "valid data was refused").toBeUndefined();
        if (!e) {
          if (fn === "encode") expect((out as { cols: number }).cols).toBe(LATENT);
          if (fn === "reconstruct") expect((out as { cols: number }).cols).toBe(INPUT);
          if (fn === "evaluate") expect(Number.isFinite((out as { loss: number }).loss)).toBe(true);
          else expect(finite(fn === "score" ? (out as Float32Array) : (out as { data: Float32Array }).data)).toBe(true);
        } else {
          expect(["SHAPE_MISMATCH", "NON_FINITE_INPUT", "EMPTY_DATA", "INVALID_OPTION"]).toContain(e.code);
        }
        expect(model.weightsDigest()).toBe(digest);
      }),
      run(400),
    );
  });

  it("decode: the same for codes", () => {
    fc.assert(
      fc.property(matrixInput(LATENT), ({ input, valid }) => {
        let out: { rows: number; cols: number; data: Float32Array } | undefined;
        const e = outcome(() => (out = model.decode(input as never)));
        if (valid) expect(e?.message).toBeUndefined();
        if (out) expect(out.data.length === out.rows * INPUT && finite(out.data)).toBe(true);
        expect(model.weightsDigest()).toBe(digest);
      }),
      run(200),
    );
  });

  it("more than 2^28 values: TOO_LARGE before a value is read", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2 ** 28 + 1, max: 2 ** 31 }), (n) => {
        const rows = Math.ceil(n / INPUT);
        const data = new Proxy({ length: rows * INPUT }, { get: (t, k) => (k === "length" ? t.length : 0) });
        expect(outcome(() => model.encode({ data, rows, cols: INPUT }))?.code).toBe("TOO_LARGE");
      }),
      run(20),
    );
  });
});

describe("model sizes at the limits", () => {
  const WIDTH = fc.constantFrom<unknown>(1, 2, 65536, 65537, 0, -3, 2.5, NaN, "4");
  it("create(): INVALID_OPTION / TOO_LARGE, or a model of the asked shape", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<unknown>(1, 2, 65536, 65537, 0, -1, 1.5, NaN, "6"),
        fc.array(WIDTH, { minLength: 0, maxLength: 3 }),
        fc.constantFrom(0, 1, 62, 63, 64),
        (inputSize, widths, pad) => {
          const encoder = [...new Array(pad).fill(1), ...widths];
          let m: Autoencoder | undefined;
          const e = outcome(() => (m = create(inputSize as number, { encoder: encoder as number[] })));
          if (e) expect(["INVALID_OPTION", "TOO_LARGE"]).toContain(e.code);
          else {
            expect(m!.inputSize).toBe(inputSize);
            expect(m!.latentSize).toBe(encoder[encoder.length - 1] ?? m!.latentSize);
            m!.dispose();
          }
        },
      ),
      run(150),
    );
  });

  it("parameters just over 2^25: TOO_LARGE", () => {
    expect(outcome(() => create(512, { encoder: [32768] }))?.code).toBe("TOO_LARGE");
    expect(outcome(() => create(65536, { encoder: [512] }))?.code).toBe("TOO_LARGE");
  });
});

describe("training options", () => {
  const VALUES: Record<string, unknown[]> = {
    epochs: [1, 2, 0, -1, 1.5, NaN, Infinity, 1_000_001, "2"],
    batchSize: [1, 8, 65536, 0, 65537, 2.5, -1, null],
    learningRate: [1e-3, 1e-2, 0, -1, NaN, Infinity, "0.1"],
    validationSplit: [0, 0.25, 1, -0.1, NaN],
    clipNorm: [1, 0, -1, NaN, Infinity],
    seed: [0, 7, Number.MAX_SAFE_INTEGER, -1, 2 ** 53, 1.5],
    optimizer: ["adam", "sgd", "adamw", "Adam", 3],
    noise: [{ gaussian: 0.1 }, { mask: 0.5 }, { mask: 1 }, { gaussian: -1 }, 0.1, "x"],
    earlyStopping: [true, { patience: 1 }, { patience: -1 }, { minDelta: NaN }, 5],
    bogusOption: [1],
  };
  const options = fc.dictionary(fc.constantFrom(...Object.keys(VALUES)), fc.nat(), { maxKeys: 3 }).map((d) => {
    const o: Record<string, unknown> = {};
    for (const [k, i] of Object.entries(d)) o[k] = VALUES[k]![i % VALUES[k]!.length];
    o.epochs ??= 1;
    return o;
  });

  it("fit(): INVALID_OPTION with the model unchanged, or training", async () => {
    const data = randomRows(24, INPUT, 3);
    await fc.assert(
      fc.asyncProperty(options, async (o) => {
        const m = await load(model.save());
        const before = m.weightsDigest();
        const epochs = m.history.length;
        try {
          await m.fit(data, o as never);
          expect(m.history.length).toBeGreaterThan(epochs);
        } catch (e) {
          expect(e).toBeInstanceOf(LatentkitError);
          expect((e as LatentkitError).code, (e as Error).message).toBe("INVALID_OPTION");
          expect(m.weightsDigest()).toBe(before);
          expect(m.history.length).toBe(epochs);
        } finally {
          m.dispose();
        }
      }),
      run(120),
    );
  });
});

describe("load() of anything", () => {
  it("random bytes and non-bytes: CORRUPT_MODEL or INVALID_OPTION", async () => {
    const junk = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([...new TextEncoder().encode("LATENTKT"), 1, 0, 0, 0, ...b])),
      fc.constantFrom<unknown>(null, undefined, 5, "LATENTKT", {}, [1, 2], new ArrayBuffer(3), new DataView(new ArrayBuffer(20))),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (b) => {
        await expect(load(b as Uint8Array)).rejects.toSatisfy(
          (e: unknown) => e instanceof LatentkitError && (e.code === "CORRUPT_MODEL" || e.code === "INVALID_OPTION"),
        );
      }),
      run(300),
    );
    expect(model.weightsDigest()).toBe(digest);
  });
});
