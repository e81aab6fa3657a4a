// Builds packages/latentkit when its dist is missing or older than its sources (including the
// generated wasm glue), so the integration tests always exercise the current code.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "../packages/latentkit");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  const built = ["dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"].map((f) => join(pkgDir, f));
  const sources = Math.max(newest(join(pkgDir, "src")), statSync(join(pkgDir, "tsup.config.ts")).mtimeMs, statSync(join(pkgDir, "package.json")).mtimeMs);
  if (!built.every(existsSync) || Math.min(...built.map((f) => statSync(f).mtimeMs)) < sources) {
    execFileSync("pnpm", ["run", "build"], { cwd: pkgDir, stdio: "inherit" });
  }
}
