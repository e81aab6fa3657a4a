// PROBE for issue #14 (throwaway, not part of `pnpm bench`): what gradient sharding costs on
// one core, and how training scales with 2 worker_threads that each own a wasm instance.
//
//   node packages/bench/src/shards-probe.mjs [--runs 3] [--seconds 3] [--only m784|text]
//
// Needs the test-only diagnostics wasm (scripts/build-wasm.sh writes it to
// packages/latentkit/src/generated/diagnostics/): it exports the sharded session's phase calls
// (shardBegin, shardForward, shardCodeGradient, shardGradient, shardEnd). Each worker trains
// the same session (same weights, data, options, seed) and computes the shards s with
// s % workers == its index; the phases' buffers go through SharedArrayBuffers; the gradients
// are added in shard order (each worker adds one slice of the parameters, for every shard in
// order 0..S-1), then every worker takes the same optimiser step. The weights of all workers
// are compared at the end (a digest): they must be the same bits as one worker's.
//
// Figures: samples/s, the median of --runs runs, each with os.loadavg() at its end (the
// machine's 2 cores are shared: read the load averages next to the figures).

import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const GEN = new URL("../../latentkit/src/generated/diagnostics/", import.meta.url);

async function loadWasm(module) {
  const glue = await import(new URL("latentkit_wasm.js", GEN).href);
  glue.initSync({ module });
  return glue;
}

// ---------- one training session driven batch by batch, shard by shard ----------

/**
 * One worker's loop: `batches` batches in lock step with the others. `shared` holds the
 * control words, the codes, every shard's gradient, the summed gradient and the losses.
 */
function runBatches(model, w, W, batches, shared, sizes, t = { shards: 0, wait: 0, sum: 0, step: 0 }) {
  const { shards: S, coupled } = JSON.parse(model.shardInfo());
  const { n, latent, maxRows } = sizes;
  const ctl = new Int32Array(shared.ctl);
  const codes = new Float32Array(shared.codes);
  const dcodes = new Float32Array(maxRows * latent);
  const parts = new Float32Array(shared.parts); // S × n
  const sum = new Float32Array(shared.sum);
  const losses = new Float64Array(shared.losses); // S + 1
  const lo = Math.floor((w * n) / W), hi = Math.floor(((w + 1) * n) / W);
  const none = new Float32Array(0);
  let t0 = performance.now();
  const lap = (k) => {
    const now = performance.now();
    t[k] += now - t0;
    t0 = now;
  };
  for (let i = 0; i < batches; i++) {
    const b = model.shardBegin();
    const range = (s) => [Math.floor((s * b) / S), Math.floor(((s + 1) * b) / S)];
    if (coupled) {
      for (let s = w; s < S; s += W) {
        const [r0, r1] = range(s);
        const view = codes.subarray(r0 * latent, r1 * latent);
        model.shardForward(s, view);
      }
      lap("shards");
      barrier(ctl, W);
      lap("wait");
      losses[S] = model.shardCodeGradient(codes.subarray(0, b * latent), dcodes.subarray(0, b * latent));
    }
    for (let s = w; s < S; s += W) {
      losses[s] = model.shardGradient(s, coupled ? dcodes.subarray(0, b * latent) : none, parts.subarray(s * n, (s + 1) * n));
    }
    lap("shards");
    barrier(ctl, W);
    lap("wait");
    // this worker's slice of the sum, shard after shard (the core's order: g0 + g1 + ...),
    // added in wasm (a static method: any instance will do)
    sum.set(model.constructor.shardSumSlice(parts, S, lo, hi), lo);
    lap("sum");
    barrier(ctl, W);
    lap("wait");
    let loss = 0;
    for (let s = 0; s < S; s++) loss += losses[s];
    if (coupled) loss += losses[S];
    model.shardEnd(sum, loss);
    lap("step");
    barrier(ctl, W);
    lap("wait");
  }
  return t;
}

/** A reusable barrier over ctl[0] (arrivals) and ctl[1] (generation). */
function barrier(ctl, W) {
  if (W === 1) return;
  const gen = Atomics.load(ctl, 1);
  if (Atomics.add(ctl, 0, 1) === W - 1) {
    Atomics.store(ctl, 0, 0);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  } else {
    while (Atomics.load(ctl, 1) === gen) Atomics.wait(ctl, 1, gen);
  }
}

function newModel(glue, work) {
  return work.bytes ? glue.Model.fromBytes(work.bytes) : glue.Model.create(work.config);
}

// ---------- worker side ----------

if (!isMainThread) {
  const { module, work, w, W, shared, sizes, warmup, batches, optionsJson } = workerData;
  const glue = await loadWasm(module);
  const model = newModel(glue, work);
  model.trainBegin(optionsJson, work.data, work.rows, new Float32Array(0), 0);
  runBatches(model, w, W, warmup, shared, sizes);
  parentPort.postMessage({ ready: true });
  parentPort.once("message", () => {
    const t0 = performance.now();
    const phases = runBatches(model, w, W, batches, shared, sizes);
    parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, digest: model.weightsDigest(), phases });
  });
}

// ---------- main side ----------

function args() {
  const a = process.argv.slice(2);
  const get = (k, d) => (a.includes(k) ? a[a.indexOf(k) + 1] : d);
  return { runs: Number(get("--runs", 3)), seconds: Number(get("--seconds", 3)), only: get("--only", null) };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join("/");

async function m784Work() {
  const { makeData } = await import("./data.mjs");
  const { data, rows } = makeData(784);
  const config = JSON.stringify({ inputSize: 784, encoder: [256, 64], decoder: [256], activation: "relu", latentActivation: "relu", outputActivation: "sigmoid", loss: "mse", seed: 42 });
  const opts = { epochs: 1000, batchSize: 128, learningRate: 1e-3, optimizer: "adam", seed: 42 };
  return { name: "m784", config, data, rows, batch: 128, opts };
}

/** The default English text model (`text.train` at its defaults on 16,000 English words),
 * after one epoch: its file gives the architecture and weights, its vocabulary the ids. */
async function textWork() {
  const { text } = await import("latentkit");
  const { englishWords, split } = await import("../text/corpora.mjs");
  const words = split(englishWords()).train;
  const gen = await text.train(words, { epochs: 1, earlyStopping: false });
  const bytes = gen.save();
  gen.dispose?.();
  const glue = await loadWasm(readFileSync(new URL("latentkit_wasm_bg.wasm", GEN)));
  const probe = glue.Model.fromBytes(bytes);
  const config = JSON.parse(probe.configJson());
  const vocab = JSON.parse(probe.metaJson()).text.vocabulary;
  probe.free();
  const L = config.tokens.length;
  const id = new Map(vocab.map((t, i) => [t, i]));
  const data = new Float32Array(words.length * L);
  words.forEach((wd, r) => {
    const chars = [...wd].slice(0, L - 1);
    chars.forEach((c, i) => (data[r * L + i] = id.get(c) ?? 3));
    data[r * L + chars.length] = 1;
  });
  // text.train's defaults (TEXT_DEFAULTS): batch 64, learning rate 5e-4, mmd 1, seed 42
  const opts = { epochs: 1000, batchSize: 64, learningRate: 5e-4, mmd: 1, seed: 42 };
  return { name: "text", bytes, data, rows: words.length, batch: 64, opts, L };
}

/** Samples/s of the session's own trainStep with `shards` S (0: unsharded) in this thread. */
async function oneCore(glue, work, S, seconds) {
  const model = newModel(glue, work);
  model.trainBegin(JSON.stringify({ ...work.opts, shards: S }), work.data, work.rows, new Float32Array(0), 0);
  for (let i = 0; i < 5; i++) model.trainStep(1);
  let samples = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) samples += JSON.parse(model.trainStep(4)).samples;
  const rate = samples / ((performance.now() - t0) / 1000);
  model.trainAbort();
  model.free();
  return rate;
}

/** Samples/s of W workers computing S shards a batch; and the workers' weight digests. */
async function workers(module, work, S, W, seconds, oneRate, fixedBatches = 0) {
  const n = work.n, latent = work.latent, maxRows = work.batch;
  const shared = {
    ctl: new SharedArrayBuffer(8),
    codes: new SharedArrayBuffer(maxRows * latent * 4),
    parts: new SharedArrayBuffer(S * n * 4),
    sum: new SharedArrayBuffer(n * 4),
    losses: new SharedArrayBuffer((S + 1) * 8),
  };
  const batches = fixedBatches || Math.max(10, Math.round((oneRate * seconds) / work.batch));
  const plain = { name: work.name, config: work.config, bytes: work.bytes, data: work.data, rows: work.rows };
  const ws = [...Array(W)].map(
    (_, w) =>
      new Worker(fileURLToPath(import.meta.url), {
        workerData: { module, work: plain, w, W, shared, sizes: { n, latent, maxRows }, warmup: 5, batches, optionsJson: JSON.stringify({ ...work.opts, shards: S }) },
      }),
  );
  const msgs = () => Promise.all(ws.map((wk) => new Promise((res, rej) => { wk.once("message", res); wk.once("error", rej); })));
  await msgs();
  const t0 = performance.now();
  ws.forEach((wk) => wk.postMessage("go"));
  const done = await msgs();
  const seconds_ = (performance.now() - t0) / 1000;
  await Promise.all(ws.map((wk) => wk.terminate()));
  // worker 0's milliseconds a batch in each phase
  const phases = Object.fromEntries(Object.entries(done[0].phases).map(([k, v]) => [k, +(v / batches).toFixed(2)]));
  return { rate: (batches * work.batch) / seconds_, digests: done.map((d) => d.digest), batches, phases };
}

if (isMainThread) {
  const { runs, seconds, only } = args();
  const module = new WebAssembly.Module(readFileSync(new URL("latentkit_wasm_bg.wasm", GEN)));
  const glue = await loadWasm(module);
  const works = [];
  if (only !== "text") works.push(await m784Work());
  if (only !== "m784") works.push(await textWork());
  for (const work of works) {
    const m = newModel(glue, work);
    work.n = m.paramCount();
    work.latent = m.latentSize();
    m.free();
    console.log(`\n## ${work.name}: ${work.n} parameters, batch ${work.batch}, latent ${work.latent}; gradient ${(work.n * 4 / 1024).toFixed(0)} KiB a shard`);
    // bit-identity: 25 batches in this thread (trainStep) and by 1 and 2 workers (5 + 20)
    for (const S of [8, 3]) {
      const m = newModel(glue, work);
      m.trainBegin(JSON.stringify({ ...work.opts, shards: S }), work.data, work.rows, new Float32Array(0), 0);
      for (let i = 0; i < 25; i++) m.trainStep(1);
      const here = m.weightsDigest();
      m.trainAbort();
      m.free();
      const [one, two] = [await workers(module, work, S, 1, 0, 0, 20), await workers(module, work, S, 2, 0, 0, 20)];
      const ok = [...one.digests, ...two.digests].every((d) => d === here);
      console.log(`${work.name} | shards ${S}: weights after 25 batches, in this thread ${here}, 1 worker ${one.digests[0]}, 2 workers ${two.digests.join(" ")}: ${ok ? "identical" : "DIFFERENT"}`);
    }
    const table = {};
    for (let run = 0; run < runs; run++) {
      for (const S of [0, 1, 2, 4, 8]) {
        const rate = await oneCore(glue, work, S, seconds);
        (table[`1 thread, shards ${S}`] ??= []).push([rate, load()]);
      }
      const one = median(table["1 thread, shards 0"].map((x) => x[0]));
      for (const [S, W] of [[8, 1], [8, 2], [2, 2], [4, 2]]) {
        const { rate, digests, phases } = await workers(module, work, S, W, seconds, one);
        const same = digests.every((d) => d === digests[0]);
        (table[`${W} worker${W > 1 ? "s" : ""}, shards ${S}`] ??= []).push([rate, load(), same, JSON.stringify(phases)]);
      }
    }
    for (const [k, xs] of Object.entries(table)) {
      const med = median(xs.map((x) => x[0]));
      const extra = xs[0].length > 2 ? ` (workers' weights identical: ${xs.every((x) => x[2])}; ms a batch, worker 0: ${xs.map((x) => x[3]).join(" ")})` : "";
      console.log(`${work.name} | ${k.padEnd(22)} | median ${med.toFixed(0).padStart(6)} samples/s | runs ${xs.map((x) => `${x[0].toFixed(0)} @ load ${x[1]}`).join(", ")}${extra}`);
    }
    const base = median(table["1 worker, shards 8"].map((x) => x[0]));
    const two = median(table["2 workers, shards 8"].map((x) => x[0]));
    console.log(`${work.name} | scaling 2/1 workers at shards 8: ${(two / base).toFixed(2)}x; 2 workers vs unsharded trainStep: ${(two / median(table["1 thread, shards 0"].map((x) => x[0]))).toFixed(2)}x`);
  }
}
