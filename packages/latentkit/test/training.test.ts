import { beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, create, init, train, type EpochInfo } from "../src/index.js";
import { lowRankSigmoid, randomRows, sleep } from "./helpers.js";

const X = randomRows(200, 10, 7);
const Y = lowRankSigmoid(1000, 40, 4, 2);

beforeAll(async () => {
  await init();
});

describe("determinism", () => {
  it("same seed → identical saved bytes; another seed → different", async () => {
    const opts = { encoder: [8, 4], epochs: 3, batchSize: 16, validationSplit: 0.2 };
    const a = await train(X, opts);
    const b = await train(X, opts);
    const c = await train(X, { ...opts, seed: 43 });
    expect(Buffer.from(a.save()).equals(Buffer.from(b.save()))).toBe(true);
    expect(a.weightsDigest()).toBe(b.weightsDigest());
    expect(a.history.map((e) => e.loss)).toEqual(b.history.map((e) => e.loss));
    expect(Buffer.from(a.save()).equals(Buffer.from(c.save()))).toBe(false);
    expect(c.weightsDigest()).not.toBe(a.weightsDigest());
    // Shuffle seed alone also matters, and shuffle: false is deterministic too.
    const d = create(10, { encoder: [8, 4] });
    await d.fit(X, { epochs: 2, seed: 1 });
    const e = create(10, { encoder: [8, 4] });
    await e.fit(X, { epochs: 2, seed: 2 });
    expect(d.weightsDigest()).not.toBe(e.weightsDigest());
    for (const m of [a, b, c, d, e]) m.dispose();
  });
});

describe("onEpochEnd", () => {
  it("gets epoch info and stops when it returns false (also async)", async () => {
    const infos: EpochInfo[] = [];
    const model = await train(X, {
      encoder: [4],
      epochs: 50,
      validationSplit: 0.1,
      onEpochEnd: async (info) => {
        infos.push(info);
        await sleep(1);
        return info.epoch < 3;
      },
    });
    expect(infos.map((i) => i.epoch)).toEqual([1, 2, 3]);
    expect(model.history).toHaveLength(3);
    for (const i of infos) {
      expect(i.loss).toBeGreaterThan(0);
      expect(i.valLoss).toBeGreaterThan(0);
      expect(i.samplesPerSecond).toBeGreaterThan(0);
      expect(i.seconds).toBeGreaterThan(0);
    }
    const m2 = create(10, { encoder: [4] });
    const h = await m2.fit(X, { epochs: 50, onEpochEnd: () => false });
    expect(h.stopReason).toBe("callback");
    expect(h.epochs).toHaveLength(1);
    model.dispose();
    m2.dispose();
  });

  it("an exception in onEpochEnd rejects fit with it and keeps the model usable", async () => {
    const model = create(10, { encoder: [4] });
    const boom = new Error("boom");
    await expect(model.fit(X, { epochs: 5, onEpochEnd: () => { throw boom; } })).rejects.toBe(boom);
    expect(model.history).toHaveLength(1);
    expect(model.training).toBe(false);
    await model.fit(X, { epochs: 1 });
    expect(model.history).toHaveLength(2);
    model.dispose();
  });
});

describe("validation", () => {
  it("validationSplit takes the last rows and reports valLoss each epoch", async () => {
    const model = await train(X, { encoder: [4], epochs: 3, validationSplit: 0.25 });
    expect(model.history).toHaveLength(3);
    for (const e of model.history) expect(e.valLoss).toBeGreaterThan(0);
    // The last valLoss is the loss on the last 25% of rows.
    const last = { data: new Float32Array(X.slice(150).flat()), rows: 50, cols: 10 };
    expect(model.history[2]!.valLoss!).toBeCloseTo(model.evaluate(last).loss, 5);
    model.dispose();
  });
  it("validationData works and is checked", async () => {
    const model = await train(X.slice(0, 150), { encoder: [4], epochs: 2, validationData: X.slice(150) });
    for (const e of model.history) expect(e.valLoss).toBeGreaterThan(0);
    await expect(model.fit(X, { validationData: randomRows(5, 3) })).rejects.toMatchObject({ code: "SHAPE_MISMATCH", message: expect.stringContaining("validationData") });
    model.dispose();
  });
});

describe("early stopping", () => {
  it("stops on a plateau before max epochs and restores the best weights", async () => {
    const model = create(10, { encoder: [4] });
    const digests: string[] = [];
    // minDelta so large that no epoch after the first counts as an improvement.
    const h = await model.fit(X, {
      epochs: 50,
      earlyStopping: { monitor: "loss", patience: 3, minDelta: 1e6 },
      onEpochEnd: () => void digests.push(model.weightsDigest()),
    });
    expect(h.stopReason).toBe("earlyStopping");
    expect(h.epochs).toHaveLength(4); // best epoch 1 + patience 3
    expect(h.bestEpoch).toBe(1);
    expect(h.restoredBestWeights).toBe(true);
    expect(model.weightsDigest()).toBe(digests[0]);
    expect(model.weightsDigest()).not.toBe(digests[3]);
    model.dispose();
  });
  it("on a real plateau (tiny learning rate), with earlyStopping: true and validation", async () => {
    const model = await train(X, { encoder: [4], epochs: 200, learningRate: 1e-9, validationSplit: 0.2, earlyStopping: { minDelta: 1e-4 } });
    expect(model.history.length).toBeLessThan(200);
    expect(model.history.length).toBe(6); // best epoch 1 + default patience 5
    model.dispose();
  });
  it("restoreBestWeights: false keeps the last weights, bestEpoch numbering continues across fits", async () => {
    const model = create(10, { encoder: [4] });
    await model.fit(X, { epochs: 2 });
    const digests: string[] = [];
    const h = await model.fit(X, {
      epochs: 50,
      earlyStopping: { monitor: "loss", patience: 1, minDelta: 1e6, restoreBestWeights: false },
      onEpochEnd: () => void digests.push(model.weightsDigest()),
    });
    expect(h.epochs.map((e) => e.epoch)).toEqual([3, 4]);
    expect(h.bestEpoch).toBe(3);
    expect(h.restoredBestWeights).toBe(false);
    expect(model.weightsDigest()).toBe(digests[1]);
    model.dispose();
  });
});

describe("abort", () => {
  it("an already-aborted signal rejects before any work", async () => {
    const ac = new AbortController();
    ac.abort(new Error("why"));
    const e = await train(X, { signal: ac.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LatentkitError);
    expect((e as LatentkitError).code).toBe("ABORTED");
    expect((e as LatentkitError).model).toBeUndefined();
    const model = create(10, { encoder: [3] });
    const d = model.weightsDigest();
    await expect(model.fit(X, { signal: ac.signal })).rejects.toMatchObject({ code: "ABORTED" });
    expect(model.weightsDigest()).toBe(d);
    expect(model.history).toHaveLength(0);
    model.dispose();
  });

  it("train(): aborts promptly mid-training and hands back the usable model", async () => {
    const ac = new AbortController();
    const p = train(Y, { encoder: [32, 8], epochs: 100000, batchSize: 8, signal: ac.signal });
    await sleep(300);
    const t0 = performance.now();
    ac.abort();
    const e = (await p.catch((x: unknown) => x)) as LatentkitError;
    const latency = performance.now() - t0;
    expect(e).toBeInstanceOf(LatentkitError);
    expect(e.code).toBe("ABORTED");
    expect(latency).toBeLessThan(250); // one ~15 ms step + one yield, with room for a loaded machine
    const model = e.model!;
    expect(model.disposed).toBe(false);
    expect(model.training).toBe(false);
    expect(model.encode(Y).cols).toBe(8);
    // It did train: the loss is below the untrained one.
    const fresh = create(40, { encoder: [32, 8] });
    expect(model.evaluate(Y).loss).toBeLessThan(fresh.evaluate(Y).loss);
    // And it can train on.
    await model.fit(Y, { epochs: 1 });
    model.dispose();
    fresh.dispose();
  });

  it("fit(): rejects with ABORTED, keeps finished epochs in history, model stays usable", async () => {
    const model = create(40, { encoder: [8] });
    const ac = new AbortController();
    let epochs = 0;
    const p = model.fit(Y, {
      epochs: 100000,
      batchSize: 4,
      signal: ac.signal,
      onEpochEnd: () => {
        epochs++;
        if (epochs === 2) ac.abort(); // checked right after the callback: no third epoch starts
      },
    });
    await expect(p).rejects.toMatchObject({ code: "ABORTED" });
    expect(model.history).toHaveLength(2);
    const d = model.weightsDigest();
    expect(model.reconstruct(Y).rows).toBe(1000);
    expect(model.weightsDigest()).toBe(d);
    const h = await model.fit(Y, { epochs: 1 });
    expect(h.epochs[0]!.epoch).toBe(model.history.length);
    model.dispose();
  });
});

describe("event loop", () => {
  it("stays responsive during training (10 ms interval keeps firing)", async () => {
    let last = performance.now();
    let maxGap = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const t0 = performance.now();
    try {
      // Train for ~1 s whatever the machine's speed.
      const model = await train(Y, {
        encoder: [64, 32],
        decoder: [32, 64],
        epochs: 100000,
        batchSize: 32,
        onEpochEnd: () => performance.now() - t0 < 1000,
      });
      expect(model.history.length).toBeGreaterThan(1);
      model.dispose();
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThan(1000);
    expect(ticks).toBeGreaterThan(elapsed / 10 / 3);
    expect(maxGap).toBeLessThan(100);
  });
});
