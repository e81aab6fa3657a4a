import { beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, create, decode, encode, init, load, train, type Autoencoder } from "../src/index.js";
import { fromWasmError } from "../src/wasm.js";
import { bitEqual, randomRows } from "./helpers.js";

const X = randomRows(40, 5, 21);

/** Runs `fn` and returns the LatentkitError it throws (fails if it does not). */
function caught(fn: () => unknown): LatentkitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LatentkitError);
    expect((e as Error).name).toBe("LatentkitError");
    return e as LatentkitError;
  }
  throw new Error("expected a LatentkitError, nothing was thrown");
}

async function rejected(p: Promise<unknown>): Promise<LatentkitError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LatentkitError);
    return e as LatentkitError;
  }
  throw new Error("expected a rejection with LatentkitError");
}

let model: Autoencoder;
let digest: string;
let reference: Float32Array;

beforeAll(async () => {
  await init();
  model = await train(X, { encoder: [4, 3], epochs: 2 });
  digest = model.weightsDigest();
  reference = model.reconstruct(X).data;
});

/** The shared model must be exactly as before after every error. */
function expectUnchanged() {
  expect(model.weightsDigest()).toBe(digest);
  expect(bitEqual(model.reconstruct(X).data, reference)).toBe(true);
}

describe("LatentkitError", () => {
  it("is an Error with name, code and cause", () => {
    const e = new LatentkitError("EMPTY_DATA", "m", { cause: 1 });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(LatentkitError);
    expect(e.code).toBe("EMPTY_DATA");
    expect((e as { cause?: unknown }).cause).toBe(1);
    expect({}).not.toBeInstanceOf(LatentkitError);
    expect(new Error("x")).not.toBeInstanceOf(LatentkitError);
  });

  it("wraps foreign throwables from the core as INTERNAL", () => {
    // (a WebAssembly.RuntimeError, a trap, poisons the core for good: test/trap.test.ts)
    const e = fromWasmError(new TypeError("boom"));
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toMatch(/latentkit bug; please report/);
    const coded = Object.assign(new Error("bad shape"), { code: "SHAPE_MISMATCH" });
    expect(fromWasmError(coded).code).toBe("SHAPE_MISMATCH");
    const unknownCode = Object.assign(new Error("?"), { code: "WHAT" });
    expect(fromWasmError(unknownCode).code).toBe("INTERNAL");
  });
});

describe("SHAPE_MISMATCH", () => {
  it("wrong column count names the model's size", () => {
    const e = caught(() => model.encode(randomRows(3, 4)));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toMatch(/4 columns.*inputSize is 5/);
    expect(caught(() => decode(model, [[1, 2]])).code).toBe("SHAPE_MISMATCH");
    expectUnchanged();
  });
  it("ragged rows name the row index", () => {
    const rows = randomRows(5, 5);
    rows[3] = [1, 2, 3];
    const e = caught(() => model.score(rows));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toMatch(/row 3 has 3 values/);
    expectUnchanged();
  });
  it("data.length !== rows * cols", () => {
    const e = caught(() => model.encode({ data: new Float32Array(9), rows: 2, cols: 5 }));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toMatch(/length 9.*2 \* 5 = 10/);
  });
});

describe("NON_FINITE_INPUT", () => {
  it("names row and column of NaN / Infinity, and leaves the model intact", () => {
    const rows = randomRows(6, 5);
    rows[4]![2] = NaN;
    const e = caught(() => encode(model, rows));
    expect(e.code).toBe("NON_FINITE_INPUT");
    expect(e.message).toMatch(/row 4, column 2 is NaN/);
    const flat = new Float32Array(10);
    flat[7] = Infinity;
    const e2 = caught(() => model.reconstruct({ data: flat, rows: 2, cols: 5 }));
    expect(e2.message).toMatch(/row 1, column 2 is Infinity/);
    rows[4]![2] = 1e39; // finite in float64, not in float32
    expect(caught(() => model.encode(rows)).message).toMatch(/too large for float32/);
    expectUnchanged();
  });
  it("rejects non-numbers", () => {
    const e = caught(() => model.encode([[1, 2, "3", 4, 5] as unknown as number[]]));
    expect(e.code).toBe("NON_FINITE_INPUT");
    expect(e.message).toMatch(/row 0, column 2/);
  });
  it("in training data rejects before any work", async () => {
    const rows = randomRows(10, 5);
    rows[9]![0] = -Infinity;
    expect((await rejected(model.fit(rows))).code).toBe("NON_FINITE_INPUT");
    expect((await rejected(train(rows))).code).toBe("NON_FINITE_INPUT");
    expectUnchanged();
    expect(model.history).toHaveLength(2);
  });
});

describe("EMPTY_DATA", () => {
  it("no rows, no columns", async () => {
    expect(caught(() => model.encode([])).code).toBe("EMPTY_DATA");
    expect(caught(() => model.encode({ data: new Float32Array(0), rows: 0, cols: 5 })).code).toBe("EMPTY_DATA");
    expect((await rejected(train([[]]))).code).toBe("EMPTY_DATA");
    expect((await rejected(train([]))).code).toBe("EMPTY_DATA");
    expectUnchanged();
  });
});

describe("INVALID_OPTION", () => {
  it("unknown key suggests the closest name", async () => {
    const e = await rejected(train(X, { learningrate: 0.1 } as never));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/Unknown train\(\) option "learningrate"\. Did you mean "learningRate"\?/);
    const e2 = await rejected(train(X, { batchsize: 3 } as never));
    expect(e2.message).toMatch(/Did you mean "batchSize"/);
    const e3 = await rejected(train(X, { earlyStopping: { patiense: 2 } } as never));
    expect(e3.message).toMatch(/"patiense".*"patience"/);
  });
  it("wrong types and ranges name the option", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ batchSize: "32" }, /batchSize must be an integer >= 1/],
      [{ batchSize: 0 }, /batchSize/],
      [{ batchSize: 2.5 }, /batchSize/],
      [{ learningRate: -1 }, /learningRate must be a finite number > 0/],
      [{ learningRate: NaN }, /learningRate/],
      [{ learningRate: Infinity }, /learningRate/],
      [{ epochs: 0 }, /epochs/],
      [{ encoder: [] }, /encoder/],
      [{ encoder: [0] }, /encoder\[0\]/],
      [{ encoder: [3, 70000] }, /encoder\[1\].*1\.\.65536/],
      [{ encoder: "32" }, /encoder must be an array/],
      [{ decoder: [1.5] }, /decoder\[0\]/],
      [{ activation: "Relu" }, /activation must be one of.*Did you mean "relu"/],
      [{ optimizer: "adagrad" }, /optimizer/],
      [{ loss: "bce", outputActivation: "linear" }, /bce.*sigmoid/],
      [{ seed: -1 }, /seed/],
      [{ shuffle: 1 }, /shuffle must be true or false/],
      [{ validationSplit: 1 }, /validationSplit/],
      [{ validationSplit: 0.5, validationData: X }, /validationSplit and validationData/],
      [{ validationSplit: 0.99 }, /validationSplit 0.99 of 40 rows/],
      [{ clipNorm: 0 }, /clipNorm/],
      [{ earlyStopping: "yes" }, /earlyStopping must be/],
      [{ earlyStopping: { monitor: "valLoss" } }, /valLoss.*needs validation data/],
      [{ onEpochEnd: 3 }, /onEpochEnd must be a function/],
      [{ signal: {} }, /signal must be an AbortSignal/],
      [{ optimizer: "sgd", beta1: 0.5 }, /beta1 only applies/],
      [{ momentum: 0.9 }, /momentum only applies to optimizer "sgd"/],
    ];
    for (const [opts, re] of cases) {
      const e = await rejected(train(X, opts as never));
      expect(e.code, JSON.stringify(opts)).toBe("INVALID_OPTION");
      expect(e.message).toMatch(re);
    }
  });
  it("non-data arguments", async () => {
    expect(caught(() => model.encode("abc" as never)).code).toBe("INVALID_OPTION");
    expect(caught(() => model.encode({ data: new Float32Array(4), rows: -2, cols: 2 })).message).toMatch(/data\.rows must be a positive integer/);
    expect(caught(() => encode({} as never, X)).code).toBe("INVALID_OPTION");
    expect((await rejected(load("bytes" as never))).code).toBe("INVALID_OPTION");
    expect((await rejected(load(null as never))).code).toBe("INVALID_OPTION");
    expect(caught(() => create(0)).code).toBe("INVALID_OPTION");
    expectUnchanged();
  });
  it("bce data outside [0, 1] is refused by the core and leaves the model intact", async () => {
    const m = create(5, { encoder: [2], loss: "bce" });
    const d0 = m.weightsDigest();
    const rows = randomRows(8, 5);
    rows[2]![1] = 1.5;
    const e = await rejected(m.fit(rows));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/row 2, column 1/);
    expect(m.weightsDigest()).toBe(d0);
    await m.fit(randomRows(8, 5), { epochs: 1 }); // still usable
    m.dispose();
  });
});

describe("TOO_LARGE", () => {
  it("refuses absurd data before allocating", async () => {
    const e = caught(() => model.encode({ data: new Float32Array(0), rows: 2 ** 20, cols: 2 ** 9 }));
    expect(e.code).toBe("TOO_LARGE");
    const row = new Array(600).fill(0.5);
    const rows = new Array(2 ** 19).fill(row);
    expect((await rejected(train(rows))).code).toBe("TOO_LARGE");
    expectUnchanged();
  });
  it("refuses absurd models", async () => {
    const e = await rejected(train(X, { encoder: [65536, 65536] }));
    expect(e.code).toBe("TOO_LARGE");
    expect(e.message).toMatch(/parameters/);
    expect(caught(() => create(5, { encoder: new Array(64).fill(2) })).code).toBe("TOO_LARGE");
  });
});

describe("INVALID_STATE", () => {
  it("a second fit while training", async () => {
    const m = create(5, { encoder: [2] });
    const first = m.fit(X, { epochs: 5000 });
    const e = await rejected(m.fit(X, { epochs: 1 }));
    expect(e.code).toBe("INVALID_STATE");
    m.dispose();
    await expect(first).rejects.toMatchObject({ code: "DISPOSED" });
  });
});

describe("DIVERGED", () => {
  it("restores the weights of the failed epoch's start and keeps the model usable", async () => {
    const m = create(5, { encoder: [3], seed: 4 });
    await m.fit(X, { epochs: 2 });
    const before = m.weightsDigest();
    const e = await rejected(m.fit(X, { optimizer: "sgd", learningRate: 1e30, epochs: 3 }));
    expect(e.code).toBe("DIVERGED");
    expect(e.message).toMatch(/learningRate/);
    expect(e.message).toMatch(/still usable/);
    expect(m.weightsDigest()).toBe(before);
    expect(m.history).toHaveLength(2);
    const h = await m.fit(X, { epochs: 1 });
    expect(Number.isFinite(h.epochs[0]!.loss)).toBe(true);
    m.dispose();
  });
  it("from train() carries the model", async () => {
    const e = await rejected(train(X, { optimizer: "sgd", learningRate: 1e30, epochs: 3 }));
    expect(e.code).toBe("DIVERGED");
    expect(e.model).toBeDefined();
    expect(e.model!.encode(X).rows).toBe(40);
    e.model!.dispose();
  });
});
