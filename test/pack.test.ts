// Packs packages/latentkit as npm would publish it, installs the tarball into a fresh project
// outside the repository, and uses it from Node ESM, Node CJS and TypeScript (nodenext).

import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, inject, it } from "vitest";
import { RECIPE } from "./recipe.js";
import { resultLine, run } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));
// Packed and installed once for all test files by global-setup.ts.
const project = inject("project");
const tarball = inject("tarball");
const files = inject("tarballFiles");
const baseline = inject("baseline");

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

describe("the packed tarball", () => {
  it("contains the built entries, their types and the .wasm, and no sources or maps", () => {
    for (const f of [
      "package/README.md",
      "package/package.json",
      "package/dist/index.js",
      "package/dist/index.cjs",
      "package/dist/index.d.ts",
      "package/dist/index.d.cts",
      "package/dist/node.js",
      "package/dist/node.cjs",
      "package/dist/browser.js",
      "package/dist/workerd.js",
      "package/dist/edge-light.js",
      "package/dist/slim.js",
      "package/dist/slim.cjs",
      "package/dist/latentkit_wasm_bg.wasm",
      "package/dist/train-worker.js",
    ]) {
      expect(files).toContain(f);
    }
    expect(files.every((f) => f === "package/README.md" || f === "package/package.json" || f.startsWith("package/dist/"))).toBe(true);
    expect(files.some((f) => f.endsWith(".map") || f.includes("generated") || f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.endsWith(".d.cts"))).toBe(false);
    expect(files.filter((f) => f.endsWith(".wasm"))).toEqual(["package/dist/latentkit_wasm_bg.wasm"]);
    expect(statSync(tarball).size).toBeLessThan(1024 * 1024);
  });

  it("every file named in package.json exports exists, with types first in each condition", () => {
    const pkg = JSON.parse(readFileSync(join(project, "node_modules/latentkit/package.json"), "utf8")) as { exports: Record<string, unknown> };
    const targets: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node === "string") {
        targets.push(node);
        return;
      }
      const keys = Object.keys(node as object);
      if (keys.includes("types")) expect(keys[0], path).toBe("types");
      for (const k of keys) walk((node as Record<string, unknown>)[k], `${path}.${k}`);
    };
    walk(pkg.exports, "exports");
    for (const t of targets) expect(files, t).toContain("package/" + t.replace(/^\.\//, ""));
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

  it("the default entry (wasm inlined) works without Node's Buffer and setImmediate (the browser code paths: atob, MessageChannel)", () => {
    writeFileSync(
      join(project, "browserish.mjs"),
      `void globalThis.Response; // Node loads fetch (undici, which needs Buffer) lazily: load it first
delete globalThis.Buffer;
delete globalThis.setImmediate;
// The default entry, which runtimes without a more specific export condition get.
const { train, load, encode } = await import("./node_modules/latentkit/dist/index.js");
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

  it("Node picks the node entry (ESM and CJS): .wasm read from disk, synchronously on first use", () => {
    writeFileSync(
      join(project, "node-entry.mjs"),
      `import { createRequire } from "node:module";
import * as lk from "latentkit";
const require = createRequire(import.meta.url);
const before = lk.isInitialized();
const m = lk.create(5, { encoder: [3], seed: 1 }); // no init(): loads synchronously
console.log("ENTRY " + import.meta.resolve("latentkit").split("/").slice(-2).join("/") + " " + require.resolve("latentkit").split("/").slice(-2).join("/") + " " + before + " " + lk.isInitialized() + " " + m.latentSize + " " + lk.buildInfo().simd128);
`,
    );
    const r = run(process.execPath, ["node-entry.mjs"], project);
    expect(r.out).toContain("ENTRY dist/node.js dist/node.cjs false true 3 true");
    expect(r.code).toBe(0);
  });

  it("Node ESM, Node CJS and the default entry save bit-identical models", () => {
    writeFileSync(join(project, "recipe.cjs"), `const lk = require("latentkit");\n${RECIPE}\nlatentkitRecipe(lk).then((r) => console.log("RESULT " + JSON.stringify(r)));\n`);
    writeFileSync(join(project, "recipe-default.mjs"), `const lk = await import("./node_modules/latentkit/dist/index.js");\n${RECIPE}\nconsole.log("RESULT " + JSON.stringify(await latentkitRecipe(lk)));\n`);
    for (const script of ["recipe.cjs", "recipe-default.mjs"]) {
      const r = run(process.execPath, [script], project);
      expect(resultLine(r.out), script).toEqual(baseline);
    }
    expect(baseline).toMatchObject({ simd: true, shape: "SHAPE_MISMATCH", epochs: 6 });
    // the conditional text model: what every runtime must reproduce is itself right in Node
    expect(baseline.labelled).toMatchObject({ roundTrip: true, labels: "hi,lo" });
    expect(baseline.labelled.samples).toMatch(/^hi: .* \| lo: /);
  });

  it("latentkit/slim: NOT_INITIALIZED until init(source), then the same model (ESM and CJS)", () => {
    writeFileSync(
      join(project, "slim.mjs"),
      `import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as lk from "latentkit/slim";
${RECIPE}
const codes = [];
try { lk.create(3); } catch (e) { codes.push(e.code + (e.message.includes("init(source)") ? "+hint" : "")); }
try { await lk.train([[1, 2]]); } catch (e) { codes.push(e.code); }
try { lk.initSync(); } catch (e) { codes.push(e.code); }
try { await lk.init(42); } catch (e) { codes.push(e.code); }
const wasm = readFileSync(createRequire(import.meta.url).resolve("latentkit/latentkit_wasm_bg.wasm"));
await lk.init(await WebAssembly.compile(wasm));
console.log("SLIM " + codes.join(" "));
console.log("RESULT " + JSON.stringify(await latentkitRecipe(lk)));
`,
    );
    const r = run(process.execPath, ["slim.mjs"], project);
    expect(r.out).toContain("SLIM NOT_INITIALIZED+hint NOT_INITIALIZED NOT_INITIALIZED INVALID_OPTION");
    expect(resultLine(r.out)).toEqual(baseline);
    writeFileSync(
      join(project, "slim.cjs"),
      `const lk = require("latentkit/slim");
const fs = require("node:fs");
lk.initSync(fs.readFileSync(require.resolve("latentkit/latentkit_wasm_bg.wasm")));
console.log("SLIMCJS " + lk.isInitialized() + " " + lk.create(4).inputSize);
`,
    );
    const c = run(process.execPath, ["slim.cjs"], project);
    expect(c.out).toContain("SLIMCJS true 4");
  });

  it("types resolve for every export condition (TypeScript customConditions)", () => {
    const from = join(project, "probe.ts");
    for (const cond of ["node", "browser", "workerd", "edge-light", "worker", "deno", "bun"]) {
      for (const spec of ["latentkit", "latentkit/slim"]) {
        const r = ts.resolveModuleName(
          spec,
          from,
          { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, customConditions: [cond], noEmit: true },
          ts.sys,
        );
        expect(r.resolvedModule?.resolvedFileName, `${spec} with condition ${cond}`).toMatch(/node_modules\/latentkit\/dist\/index\.d\.ts$/);
      }
    }
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
import * as slim from "latentkit/slim";
await slim.init(new URL("https://cdn.example/latentkit_wasm_bg.wasm"));
slim.initSync(new Uint8Array(8));
const src: slim.WasmSource = new Uint8Array(1);
void src;
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
