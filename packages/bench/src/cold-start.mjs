// Cold start of latentkit in a fresh process: from before `import("latentkit")` to the first
// encoded row, loading a saved model file. init() (instantiating the wasm) is timed on its own,
// then load() reads the file; a user calling load() alone pays the same sum.
// Run by run.mjs as `node cold-start.mjs <model file> <cols> [async|sync]`; prints one JSON line.
// performance.now() counts from the process's start (its timeOrigin).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [file, colsArg, mode = "async"] = process.argv.slice(2);
const bytes = readFileSync(file); // file I/O is the caller's, not latentkit's: read before timing
const row = new Float32Array(Number(colsArg)).fill(0.5);

const t0 = performance.now();
const lk = await import("latentkit");
const t1 = performance.now();
// what load() does first (mode "async", the default path); timed apart to show where the time
// goes. Mode "sync" calls initSync() instead, for comparison.
if (mode === "sync") lk.initSync();
else await lk.init();
const tInit = performance.now();
const model = await lk.load(bytes);
const t2 = performance.now();
const z = model.encode({ data: row, rows: 1, cols: row.length });
const t3 = performance.now();

process.stdout.write(
  JSON.stringify({
    importMs: t1 - t0,
    initMs: tInit - t1,
    loadMs: t2 - tInit,
    firstEncodeMs: t3 - t2,
    importToFirstEncodeMs: t3 - t0,
    processStartToFirstEncodeMs: t3,
    mode,
    latent: z.cols,
  }) + "\n",
);
