// The packed tarball through real bundlers, run in headless Chromium (Debian's `chromium`,
// driven by playwright-core; `npx playwright install` is not needed):
//   - a Vite build (the `browser` entry: the .wasm is an asset Vite copies and rewrites), training
//     on the main thread and in a module Web Worker;
//   - an esbuild bundle of the same `browser` entry (esbuild leaves `new URL(..., import.meta.url)`
//     alone: the .wasm is copied next to the bundle, as the README says);
//   - an esbuild bundle for an unknown platform (neutral: the default entry, wasm inlined);
//   - latentkit/slim with `init(url)`.
// Every page runs the shared recipe; the saved model must be bit-identical to Node's.

import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { build as esbuild } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RECIPE } from "./recipe.js";
import { serveStatic } from "./run.js";

const project = inject("project");
const baseline = inject("baseline");
const wasmFile = join(project, "node_modules/latentkit/dist/latentkit_wasm_bg.wasm");

const HTML = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="${script}"></script></body></html>\n`;

// Main-thread page script: checks NOT_INITIALIZED before init (browser entry only), runs the
// recipe, then optionally the same in a Worker.
const mainScript = (opts: { imp: string; notInitBeforeInit: boolean; worker?: string; pre?: string }) => `
import * as lk from "${opts.imp}";
${RECIPE}
try {
  const out = {};
  ${opts.notInitBeforeInit ? `try { lk.create(4); out.beforeInit = "no error"; } catch (e) { out.beforeInit = e instanceof lk.LatentkitError ? e.code : String(e); }` : ""}
  ${opts.pre ?? ""}
  out.main = await latentkitRecipe(lk);
  ${
    opts.worker
      ? `const worker = new Worker(${opts.worker}, { type: "module" });
  out.worker = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error("worker: " + e.message));
  });
  worker.terminate();`
      : ""
  }
  window.__RESULT__ = out;
} catch (e) {
  window.__RESULT__ = { error: String(e && e.stack || e) };
}
`;

const workerScript = `
import * as lk from "latentkit";
${RECIPE}
latentkitRecipe(lk).then((r) => postMessage({ ...r, inWorker: typeof WorkerGlobalScope !== "undefined" }), (e) => postMessage({ error: String(e && e.stack || e) }));
`;

let browser: Browser | undefined;
let server: Server | undefined;
let origin = "";

beforeAll(async () => {
  // Vite app: page + worker.
  const vite = join(project, "vite-app");
  mkdirSync(vite, { recursive: true });
  writeFileSync(join(vite, "index.html"), HTML("./main.js"));
  writeFileSync(join(vite, "main.js"), mainScript({ imp: "latentkit", notInitBeforeInit: true, worker: `new URL("./worker.js", import.meta.url)` }));
  writeFileSync(join(vite, "worker.js"), workerScript);
  await viteBuild({
    root: vite,
    configFile: false,
    base: "./", // the test serves the app from a sub-directory
    logLevel: "warn",
    build: { outDir: join(vite, "dist"), emptyOutDir: true, target: "es2022" },
    worker: { format: "es" },
  });

  // esbuild: browser entry, default entry (neutral platform), slim.
  const eb = join(project, "esbuild-app");
  mkdirSync(eb, { recursive: true });
  writeFileSync(join(eb, "browser.js"), mainScript({ imp: "latentkit", notInitBeforeInit: true }));
  writeFileSync(join(eb, "default.js"), mainScript({ imp: "latentkit", notInitBeforeInit: false, pre: `out.syncBeforeInit = lk.create(4).inputSize;` }));
  writeFileSync(
    join(eb, "slim.js"),
    mainScript({
      imp: "latentkit/slim",
      notInitBeforeInit: true,
      pre: `await lk.init(new URL("./latentkit_wasm_bg.wasm", import.meta.url));`,
    }),
  );
  const out = join(eb, "out");
  const common = { bundle: true, format: "esm" as const, target: "es2022", logLevel: "warning" as const, absWorkingDir: eb };
  await esbuild({ ...common, entryPoints: ["browser.js", "slim.js"], platform: "browser", outdir: out });
  await esbuild({ ...common, entryPoints: ["default.js"], platform: "neutral", outdir: out });
  copyFileSync(wasmFile, join(out, "latentkit_wasm_bg.wasm"));
  for (const page of ["browser", "default", "slim"]) writeFileSync(join(out, `${page}.html`), HTML(`./${page}.js`));

  ({ server, origin } = await serveStatic(project));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 60_000,
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function runPage(path: string): Promise<Record<string, unknown>> {
  const page = await browser!.newPage();
  const logs: string[] = [];
  page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url().replace(origin, "")));
  try {
    await page.goto(origin + path);
    await page
      .waitForFunction(() => (window as { __RESULT__?: unknown }).__RESULT__ !== undefined, null, { timeout: 60_000 })
      .catch((e: Error) => {
        throw new Error(`${e.message}\nrequests:\n${requests.join("\n")}\nconsole:\n${logs.join("\n")}`);
      });
    const result = (await page.evaluate(() => (window as { __RESULT__?: unknown }).__RESULT__)) as Record<string, unknown>;
    expect(result.error, logs.join("\n")).toBeUndefined();
    return { ...result, requests, logs };
  } finally {
    await page.close();
  }
}

describe("bundled for browsers, in headless Chromium", () => {
  it("Vite build (browser entry: .wasm asset), main thread and a module Web Worker", async () => {
    const r = await runPage("/vite-app/dist/index.html");
    expect(r.beforeInit).toBe("NOT_INITIALIZED");
    expect(r.main).toEqual(baseline);
    expect(r.worker).toEqual({ ...baseline, inWorker: true });
    // the .wasm was emitted as an asset and fetched (by the page and by the worker)
    expect((r.requests as string[]).filter((u) => /\/assets\/latentkit_wasm_bg-[\w-]+\.wasm$/.test(u)).length).toBeGreaterThanOrEqual(1);
  });

  it("esbuild bundle (browser entry, .wasm copied next to the bundle)", async () => {
    const r = await runPage("/esbuild-app/out/browser.html");
    expect(r.beforeInit).toBe("NOT_INITIALIZED");
    expect(r.main).toEqual(baseline);
    expect(r.requests).toContain("/esbuild-app/out/latentkit_wasm_bg.wasm");
  });

  it("esbuild bundle for an unknown platform (default entry: wasm inlined, synchronous first use)", async () => {
    const r = await runPage("/esbuild-app/out/default.html");
    expect(r.syncBeforeInit).toBe(4);
    expect(r.main).toEqual(baseline);
    expect((r.requests as string[]).some((u) => u.endsWith(".wasm"))).toBe(false);
  });

  it("latentkit/slim with init(url)", async () => {
    const r = await runPage("/esbuild-app/out/slim.html");
    expect(r.beforeInit).toBe("NOT_INITIALIZED");
    expect(r.main).toEqual(baseline);
  });
});
