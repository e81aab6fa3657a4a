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

describe("in Deno and Bun", () => {
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
