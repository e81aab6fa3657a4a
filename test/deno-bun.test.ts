// Deno and Bun, from their npm packages (`deno`, `bun`: each ships its binary through an
// optional dependency), running the packed tarball from the consumer project's node_modules.
// Both resolve the `node` export condition: the .wasm is read from disk.

import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { RECIPE } from "./recipe.js";
import { resultLine, run } from "./run.js";

const project = inject("project");
const baseline = inject("baseline");
const require = createRequire(import.meta.url);

// The wrappers' own entry points (each spawns the real binary).
const denoBin = join(dirname(require.resolve("deno/package.json")), "bin.cjs");
const bunBin = join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe");

const SCRIPT = `import * as lk from "latentkit";
${RECIPE}
const before = lk.isInitialized();
const m = lk.create(5, { encoder: [3] }); // synchronous first use: the node entry loads from disk
m.dispose();
console.log("ENTRY " + before + " " + lk.isInitialized());
console.log("RESULT " + JSON.stringify(await latentkitRecipe(lk)));
`;

// Training workers (issue #14): module Web Workers in Deno and Bun, worker threads in Node; the
// same bytes with workers 1 and 2 in all three.
const WORKERS = `import * as lk from "latentkit";
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const rows = Array.from({ length: 300 }, (_, i) => Array.from({ length: 16 }, (_, j) => ((i * 7 + j * 13) % 97) / 97));
const bytes = [];
for (const workers of [1, 2]) bytes.push(hex(new Uint8Array(await crypto.subtle.digest("SHA-256", (await lk.train(rows, { encoder: [12, 4], epochs: 4, batchSize: 64, seed: 3, workers })).save()))));
console.log("RESULT " + JSON.stringify(bytes));
`;

describe("in Deno and Bun", () => {
  it("Deno and Bun train in Web Workers (workers: 2) the bytes of one thread and of Node", () => {
    writeFileSync(join(project, "workers-main.mjs"), WORKERS);
    const node = resultLine<string[]>(run(process.execPath, ["workers-main.mjs"], project, { timeout: 90_000 }).out);
    expect(node[1]).toBe(node[0]);
    const denoDir = mkdtempSync(join(tmpdir(), "latentkit-deno-"));
    const deno = run(process.execPath, [denoBin, "run", "--allow-read", "--allow-env", "--no-prompt", "workers-main.mjs"], project, {
      timeout: 90_000,
      env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    expect(resultLine(deno.out)).toEqual(node);
    const bun = run(bunBin, ["workers-main.mjs"], project, { timeout: 90_000, env: { DO_NOT_TRACK: "1", NO_COLOR: "1" } });
    expect(resultLine(bun.out)).toEqual(node);
  });

  it("Deno runs latentkit from node_modules and trains the same model as Node", () => {
    writeFileSync(join(project, "deno-main.mjs"), SCRIPT);
    const denoDir = mkdtempSync(join(tmpdir(), "latentkit-deno-"));
    const r = run(process.execPath, [denoBin, "run", "--allow-read", "--allow-env", "--no-prompt", "deno-main.mjs"], project, {
      timeout: 90_000,
      env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    expect(r.out).toContain("ENTRY false true");
    expect(resultLine(r.out)).toEqual(baseline);
  });

  it("Bun runs latentkit from node_modules and trains the same model as Node", () => {
    writeFileSync(join(project, "bun-main.mjs"), SCRIPT);
    const r = run(bunBin, ["bun-main.mjs"], project, { timeout: 90_000, env: { DO_NOT_TRACK: "1", NO_COLOR: "1" } });
    expect(r.out).toContain("ENTRY false true");
    expect(resultLine(r.out)).toEqual(baseline);
  });
});
