// Why the bench's tfjs-wasm seed training figure was lower than a plain `model.fit` loop gets
// (issue #14). In one fresh process it trains the seed model three ways, one after another,
// and prints samples/s per way; run it several times (a fresh process each: V8's JIT state is
// the point) and pinned or not, e.g. `taskset -c 1 node src/tfjs-fit-probe.mjs [--order 2,0,1]
// [--backend cpu]`.
//
// All ways: same data, glorotUniform + zeros, Adam 1e-3, MSE, batch 32, shuffle, 8,192 rows,
// 10 epochs.
//   nested+callbacks  what worker-tfjs.mjs does: encoder and decoder tf.sequential chained in a
//                     third, per-epoch wall time from onEpochEnd
//   flat+callbacks    one tf.sequential of the four dense layers, timed the same way
//   flat, plain fit   the flat model, fit(1 epoch) warm-up, then fit(9 epochs) timed as a whole,
//                     no callbacks: the "plain model.fit loop"
// For the first two it prints the median of epochs 2-4 (the bench's old figure), of epochs 5-10
// and of 2-10, so the warm-up beyond epoch 1 shows.

import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { makeData } from "./data.mjs";
import { MODELS, median, log } from "./common.mjs";

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const backend = opt("--backend", "wasm");

console.warn = () => {}; // tfjs's tfjs-node advert
const tf = await import("@tensorflow/tfjs");
if (backend === "wasm") {
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm")) + path.sep);
}
await tf.setBackend(backend);
await tf.ready();

const spec = MODELS.seed;
const X = makeData(spec.cols);
const x = tf.tensor2d(X.data, [X.rows, spec.cols]);
let seed = 42;
const dense = (units, activation, extra = {}) =>
  tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), biasInitializer: "zeros", ...extra });

function build(nested) {
  const [h1, latent] = spec.encoder;
  const enc = [dense(h1, "relu", { inputShape: [spec.cols] }), dense(latent, "relu")];
  const dec = [dense(spec.decoder[0], "relu", nested ? { inputShape: [latent] } : {}), dense(spec.cols, "sigmoid")];
  const model = nested
    ? tf.sequential({ layers: [tf.sequential({ layers: enc }), tf.sequential({ layers: dec })] })
    : tf.sequential({ layers: [...enc, ...dec] });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
  return model;
}

const fitArgs = { batchSize: spec.batchSize, shuffle: true, verbose: 0 };
const EPOCHS = 10;
const rate = (wall) => X.rows / (median(wall) / 1000);

/** The bench's way: per-epoch wall time from the callbacks. */
async function withCallbacks(model) {
  const wall = [];
  let last = 0;
  await model.fit(x, x, {
    ...fitArgs,
    epochs: EPOCHS,
    callbacks: { onTrainBegin: () => (last = performance.now()), onEpochEnd: () => { const now = performance.now(); wall.push(now - last); last = now; } },
  });
  return { "epochs 2-4": rate(wall.slice(1, 4)), "epochs 5-10": rate(wall.slice(4)), "epochs 2-10": rate(wall.slice(1)), perEpochMs: wall.map(Math.round) };
}

/** A plain loop: one warm-up epoch, then the other epochs timed as one fit call. */
async function plain(model) {
  await model.fit(x, x, { ...fitArgs, epochs: 1 });
  const t0 = performance.now();
  await model.fit(x, x, { ...fitArgs, epochs: EPOCHS - 1 });
  return { "epochs 2-10 (one fit call)": ((EPOCHS - 1) * X.rows) / ((performance.now() - t0) / 1000) };
}

const os = await import("node:os");
const load = () => os.loadavg()[0].toFixed(2);
const ways = {
  "nested+callbacks": () => withCallbacks(build(true)),
  "flat+callbacks": () => withCallbacks(build(false)),
  "flat, plain fit": () => plain(build(false)),
};
// --order 2,0 runs only ways 2 and 0, in that order (each later way profits from the JIT warm-up of the earlier ones).
const order = opt("--order", "0,1,2").split(",").map(Number);
const out = { backend, load: { start: load() }, ways: {} };
for (const [name, run] of order.map((i) => Object.entries(ways)[i])) {
  out.ways[name] = await run();
  log(`${name}: ${JSON.stringify(out.ways[name])}`);
}
out.load.end = load();
console.log(JSON.stringify(out));
