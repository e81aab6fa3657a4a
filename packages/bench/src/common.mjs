// Settings and helpers shared by the orchestrator and the per-library worker processes.

import { writeFileSync } from "node:fs";

/** The two benchmark models. `decoder` lists the decoder's hidden sizes (the output layer is implicit). */
export const MODELS = {
  seed: { name: "seed", cols: 100, encoder: [64, 32], decoder: [64], batchSize: 32 },
  m784: { name: "m784", cols: 784, encoder: [256, 64], decoder: [256], batchSize: 128 },
};

/** latentkit's options for a bench model (`MODELS`): the architecture and training every process uses. */
export function latentkitOptions(spec, epochs) {
  return {
    encoder: spec.encoder,
    decoder: spec.decoder,
    activation: "relu",
    latentActivation: "relu",
    outputActivation: "sigmoid",
    loss: "mse",
    optimizer: "adam",
    learningRate: 1e-3,
    epochs,
    batchSize: spec.batchSize,
    seed: 42,
    shuffle: true,
  };
}

/** Multiply-adds of one row through the encoder (the GFLOP/s of encode is 2 × this × rows / s). */
export function encoderMacs(spec) {
  let macs = 0;
  let prev = spec.cols;
  for (const u of spec.encoder) {
    macs += prev * u;
    prev = u;
  }
  return macs;
}

/** Multiply-adds of one row through the whole autoencoder (forward). */
export function modelMacs(spec) {
  let macs = 0;
  let prev = spec.cols;
  for (const u of [...spec.encoder, ...spec.decoder, spec.cols]) {
    macs += prev * u;
    prev = u;
  }
  return macs;
}

/** GEMM shapes of the micro-benchmark: C(m×n) = A·B (nn), A·Bᵀ (nt), Aᵀ·B (tn), inner size k. */
export const GEMM_SHAPES = [
  { label: "256³ nn", kind: "nn", m: 256, n: 256, k: 256 },
  { label: "256³ nt", kind: "nt", m: 256, n: 256, k: 256 },
  { label: "256³ tn", kind: "tn", m: 256, n: 256, k: 256 },
  { label: "m784 fwd nn 128×256×784", kind: "nn", m: 128, n: 256, k: 784 },
  { label: "m784 dX nt 128×784×256", kind: "nt", m: 128, n: 784, k: 256 },
  { label: "m784 dW tn 784×256×128", kind: "tn", m: 784, n: 256, k: 128 },
];

/**
 * Full and quick settings. `epochs`: total epochs of the one training run per model (the first
 * is the warm-up; samples/s is the median of epochs 2..N, see timedEpochs; the final MSE is taken after the last).
 * `trainRows`: rows trained on (the first ones of the 8,192; quick mode trains on fewer).
 */
export function settings(quick) {
  return quick
    ? {
        quick: true,
        trainRows: 1024,
        epochs: { seed: 4, m784: 2 },
        singleWarmup: 200,
        singleCalls: 200,
        batchRows: 1024,
        batchWarmup: 1,
        batchReps: 5,
        batchWarmupMs: 100,
        batchMinMs: 200,
        batchBudgetMs: 1000,
        gemmReps: 3,
        gemmTargetMs: 30,
        coldSpawns: 2,
      }
    : {
        quick: false,
        trainRows: 8192,
        // m784 is cut from 10 to 4 epochs (1 warm-up + 3 timed, the final MSE after those 4):
        // tfjs-cpu needs ~65 s per m784 epoch on one core, 10 would take the bench past 10 minutes.
        epochs: { seed: 10, m784: 4 },
        singleWarmup: 2000,
        singleCalls: 2000,
        batchRows: 1024,
        batchWarmup: 5,
        batchReps: 25,
        batchWarmupMs: 500,
        batchMinMs: 1500, // time at least this long (seed batches take ~1-2 ms: one burst of noise would skew 25 calls)
        batchBudgetMs: 6000, // stop timing batches after this long (at least 5 timed): tfjs-cpu m784 takes ~1 s each
        gemmReps: 7,
        gemmTargetMs: 100,
        coldSpawns: 5,
      };
}

/**
 * The epochs whose median gives samples/s: all but the first. Libraries keep warming up after
 * epoch 1 (V8 tiers up JavaScript and wasm in background threads, which share the one pinned
 * core): tfjs-wasm's seed epochs 2-4 ran up to ~20 % slower than its epochs 5-10 in the same process,
 * latentkit's up to ~30 %. The bench used to take epochs 2-4 only and so measured part of the warm-up
 * (issue #14); the median of 2..N is the steady state when N is 10 (seed) and the same epochs as
 * before when N is 4 (m784, whose epochs are long enough that epoch 1 covers the warm-up).
 */
export function timedEpochs(epochSeconds) {
  return epochSeconds.slice(1);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Worker argv: `--config <json> --out <file>`. */
/**
 * Single-call latency of `call(i)` (i = 0, 1, ...): `calls` calls after `warmup`, timed in
 * blocks of `block` consecutive calls with one pair of performance.now() per block, so the
 * timer's own cost (~0.1-1 µs a pair here, the size of a whole latentkit call) is not
 * counted as latency. Returns the median and tails of the per-call time of each block, in
 * ms, and the timer's cost per pair. Both libraries are measured with this same function.
 */
export function timeSingleCalls(call, { warmup, calls, block = 10 }) {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += call(i);
  const blocks = Math.max(1, Math.floor(calls / block));
  const per = new Float64Array(blocks);
  let i = warmup;
  for (let b = 0; b < blocks; b++) {
    const t0 = performance.now();
    for (let j = 0; j < block; j++) sink += call(i++);
    per[b] = (performance.now() - t0) / block;
  }
  const empty = new Float64Array(200);
  for (let b = 0; b < empty.length; b++) {
    const t0 = performance.now();
    empty[b] = performance.now() - t0;
  }
  if (Number.isNaN(sink)) log("(sink is NaN)");
  return { calls: blocks * block, warmup, block, medianMs: median(per), p90Ms: quantile(per, 0.9), p99Ms: quantile(per, 0.99), timerPairMs: median(empty) };
}

/**
 * Throughput of `call()` on a whole batch: warm-up of at least `batchWarmup` calls and
 * `batchWarmupMs`; then timed calls, at least `batchReps` of them and `batchMinMs` in all,
 * but stopping after `batchBudgetMs` once 5 are timed (slow libraries). `call` returns a
 * number to keep its result alive. Returns the per-call times in ms and the sum of returns.
 */
export function timeBatchCalls(call, S) {
  let sink = 0;
  const warmStart = performance.now();
  for (let i = 0; i < S.batchWarmup || performance.now() - warmStart < S.batchWarmupMs; i++) sink += call();
  const times = [];
  const start = performance.now();
  for (;;) {
    const elapsed = performance.now() - start;
    if (times.length >= 5 && elapsed > S.batchBudgetMs) break;
    if (times.length >= S.batchReps && elapsed >= S.batchMinMs) break;
    const t0 = performance.now();
    sink += call();
    times.push(performance.now() - t0);
  }
  return { times, sink };
}

/**
 * GFLOP/s of `run(reps)`, which does `reps` products of `flop` each: calibrates reps so one
 * timed call takes ~gemmTargetMs (at most `maxReps`), then times `gemmReps` calls.
 */
export function gemmRates(run, flop, S, maxReps) {
  run(2);
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    run(reps);
    const ms = performance.now() - t0;
    if (ms >= S.gemmTargetMs / 4 || reps >= maxReps) {
      reps = Math.max(1, Math.round((reps * S.gemmTargetMs) / Math.max(ms, 0.001)));
      break;
    }
    reps *= 4;
  }
  const rates = [];
  for (let i = 0; i < S.gemmReps; i++) {
    const t0 = performance.now();
    run(reps);
    rates.push((flop * reps) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return { reps, rates };
}

export function workerArgs(argv = process.argv.slice(2)) {
  const get = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { config: JSON.parse(get("--config") ?? "{}"), out: get("--out") };
}

export function writeResult(out, result) {
  const json = JSON.stringify(result, null, 2);
  if (out) writeFileSync(out, json);
  else process.stdout.write(json + "\n");
}

/** Prints a progress line on stderr (the orchestrator passes it through). */
export function log(msg) {
  process.stderr.write(`  ${msg}\n`);
}
