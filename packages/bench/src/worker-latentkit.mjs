// One benchmark process for latentkit: training, inference and the GEMM kernels.
// Run by run.mjs as `node worker-latentkit.mjs --config <json> --out <file>`.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import * as lk from "latentkit";
import { makeData, fingerprint, mse } from "./data.mjs";
import { MODELS, GEMM_SHAPES, latentkitOptions, encoderMacs, median, timedEpochs, quantile, timeSingleCalls, timeBatchCalls, gemmRates, workerArgs, writeResult, log } from "./common.mjs";

const { config, out } = workerArgs();
const S = config.settings;
const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve("latentkit/package.json"));
const generatedDir = path.join(pkgDir, "src", "generated");

await lk.init();
const result = {
  library: "latentkit",
  node: process.version,
  buildInfo: lk.buildInfo(),
  build: buildCheck(),
  models: {},
};

for (const name of config.models) {
  const spec = MODELS[name];
  const X = makeData(spec.cols);
  const r = { dataFingerprint: fingerprint(X.data) };
  const T = { data: X.data.subarray(0, S.trainRows * spec.cols), rows: S.trainRows, cols: spec.cols };
  result.models[name] = r;

  // --- training: one run of `epochs` epochs; throughput = median of epochs 2..N (timedEpochs: epoch 1 = warm-up)
  const epochs = S.epochs[name];
  log(`latentkit ${name}: training ${epochs} epochs`);
  const wall = [];
  const reported = [];
  let last = performance.now();
  const model = await lk.train(T, {
    ...latentkitOptions(spec, epochs),
    onEpochEnd(info) {
      const now = performance.now();
      wall.push((now - last) / 1000);
      last = now;
      reported.push(info.samplesPerSecond);
    },
  });
  const timed = timedEpochs(wall);
  r.training = {
    epochs,
    paramCount: model.paramCount,
    epochSeconds: wall,
    trainRows: T.rows,
    samplesPerSecond: T.rows / median(timed),
    samplesPerSecondReported: median(timedEpochs(reported)),
    historyLoss: model.history.map((h) => h.loss),
  };
  const rec = model.reconstruct(T);
  r.finalMse = { epochs, rows: T.rows, mse: mse(rec.data, T.data), evaluateLoss: model.evaluate(T).loss };
  log(`latentkit ${name}: ${r.training.samplesPerSecond.toFixed(0)} samples/s, MSE ${r.finalMse.mse.toExponential(4)}`);

  if (name === "seed" && config.saveModelTo) writeFileSync(config.saveModelTo, model.save());

  // --- single-row encode latency (what a user does: one row in, one code out)
  const cols = spec.cols;
  const row = (i) => ({ data: X.data.subarray((i % X.rows) * cols, (i % X.rows + 1) * cols), rows: 1, cols });
  r.singleRow = timeSingleCalls((i) => model.encode(row(i + 7)).data[0], { warmup: S.singleWarmup, calls: S.singleCalls });

  // --- batch encode throughput
  const B = S.batchRows;
  const batch = { data: X.data.subarray(0, B * cols), rows: B, cols };
  const { times: bt, sink } = timeBatchCalls(() => model.encode(batch).data[0], S);
  const sec = median(bt) / 1000;
  r.batchEncode = {
    rows: B,
    reps: bt.length,
    medianMs: sec * 1000,
    rowsPerSecond: B / sec,
    gflops: (2 * encoderMacs(spec) * B) / sec / 1e9,
  };
  r.sink = sink;
  log(`latentkit ${name}: encode 1 row ${(r.singleRow.medianMs * 1000).toFixed(1)} µs, batch ${r.batchEncode.rowsPerSecond.toFixed(0)} rows/s`);
  model.dispose();
}

// --- GEMM micro-benchmark through benchKernel, which only the test-only diagnostics wasm exports
// (scripts/build-wasm.sh builds it next to the shipped one: the same kernels, compiled the same
// way, plus the diagnostics); its own wasm instance
if (config.gemm) {
  const diagnosticsDir = path.join(generatedDir, "diagnostics");
  if (!existsSync(path.join(diagnosticsDir, "latentkit_wasm_bg.wasm"))) {
    throw new Error(`${diagnosticsDir} is missing (the GEMM rows need its benchKernel): run \`pnpm build\``);
  }
  const glue = await import(pathToFileURL(path.join(diagnosticsDir, "latentkit_wasm.js")).href);
  glue.initSync({ module: readFileSync(path.join(diagnosticsDir, "latentkit_wasm_bg.wasm")) });
  result.gemm = [];
  for (const g of GEMM_SHAPES) {
    const flop = 2 * g.m * g.n * g.k;
    const { reps, rates } = gemmRates((n) => glue.benchKernel(g.kind, g.m, g.n, g.k, n), flop, S, 1 << 20);
    result.gemm.push({ ...g, reps, timings: S.gemmReps, gflops: median(rates), gflopsBest: Math.max(...rates), gflopsAll: rates });
    log(`latentkit gemm ${g.label}: ${median(rates).toFixed(1)} GFLOP/s`);
  }
}

writeResult(out, result);

/**
 * Which build is being measured: the entry Node resolves for `import "latentkit"`, and whether the
 * wasm it uses (inlined as base64 in the entry, or a .wasm file in dist/) is the one in src/generated/.
 */
function buildCheck() {
  const info = {};
  try {
    const wasm = readFileSync(path.join(generatedDir, "latentkit_wasm_bg.wasm"));
    const entry = fileURLToPath(import.meta.resolve("latentkit"));
    info.entry = path.relative(pkgDir, entry);
    info.generatedWasmBytes = wasm.length;
    const distWasm = path.join(path.dirname(entry), "latentkit_wasm_bg.wasm");
    const inlined = readFileSync(entry, "utf8").includes(wasm.toString("base64"));
    const sameFile = existsSync(distWasm) && readFileSync(distWasm).equals(wasm);
    info.distWasmMatchesGenerated = inlined || sameFile;
    info.how = inlined ? "inlined in the entry" : sameFile ? "dist/latentkit_wasm_bg.wasm" : "no match";
  } catch (e) {
    info.error = String(e);
  }
  return info;
}
