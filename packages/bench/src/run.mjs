#!/usr/bin/env node
// latentkit benchmark orchestrator: one fresh Node process per library (pinned to one core
// with taskset when available), PyTorch's Python processes (1 thread pinned to that core, 2
// threads on two cores) where torch is installed, then cold-start spawns, then the table, the
// ratios, the targets, and results/latest.json.
//
//   node src/run.mjs [--quick] [--only latentkit|tfjs-cpu|tfjs-wasm|torch[,...]] [--out file] [--no-pin]

import { spawnSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MODELS, GEMM_SHAPES, median, settings } from "./common.mjs";
import { TORCH_THREADS, torchPython, probeTorch, exportData, torchWorkerArgs, trainingComparison, comparisonLines } from "./torch.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, "..");
const LIBS = ["latentkit", "tfjs-wasm", "tfjs-cpu", "torch"];

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
function usage(msg) {
  if (msg) console.error(`error: ${msg}\n`);
  console.error(
    "usage: node src/run.mjs [--quick] [--only latentkit|tfjs-cpu|tfjs-wasm|torch[,...]] [--out file] [--no-pin]\n" +
      "  --quick   smoke run: 1,024 training rows, few epochs and calls (figures are rough)\n" +
      "  --only    run only these libraries (repeatable or comma-separated); ratios need more than one\n" +
      "  --out     where to write the JSON (default results/latest.json for a full run of all\n" +
      "            libraries, results/partial.json otherwise)\n" +
      "  --no-pin  do not pin the benchmark processes to one core with taskset",
  );
  process.exit(msg ? 2 : 0);
}
let quick = false;
let pin = true;
let outFile;
const only = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--") continue;
  else if (a === "--quick") quick = true;
  else if (a === "--no-pin") pin = false;
  else if (a === "--help" || a === "-h") usage();
  else if (a === "--only" || a.startsWith("--only=")) {
    const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
    if (!v) usage("--only needs a library name");
    only.push(...v.split(",").map((s) => s.trim()).filter(Boolean));
  } else if (a === "--out" || a.startsWith("--out=")) {
    outFile = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
    if (!outFile) usage("--out needs a file name");
  } else usage(`unknown argument ${a}`);
}
for (const o of only) if (!LIBS.includes(o)) usage(`--only: unknown library "${o}" (use ${LIBS.join(", ")})`);
const libs = only.length ? LIBS.filter((l) => only.includes(l)) : LIBS;
// The Node libraries, one column each in the main table; PyTorch has its own training table.
const nodeLibs = libs.filter((l) => l !== "torch");
const S = settings(quick);
const complete = !quick && libs.length === LIBS.length;
outFile = path.resolve(outFile ?? path.join(benchDir, "results", complete ? "latest.json" : "partial.json"));

// ---------------------------------------------------------------- environment
const require = createRequire(import.meta.url);
let lkDir;
try {
  lkDir = path.dirname(require.resolve("latentkit/package.json"));
} catch {
  console.error("latentkit is not linked: run `pnpm install` at the repository root.");
  process.exit(1);
}
let lkEntry = null;
try {
  lkEntry = fileURLToPath(import.meta.resolve("latentkit"));
} catch {
  // reported below
}
if (libs.includes("latentkit") && !(lkEntry && existsSync(lkEntry))) {
  console.error("latentkit is not built (no packages/latentkit/dist): run `pnpm build` at the repository root.");
  process.exit(1);
}
/** Digest of latentkit's build (every file in dist/ + the generated wasm + the diagnostics wasm of the GEMM rows), to notice a rebuild during the run. */
function buildDigest() {
  const h = createHash("sha256");
  const dist = path.join(lkDir, "dist");
  const files = existsSync(dist) ? readdirSync(dist).sort().map((f) => path.join(dist, f)) : [];
  files.push(path.join(lkDir, "src", "generated", "latentkit_wasm_bg.wasm"));
  files.push(path.join(lkDir, "src", "generated", "diagnostics", "latentkit_wasm_bg.wasm"));
  for (const f of files) {
    h.update(f);
    try {
      h.update(readFileSync(f));
    } catch {
      h.update("missing");
    }
  }
  return h.digest("hex").slice(0, 16);
}
const digestStart = buildDigest();
const hasTaskset = pin && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const cpus = os.cpus().length;
const pinCore = hasTaskset ? String(Math.min(1, cpus - 1)) : null;
// Two cores for PyTorch's 2-thread run (every other process gets the one pinned core).
const pairCores = cpus >= 2 ? "0,1" : pinCore;
const pinned = (args, cores = pinCore) => (pinCore !== null ? ["taskset", ["-c", cores, ...args]] : [args[0], args.slice(1)]);

const tmp = mkdtempSync(path.join(os.tmpdir(), "latentkit-bench-"));
const modelFile = path.join(tmp, "seed-model.lkm");
const started = new Date();
const loadStart = os.loadavg();
console.error(
  `latentkit bench (${quick ? "quick" : "full"}): ${libs.join(", ")}; ` +
    (pinCore !== null ? `each process pinned to CPU ${pinCore}` : "processes not pinned") +
    `; load average ${loadStart.map((x) => x.toFixed(2)).join(" ")}`,
);

// ---------------------------------------------------------------- run the workers
function runWorker(lib) {
  const script = lib === "latentkit" ? "worker-latentkit.mjs" : "worker-tfjs.mjs";
  const out = path.join(tmp, `${lib}.json`);
  const config = {
    settings: S,
    models: Object.keys(MODELS),
    gemm: true,
    backend: lib.startsWith("tfjs-") ? lib.slice(5) : undefined,
    saveModelTo: lib === "latentkit" ? modelFile : undefined,
  };
  return runProcess(lib, pinned([process.execPath, path.join(here, script), "--config", JSON.stringify(config), "--out", out]), out);
}

/**
 * Runs `[cmd, args]`, which writes its JSON result to `out`; resolves to that result or `{ error }`,
 * with the load average around the process (another process on the cores moves every figure).
 */
function runProcess(lib, [cmd, args], out) {
  const t0 = Date.now();
  const loadAverage = { start: os.loadavg() };
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: benchDir, stdio: ["ignore", "inherit", "inherit"] });
    child.on("close", (code, signal) => {
      const seconds = (Date.now() - t0) / 1000;
      loadAverage.end = os.loadavg();
      if (code === 0 && existsSync(out)) {
        resolve({ ...JSON.parse(readFileSync(out, "utf8")), processSeconds: seconds, loadAverage });
      } else {
        resolve({ library: lib, error: `process exited with ${signal ?? code}`, processSeconds: seconds, loadAverage });
      }
    });
  });
}

const results = {};
const report = (lib) => {
  if (results[lib].error) console.error(`  ${lib} FAILED: ${results[lib].error}`);
  else console.error(`  ${lib} done in ${results[lib].processSeconds.toFixed(1)} s`);
};
for (const lib of nodeLibs) {
  console.error(`[${lib}]`);
  results[lib] = await runWorker(lib);
  report(lib);
}
// latentkit's `workers` option (issue #14): one process on both cores, without the option and
// with 1 and 2 workers (worker-latentkit-cores.mjs); like PyTorch's 2 threads, it needs both
// cores idle.
if (libs.includes("latentkit")) {
  const lib = "latentkit-cores";
  console.error(`[${lib}] no workers option, workers: 1, workers: 2 (CPUs ${pairCores ?? "-"})`);
  const out = path.join(tmp, `${lib}.json`);
  const config = { settings: S, models: Object.keys(MODELS) };
  results[lib] = await runProcess(lib, pinned([process.execPath, path.join(here, "worker-latentkit-cores.mjs"), "--config", JSON.stringify(config), "--out", out], pairCores), out);
  report(lib);
}
// PyTorch: the bench's rows go to the Python process as a float32 file; where torch does not
// import, the bench says so and goes on (it is an optional peer: scripts/setup-torch.sh).
const torch = libs.includes("torch") ? probeTorch(torchPython()) : null;
const torchLibs = [];
if (torch?.error) console.error(`PyTorch: not installed (see README) — ${torch.python}: ${torch.error}`);
else if (torch) {
  const data = exportData(tmp);
  for (const threads of TORCH_THREADS) {
    const lib = `torch-${threads}`;
    const out = path.join(tmp, `${lib}.json`);
    console.error(`[${lib}] PyTorch ${torch.version}, ${threads} thread${threads > 1 ? "s" : ""} (${torch.python})`);
    results[lib] = await runProcess(lib, pinned([torch.python, ...torchWorkerArgs({ settings: S, threads, data, out })], threads > 1 ? pairCores : pinCore), out);
    report(lib);
    torchLibs.push(lib);
  }
}

// ---------------------------------------------------------------- cold start + wasm size
let cold = null;
let wasmSize = null;
if (libs.includes("latentkit")) {
  if (existsSync(modelFile)) {
    console.error(`[cold start] ${S.coldSpawns} fresh processes with init(), ${S.coldSpawns} with initSync()`);
    const coldRuns = (mode) => {
      const runs = [];
      for (let i = 0; i < S.coldSpawns; i++) {
        const [cmd, args] = pinned([process.execPath, path.join(here, "cold-start.mjs"), modelFile, String(MODELS.seed.cols), mode]);
        const t0 = process.hrtime.bigint();
        const p = spawnSync(cmd, args, { cwd: benchDir, encoding: "utf8" });
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (p.status !== 0) {
          console.error(p.stderr);
          continue;
        }
        runs.push({ ...JSON.parse(p.stdout.trim().split("\n").pop()), spawnToExitMs: wallMs });
      }
      if (!runs.length) return null;
      const med = (k) => median(runs.map((r) => r[k]));
      return {
        spawns: runs.length,
        importToFirstEncodeMs: med("importToFirstEncodeMs"),
        importMs: med("importMs"),
        initMs: med("initMs"),
        loadMs: med("loadMs"),
        firstEncodeMs: med("firstEncodeMs"),
        processStartToFirstEncodeMs: med("processStartToFirstEncodeMs"),
        spawnToExitMs: med("spawnToExitMs"),
        runs,
      };
    };
    cold = coldRuns("async");
    if (cold) cold.withInitSync = coldRuns("sync");
  }
  const gen = path.join(lkDir, "src", "generated");
  const wasmPath = path.join(gen, "latentkit_wasm_bg.wasm");
  if (existsSync(wasmPath)) {
    const bytes = readFileSync(wasmPath);
    let sizeJson = null;
    try {
      sizeJson = JSON.parse(readFileSync(path.join(gen, "size.json"), "utf8"));
    } catch {
      // optional
    }
    let entry = null;
    try {
      const js = readFileSync(lkEntry);
      entry = { file: path.relative(lkDir, lkEntry), raw: js.length, gzip: gzipSync(js, { level: 9 }).length, inlinesWasm: js.includes(bytes.toString("base64")) };
    } catch {
      // entry missing (reported by the worker)
    }
    wasmSize = {
      file: path.relative(path.resolve(benchDir, "../.."), wasmPath),
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      sizeJson,
      nodeEntry: entry,
    };
  }
}
rmSync(tmp, { recursive: true, force: true });
const digestEnd = buildDigest();

// ---------------------------------------------------------------- summary, ratios, targets
const ok = (lib) => results[lib] && !results[lib].error;
const others = ["tfjs-wasm", "tfjs-cpu"].filter(ok);
const get = (lib, fn) => {
  try {
    const v = ok(lib) ? fn(results[lib]) : undefined;
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
};

// Each metric: how to read it per library, and which direction is better.
const metricDefs = [];
for (const name of Object.keys(MODELS)) {
  const m = (r) => r.models[name];
  metricDefs.push(
    { key: `${name}.trainSamplesPerSecond`, model: name, label: "training, samples/s", better: "higher", fn: (r) => m(r).training.samplesPerSecond },
    { key: `${name}.finalMse`, model: name, label: "final MSE", better: "lower", fn: (r) => m(r).finalMse.mse },
    { key: `${name}.encode1RowMedianUs`, model: name, label: "encode 1 row, median µs", better: "lower", fn: (r) => m(r).singleRow.medianMs * 1000 },
    { key: `${name}.encodeBatchRowsPerSecond`, model: name, label: `encode ${S.batchRows.toLocaleString("en-US")} rows, rows/s`, better: "higher", fn: (r) => m(r).batchEncode.rowsPerSecond },
    { key: `${name}.encodeBatchGflops`, model: name, label: `encode ${S.batchRows.toLocaleString("en-US")} rows, GFLOP/s`, better: "higher", fn: (r) => m(r).batchEncode.gflops },
  );
}
for (const g of GEMM_SHAPES) {
  metricDefs.push({ key: `gemm.${g.kind}.${g.m}x${g.n}x${g.k}`, model: "gemm", label: g.label, better: "higher", fn: (r) => r.gemm.find((x) => x.label === g.label).gflops });
}

/** speedup of latentkit over `other`: > 1 means latentkit is better (for MSE: latentkit / other, < 1 better). */
function ratio(def, other) {
  const a = get("latentkit", def.fn);
  const b = get(other, def.fn);
  if (a === null || b === null || a === 0 || b === 0) return null;
  if (def.key.endsWith("finalMse")) return a / b;
  return def.better === "higher" ? a / b : b / a;
}

const summary = {};
for (const def of metricDefs) {
  const entry = { label: def.label, better: def.better, values: {}, ratios: {} };
  for (const lib of nodeLibs) entry.values[lib] = get(lib, def.fn);
  // PyTorch only trains (its figures are in the training comparison and here, for the JSON).
  if (/\.(trainSamplesPerSecond|finalMse)$/.test(def.key)) for (const lib of torchLibs) entry.values[lib] = get(lib, def.fn);
  for (const o of others) if (ok("latentkit")) entry.ratios[`vs ${o}`] = ratio(def, o);
  summary[def.key] = entry;
}

const KIB = 1024;
const targets = [];
function target(name, value, goal, met, unit) {
  targets.push({ name, value, goal, met: value === null || value === undefined ? null : met, unit });
}
const rw = (key) => summary[key]?.ratios["vs tfjs-wasm"] ?? null;
// Issue #14's training targets (seed ≥ 25x tfjs-wasm replaces the earlier ≥ 20x; m784 and seed vs PyTorch).
const torchNote = torch?.error ? "not installed" : undefined;
const comparison = trainingComparison((lib, model) => get(lib, (r) => r.models[model].training.samplesPerSecond), torchNote, results["latentkit-cores"] ?? null);
targets.push(...comparison.targets);
target("m784 training ≥ 10x tfjs-wasm", rw("m784.trainSamplesPerSecond"), 10, rw("m784.trainSamplesPerSecond") >= 10, "x");
for (const name of Object.keys(MODELS)) {
  const v = rw(`${name}.encode1RowMedianUs`);
  target(`${name} single-row encode ≥ 30x faster than tfjs-wasm`, v, 30, v >= 30, "x");
}
{
  const s = rw("seed.encodeBatchRowsPerSecond");
  target("seed batch encode > 1x tfjs-wasm", s, 1, s > 1, "x");
  const m = rw("m784.encodeBatchRowsPerSecond");
  target("m784 batch encode ≥ 1x tfjs-wasm", m, 1, m >= 1, "x");
}
for (const g of GEMM_SHAPES) {
  const v = get("latentkit", (r) => r.gemm.find((x) => x.label === g.label).gflops);
  target(`GEMM ${g.label} ≥ 25 GFLOP/s`, v, 25, v >= 25, "GFLOP/s");
}
for (const name of Object.keys(MODELS)) {
  for (const o of others) {
    const v = summary[`${name}.finalMse`].ratios[`vs ${o}`];
    target(`${name} final MSE no worse than ${o} (ratio ≤ 1)`, v, 1, v !== null && v <= 1, "x");
  }
}
if (libs.includes("latentkit")) {
  const c = cold ? cold.importToFirstEncodeMs : null;
  target("cold start (import → first encode) < 30 ms", c, 30, c < 30, "ms");
  const w = wasmSize ? wasmSize.raw / KIB : null;
  target("wasm raw ≤ 250 KB (250 KiB = 256,000 bytes)", w, 250, w <= 250, "KiB");
}

// ---------------------------------------------------------------- print
const fmtNum = (v, kind) => {
  if (v === null || v === undefined) return "n/a";
  if (kind === "mse") return v.toExponential(3);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};
const fmtRatio = (v) => (v === null || v === undefined ? "n/a" : v >= 100 ? `${v.toFixed(0)}x` : v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`);
const fmtMseRatio = (v) => (v === null || v === undefined ? "n/a" : `${v.toFixed(3)}x`);
const pad = (s, n) => String(s).padStart(n);
const padR = (s, n) => String(s).padEnd(n);

const lines = [];
const lkInfo = ok("latentkit") ? results.latentkit.buildInfo : null;
const tfv = others.length ? results[others[0]].tfjsVersion : null;
lines.push(
  `latentkit benchmark — ${started.toISOString().slice(0, 16)}Z, ${quick ? "QUICK (smoke) run" : "full run"}, Node ${process.version}, ` +
    `${os.cpus()[0]?.model?.trim() ?? "cpu"} (${cpus} cores), ` +
    (pinCore !== null ? `each library in its own process pinned to CPU ${pinCore}` : "processes not pinned"),
);
lines.push(
  `latentkit ${lkInfo ? `${lkInfo.version} (simd128: ${lkInfo.simd128})` : "n/a"}, tfjs ${tfv ?? "n/a"}` +
    (ok("tfjs-wasm") ? ` (wasm backend: simd ${results["tfjs-wasm"].flags.simd}, threads ${results["tfjs-wasm"].flags.threads})` : ""),
);
const fps = new Set();
for (const lib of [...nodeLibs, ...torchLibs]) if (ok(lib)) for (const n of Object.keys(MODELS)) fps.add(`${n}:${results[lib].models[n].dataFingerprint}`);
const sameData = fps.size === Object.keys(MODELS).length;
lines.push(
  `data: 8,192 rows = sigmoid(Z·M), Z ~ N(0, I₈) seeded; trained on ${S.trainRows.toLocaleString("en-US")} rows; ` +
    `identical in every process: ${sameData ? "yes" : "NO"}`,
);
lines.push(
  "training: Adam 1e-3, MSE, shuffle, relu hidden+latent, sigmoid out; samples/s = median of epochs 2-N (epoch 1 = warm-up); " +
    `final MSE on the training rows after ${S.epochs.seed} epochs (seed) and ${S.epochs.m784} epochs (m784${quick ? "" : ", cut from 10: tfjs-cpu takes ~65 s per epoch"})`,
);
lines.push("ratios: how many times better latentkit is (for MSE: latentkit / other, below 1 = latentkit lower)");
lines.push("");

const libCols = nodeLibs;
const W0 = 34;
const W = 14;
const ratioCols = others.filter(() => ok("latentkit")).map((o) => `vs ${o}`);
const header = padR("", W0) + libCols.map((l) => pad(l, W)).join("") + ratioCols.map((r) => pad(r, W)).join("");
const modelTitle = {
  seed: `seed  100→64→32 | 32→64→100, batch ${MODELS.seed.batchSize}`,
  m784: `m784  784→256→64 | 64→256→784, batch ${MODELS.m784.batchSize}`,
  gemm: "GEMM, GFLOP/s (latentkit benchKernel; tfjs tf.matMul)",
};
if (libCols.length) lines.push(header);
let lastModel = null;
// `--only torch` has no Node library: no main table, only the training comparison below.
for (const def of libCols.length ? metricDefs : []) {
  if (def.model !== lastModel) {
    if (lastModel !== null) lines.push("");
    lines.push(modelTitle[def.model]);
    lastModel = def.model;
  }
  const e = summary[def.key];
  const kind = def.key.endsWith("finalMse") ? "mse" : "num";
  let label = def.label;
  if (kind === "mse") label = `final MSE after ${S.epochs[def.model]} epochs`;
  lines.push(
    padR(`  ${label}`, W0) +
      libCols.map((l) => pad(fmtNum(e.values[l], kind), W)).join("") +
      ratioCols.map((r) => pad(kind === "mse" ? fmtMseRatio(e.ratios[r]) : fmtRatio(e.ratios[r]), W)).join(""),
  );
}
lines.push("");
lines.push(...comparisonLines(comparison, fmtNum, fmtRatio));
if (torch) {
  lines.push(
    torch.error
      ? "  PyTorch: not installed (see README: bash scripts/setup-torch.sh)"
      : `  PyTorch ${torch.version}, eager, CPU (${results["torch-1"]?.cpuCapability ?? "?"}); 1 thread pinned to CPU ${pinCore ?? "-"}, 2 threads on CPUs ${pairCores ?? "-"}`,
  );
  // 2 threads need both cores to themselves: anything else running halves them or worse.
  const loads = torchLibs.map((l) => `${l} ${results[l].loadAverage.start[0].toFixed(2)}→${results[l].loadAverage.end[0].toFixed(2)}`);
  if (loads.length) lines.push(`  1-minute load average before→after: ${loads.join(", ")} (2 threads need both cores idle)`);
}
lines.push("");
if (libs.includes("latentkit")) {
  if (cold) {
    lines.push(
      `cold start, median of ${cold.spawns} fresh processes: import → load() → first encode ${cold.importToFirstEncodeMs.toFixed(1)} ms ` +
        `(import ${cold.importMs.toFixed(1)}, init ${cold.initMs.toFixed(1)}, load ${cold.loadMs.toFixed(1)}, encode ${cold.firstEncodeMs.toFixed(2)}); ` +
        `process start → first encode ${cold.processStartToFirstEncodeMs.toFixed(1)} ms; spawn → exit ${cold.spawnToExitMs.toFixed(0)} ms`,
    );
    const cs = cold.withInitSync;
    if (cs) {
      lines.push(
        `  same with initSync() before load() (not the default path): ${cs.importToFirstEncodeMs.toFixed(1)} ms ` +
          `(import ${cs.importMs.toFixed(1)}, initSync ${cs.initMs.toFixed(1)}, load ${cs.loadMs.toFixed(1)}, encode ${cs.firstEncodeMs.toFixed(2)})`,
      );
    }
  } else lines.push("cold start: n/a");
  if (wasmSize) {
    lines.push(
      `wasm ${wasmSize.file}: ${wasmSize.raw.toLocaleString("en-US")} B raw (${(wasmSize.raw / KIB).toFixed(1)} KiB), ` +
        `${wasmSize.gzip.toLocaleString("en-US")} B gzip (${(wasmSize.gzip / KIB).toFixed(1)} KiB)` +
        (wasmSize.nodeEntry
          ? `; Node entry ${wasmSize.nodeEntry.file}${wasmSize.nodeEntry.inlinesWasm ? " (wasm inlined as base64)" : ""} ` +
            `${(wasmSize.nodeEntry.raw / KIB).toFixed(0)} KiB raw, ${(wasmSize.nodeEntry.gzip / KIB).toFixed(0)} KiB gzip`
          : ""),
    );
  }
  if (digestEnd !== digestStart) {
    lines.push("WARNING: latentkit's dist/ or src/generated/ changed during the run (rebuilt?): the figures mix two builds; run again");
  }
  if (ok("latentkit") && results.latentkit.build.distWasmMatchesGenerated === false) {
    lines.push("WARNING: packages/latentkit/dist does not use the wasm in src/generated: run `pnpm build` (the SDK figures come from dist, GEMM and size from src/generated)");
  }
  lines.push("");
}
if (targets.length && ok("latentkit")) {
  lines.push("targets");
  for (const t of targets) {
    const mark = t.met === null ? "[n/a]    " : t.met ? "[met]    " : "[NOT MET]";
    const val =
      t.value === null ? "n/a" : t.unit === "x" ? (t.name.includes("MSE") ? fmtMseRatio(t.value) : fmtRatio(t.value)) : `${fmtNum(t.value)} ${t.unit}`;
    lines.push(`  ${mark} ${padR(t.name, 58)} ${val}`);
  }
  const counted = targets.filter((t) => t.met !== null);
  lines.push(`  ${counted.filter((t) => t.met).length} of ${counted.length} met`);
}
for (const lib of [...nodeLibs, ...torchLibs]) if (!ok(lib)) lines.push(`${lib}: FAILED (${results[lib].error})`);

const table = lines.join("\n");
console.log("\n" + table + "\n");

// ---------------------------------------------------------------- JSON
const json = {
  meta: {
    date: started.toISOString(),
    quick,
    libraries: libs,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model?.trim() ?? null,
    cores: cpus,
    pinnedToCpu: pinCore,
    loadAverage: { start: loadStart, end: os.loadavg() },
    latentkit: lkInfo,
    latentkitBuild: ok("latentkit") ? { ...results.latentkit.build, digestStart, digestEnd } : null,
    tfjs: tfv,
    torch: torch && { python: torch.python, version: torch.version ?? null, error: torch.error ?? null },
    sameDataInEveryProcess: sameData,
    totalSeconds: (Date.now() - started.getTime()) / 1000,
  },
  settings: S,
  models: MODELS,
  summary,
  targets,
  trainingComparison: comparison,
  coldStart: cold,
  wasmSize,
  table,
  raw: results,
};
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(json, null, 2) + "\n");
console.error(`wrote ${path.relative(process.cwd(), outFile) || outFile} (${json.meta.totalSeconds.toFixed(0)} s in all)`);
