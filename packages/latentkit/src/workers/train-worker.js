// One training worker (issue #14): its own instance of the core, the same session as every
// other worker of the run (same model bytes, data, options and seed; only `worker` differs),
// the batches' shards exchanged through exchange.js. Started by workers/pool.ts as a module
// Web Worker, or in Node as a worker thread whose bootstrap (pool.ts) gives it the same
// `self.onmessage` / `self.postMessage` surface. Plain JavaScript: Node runs it from the
// sources too. The build bundles it with the core's glue into dist/train-worker.js.
//
// Messages from the pool: "start" (everything the session needs), then at every epoch end a
// verdict: "go" (next epoch), "end" (trainEnd, hand back the model), "abort" (trainAbort, hand
// it back). To the pool: "ready", worker 0's step reports, and one last message: "done" (the
// summary and the model's bytes), "stopped" (the bytes, after an abort) or "failed" (the error,
// and the bytes of the last finished batch when the model can still write them).

import { initSync, Model } from "../generated/latentkit_wasm.js";
import { Exchange, StopError } from "./exchange.js";

/** Target duration of one trainStep, in ms (as in training.ts). */
const TARGET_MS = 15;
const MAX_STEP = 1 << 20;

const inbox = [];
let waiting = null;
self.onmessage = (event) => {
  if (waiting) {
    const resolve = waiting;
    waiting = null;
    resolve(event.data);
  } else inbox.push(event.data);
};

function nextMessage() {
  return inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => (waiting = resolve));
}

/** The model file with the optimiser's state, as a message part (transferred, not copied). */
function send(type, model, meta, extra = {}) {
  let bytes = null;
  try {
    bytes = model.toBytes(meta, true);
  } catch {
    // a model that cannot write itself hands back nothing; the pool keeps another's bytes
  }
  self.postMessage({ type, bytes, ...extra }, bytes ? [bytes.buffer] : []);
}

/** What the pool needs to rethrow a core error (its code and message) or report a worker's own. */
function describe(e, exchange) {
  if (e instanceof StopError || exchange.stopError) return { stopped: true, message: String(e?.message ?? e) };
  if (exchange.error) return { code: "WORKER_FAILED", message: exchange.error };
  const code = e && typeof e === "object" && typeof e.code === "string" ? e.code : "WORKER_FAILED";
  return { code, message: e instanceof Error ? e.message : String(e) };
}

/** Runs trainStep until the pool's verdict ends the session. */
async function loop(model, exchange, worker, meta) {
  let n = 1;
  for (;;) {
    if (exchange.stopped()) {
      model.trainAbort();
      return send("stopped", model, meta);
    }
    const t0 = performance.now();
    let report;
    try {
      report = JSON.parse(model.trainStep(n));
    } catch (e) {
      // the core ended the session, keeping the weights of the last finished batch
      return send("failed", model, meta, { error: describe(e, exchange) });
    }
    const dt = performance.now() - t0;
    if (report.batches > 0) n = Math.max(1, Math.min(MAX_STEP, n * 4, Math.floor(TARGET_MS / (Math.max(dt, 0.01) / report.batches))));
    if (worker === 0) self.postMessage({ type: "report", report });
    if (!report.epochEnded && !report.stop) continue;
    const verdict = await nextMessage();
    if (verdict.type === "go") continue;
    if (verdict.type === "end") return send("done", model, meta, { summary: model.trainEnd() });
    model.trainAbort();
    return send("stopped", model, meta);
  }
}

async function run(start) {
  const { module, bytes, meta, train, val, optionsJson, worker, workers, shared, failAt } = start;
  initSync({ module });
  const model = Model.fromBytes(bytes);
  model.trainBegin(optionsJson, train.data, train.rows, val ? val.data : new Float32Array(0), val ? val.rows : 0);
  const exchange = new Exchange(shared, worker, workers, failAt);
  model.trainExchange((values, lo, hi) => {
    try {
      exchange.call(values, lo, hi);
    } catch (e) {
      // remembered: the core turns what fn throws into its own error
      if (e instanceof StopError) exchange.stopError = true;
      else exchange.error = e instanceof Error ? e.message : String(e);
      throw e;
    }
  });
  await loop(model, exchange, worker, meta);
}

self.postMessage({ type: "ready" });
nextMessage()
  .then(run)
  // before or at trainBegin: a core error (e.g. INVALID_OPTION) keeps its code
  .catch((e) => self.postMessage({ type: "failed", bytes: null, error: describe(e, {}) }));
