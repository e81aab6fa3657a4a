// One benchmark process for TensorFlow.js with one backend ("cpu" or "wasm"): the same
// models, data and measurements as worker-latentkit.mjs, done the way a tfjs user would.
// Run by run.mjs as `node worker-tfjs.mjs --config <json> --out <file>`.

import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { makeData, fingerprint, mse } from "./data.mjs";
import { MODELS, GEMM_SHAPES, encoderMacs, median, timedEpochs, quantile, timeSingleCalls, timeBatchCalls, gemmRates, workerArgs, writeResult, log } from "./common.mjs";

const { config, out } = workerArgs();
const S = config.settings;
const backend = config.backend;

// tfjs greets Node users on stderr with an advert for tfjs-node; keep the log readable.
const warn = console.warn;
console.warn = (...a) => {
  if (typeof a[0] === "string" && a[0].includes("tfjs-node")) return;
  warn(...a);
};

const tf = await import("@tensorflow/tfjs");
if (backend === "wasm") {
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  // The npm package ships its .wasm files in dist/: load them from disk, no network.
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  setWasmPaths(dist + path.sep);
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const result = {
  library: `tfjs-${backend}`,
  node: process.version,
  tfjsVersion: tf.version.tfjs,
  backend: tf.getBackend(),
  flags:
    backend === "wasm"
      ? { simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"), threads: tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") }
      : {},
  models: {},
};

let seedCounter = 42;
const dense = (units, activation, extra = {}) =>
  tf.layers.dense({
    units,
    activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seedCounter++ }),
    biasInitializer: "zeros",
    ...extra,
  });

/** encoder (cols -> ... -> latent), decoder (latent -> ... -> cols), autoencoder = both in sequence. */
function buildModel(spec) {
  const encoder = tf.sequential();
  spec.encoder.forEach((u, i) => encoder.add(dense(u, "relu", i === 0 ? { inputShape: [spec.cols] } : {})));
  const latent = spec.encoder[spec.encoder.length - 1];
  const decoder = tf.sequential();
  spec.decoder.forEach((u, i) => decoder.add(dense(u, "relu", i === 0 ? { inputShape: [latent] } : {})));
  decoder.add(dense(spec.cols, "sigmoid", spec.decoder.length === 0 ? { inputShape: [latent] } : {}));
  const autoencoder = tf.sequential({ layers: [encoder, decoder] });
  autoencoder.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
  return { encoder, decoder, autoencoder };
}

for (const name of config.models) {
  const spec = MODELS[name];
  const X = makeData(spec.cols);
  const r = { dataFingerprint: fingerprint(X.data) };
  const T = { data: X.data.subarray(0, S.trainRows * spec.cols), rows: S.trainRows, cols: spec.cols };
  result.models[name] = r;
  const cols = spec.cols;
  const { encoder, autoencoder } = buildModel(spec);
  const x = tf.tensor2d(T.data, [T.rows, cols]);

  // --- training: model.fit, one run of `epochs` epochs; throughput = median of epochs 2..N (timedEpochs)
  const epochs = S.epochs[name];
  log(`tfjs-${backend} ${name}: training ${epochs} epochs`);
  const wall = [];
  const losses = [];
  let last = 0;
  await autoencoder.fit(x, x, {
    batchSize: spec.batchSize,
    epochs,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onTrainBegin: () => {
        last = performance.now();
      },
      onEpochEnd: (_epoch, logs) => {
        const now = performance.now();
        wall.push((now - last) / 1000);
        last = now;
        losses.push(logs.loss);
      },
    },
  });
  r.training = {
    epochs,
    paramCount: autoencoder.countParams(),
    epochSeconds: wall,
    trainRows: T.rows,
    samplesPerSecond: T.rows / median(timedEpochs(wall)),
    historyLoss: losses,
  };
  const recT = autoencoder.predict(x, { batchSize: 1024 });
  r.finalMse = { epochs, rows: T.rows, mse: mse(recT.dataSync(), T.data) };
  recT.dispose();
  log(`tfjs-${backend} ${name}: ${r.training.samplesPerSecond.toFixed(0)} samples/s, MSE ${r.finalMse.mse.toExponential(4)}`);

  // --- single-row encode latency: tensor2d + encoder.predict + dataSync + dispose, as a user does
  const encodeRow = (i) => {
    const j = i % X.rows;
    const t = tf.tensor2d(X.data.subarray(j * cols, (j + 1) * cols), [1, cols]);
    const z = encoder.predict(t);
    const v = z.dataSync();
    t.dispose();
    z.dispose();
    return v[0];
  };
  const tensorsBefore = tf.memory().numTensors;
  r.singleRow = timeSingleCalls((i) => encodeRow(i + 7), { warmup: S.singleWarmup, calls: S.singleCalls });

  // --- batch encode throughput (predict with batchSize = the whole batch, not tfjs's default 32)
  const B = S.batchRows;
  const batchData = X.data.subarray(0, B * cols);
  const encodeBatch = () => {
    const t = tf.tensor2d(batchData, [B, cols]);
    const z = encoder.predict(t, { batchSize: B });
    const v = z.dataSync();
    t.dispose();
    z.dispose();
    return v[0];
  };
  const { times: bt, sink } = timeBatchCalls(encodeBatch, S);
  const sec = median(bt) / 1000;
  r.batchEncode = {
    rows: B,
    reps: bt.length,
    medianMs: sec * 1000,
    rowsPerSecond: B / sec,
    gflops: (2 * encoderMacs(spec) * B) / sec / 1e9,
  };
  r.leakedTensors = tf.memory().numTensors - tensorsBefore;
  r.sink = sink;
  log(`tfjs-${backend} ${name}: encode 1 row ${(r.singleRow.medianMs * 1000).toFixed(1)} µs, batch ${r.batchEncode.rowsPerSecond.toFixed(0)} rows/s`);
  x.dispose();
  autoencoder.dispose();
}

// --- tf.matMul at the GEMM micro-benchmark's shapes, for comparison
if (config.gemm) {
  result.gemm = [];
  for (const g of GEMM_SHAPES) {
    const flop = 2 * g.m * g.n * g.k;
    const ta = g.kind === "tn";
    const tb = g.kind === "nt";
    const a = tf.randomUniform(ta ? [g.k, g.m] : [g.m, g.k], -1, 1, "float32", 1);
    const b = tf.randomUniform(tb ? [g.n, g.k] : [g.k, g.n], -1, 1, "float32", 2);
    const run = (reps) => {
      let c;
      for (let i = 0; i < reps; i++) {
        if (c) c.dispose();
        c = tf.matMul(a, b, ta, tb);
      }
      c.dataSync();
      c.dispose();
    };
    const { reps, rates } = gemmRates(run, flop, S, 1 << 16);
    a.dispose();
    b.dispose();
    result.gemm.push({ ...g, reps, timings: S.gemmReps, gflops: median(rates), gflopsBest: Math.max(...rates), gflopsAll: rates });
    log(`tfjs-${backend} matMul ${g.label}: ${median(rates).toFixed(2)} GFLOP/s`);
  }
}

writeResult(out, result);
