import { beforeAll, describe, expect, it } from "vitest";
import {
  Autoencoder,
  LatentkitError,
  create,
  decode,
  encode,
  init,
  isInitialized,
  load,
  train,
  type Matrix,
} from "../src/index.js";
import { bitEqual, randomRows } from "./helpers.js";

const X = randomRows(64, 6, 11);

beforeAll(async () => {
  await init();
});

describe("init", () => {
  it("is idempotent and concurrent-safe", async () => {
    await Promise.all([init(), init(), init()]);
    expect(isInitialized()).toBe(true);
  });
});

describe("train / encode / decode", () => {
  it("trains and maps to and from the latent space", async () => {
    const model = await train(X, { encoder: [4, 3], epochs: 3, batchSize: 16 });
    expect(model).toBeInstanceOf(Autoencoder);
    expect(model.inputSize).toBe(6);
    expect(model.latentSize).toBe(3);
    const Z = encode(model, X);
    expect(Z.rows).toBe(64);
    expect(Z.cols).toBe(3);
    expect(Z.data).toBeInstanceOf(Float32Array);
    expect(Z.data.length).toBe(64 * 3);
    const Xhat = decode(model, Z);
    expect([Xhat.rows, Xhat.cols, Xhat.data.length]).toEqual([64, 6, 384]);
    // The method forms agree with the functions.
    expect(bitEqual(model.encode(X).data, Z.data)).toBe(true);
    expect(bitEqual(model.decode(Z).data, Xhat.data)).toBe(true);
    expect(bitEqual(model.reconstruct(X).data, Xhat.data)).toBe(true);
    model.dispose();
  });

  it("normalises the config with documented defaults", async () => {
    const model = await train(X, { epochs: 1 });
    expect(model.config).toEqual({
      inputSize: 6,
      encoder: [2], // min(32, max(2, ceil(6 / 4)))
      decoder: [],
      activation: "relu",
      latentActivation: "linear",
      outputActivation: "linear",
      loss: "mse",
      init: "glorotUniform",
      seed: 42,
    });
    expect(Object.isFrozen(model.config)).toBe(true);
    expect(Object.isFrozen(model.config.encoder)).toBe(true);
    const m2 = await train(X, { encoder: [5, 4, 3], epochs: 1 });
    expect(m2.config.decoder).toEqual([4, 5]);
    const m3 = await train(X, { encoder: [3], loss: "bce", epochs: 1 });
    expect(m3.config.outputActivation).toBe("sigmoid");
    expect(model.paramCount).toBe(6 * 2 + 2 + 2 * 6 + 6);
    for (const m of [model, m2, m3]) m.dispose();
  });

  it("accepts number[][], Float32Array[], Float64Array[] and { data, rows, cols } alike", async () => {
    const model = await train(X, { encoder: [3], epochs: 1 });
    const flat = new Float32Array(X.flat());
    const a = model.encode(X).data;
    const b = model.encode(X.map((r) => Float32Array.from(r))).data;
    const c = model.encode(X.map((r) => Float64Array.from(r))).data;
    const d = model.encode({ data: flat, rows: 64, cols: 6 }).data;
    const e = model.encode({ data: Float64Array.from(X.flat()), rows: 64, cols: 6 }).data;
    const f = model.encode({ data: X.flat(), rows: 64, cols: 6 }).data;
    for (const other of [b, c, d, e, f]) expect(bitEqual(a, other)).toBe(true);
    model.dispose();
  });

  it("returns fresh copies that do not alias inputs or each other", async () => {
    const model = await train(X, { encoder: [3], epochs: 1 });
    const input: Matrix = { data: new Float32Array(X.flat()), rows: 64, cols: 6 };
    const r1 = model.reconstruct(input);
    expect(r1.data).not.toBe(input.data);
    const before = r1.data.slice();
    r1.data.fill(123);
    const r2 = model.reconstruct(input);
    expect(bitEqual(r2.data, before)).toBe(true);
    model.dispose();
  });

  it("score gives per-row errors whose mean is evaluate().loss, and flags outliers", async () => {
    const model = await train(X, { encoder: [4], epochs: 20, learningRate: 0.01, seed: 5 });
    const s = model.score(X);
    expect(s).toBeInstanceOf(Float32Array);
    expect(s.length).toBe(64);
    const mean = s.reduce((acc, v) => acc + v, 0) / s.length;
    const { loss } = model.evaluate(X);
    expect(typeof loss).toBe("number");
    expect(Math.abs(mean - loss)).toBeLessThan(1e-4 * Math.max(1, loss));
    // A far-out row scores much worse than every training row.
    const outlier = [[50, -50, 50, -50, 50, -50]];
    const so = model.score(outlier)[0]!;
    expect(so).toBeGreaterThan(Math.max(...s) * 10);
    model.dispose();
  });
});

describe("create + fit", () => {
  it("creates an untrained model synchronously and fits it, continuing epoch numbers", async () => {
    const model = create(6, { encoder: [4, 2], seed: 9 });
    expect(model.history).toEqual([]);
    const h1 = await model.fit(X, { epochs: 2 });
    expect(h1.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(h1.stopReason).toBe("epochs");
    const h2 = await model.fit(X, { epochs: 3 });
    expect(h2.epochs.map((e) => e.epoch)).toEqual([3, 4, 5]);
    expect(model.history.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    for (const e of model.history) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.valLoss).toBeNull();
      expect(e.seconds).toBeGreaterThanOrEqual(0);
    }
    model.dispose();
  });

  it("fit rejects model options and unknown keys", async () => {
    const model = create(6, { encoder: [2] });
    await expect(model.fit(X, { encoder: [3] } as never)).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("encoder") });
    await expect(model.fit(X, { epoch: 3 } as never)).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining('"epochs"') });
    model.dispose();
  });
});

describe("dispose", () => {
  it("makes every method throw DISPOSED and is idempotent", async () => {
    const model = await train(X, { encoder: [3], epochs: 1 });
    expect(model.disposed).toBe(false);
    model.dispose();
    model.dispose();
    expect(model.disposed).toBe(true);
    const calls: (() => unknown)[] = [
      () => model.encode(X),
      () => model.decode([[1, 2, 3]]),
      () => model.reconstruct(X),
      () => model.score(X),
      () => model.evaluate(X),
      () => model.save(),
      () => model.weightsDigest(),
      () => model.paramCount,
      () => encode(model, X),
    ];
    for (const call of calls) {
      expect(call).toThrowError(LatentkitError);
      try {
        call();
      } catch (e) {
        expect((e as LatentkitError).code).toBe("DISPOSED");
      }
    }
    await expect(model.fit(X)).rejects.toMatchObject({ code: "DISPOSED" });
  });

  it("supports Symbol.dispose where the runtime has it", async () => {
    const sym = (Symbol as { dispose?: symbol }).dispose;
    const model = await train(X, { encoder: [3], epochs: 1 });
    if (typeof sym === "symbol") {
      (model as unknown as Record<symbol, () => void>)[sym]!();
      expect(model.disposed).toBe(true);
    } else {
      model.dispose();
    }
    expect(model.disposed).toBe(true);
  });

  it("disposing during training stops it with DISPOSED", async () => {
    const model = create(6, { encoder: [3] });
    const p = model.fit(X, { epochs: 100000, batchSize: 1 });
    setTimeout(() => model.dispose(), 30);
    await expect(p).rejects.toMatchObject({ code: "DISPOSED" });
    expect(model.disposed).toBe(true);
    expect(() => model.encode(X)).toThrowError(/disposed/);
  });
});

describe("save / load", () => {
  it("round-trips with bit-identical outputs, config and history", async () => {
    const model = await train(X, { encoder: [4, 3], epochs: 3, validationSplit: 0.25 });
    const bytes = model.save();
    expect(bytes).toBeInstanceOf(Uint8Array);
    const again = await load(bytes);
    expect(bitEqual(again.encode(X).data, model.encode(X).data)).toBe(true);
    expect(bitEqual(again.reconstruct(X).data, model.reconstruct(X).data)).toBe(true);
    expect(again.weightsDigest()).toBe(model.weightsDigest());
    expect(again.config).toEqual(model.config);
    expect(again.history).toEqual(model.history.map(({ epoch, loss, valLoss }) => ({ epoch, loss, valLoss })));
    expect(again.history[0]!.seconds).toBeUndefined();
    // Saving a loaded model gives the same bytes.
    expect(Buffer.from(again.save()).equals(Buffer.from(bytes))).toBe(true);
    // ArrayBuffer and other views work too.
    const fromAb = await load(bytes.slice().buffer);
    expect(fromAb.weightsDigest()).toBe(model.weightsDigest());
    const fromBuffer = await load(Buffer.from(bytes));
    expect(fromBuffer.weightsDigest()).toBe(model.weightsDigest());
    // A loaded model trains on, numbering epochs after the saved ones.
    const h = await again.fit(X, { epochs: 1 });
    expect(h.epochs[0]!.epoch).toBe(4);
    for (const m of [model, again, fromAb, fromBuffer]) m.dispose();
  });
});

describe("every option value reaches the core", () => {
  it("all activations, initialisers, losses and optimizers train", async () => {
    const data = randomRows(32, 4, 8);
    for (const activation of ["relu", "leakyRelu", "elu", "gelu", "tanh", "sigmoid", "linear"] as const) {
      const m = await train(data, { encoder: [3, 2], activation, latentActivation: activation, outputActivation: activation, init: "heUniform", epochs: 1 });
      expect(m.config.activation).toBe(activation);
      expect(Number.isFinite(m.history[0]!.loss)).toBe(true);
      m.dispose();
    }
    const variants = [
      { optimizer: "sgd", momentum: 0.9, weightDecay: 1e-4, learningRate: 0.05 },
      { optimizer: "adamw", weightDecay: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
      { optimizer: "adam", clipNorm: 0.5, shuffle: false, batchSize: 5 },
      { loss: "bce", outputActivation: "sigmoid", earlyStopping: { monitor: "loss", patience: 0, minDelta: 0, restoreBestWeights: false } },
    ] as const;
    for (const v of variants) {
      const m = await train(data, { encoder: [2], epochs: 2, ...v });
      expect(m.history).toHaveLength(2);
      m.dispose();
    }
  });
});
