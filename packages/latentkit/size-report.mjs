// Size budget of the published package, printed after every build (tsup.config.ts) and checked
// by test/size.test.ts:
//   - the WebAssembly core: at most 250 KB raw and 100 KB gzipped;
//   - the JavaScript that `import "latentkit"` loads up front through the default entry
//     (dist/index.js and the chunks it imports statically), without the inlined base64 wasm:
//     at most 30 KB minified (esbuild --minify). The chunks imported dynamically (the text
//     generator on the first text.train()/text.load(), the training loop and the training options'
//     checks on the first training run) are reported together on their own line (each file once),
//     and what a run with `workers` >= 2 loads (the pool's chunk, dist/train-worker.js) on another.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { transform } from "esbuild";

export const BUDGET = { wasmRaw: 250 * 1024, wasmGzip: 100 * 1024, defaultJsMin: 30 * 1000 };

async function minifiedCode(source) {
  const { code } = await transform(source, { minify: true, format: "esm", target: "es2022", loader: "js" });
  return code;
}

const STATIC_IMPORT = /(?:^|;|\n)\s*(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*\)/g;

/** `file` and every file it imports statically, transitively (relative imports only). */
function staticGraph(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const [, spec] of source.matchAll(STATIC_IMPORT)) staticGraph(join(dirname(file), spec), seen);
  return seen;
}

/** Sizes in bytes of the built package in `pkgDir` (run the build first). */
export async function measureSizes(pkgDir) {
  const wasm = readFileSync(join(pkgDir, "dist/latentkit_wasm_bg.wasm"));
  const b64 = /(WASM_BASE64\s*=\s*)(["'`])[A-Za-z0-9+/=]{1000,}\2/;
  const upFront = [...staticGraph(join(pkgDir, "dist/index.js"))];
  let inlined = 0;
  let min = 0;
  let minGzip = 0;
  const lazy = new Set();
  for (const file of upFront) {
    let source = readFileSync(file, "utf8");
    if (b64.test(source)) {
      inlined++;
      source = source.replace(b64, '$1""');
    }
    for (const [, spec] of source.matchAll(DYNAMIC_IMPORT)) lazy.add(join(dirname(file), spec));
    const code = await minifiedCode(source);
    min += Buffer.byteLength(code);
    minGzip += gzipSync(Buffer.from(code)).length;
  }
  if (inlined !== 1) throw new Error(`size-report: expected the inlined WASM_BASE64 string once in dist/index.js's static imports, found it ${inlined} times`);
  let lazyMin = 0;
  const counted = new Set(upFront);
  const later = new Set(); // imported dynamically by the lazy chunks: the workers' pool
  for (const file of lazy) {
    for (const f of staticGraph(file)) {
      if (counted.has(f)) continue;
      counted.add(f);
      const source = readFileSync(f, "utf8");
      lazyMin += Buffer.byteLength(await minifiedCode(source));
      for (const [, spec] of source.matchAll(DYNAMIC_IMPORT)) later.add(join(dirname(f), spec));
    }
  }
  // a run with workers >= 2: the pool's chunk, and the module every worker runs
  let workersMin = 0;
  for (const file of [...later, join(pkgDir, "dist/train-worker.js")]) {
    for (const f of staticGraph(file)) if (!counted.has(f)) (counted.add(f), (workersMin += Buffer.byteLength(await minifiedCode(readFileSync(f, "utf8")))));
  }
  return {
    wasmRaw: wasm.length,
    wasmGzip: gzipSync(wasm, { level: 9 }).length,
    defaultJsMin: min,
    defaultJsMinGzip: minGzip,
    defaultJsFiles: upFront.length,
    lazyJsMin: lazyMin,
    workersJsMin: workersMin,
  };
}

export function formatSizes(s) {
  const kb = (n) => (n / 1024).toFixed(1) + " KiB";
  const mark = (n, max) => (n <= max ? `<= ${kb(max)} ok` : `OVER BUDGET (max ${kb(max)})`);
  return [
    `latentkit sizes:`,
    `  wasm                       ${kb(s.wasmRaw).padStart(10)} raw   ${mark(s.wasmRaw, BUDGET.wasmRaw)}`,
    `  wasm gzip                  ${kb(s.wasmGzip).padStart(10)}       ${mark(s.wasmGzip, BUDGET.wasmGzip)}`,
    `  default entry JS, minified ${kb(s.defaultJsMin).padStart(10)}       ${mark(s.defaultJsMin, BUDGET.defaultJsMin)} (without the inlined wasm; ${kb(s.defaultJsMinGzip)} gzip; ${s.defaultJsFiles} files)`,
    `  lazy chunks                ${kb(s.lazyJsMin).padStart(10)}       the text generator (first text.train()/text.load()), the training loop and its options' checks (first training run)`,
    `  training workers           ${kb(s.workersJsMin).padStart(10)}       the pool and dist/train-worker.js (with the core's glue), for a run with workers >= 2`,
  ].join("\n");
}
