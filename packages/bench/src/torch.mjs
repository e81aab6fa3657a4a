// PyTorch (CPU, eager) as the bench's peer: finding a Python that imports torch, handing it the
// bench's data, the worker's command line, and the issue #14 training table (latentkit 1 worker,
// tfjs-wasm, PyTorch 1 and 2 threads, the ratios and their targets).

import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeData, fingerprint } from "./data.mjs";
import { MODELS } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..", "..", "..");

/** Thread counts PyTorch runs with, one process each; results are keyed `torch-<n>`. */
export const TORCH_THREADS = [1, 2];

/** Python of scripts/setup-torch.sh's venv ($LATENTKIT_TORCH_VENV or .venv-torch/) when it exists, else python3. */
export function torchPython() {
  const venv = process.env.LATENTKIT_TORCH_VENV || path.join(repoRoot, ".venv-torch");
  const py = path.join(venv, "bin", "python");
  return existsSync(py) ? py : "python3";
}

/** `{ python, version }` when `import torch` works there, else `{ python, error }` (a short reason). */
export function probeTorch(python = torchPython()) {
  // A first import of torch reads ~1 GB of shared libraries: give it time on a cold disk cache.
  const p = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8", timeout: 120_000 });
  if (p.status === 0) return { python, version: p.stdout.trim() };
  const why = p.error ? p.error.code ?? String(p.error) : (p.stderr || "").trim().split("\n").pop();
  return { python, error: why || `exit ${p.status}` };
}

/**
 * Writes each model's 8,192 rows (src/data.mjs) as little-endian float32 to `dir`, and returns
 * per model `{ file, rows, sha256, fingerprint }`: the worker checks the SHA-256 of the file (a
 * pure-Python FNV-1a would take ~20 s a model) and reports the FNV fingerprint, the one the JS
 * workers compute, so the bench's "same data in every process" check covers PyTorch too.
 */
export function exportData(dir, names = Object.keys(MODELS)) {
  const out = {};
  for (const name of names) {
    const X = makeData(MODELS[name].cols);
    let bytes = Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      // Big-endian host: swap each float's bytes so the file is little-endian as documented.
      bytes = Buffer.from(bytes).swap32();
    }
    const file = path.join(dir, `data-${name}.f32`);
    writeFileSync(file, bytes);
    out[name] = { file, rows: X.rows, sha256: createHash("sha256").update(bytes).digest("hex"), fingerprint: fingerprint(X.data) };
  }
  return out;
}

/** The worker's argv after the python executable. */
export function torchWorkerArgs({ settings, threads, data, out }) {
  const names = Object.keys(data);
  const specs = Object.fromEntries(names.map((n) => [n, MODELS[n]]));
  const config = { settings, threads, models: names, specs, data };
  return [path.join(here, "worker_torch.py"), "--config", JSON.stringify(config), "--out", out];
}

/** The issue #14 targets on training samples/s: [name, model, numerator, denominator, goal]. */
const TRAINING_TARGETS = [
  ["seed training ≥ 25x tfjs-wasm, 1 core", "seed", "latentkit", "tfjs-wasm", 25],
  ["seed training ≥ 4x PyTorch, 1 core / 1 thread", "seed", "latentkit", "torch-1", 4],
  ["m784 training ≥ 0.6x PyTorch, 1 core / 1 thread", "m784", "latentkit", "torch-1", 0.6],
];

/** The issue #14 targets on the `workers` option: [name, model, goal] for 2 workers / `workers: 1`. */
const SCALING_TARGETS = [
  ["m784 training, 2 workers / 1 worker ≥ 1.7x", "m784", 1.7],
  ["text training (English, defaults), 2 workers / 1 worker ≥ 1.6x", "text", 1.6],
];

/**
 * The training comparison of issue #14: rows of samples/s per library and thread count, the
 * ratios, and the targets. `sps(lib, model)` is a library's samples/s or null (not run, failed,
 * not installed); `torchNote` says why PyTorch is missing, when it is; `cores` is the result of
 * worker-latentkit-cores.mjs (runs without the option and with `workers` 1 and 2, one process on
 * two cores), or null.
 */
export function trainingComparison(sps, torchNote, cores = null) {
  const names = Object.keys(MODELS);
  const div = (x, y) => (x !== null && y !== null && y > 0 ? x / y : null);
  const ratio = (model, a, b) => div(sps(a, model), sps(b, model));
  const w = (model, key) => cores?.models?.[model]?.[key]?.samplesPerSecond ?? null;
  const coresNote = cores?.error ?? (cores ? undefined : "not run");
  const rows = [
    { label: "latentkit, no workers option (1 core)", values: names.map((n) => sps("latentkit", n)) },
    { label: "latentkit, workers: 1 (4 shards a batch)", values: names.map((n) => w(n, "1")), note: coresNote },
    { label: "latentkit, workers: 2", values: names.map((n) => w(n, "2")), note: coresNote },
    { label: "tfjs-wasm (1 thread in Node)", values: names.map((n) => sps("tfjs-wasm", n)) },
    ...TORCH_THREADS.map((t) => ({
      label: `PyTorch, ${t} thread${t > 1 ? "s" : ""}`,
      values: names.map((n) => sps(`torch-${t}`, n)),
      note: torchNote,
    })),
  ];
  const ratios = [
    { label: "latentkit / tfjs-wasm, 1 core", values: names.map((n) => ratio(n, "latentkit", "tfjs-wasm")) },
    { label: "latentkit / PyTorch, 1 core / 1 thread", values: names.map((n) => ratio(n, "latentkit", "torch-1")) },
    { label: "latentkit / PyTorch, 2 workers / 2 threads", values: names.map((n) => div(w(n, "2"), sps("torch-2", n))), note: coresNote },
    { label: "latentkit scaling, 2 workers / workers: 1", values: names.map((n) => div(w(n, "2"), w(n, "1"))), note: coresNote },
    { label: "latentkit, 2 workers / no option", values: names.map((n) => div(w(n, "2"), w(n, "none"))), note: coresNote },
    { label: "PyTorch scaling, 2 threads / 1 thread", values: names.map((n) => ratio(n, "torch-2", "torch-1")) },
  ];
  const text = ["none", "1", "2"].map((k) => w("text", k));
  const targets = TRAINING_TARGETS.map(([name, model, a, b, goal]) => {
    const value = ratio(model, a, b);
    return { name, value, goal, met: value === null ? null : value >= goal, unit: "x" };
  });
  for (const [name, model, goal] of SCALING_TARGETS) {
    const value = div(w(model, "2"), w(model, "1"));
    targets.push({ name, value, goal, met: value === null ? null : value >= goal, unit: "x" });
  }
  for (const model of [...names, "text"]) {
    const runs = cores?.models?.[model];
    const same = runs ? runs["1"]?.sha256 === runs["2"]?.sha256 : null;
    targets.push({ name: `${model}: saved bytes identical with 1 and 2 workers`, value: same === null ? null : same ? 1 : 0, goal: 1, met: same, unit: "" });
  }
  return { models: names, rows, ratios, targets, text };
}

/** Printed lines of `trainingComparison`'s result; `fmtNum` and `fmtRatio` are run.mjs's formatters. */
export function comparisonLines(cmp, fmtNum, fmtRatio) {
  const W0 = 46;
  const W = 16;
  const cell = (v, fmt, note) => (v === null ? note ?? "n/a" : fmt(v)).padStart(W);
  const lines = ["training, samples/s (issue #14: workers and PyTorch)".padEnd(W0) + cmp.models.map((m) => m.padStart(W)).join("")];
  for (const r of cmp.rows) lines.push(`  ${r.label}`.padEnd(W0) + r.values.map((v) => cell(v, fmtNum, r.note)).join(""));
  for (const r of cmp.ratios) lines.push(`  ${r.label}`.padEnd(W0) + r.values.map((v) => cell(v, fmtRatio, r.note)).join(""));
  const [none, one, two] = cmp.text;
  if (two !== null) {
    lines.push(
      `  text (English words, defaults): no option ${fmtNum(none)}, workers: 1 ${fmtNum(one)}, workers: 2 ${fmtNum(two)} samples/s; ` +
        `2 workers / 1 worker ${fmtRatio(two / one)}, 2 workers / no option ${fmtRatio(two / none)}`,
    );
  }
  return lines;
}
