// Cloudflare's runtime: `workerd` (the npm package ships the binary) serves, on loopback only,
// a Worker bundled the way wrangler does it (esbuild, conditions workerd/worker/browser, the
// `.wasm` import kept as a module the config embeds as a compiled WebAssembly.Module). The
// Worker trains the shared recipe (bit-identical to Node), and loads a model and
// encodes/decodes per request.

import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectNoWorkers, NO_WORKERS } from "./no-workers.js";
import { RECIPE } from "./recipe.js";
import { freePort, resultLine, run, start, waitForHttp } from "./run.js";

const project = inject("project");
const baseline = inject("baseline");
const dir = join(project, "workerd-app");
const workerdBin = (createRequire(import.meta.url)("workerd") as { default: string }).default;

const WORKER = `
import * as lk from "latentkit";
${RECIPE}
${NO_WORKERS}
const info = { initializedAtStart: lk.isInitialized() };
export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/recipe") return Response.json(await latentkitRecipe(lk));
      if (url.pathname === "/workers") return Response.json(await latentkitNoWorkers(lk));
      if (url.pathname === "/info") return Response.json({ ...info, ...lk.buildInfo(), initialized: lk.isInitialized() });
      if (url.pathname === "/codec" && request.method === "POST") {
        // a model per request: load the posted bytes, encode and decode the rows in the query
        const model = await lk.load(new Uint8Array(await request.arrayBuffer()));
        try {
          const rows = JSON.parse(url.searchParams.get("rows"));
          const Z = lk.encode(model, rows);
          const X = lk.decode(model, Z);
          return Response.json({ z: Array.from(Z.data), x: Array.from(X.data) });
        } finally {
          model.dispose();
        }
      }
      return new Response("not found", { status: 404 });
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e), code: e && e.code }, { status: 500 });
    }
  },
};
`;

let server: ReturnType<typeof start> | undefined;
let origin = "";

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "worker.src.js"), WORKER);
  await build({
    absWorkingDir: dir,
    entryPoints: ["worker.src.js"],
    outfile: join(dir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"],
    logLevel: "warning",
  });
  copyFileSync(join(project, "node_modules/latentkit/dist/latentkit_wasm_bg.wasm"), join(dir, "latentkit_wasm_bg.wasm"));
  const port = await freePort();
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "latentkit_wasm_bg.wasm", wasm = embed "latentkit_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
`,
  );
  server = start(workerdBin, ["serve", "config.capnp", "--verbose"], dir);
  origin = `http://127.0.0.1:${port}`;
  await waitForHttp(origin + "/info", 30_000, () => server!.child.exitCode === null).catch((e: Error) => {
    throw new Error(e.message + "\nworkerd:\n" + server!.log());
  });
});

afterAll(() => {
  server?.stop();
});

async function get(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(origin + path, { ...init, signal: AbortSignal.timeout(60_000) });
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.error, server!.log()).toBeUndefined();
  return body;
}

describe("in workerd (Cloudflare Workers)", () => {
  it("resolves the workerd entry: the .wasm is a module binding, instantiated on first synchronous use", async () => {
    const info = await get("/info");
    expect(info).toMatchObject({ initializedAtStart: false, initialized: true, simd128: true });
  });

  it("trains the same model as Node, bit for bit", async () => {
    expect(await get("/recipe")).toEqual(baseline);
  });

  it("has no training workers: workers \"auto\" trains in the calling thread, workers: 2 is INVALID_OPTION", async () => {
    expectNoWorkers(await get("/workers"));
  });

  it("loads a model and encodes/decodes per request, with Node's exact outputs", async () => {
    writeFileSync(
      join(project, "codec.mjs"),
      `import * as lk from "latentkit";
const rows = [[0.1, 0.9, 0.3, 0.5], [0.7, 0.2, 0.8, 0.4], [0, 1, 0, 1]];
const model = await lk.train(Array.from({ length: 64 }, (_, i) => [i % 2, (i % 3) / 2, (i % 5) / 4, (i % 7) / 6]), { encoder: [3, 2], epochs: 3, seed: 3 });
const Z = lk.encode(model, rows); const X = lk.decode(model, Z);
process.stdout.write("RESULT " + JSON.stringify({ bytes: Buffer.from(model.save()).toString("base64"), rows, z: Array.from(Z.data), x: Array.from(X.data) }) + "\\n");
`,
    );
    const node = resultLine<{ bytes: string; rows: number[][]; z: number[]; x: number[] }>(run(process.execPath, ["codec.mjs"], project).out);
    const bytes = Buffer.from(node.bytes, "base64");
    for (let i = 0; i < 3; i++) {
      const r = await get(`/codec?rows=${encodeURIComponent(JSON.stringify(node.rows))}`, { method: "POST", body: bytes });
      expect(r).toEqual({ z: node.z, x: node.x });
    }
  });
});

