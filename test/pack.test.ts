// Packs packages/latentkit as npm would publish it, installs the tarball into a fresh project
// outside the repository, and uses it from Node ESM, Node CJS and TypeScript (nodenext).

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, pkgDir } from "./ensure-built.js";

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), "latentkit-pack-"));
const project = join(work, "consumer");
let tarball = "";
let files: string[] = [];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, NODE_OPTIONS: "" } });
  const timedOut = r.error ? `\n[${cmd} ${args.join(" ")}: ${r.error.message}]` : "";
  return { code: r.status, out: (r.stdout ?? "") + (r.stderr ?? "") + timedOut };
}

// The consumer scripts: same checks in ESM and CJS.
const body = (imp: string) => `${imp}
const rows = [];
for (let i = 0; i < 64; i++) rows.push(Array.from({ length: 6 }, (_, j) => Math.sin(i * 0.3 + j)));
const model = await train(rows, { encoder: [4, 2], epochs: 3, seed: 1 });
const Z = encode(model, rows);
const Xhat = decode(model, Z);
if (Z.rows !== 64 || Z.cols !== 2 || Xhat.cols !== 6) throw new Error("bad shapes");
const bytes = model.save();
const again = await load(bytes);
const Z2 = encode(again, rows);
const same = Z.data.length === Z2.data.length && Z.data.every((v, i) => Object.is(v, Z2.data[i]));
if (!same) throw new Error("load changed the outputs");
let err;
try { encode(model, [[1, 2, 3]]); } catch (e) { err = e; }
if (!(err instanceof LatentkitError) || err.code !== "SHAPE_MISMATCH") throw new Error("expected a LatentkitError, got " + err);
let err2;
try { await load(new Uint8Array([1, 2, 3])); } catch (e) { err2 = e; }
if (!(err2 instanceof LatentkitError) || err2.code !== "CORRUPT_MODEL") throw new Error("expected CORRUPT_MODEL");
console.log("OK " + FLAVOR + " codes=" + Z.rows + "x" + Z.cols + " bytes=" + bytes.length + " epochs=" + again.history.length);
`;

beforeAll(() => {
  ensureBuilt();
  const out = execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
  const name = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!name) throw new Error("pnpm pack produced no tarball:\n" + out);
  tarball = join(work, name);
  files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
  console.log(`tarball ${name}: ${(statSync(tarball).size / 1024).toFixed(1)} KiB, ${files.length} files:\n  ${files.join("\n  ")}`);

  execFileSync("mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  const install = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], project);
  if (install.code !== 0) throw new Error("npm install failed:\n" + install.out);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("contains only the built package (no sources, maps, glue or .wasm files)", () => {
    expect(files).toEqual([
      "package/README.md",
      "package/dist/index.cjs",
      "package/dist/index.d.cts",
      "package/dist/index.d.ts",
      "package/dist/index.js",
      "package/package.json",
    ]);
    expect(files.some((f) => f.endsWith(".map") || f.includes("generated") || f.endsWith(".wasm"))).toBe(false);
    expect(statSync(tarball).size).toBeLessThan(1024 * 1024);
  });

  it("works from Node ESM (import)", () => {
    writeFileSync(
      join(project, "esm.mjs"),
      body(`import { train, encode, decode, load, LatentkitError } from "latentkit";\nconst FLAVOR = "esm";`),
    );
    const r = run(process.execPath, ["esm.mjs"], project);
    expect(r.out).toMatch(/^OK esm codes=64x2 bytes=\d+ epochs=3$/m);
    expect(r.code).toBe(0);
  });

  it("works from Node CJS (require)", () => {
    writeFileSync(
      join(project, "cjs.cjs"),
      `const { train, encode, decode, load, LatentkitError } = require("latentkit");\nconst FLAVOR = "cjs";\n(async () => {\n${body("")}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
    );
    const r = run(process.execPath, ["cjs.cjs"], project);
    expect(r.out).toMatch(/^OK cjs codes=64x2 bytes=\d+ epochs=3$/m);
    expect(r.code).toBe(0);
  });

  it("errors are instanceof LatentkitError across the ESM and CJS builds in one process", () => {
    writeFileSync(
      join(project, "dual.mjs"),
      `import { createRequire } from "node:module";
import { LatentkitError as EsmError, train } from "latentkit";
const { LatentkitError: CjsError, load } = createRequire(import.meta.url)("latentkit");
if (EsmError === CjsError) throw new Error("expected two copies");
let e; try { await load(new Uint8Array(4)); } catch (x) { e = x; }
let f; try { await train([]); } catch (x) { f = x; }
console.log("DUAL " + (e instanceof EsmError) + " " + (e instanceof CjsError) + " " + (f instanceof CjsError) + " " + e.code + " " + f.code);
`,
    );
    const r = run(process.execPath, ["dual.mjs"], project);
    expect(r.out).toContain("DUAL true true true CORRUPT_MODEL EMPTY_DATA");
    expect(r.code).toBe(0);
  });

  it("works without Node's Buffer and setImmediate (the browser code paths: atob, MessageChannel)", () => {
    writeFileSync(
      join(project, "browserish.mjs"),
      `void globalThis.Response; // Node loads fetch (undici, which needs Buffer) lazily: load it first
delete globalThis.Buffer;
delete globalThis.setImmediate;
const { train, load, encode } = await import("latentkit");
let ticks = 0;
const timer = setInterval(() => ticks++, 5);
const rows = Array.from({ length: 500 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.cos(i * 0.1 + j)));
const model = await train(rows, { encoder: [16, 4], epochs: 20 });
clearInterval(timer);
const again = await load(model.save());
const same = encode(again, rows).data.every((v, i) => Object.is(v, encode(model, rows).data[i]));
console.log("BROWSERISH " + same + " " + model.history.length + " " + (typeof globalThis.Buffer));
`,
    );
    const r = run(process.execPath, ["browserish.mjs"], project);
    expect(r.out).toContain("BROWSERISH true 20 undefined");
    expect(r.code).toBe(0);
  });

  it("type-checks for TypeScript consumers (module nodenext, ESM and CJS)", () => {
    writeFileSync(
      join(project, "use.mts"),
      `import { train, encode, load, LatentkitError, type Matrix, type TrainOptions, type LatentkitErrorCode } from "latentkit";
const opts: TrainOptions = { encoder: [4, 2], epochs: 1, earlyStopping: true };
const model = await train([[1, 2], [3, 4]], opts);
const z: Matrix = encode(model, { data: new Float32Array(2), rows: 1, cols: 2 });
const again = await load(model.save());
const code: LatentkitErrorCode = new LatentkitError("ABORTED", "x").code;
console.log(z.cols, again.latentSize, code);
`,
    );
    writeFileSync(
      join(project, "use.cts"),
      `import lk = require("latentkit");
const m: Promise<lk.Autoencoder> = lk.train([[1, 2]], { epochs: 1 });
void m;
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, types: [], lib: ["es2022", "dom"] },
        files: ["use.mts", "use.cts"],
      }),
    );
    const tsc = join(here, "node_modules/typescript/bin/tsc");
    const r = run(process.execPath, [tsc, "-p", project], project);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });
});
