// The workers' exchange (src/workers/exchange.js) on its own, in real worker threads: after
// each call every worker holds every worker's part, for buffers of changing lengths, call
// after call (the two buffers used by parity must never let a fast worker overwrite a part a
// slow one still reads); and a stop from the main thread frees a worker waiting at the barrier.

import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { CONTROL_WORDS, STOP, GENERATION } from "../src/workers/exchange.js";

const EXCHANGE = new URL("../src/workers/exchange.js", import.meta.url).href;

// Each worker makes `calls` exchanges; at call c the buffer has len(c) values and worker w owns
// [lo, hi) = its share; it writes w * 1e6 + c * 1000 + i at i and checks every value it gets.
const BODY = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.url).then(({ Exchange }) => {
  const { shared, w, W, calls, sleepy } = workerData;
  const ex = new Exchange(shared, w, W);
  let bad = 0;
  try {
    for (let c = 1; c <= calls; c++) {
      const len = 1000 + ((c * 37) % 500) * W;
      const lo = Math.floor((w * len) / W), hi = Math.floor(((w + 1) * len) / W);
      const values = new Float32Array(len);
      for (let i = lo; i < hi; i++) values[i] = w * 1e6 + c * 1000 + (i % 1000);
      if (w === sleepy && c % 7 === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3);
      ex.call(values, lo, hi);
      for (let v = 0; v < W; v++) {
        const a = Math.floor((v * len) / W), b = Math.floor(((v + 1) * len) / W);
        for (let i = a; i < b; i++) if (values[i] !== v * 1e6 + c * 1000 + (i % 1000)) bad++;
      }
    }
    parentPort.postMessage({ bad });
  } catch (e) {
    parentPort.postMessage({ stopped: e.constructor.name, calls: ex.calls });
  }
});
`;

function sharedBuffers(values: number, W: number) {
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    values: [new SharedArrayBuffer(values * 4), new SharedArrayBuffer(values * 4)],
  };
}

function run(shared: ReturnType<typeof sharedBuffers>, W: number, calls: number, sleepy = -1): { workers: Worker[]; results: Promise<Record<string, unknown>[]> } {
  const workers = Array.from({ length: W }, (_, w) => new Worker(BODY, { eval: true, workerData: { url: EXCHANGE, shared, w, W, calls, sleepy } }));
  const results = Promise.all(workers.map((wk) => new Promise<Record<string, unknown>>((res, rej) => (wk.once("message", res), wk.once("error", rej)))));
  return { workers, results };
}

describe("the exchange between workers", () => {
  it.each([2, 3, 4])("%i workers swap their parts correctly for 300 calls of changing lengths", async (W) => {
    const { workers, results } = run(sharedBuffers(1000 + 500 * W, W), W, 300, W - 1);
    expect(await results).toEqual(Array.from({ length: W }, () => ({ bad: 0 })));
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it("a stop frees a worker waiting for one that never comes", async () => {
    const shared = sharedBuffers(3000, 2);
    // two workers are expected, only one runs: it waits at its first barrier until the stop
    const one = new Worker(BODY, { eval: true, workerData: { url: EXCHANGE, shared, w: 0, W: 2, calls: 5, sleepy: -1 } });
    const result = new Promise<Record<string, unknown>>((res) => one.once("message", res));
    await new Promise((r) => setTimeout(r, 200));
    const control = new Int32Array(shared.control);
    Atomics.store(control, STOP, 1);
    Atomics.notify(control, GENERATION);
    expect(await result).toEqual({ stopped: "StopError", calls: 1 });
    await one.terminate();
  });

  it("a buffer larger than the shared one is refused, not overrun", async () => {
    const { workers, results } = run(sharedBuffers(100, 2), 2, 1);
    const r = await results;
    expect(r.map((x) => x.stopped)).toEqual(["Error", "Error"]);
    await Promise.all(workers.map((w) => w.terminate()));
  });
});
