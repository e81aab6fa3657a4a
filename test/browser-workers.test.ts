// Training in Web Workers (issue #14) in headless Chromium (Debian's `chromium`, driven by
// playwright-core): the built ESM bundle, served from dist/ by a plain static server that
// makes the page cross-origin isolated (COOP and COEP headers, as SharedArrayBuffer needs),
// trains the same model with workers 1 (in the page's thread, 4 shards a batch) and 2 (two
// module Web Workers running dist/train-worker.js), and both must give the bytes Node gives.
// Not through browser.test.ts's --dump-dom: Chromium's virtual time runs out while the page
// waits for its workers.

import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { chromium as playwright, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, pkgDir } from "./ensure-built.js";

const dist = join(pkgDir, "dist/index.js");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(existsSync);

// The same script runs in Node and in the page: the saved bytes' SHA-256 for each worker count.
const SCRIPT = `
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const rows = Array.from({ length: 300 }, (_, i) => Array.from({ length: 16 }, (_, j) => ((i * 7 + j * 13) % 97) / 97));
const bytes = [];
for (const workers of [1, 2]) {
  const m = await lk.train(rows, { encoder: [12, 4], epochs: 4, batchSize: 64, seed: 3, validationSplit: 0.2, workers });
  bytes.push(hex(await crypto.subtle.digest("SHA-256", m.save({ optimizer: true }))));
  m.dispose();
}
const result = { bytes };
`;

const PAGE = `<!doctype html><html><body><pre id="out">running</pre><script type="module">
import * as lk from "./dist/index.js";
try {${SCRIPT}
result.isolated = crossOriginIsolated;
document.getElementById("out").textContent = "RESULT " + JSON.stringify(result);
} catch (e) { document.getElementById("out").textContent = "FAIL " + e.stack; }
</script></body></html>`;

const ISOLATED = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

let server: Server | undefined;
let browser: Browser | undefined;
let url = "";

beforeAll(async () => {
  if (!chromium) throw new Error("Chromium is missing: run scripts/setup.sh (it installs Debian's chromium package)");
  ensureBuilt();
  server = createServer((req, res) => {
    const file = /^\/dist\/([\w.-]+\.js)$/.exec(req.url ?? "")?.[1];
    if (file && existsSync(join(pkgDir, "dist", basename(file)))) {
      res.writeHead(200, { "content-type": "text/javascript", ...ISOLATED }).end(readFileSync(join(pkgDir, "dist", basename(file))));
    } else if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html", ...ISOLATED }).end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await playwright.launch({
    executablePath: chromium,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 30_000,
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe("in a browser, with workers", () => {
  it("Web Workers (workers: 2) train the same bytes as the page's thread (workers: 1) and as Node", async () => {
    const page = await browser!.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("out")?.textContent !== "running", null, { timeout: 180_000 });
    const text = (await page.textContent("#out")) ?? "";
    expect(text, text).toMatch(/^RESULT /);
    const inPage = JSON.parse(text.slice("RESULT ".length)) as { bytes: string[]; isolated: boolean };
    const lk = await import(dist);
    const node = await new Function("lk", `return (async () => {${SCRIPT}; return result; })();`)(lk);
    expect(inPage.isolated).toBe(true);
    expect(inPage.bytes[1]).toBe(inPage.bytes[0]);
    expect(inPage.bytes).toEqual(node.bytes);
    await page.close();
  });
});
