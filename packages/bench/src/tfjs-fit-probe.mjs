// Why the bench's tfjs-wasm seed training figure was lower than a plain `model.fit` loop gets
// (issue #14): trains the seed model in one process, several ways, interleaved so load that
// comes and goes hits each way alike, and prints samples/s per way (median over rounds).
//
//   node src/tfjs-fit-probe.mjs [--rounds 3] [--backend wasm|cpu]     (run it pinned and unpinned:
//   taskset -c 1 node src/tfjs-fit-probe.mjs)
//
// Ways (all: same data, glorotUniform + zeros, Adam 1e-3, MSE, batch 32, shuffle, 8,192 rows):
//   nested+callbacks  what worker-tfjs.mjs did: encoder and decoder tf.sequential chained in a
//                     third, per-epoch wall time from onEpochEnd, median of epochs 2-4
//   nested            the same model, no callbacks: fit(1 epoch) warm-up, then fit(3 epochs) timed whole
//   flat              one tf.sequential of the four dense layers, timed like "nested"
//   flat+callbacks    the flat model timed like the bench

import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { makeData } from "./data.mjs";
import { MODELS, median, log } from "./common.mjs";

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const rounds = Number(opt("--rounds", "3"));
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

/** The bench's way: 4 epochs, per-epoch wall time from the callbacks, median of epochs 2-4. */
async function withCallbacks(model) {
  const wall = [];
  let last = 0;
  await model.fit(x, x, {
    ...fitArgs,
    epochs: 4,
    callbacks: { onTrainBegin: () => (last = performance.now()), onEpochEnd: () => { const now = performance.now(); wall.push(now - last); last = now; } },
  });
  return X.rows / (median(wall.slice(1, 4)) / 1000);
}

/** A plain loop: one warm-up epoch, then 3 epochs timed as one fit call. */
async function plain(model) {
  await model.fit(x, x, { ...fitArgs, epochs: 1 });
  const t0 = performance.now();
  await model.fit(x, x, { ...fitArgs, epochs: 3 });
  return (3 * X.rows) / ((performance.now() - t0) / 1000);
}

const ways = {
  "nested+callbacks": () => withCallbacks(build(true)),
  nested: () => plain(build(true)),
  flat: () => plain(build(false)),
  "flat+callbacks": () => withCallbacks(build(false)),
};
const got = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(ways)) {
    got[name].push(await run());
    log(`round ${r + 1} ${name}: ${got[name].at(-1).toFixed(0)} samples/s`);
  }
}
const load = (await import("node:os")).loadavg().map((v) => v.toFixed(2)).join(" ");
console.log(`tfjs-${backend} seed training, samples/s, median of ${rounds} rounds (load ${load}):`);
for (const [name, v] of Object.entries(got)) console.log(`  ${name.padEnd(18)} ${median(v).toFixed(0).padStart(7)}   (${v.map((s) => s.toFixed(0)).join(", ")})`);
