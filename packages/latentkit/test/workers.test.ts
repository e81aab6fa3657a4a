// Training on several cores (issue #14): `workers` gives the same saved bytes for 1, 2, 3, 4
// and "auto" workers (numeric, plain text and conditional text models), a fit() after a run in
// workers continues as after a run in one thread, abort, dispose and a failing worker end the
// run with every worker terminated and a usable model, the event loop stays free, and the
// option is checked. Workers here are Node worker threads running src/workers/train-worker.js.

import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LatentkitError, text, train, type TrainOptions } from "../src/index.js";
import { testHooks } from "../src/workers/pool.js";
import type { SpawnedWorker } from "../src/workers/spawn.js";
import { lowRankSigmoid } from "./helpers.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

const DATA = lowRankSigmoid(200, 24, 4, 7);
const NUMERIC: TrainOptions = { encoder: [16, 6], epochs: 3, batchSize: 32, seed: 5, validationSplit: 0.2 };

const WORDS = [
  "apple", "banana", "cherry", "grape", "lemon", "mango", "melon", "peach", "pear", "plum",
  "kiwi", "lime", "olive", "papaya", "quince", "raisin", "date", "fig", "guava", "orange",
];
const LABELS = WORDS.map((w) => (w.length > 5 ? "long" : "short"));

/** Records the workers each run starts, to check they are all gone afterwards. */
let started: SpawnedWorker[] = [];
testHooks.started = (ws) => (started = [...ws]);
afterEach(() => {
  delete testHooks.failAt;
  testHooks.started = (ws) => (started = [...ws]);
});

/** The bytes of a numeric model trained with these `workers`. */
async function numericBytes(workers: TrainOptions["workers"], extra: TrainOptions = {}): Promise<string> {
  const m = await train(DATA, { ...NUMERIC, ...extra, workers });
  try {
    return sha256(m.save({ optimizer: true }));
  } finally {
    m.dispose();
  }
}

describe("the same bytes for any number of workers", () => {
  it("numeric model: workers 1, 2, 3, 4 and auto", async () => {
    const one = await numericBytes(1);
    for (const w of [2, 3, 4, "auto"] as const) expect(await numericBytes(w), `workers: ${w}`).toBe(one);
    // the run in workers really took place (4 threads for workers: 4)
    await numericBytes(4);
    expect(started).toHaveLength(4);
    expect(await allGone()).toBe(true);
  });

  it("early stopping that restores the best weights, clipNorm with noise, and MMD (a batch's codes exchanged too)", async () => {
    for (const extra of [{ epochs: 12, earlyStopping: { patience: 1 } }, { clipNorm: 0.5, noise: { gaussian: 0.1, mask: 0.1 } }, { mmd: 5 }]) {
      expect(await numericBytes(2, extra), JSON.stringify(extra)).toBe(await numericBytes(1, extra));
    }
  });

  it("plain and conditional text models: workers 1, 2, 4", async () => {
    for (const extra of [{}, { labels: LABELS }]) {
      const bytes: string[] = [];
      for (const workers of [1, 2, 4]) {
        const g = await text.train(WORDS, { epochs: 3, latent: 4, hidden: [16], seed: 3, workers, ...extra });
        bytes.push(sha256(g.save()));
        g.dispose();
      }
      expect(new Set(bytes).size, JSON.stringify(extra)).toBe(1);
    }
  });

  it("a fit() after a run in workers continues exactly as after a run in one thread", async () => {
    const [a, b] = [await train(DATA, { ...NUMERIC, workers: 1 }), await train(DATA, { ...NUMERIC, workers: 2 })];
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    // in one thread, without shards, after either
    const [ra, rb] = [await a.fit(DATA, { epochs: 2 }), await b.fit(DATA, { epochs: 2 })];
    expect(rb.epochs.map((e) => e.epoch)).toEqual([4, 5]);
    expect(rb.epochs.map((e) => e.loss)).toEqual(ra.epochs.map((e) => e.loss));
    // and in workers again (4 and 1)
    const [rc, rd] = [await a.fit(DATA, { epochs: 1, workers: 4 }), await b.fit(DATA, { epochs: 1, workers: 1 })];
    expect(rd.epochs[0]!.loss).toBe(rc.epochs[0]!.loss);
    expect(sha256(b.save({ optimizer: true }))).toBe(sha256(a.save({ optimizer: true })));
    a.dispose();
    b.dispose();
  });
});

/** Whether every worker of the last run has exited (within a second). */
async function allGone(): Promise<boolean> {
  for (let i = 0; i < 100 && started.some((w) => w.alive()); i++) await new Promise((r) => setTimeout(r, 10));
  return started.length > 0 && started.every((w) => !w.alive());
}

describe("failure, abort and dispose", () => {
  it("a worker that throws fails the run with WORKER_FAILED; the model keeps the last batch finished", async () => {
    // 192 rows in batches of 32: the 7th exchange is the first batch of the second epoch
    const rows = { data: DATA.data.subarray(0, 192 * 24), rows: 192, cols: 24 };
    const [a, b] = [await train(rows, { ...NUMERIC, validationSplit: 0, epochs: 1 }), await train(rows, { ...NUMERIC, validationSplit: 0, epochs: 1 })];
    await a.fit(rows, { epochs: 1, workers: 1 });
    testHooks.failAt = { worker: 1, call: 7 };
    const e = (await b.fit(rows, { epochs: 5, workers: 2 }).catch((x: unknown) => x)) as LatentkitError;
    expect(e).toBeInstanceOf(LatentkitError);
    expect(e.code).toBe("WORKER_FAILED");
    expect(e.message).toMatch(/worker 2 of 2 failed: test hook.*last batch/);
    expect(await allGone()).toBe(true);
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(b.weightsDigest()).toBe(a.weightsDigest());
    // train() (whose model would be half made) rejects with the error alone
    testHooks.failAt = { worker: 0, call: 3 };
    await expect(train(rows, { ...NUMERIC, workers: 3 })).rejects.toMatchObject({ code: "WORKER_FAILED", message: expect.stringMatching(/worker 1 of 3/) });
    a.dispose();
    b.dispose();
  });

  it("a worker that dies fails fit() with WORKER_FAILED; the model stays usable and trains again", async () => {
    const m = await train(DATA, { ...NUMERIC, epochs: 1 });
    testHooks.started = (ws) => {
      started = [...ws];
      setTimeout(() => ws[1]!.kill(), 30);
    };
    const e = (await m.fit(DATA, { epochs: 200, workers: 2 }).catch((x: unknown) => x)) as LatentkitError;
    expect(e.code).toBe("WORKER_FAILED");
    expect(e.message).toMatch(/worker 2 of 2 exited/);
    expect(m.training).toBe(false);
    expect(m.encode(DATA).data.every(Number.isFinite)).toBe(true);
    testHooks.started = (ws) => (started = [...ws]);
    const again = await m.fit(DATA, { epochs: 1, workers: 2 });
    expect(again.epochs).toHaveLength(1);
    m.dispose();
  });

  it("a diverging run rejects with DIVERGED (not WORKER_FAILED) and keeps the same weights as in one thread", async () => {
    const [a, b] = [await train(DATA, { ...NUMERIC, epochs: 2 }), await train(DATA, { ...NUMERIC, epochs: 2 })];
    const ea = (await a.fit(DATA, { epochs: 5, learningRate: 1e30, workers: 1 }).catch((x: unknown) => x)) as LatentkitError;
    const eb = (await b.fit(DATA, { epochs: 5, learningRate: 1e30, workers: 2 }).catch((x: unknown) => x)) as LatentkitError;
    expect(ea.code).toBe("DIVERGED");
    expect(eb.code).toBe("DIVERGED");
    expect(eb.message).toBe(ea.message);
    expect(await allGone()).toBe(true);
    expect(b.weightsDigest()).toBe(a.weightsDigest());
    expect(b.history).toEqual(a.history.map((h) => ({ ...h, seconds: expect.any(Number) })));
    a.dispose();
    b.dispose();
  });

  it("an exception of onEpochEnd ends the run with that exception, the workers terminated", async () => {
    const m = await train(DATA, { ...NUMERIC, epochs: 1 });
    const boom = new Error("boom");
    await expect(m.fit(DATA, { epochs: 50, workers: 2, onEpochEnd: (i) => { if (i.epoch === 3) throw boom; } })).rejects.toBe(boom);
    expect(await allGone()).toBe(true);
    expect(m.history).toHaveLength(3);
    await m.fit(DATA, { epochs: 1, workers: 2 });
    m.dispose();
  });

  it("abort mid-run terminates the workers and keeps a usable model", async () => {
    const m = await train(DATA, { ...NUMERIC, epochs: 1 });
    const ctl = new AbortController();
    const run = m.fit(DATA, { epochs: 100_000, workers: 2, signal: ctl.signal, onEpochEnd: (i) => void (i.epoch >= 4 && ctl.abort()) });
    const e = (await run.catch((x: unknown) => x)) as LatentkitError;
    expect(e.code).toBe("ABORTED");
    expect(m.history.length).toBeGreaterThanOrEqual(4);
    expect(await allGone()).toBe(true);
    expect(m.encode(DATA).data.every(Number.isFinite)).toBe(true);
    await m.fit(DATA, { epochs: 1 });
    m.dispose();
  });

  it("dispose during a run stops it (DISPOSED) and terminates the workers", async () => {
    const m = await train(DATA, { ...NUMERIC, epochs: 1 });
    const run = m.fit(DATA, { epochs: 100_000, workers: 2 });
    await new Promise((r) => setTimeout(r, 300));
    m.dispose();
    await expect(run).rejects.toMatchObject({ code: "DISPOSED" });
    expect(await allGone()).toBe(true);
  });

  it("the event loop stays free while workers train", async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(Date.now()), 5);
    const m = await train(lowRankSigmoid(2000, 64, 8, 2), { encoder: [256, 16], epochs: 80, batchSize: 128, workers: 2 });
    clearInterval(timer);
    expect(started).toHaveLength(2);
    // the main thread is never busy for long: a 5 ms timer keeps firing all along
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    expect(ticks.length).toBeGreaterThan(20);
    expect(Math.max(...gaps)).toBeLessThan(250);
    m.dispose();
  });

  it("a process that trains with workers exits by itself (the built package)", () => {
    const script = `
      import { train } from ${JSON.stringify(fileURLToPath(new URL("../dist/node.js", import.meta.url)))};
      const rows = Array.from({ length: 100 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i + j)));
      await train(rows, { epochs: 2, workers: 2 });
      console.log("trained");
    `;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("trained");
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});

describe("the workers option is checked", () => {
  it.each([0, 5, 1.5, -1, "x", "4", null, true])("workers: %j is INVALID_OPTION", async (workers) => {
    const e = (await train(DATA, { ...NUMERIC, workers: workers as never }).catch((x: unknown) => x)) as LatentkitError;
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/workers must be an integer 1\.\.4 or "auto".*At most 4/);
  });

  it("variational models are INVALID_OPTION with workers, before any worker starts", async () => {
    started = [];
    for (const workers of [1, 2, "auto"] as const) {
      await expect(train(DATA, { ...NUMERIC, variational: true, workers })).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringMatching(/variational/) });
      await expect(text.train(WORDS, { epochs: 1, variational: true, workers })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    }
    expect(started).toEqual([]);
  });

  it("auto: the cores, at most 4, and at most one worker per 32 rows of a batch", async () => {
    const cores = (await import("node:os")).availableParallelism();
    for (const [batchSize, most] of [[32, 1], [64, 2], [200, 4]] as const) {
      started = [];
      const m = await train(DATA, { ...NUMERIC, batchSize, epochs: 1, workers: "auto" });
      const n = Math.min(most, cores);
      expect(started.length, `batch ${batchSize}`).toBe(n > 1 ? n : 0);
      m.dispose();
    }
  });

  it("a runtime without workers: auto is 1, an explicit 2 is INVALID_OPTION", async () => {
    const g = globalThis as { EdgeRuntime?: string };
    g.EdgeRuntime = "edge-runtime";
    try {
      started = [];
      const m = await train(DATA, { ...NUMERIC, workers: "auto" });
      expect(started).toEqual([]);
      expect(sha256(m.save({ optimizer: true }))).toBe(await numericBytes(1));
      await expect(m.fit(DATA, { workers: 2 })).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringMatching(/cannot start workers.*workers: 1/) });
    } finally {
      delete g.EdgeRuntime;
    }
  });
});
