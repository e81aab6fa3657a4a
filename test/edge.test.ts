// Vercel's Edge Runtime (the `edge-runtime` npm package, the sandbox `vercel dev` and Next.js
// use): the app is bundled the way Vercel does it (conditions edge-light/worker/browser; a
// `.wasm?module` import becomes a WebAssembly.Module binding on the global scope), evaluated in
// an EdgeRuntime, and called through its fetch handler.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { expectNoWorkers, NO_WORKERS } from "./no-workers.js";
import { RECIPE } from "./recipe.js";

const project = inject("project");
const baseline = inject("baseline");
const dir = join(project, "edge-app");

const APP = `
import * as lk from "latentkit";
${RECIPE}
${NO_WORKERS}
const initializedAtStart = lk.isInitialized();
addEventListener("fetch", (event) => {
  event.respondWith((async () => {
    const url = new URL(event.request.url);
    try {
      if (url.pathname === "/recipe") return Response.json(await latentkitRecipe(lk));
      if (url.pathname === "/workers") return Response.json(await latentkitNoWorkers(lk));
      if (url.pathname === "/info") return Response.json({ initializedAtStart, ...lk.buildInfo(), initialized: lk.isInitialized() });
      return new Response("not found", { status: 404 });
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) }, { status: 500 });
    }
  })());
});
`;

// What Vercel's bundler does with `import wasm from "./x.wasm?module"`: a binding to a
// WebAssembly.Module the platform provides.
const wasmModuleBindings: Plugin = {
  name: "wasm-module-bindings",
  setup(b) {
    b.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\?module$/, "")), namespace: "wasm-binding" }));
    b.onLoad({ filter: /.*/, namespace: "wasm-binding" }, () => ({ contents: "export default globalThis.__wasm_latentkit;", loader: "js" }));
  },
};

let runtime: EdgeRuntime;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "app.src.js"), APP);
  const out = await build({
    absWorkingDir: dir,
    entryPoints: ["app.src.js"],
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    conditions: ["edge-light", "worker", "browser"],
    plugins: [wasmModuleBindings],
    logLevel: "warning",
  });
  const code = out.outputFiles[0]!.text;
  writeFileSync(join(dir, "app.js"), code);
  expect(code).toContain("latentkit (edge-light)");
  const wasm = readFileSync(join(project, "node_modules/latentkit/dist/latentkit_wasm_bg.wasm"));
  runtime = new EdgeRuntime({
    extend: (context) => Object.assign(context, { __wasm_bytes: new Uint8Array(wasm) }),
  });
  // The platform compiles the binding in the sandbox's realm, before the app runs.
  runtime.evaluate("globalThis.__wasm_latentkit = new WebAssembly.Module(__wasm_bytes); delete globalThis.__wasm_bytes;");
  runtime.evaluate(code);
});

async function get(path: string): Promise<Record<string, unknown>> {
  const res = await runtime.dispatchFetch("http://edge.local" + path);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.error).toBeUndefined();
  return body;
}

describe("in Vercel's Edge Runtime (edge-runtime)", () => {
  it("resolves the edge-light entry: the .wasm?module binding, instantiated on first synchronous use", async () => {
    expect(await get("/info")).toMatchObject({ initializedAtStart: false, initialized: true, simd128: true });
  });

  it("trains the same model as Node, bit for bit", async () => {
    expect(await get("/recipe")).toEqual(baseline);
  });

  it("has no training workers: workers \"auto\" trains in the calling thread, workers: 2 is INVALID_OPTION", async () => {
    expectNoWorkers(await get("/workers"));
  });
});
