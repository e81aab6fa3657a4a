// The PyTorch peer's plumbing: the data file the Python worker reads, the training table's ratios
// and targets, "not installed" detection, and (where torch imports) the worker itself.
// Run: node --test src/   (in packages/bench)

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeData, fingerprint } from "./data.mjs";
import { exportData, probeTorch, torchPython, torchWorkerArgs, trainingComparison, comparisonLines } from "./torch.mjs";

const tmpDir = () => mkdtempSync(path.join(os.tmpdir(), "latentkit-bench-torch-"));

test("exportData writes the bench's rows as little-endian float32 with their SHA-256 and FNV fingerprint", () => {
  const dir = tmpDir();
  try {
    const { seed } = exportData(dir, ["seed"]);
    const bytes = readFileSync(seed.file);
    const X = makeData(100);
    assert.equal(seed.rows, 8192);
    assert.equal(bytes.length, 8192 * 100 * 4);
    assert.equal(seed.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.equal(seed.fingerprint, fingerprint(X.data));
    // little-endian float32: the 1,234th value reads back exactly
    assert.equal(bytes.readFloatLE(1234 * 4), X.data[1234]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("trainingComparison: ratios at the same thread count, targets met / not met / n/a", () => {
  const sps = { latentkit: { seed: 120_000, m784: 8_000 }, "tfjs-wasm": { seed: 6_000, m784: 600 }, "torch-1": { seed: 25_000, m784: 20_000 }, "torch-2": { seed: 40_000, m784: null } };
  const run = (rate, sha256) => ({ samplesPerSecond: rate, sha256 });
  const cores = {
    models: {
      seed: { none: run(100_000, "a"), 1: run(90_000, "b"), 2: run(80_000, "b") },
      m784: { none: run(8_000, "c"), 1: run(7_000, "d"), 2: run(14_000, "e") },
      text: { none: run(10_000, "f"), 1: run(9_000, "g"), 2: run(13_500, "g") },
    },
  };
  const cmp = trainingComparison((lib, model) => sps[lib]?.[model] ?? null, undefined, cores);
  const row = (label) => cmp.ratios.find((r) => r.label.startsWith(label)).values;
  assert.deepEqual(row("latentkit / tfjs-wasm"), [20, 8000 / 600]);
  assert.deepEqual(row("latentkit / PyTorch, 1 core"), [4.8, 0.4]);
  assert.deepEqual(row("latentkit / PyTorch, 2 workers"), [2, null]);
  assert.deepEqual(row("latentkit scaling"), [80 / 90, 2]);
  assert.deepEqual(row("PyTorch scaling"), [1.6, null]);
  const met = Object.fromEntries(cmp.targets.map((t) => [t.name, t.met]));
  assert.equal(met["seed training ≥ 25x tfjs-wasm, 1 core"], false);
  assert.equal(met["seed training ≥ 4x PyTorch, 1 core / 1 thread"], true);
  assert.equal(met["m784 training ≥ 0.6x PyTorch, 1 core / 1 thread"], false);
  assert.equal(met["m784 training, 2 workers / 1 worker ≥ 1.7x"], true);
  assert.equal(met["text training (English, defaults), 2 workers / 1 worker ≥ 1.6x"], false);
  assert.equal(met["seed: saved bytes identical with 1 and 2 workers"], true);
  assert.equal(met["m784: saved bytes identical with 1 and 2 workers"], false);
  assert.match(comparisonLines(cmp, String, (v) => `${v}x`).join("\n"), /text \(English words, defaults\): no option 10000, workers: 1 9000, workers: 2 13500/);
  const none = trainingComparison(() => null, "not installed");
  assert.ok(none.targets.every((t) => t.met === null));
  const printed = comparisonLines(none, String, (v) => `${v}x`).join("\n");
  assert.match(printed, /PyTorch, 1 thread +not installed +not installed/);
  assert.match(printed, /latentkit, workers: 2 +not run/);
});

test("probeTorch reports a python that cannot import torch as an error, not a crash", () => {
  const missing = probeTorch("/nonexistent/python");
  assert.equal(missing.version, undefined);
  assert.ok(missing.error);
});

const torch = probeTorch(torchPython());
test("worker_torch.py trains the seed model on the bench's rows and refuses other data", { skip: torch.error && `torch not importable: ${torch.error}` }, () => {
  const dir = tmpDir();
  try {
    const data = exportData(dir, ["seed"]);
    const settings = { trainRows: 256, epochs: { seed: 4 } };
    const out = path.join(dir, "out.json");
    const run = () => spawnSync(torch.python, torchWorkerArgs({ settings, threads: 1, data, out }), { encoding: "utf8" });
    const ok = run();
    assert.equal(ok.status, 0, ok.stderr);
    const r = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(r.threads, 1);
    assert.equal(r.models.seed.dataFingerprint, data.seed.fingerprint);
    assert.equal(r.models.seed.training.paramCount, 100 * 64 + 64 + 64 * 32 + 32 + 32 * 64 + 64 + 64 * 100 + 100);
    assert.ok(r.models.seed.training.samplesPerSecond > 0);
    const loss = r.models.seed.training.historyLoss;
    assert.ok(loss.at(-1) < loss[0], `loss should fall: ${loss}`);
    // One changed byte: the worker must refuse the file.
    const bytes = readFileSync(data.seed.file);
    bytes[0] ^= 1;
    writeFileSync(data.seed.file, bytes);
    const bad = run();
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /not the bench's data/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
