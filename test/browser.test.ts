// Runs the built ESM bundle in headless Chromium (Debian's `chromium`, installed by
// scripts/setup.sh) and checks that the browser trains the same model, bit for bit, as Node.
// The page imports dist/index.js from a plain static server of dist/, as a CDN serves the
// package: the entry imports its chunks by relative URL. It also runs the kernel parity report
// (SIMD against scalar, in the browser's wasm engine) from the test-only diagnostics wasm that
// scripts/build-wasm.sh builds next to the shipped one (src/generated/diagnostics/, not packed).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, pkgDir } from "./ensure-built.js";

const dist = join(pkgDir, "dist/index.js");
const diagnostics = join(pkgDir, "src/generated/diagnostics");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(existsSync);

// The same script runs in Node and in the page; it prints one RESULT line.
const SCRIPT = `
const rows = Array.from({ length: 400 }, (_, i) => Array.from({ length: 16 }, (_, j) => 1 / (1 + Math.exp(-Math.sin(i * 0.1 + j)))));
const model = await lk.train(rows, { encoder: [12, 4], outputActivation: "sigmoid", epochs: 15, validationSplit: 0.2 });
const Z = lk.encode(model, rows);
const again = await lk.load(model.save());
const same = lk.encode(again, rows).data.every((v, i) => Object.is(v, Z.data[i]));
let code; try { lk.encode(model, [[1]]); } catch (e) { code = e instanceof lk.LatentkitError && e.code; }
const result = { simd: lk.buildInfo().simd128, same, code, digest: model.weightsDigest(), losses: model.history.map((h) => h.loss) };
`;

// Page only: the diagnostics glue (wasm-bindgen --target web) fetches its own module.
const PARITY = `
const diag = await import("./diagnostics/latentkit_wasm.js");
await diag.default({ module_or_path: new URL("./diagnostics/latentkit_wasm_bg.wasm", location.href) });
const parity = JSON.parse(diag.kernelParityReport());
Object.assign(result, { paritySimd: parity.simd, parityCases: parity.cases.length, parityMax: Math.max(...parity.cases.map((c) => c.maxAbsDiff)) });
`;

const PAGE = `<!doctype html><html><body><pre id="out">running</pre><script type="module">
import * as lk from "./dist/index.js";
try {${SCRIPT}${PARITY}
document.getElementById("out").textContent = "RESULT " + JSON.stringify(result);
} catch (e) { document.getElementById("out").textContent = "FAIL " + e.stack; }
</script></body></html>`;

let server: Server | undefined;
let url = "";

beforeAll(async () => {
  if (!chromium) throw new Error("Chromium is missing: run scripts/setup.sh (it installs Debian's chromium package)");
  ensureBuilt();
  if (!existsSync(join(diagnostics, "latentkit_wasm_bg.wasm"))) throw new Error(`${diagnostics} is missing: run \`pnpm build\` (scripts/build-wasm.sh builds the diagnostics wasm)`);
  server = createServer((req, res) => {
    const file = /^\/dist\/([\w.-]+\.js)$/.exec(req.url ?? "")?.[1];
    if (file && existsSync(join(pkgDir, "dist", basename(file)))) {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(join(pkgDir, "dist", basename(file))));
    } else if (/^\/diagnostics\/latentkit_wasm(\.js|_bg\.wasm)$/.test(req.url ?? "")) {
      const type = req.url!.endsWith(".js") ? "text/javascript" : "application/wasm";
      res.writeHead(200, { "content-type": type }).end(readFileSync(join(diagnostics, basename(req.url!))));
    } else if (req.url?.startsWith("/dist/") || req.url?.startsWith("/diagnostics/")) {
      res.writeHead(404).end();
    } else {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    }
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => {
  server?.close();
});

function runChromium(): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--virtual-time-budget=60000", "--dump-dom", url], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolvePromise(out);
    });
  });
}

describe("in a browser", () => {
  it("headless Chromium trains the same model as Node, bit for bit", async () => {
    const dom = await runChromium();
    const line = /RESULT (\{.*\})<\/pre>/.exec(dom) ?? /FAIL [^<]*/.exec(dom);
    expect(line?.[0], dom.slice(0, 2000)).toMatch(/^RESULT /);
    const browser = JSON.parse(line![1]!) as Record<string, unknown>;

    const lk = await import(dist);
    const node = await new Function("lk", `return (async () => {${SCRIPT}; return result; })();`)(lk);

    expect(browser.simd).toBe(true);
    expect(browser.same).toBe(true);
    expect(browser.code).toBe("SHAPE_MISMATCH");
    expect(browser.paritySimd).toBe(true);
    expect(browser.parityCases).toBeGreaterThanOrEqual(56);
    expect(browser.parityMax).toBe(0);
    expect(browser.digest).toBe(node.digest);
    expect(browser.losses).toEqual(node.losses);
  });
});
