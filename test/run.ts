// Small helpers shared by the integration tests: bounded child processes, free ports, and a
// static file server for the browser tests.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

/** Runs a command to completion (killed after `timeout` ms); stdout + stderr in `out`. */
export function run(cmd: string, args: string[], cwd: string, opts: { timeout?: number; env?: Record<string, string | undefined> } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: opts.timeout ?? 120_000,
    killSignal: "SIGKILL",
    env: { ...process.env, NODE_OPTIONS: "", ...opts.env },
  });
  const failed = r.error ? `\n[${cmd} ${args.join(" ")}: ${r.error.message}]` : "";
  return { code: r.status, out: (r.stdout ?? "") + (r.stderr ?? "") + failed };
}

/** The JSON after "RESULT " on a line of `out`, or throws with the whole output. */
export function resultLine<T = Record<string, unknown>>(out: string): T {
  const m = /^RESULT (.*)$/m.exec(out);
  if (!m) throw new Error("no RESULT line in:\n" + out);
  return JSON.parse(m[1]!) as T;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a long-running child; `stop()` kills it (and is safe to call twice). */
export function start(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const child: ChildProcess = spawn(cmd, args, { cwd, env: { ...process.env, NODE_OPTIONS: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  return {
    child,
    log: () => log,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Polls `url` until it answers (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch (e) {
      if (!alive() || Date.now() > end) throw new Error(`${url} did not come up: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** Serves the files under `root` on 127.0.0.1 (random port). */
export async function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
