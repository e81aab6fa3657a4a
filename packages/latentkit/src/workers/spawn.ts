// Starting one training worker (workers/train-worker.js) in whatever this runtime has: a module
// Web Worker (browsers, Deno, Bun), else a Node worker thread whose small bootstrap gives the
// module the Web Worker surface it is written for (`self.onmessage`, `self.postMessage`).

import { nodeBuiltin } from "./runtime.js";

/** One started worker, as the pool uses it. @internal */
export interface SpawnedWorker {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Stops it at once; resolves when it is gone. */
  terminate(): Promise<void>;
  /** Test-only: kills it as a crash would (the pool hears that it died). */
  kill(): void;
  /** Whether it still runs (until its thread exited, or it was terminated). */
  alive(): boolean;
}

/** What a worker tells the pool: a message, or that it died (threw outside the session, exited). @internal */
export interface WorkerEvents {
  message(data: unknown): void;
  died(why: string): void;
}

declare const __dirname: string | undefined;

/**
 * Where the worker module is: next to this module (in dist/, next to the bundle, whose chunk
 * this is; in the sources, src/workers/), or in a CommonJS build, where import.meta.url is
 * undefined, next to the bundle found by __dirname.
 */
function workerFile(): string {
  if (typeof __dirname === "string" && import.meta.url === undefined) return `${__dirname}/train-worker.js`;
  return new URL("./train-worker.js", import.meta.url).href;
}

// Runs as a script in the thread (CommonJS, or an ES module when the process was started with
// --input-type=module, which workers inherit: so only import(), no require): Web Worker globals
// over worker_threads' port, then the worker module (an ES module, by URL).
const NODE_BOOTSTRAP = `
import("node:worker_threads").then(async ({ parentPort, workerData }) => {
  globalThis.self = globalThis;
  globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
  parentPort.on("message", (data) => globalThis.onmessage && globalThis.onmessage({ data }));
  const { pathToFileURL } = await import("node:url");
  await import(workerData.startsWith("file:") ? workerData : pathToFileURL(workerData).href);
});
`;

interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (arg: never) => void): void;
  terminate(): Promise<number>;
}

async function spawnNode(events: WorkerEvents): Promise<SpawnedWorker> {
  const wt = await nodeBuiltin<{ Worker: new (code: string, options: object) => NodeWorker }>("node:worker_threads");
  if (!wt) throw new Error("this runtime has neither Worker nor node:worker_threads");
  const w = new wt.Worker(NODE_BOOTSTRAP, { eval: true, workerData: workerFile() });
  let gone = false;
  let alive = true;
  w.on("message", (data: unknown) => events.message(data));
  w.on("error", (e: Error) => events.died(`threw ${e?.message ?? String(e)}`));
  w.on("exit", (code: number) => {
    alive = false;
    if (!gone) events.died(`exited (code ${code})`);
  });
  return {
    post: (message, transfer) => w.postMessage(message, transfer),
    terminate: async () => {
      gone = true;
      await w.terminate();
    },
    kill: () => void w.terminate(),
    alive: () => alive,
  };
}

function spawnWeb(events: WorkerEvents): SpawnedWorker {
  const w = new Worker(workerFile(), { type: "module" });
  let alive = true;
  w.onmessage = (e) => events.message(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    events.died(`threw ${e.message || "an error (its script could not be loaded?)"}`);
  };
  w.onmessageerror = () => events.died("sent a message that could not be read");
  return {
    post: (message, transfer) => w.postMessage(message, transfer ?? []),
    terminate: async () => {
      alive = false;
      w.terminate();
    },
    kill: () => {
      alive = false;
      w.terminate();
      events.died("was terminated");
    },
    alive: () => alive,
  };
}

/** Starts a training worker. @internal */
export async function spawnWorker(events: WorkerEvents): Promise<SpawnedWorker> {
  return typeof Worker === "function" ? spawnWeb(events) : spawnNode(events);
}
