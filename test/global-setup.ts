// Runs once before the integration test files: builds packages/latentkit if needed, packs it
// as npm would publish it, installs the tarball into a fresh project outside the repository
// (npm, offline except the npm registry), and runs the shared recipe there in Node to get the
// reference hashes every other runtime must reproduce. The test files add their own
// sub-projects (Vite app, worker bundles, ...) inside that project.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureBuilt, pkgDir } from "./ensure-built.js";
import { RECIPE, type RecipeResult } from "./recipe.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The consumer project with the packed latentkit installed. */
    project: string;
    /** The tarball, and the files in it. */
    tarball: string;
    tarballFiles: string[];
    /** The recipe's result in Node (ESM, the `node` entry): the reference for every runtime. */
    baseline: RecipeResult;
  }
}

export default function setup(project: TestProject) {
  const started = Date.now();
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), "latentkit-it-"));
  const out = execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
  const name = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!name) throw new Error("pnpm pack produced no tarball:\n" + out);
  const tarball = join(work, name);
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
  console.log(`tarball ${name}: ${(statSync(tarball).size / 1024).toFixed(1)} KiB, ${files.length} files:\n  ${files.join("\n  ")}`);

  const consumer = join(work, "consumer");
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
    cwd: consumer,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (install.status !== 0) throw new Error("npm install failed:\n" + install.stdout + install.stderr + (install.error ?? ""));

  writeFileSync(join(consumer, "baseline.mjs"), `import * as lk from "latentkit";\n${RECIPE}\nconsole.log("RESULT " + JSON.stringify(await latentkitRecipe(lk)));\n`);
  const base = spawnSync(process.execPath, ["baseline.mjs"], { cwd: consumer, encoding: "utf8", timeout: 60_000, env: { ...process.env, NODE_OPTIONS: "" } });
  const line = /^RESULT (.*)$/m.exec(base.stdout ?? "");
  if (!line) throw new Error("the Node baseline failed:\n" + base.stdout + base.stderr);
  const baseline = JSON.parse(line[1]!) as RecipeResult;
  console.log(`Node baseline: model sha256 ${baseline.model} (${baseline.size} bytes); set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  project.provide("project", consumer);
  project.provide("tarball", tarball);
  project.provide("tarballFiles", files);
  project.provide("baseline", baseline);
  return () => rmSync(work, { recursive: true, force: true });
}
