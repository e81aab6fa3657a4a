// One benchmark process for latentkit's `workers` option (issue #14): training samples/s of the
// seed and m784 models and of the default English text model, without the option (one core,
// today's path), with `workers: 1` (the same 4 gradient shards a batch as any worker count, in
// the calling thread) and with `workers: 2`; and the SHA-256 of each run's saved bytes (the same
// for 1 and 2 workers, or the bench says so). Run by run.mjs, pinned to two cores:
//   node worker-latentkit-cores.mjs --config <json> --out <file>

import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import * as lk from "latentkit";
import { makeData } from "./data.mjs";
import { MODELS, latentkitOptions, median, timedEpochs, workerArgs, writeResult, log } from "./common.mjs";
import { englishWords, split } from "../text/corpora.mjs";

const { config, out } = workerArgs();
const S = config.settings;
/** Runs: no option (undefined), then 1 and 2 workers. */
const WORKERS = [undefined, 1, 2];

/** Trains with `train(options)` (which calls onEpochEnd); samples/s (median of epochs 2..N) and the saved bytes' SHA-256. */
async function timed(rows, train) {
  const wall = [];
  let last = performance.now();
  const onEpochEnd = () => {
    const now = performance.now();
    wall.push((now - last) / 1000);
    last = now;
  };
  const model = await train(onEpochEnd);
  const sha256 = createHash("sha256").update(model.save()).digest("hex");
  model.dispose();
  return { samplesPerSecond: rows / median(timedEpochs(wall)), epochSeconds: wall, sha256 };
}

const result = { library: "latentkit-cores", node: process.version, models: {} };
for (const name of config.models) {
  const spec = MODELS[name];
  const X = makeData(spec.cols);
  const T = { data: X.data.subarray(0, S.trainRows * spec.cols), rows: S.trainRows, cols: spec.cols };
  const runs = {};
  for (const workers of WORKERS) {
    const key = workers === undefined ? "none" : String(workers);
    runs[key] = await timed(T.rows, (onEpochEnd) =>
      lk.train(T, {
        ...latentkitOptions(spec, S.epochs[name]),
        ...(workers === undefined ? {} : { workers }),
        onEpochEnd,
      }),
    );
    log(`latentkit ${name}, workers ${key}: ${runs[key].samplesPerSecond.toFixed(0)} samples/s`);
  }
  result.models[name] = runs;
}

// the default English text model (text.train at its defaults but a fixed number of epochs)
const words = split(englishWords()).train.slice(0, S.quick ? 2000 : 16000);
const textRuns = {};
for (const workers of WORKERS) {
  const key = workers === undefined ? "none" : String(workers);
  textRuns[key] = await timed(words.length, (onEpochEnd) =>
    lk.text.train(words, { epochs: S.quick ? 2 : 4, earlyStopping: false, validationSplit: 0, ...(workers === undefined ? {} : { workers }), onEpochEnd }),
  );
  log(`latentkit text, workers ${key}: ${textRuns[key].samplesPerSecond.toFixed(0)} samples/s`);
}
result.models.text = textRuns;
writeResult(out, result);
