// A training run on several workers (issue #14, `workers` ≥ 2): the Stepper that training.ts
// drives when the session runs in workers. Loaded only by such a run (a chunk of its own).
//
// Every worker runs the same session (train-worker.js); the core cuts each batch into 4 shards
// and the workers exchange their parts through the SharedArrayBuffers allocated here. The main
// thread never blocks: it receives worker 0's step reports (every worker computes the same),
// runs the epoch bookkeeping, and sends each epoch's verdict to all. At the end the model takes
// the state of worker 0 (or, after a failure, of the first worker that could still write its
// bytes: every worker holds the weights of the last batch it finished). Every worker is
// terminated when the run ends, however it ends.

import type { Matrix } from "../data.js";
import type { LatentkitError } from "../errors.js";
import type { NormalizedFitOptions } from "../fit-options.js";
import type { Stepper, StepReport, TrainingTarget, TrainSummary } from "../training.js";
import { CONTROL_WORDS, GENERATION, STOP } from "./exchange.js";
import { SHARDS } from "./runtime.js";
import { spawnWorker, type SpawnedWorker } from "./spawn.js";

/**
 * What the pool takes from the modules of the default entry, handed over by training.ts: an
 * import of them from here would split the default entry's shared chunk (esbuild groups
 * modules by the entries that reach them), and that costs bytes of its size budget.
 * @internal
 */
export interface PoolKit {
  /** The compiled core the workers instantiate. */
  module: WebAssembly.Module;
  /** A LatentkitError with `code` (WORKER_FAILED when it is not a known code). */
  error(code: string, message: string): LatentkitError;
  /** Makes the model take this model file's state (weights and optimiser). */
  adopt(bytes: Uint8Array): void;
}

/** Test-only: make a worker throw in its exchange, or reach the started workers. @internal */
export const testHooks: {
  failAt?: { worker: number; call: number };
  started?: (workers: readonly SpawnedWorker[]) => void;
} = {};

/** How long the end of a run waits for the workers' last messages, in ms. */
const CLOSE_MS = 10_000;

/** The last message of a worker: its model file (null if it could not write one), and more. */
interface Final {
  bytes: Uint8Array | null;
  summary?: string;
}

interface WorkerMessage {
  type: "ready" | "report" | "done" | "stopped" | "failed";
  report?: StepReport;
  bytes?: Uint8Array | null;
  summary?: string;
  error?: { code?: string; message: string; stopped?: boolean };
}

/** The shared buffers of the exchange (exchange.js): control words, then two of each part, used by call parity. */
function sharedBuffers(target: TrainingTarget, train: Matrix, opts: NormalizedFitOptions, workers: number) {
  const h = target.handle;
  // the largest buffer the core exchanges: a slot per worker (a partial gradient, then its
  // loss as the two halves of an f64), or a batch's codes
  const values = Math.max(workers * (h.paramCount() + 2), Math.min(opts.wasm.batchSize, train.rows) * h.latentSize());
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    values: [new SharedArrayBuffer(values * 4), new SharedArrayBuffer(values * 4)],
  };
}

/**
 * The rows in a SharedArrayBuffer: posted to every worker without a copy each (a worker copies
 * them once more, into its wasm memory, at trainBegin).
 */
function shareRows(m: Matrix): Matrix {
  const data = new Float32Array(new SharedArrayBuffer(m.data.byteLength));
  data.set(m.data);
  return { data, rows: m.rows, cols: m.cols };
}

function workerError(kit: PoolKit, w: number, workers: number, what: string): LatentkitError {
  return kit.error(
    "WORKER_FAILED",
    `Training worker ${w + 1} of ${workers} ${what}. Training stopped; the model keeps the weights of the last batch the workers finished (or, if none could hand them back, its weights before this run). Train again, or without workers.`,
  );
}

class Pool implements Stepper {
  readonly #target: TrainingTarget;
  readonly #kit: PoolKit;
  readonly #count: number;
  readonly #control: Int32Array;
  readonly #workers: SpawnedWorker[] = [];
  readonly #finals = new Map<number, Final>();
  readonly #reports: StepReport[] = [];
  #failure: LatentkitError | null = null;
  #waiting: (() => void)[] = [];
  #closed = false;
  #started = false;
  #ready = 0;

  constructor(target: TrainingTarget, kit: PoolKit, count: number, control: SharedArrayBuffer) {
    this.#target = target;
    this.#kit = kit;
    this.#count = count;
    this.#control = new Int32Array(control);
  }

  /** Starts the workers and the session in each (resolves once all are running). */
  async start(train: Matrix, val: Matrix | null, opts: NormalizedFitOptions, shared: ReturnType<typeof sharedBuffers>): Promise<void> {
    const W = this.#count;
    for (let w = 0; w < W; w++) {
      this.#workers.push(await spawnWorker({ message: (m) => this.#onMessage(w, m as WorkerMessage), died: (why) => this.#onDeath(w, why) }));
    }
    testHooks.started?.(this.#workers);
    await this.#until(() => this.#ready === W || this.#failure !== null);
    if (this.#failure) throw this.#failure;
    const h = this.#target.handle;
    const common = { module: this.#kit.module, bytes: h.toBytes(h.metaJson(), true), meta: h.metaJson(), train: shareRows(train), val: val && shareRows(val), shared };
    this.#workers.forEach((worker, w) => {
      const failAt = testHooks.failAt?.worker === w ? testHooks.failAt.call : 0;
      const optionsJson = JSON.stringify({ ...opts.wasm, shards: SHARDS, workers: W, worker: w });
      worker.post({ type: "start", ...common, optionsJson, worker: w, workers: W, failAt });
    });
    this.#started = true;
  }

  #notify(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  /** Resolves once `done()` holds (checked after every event of a worker). */
  async #until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #onMessage(w: number, m: WorkerMessage): void {
    if (m.type === "ready") this.#ready++;
    else if (m.type === "report") this.#reports.push(m.report!);
    else {
      this.#finals.set(w, { bytes: m.bytes ?? null, summary: m.summary });
      if (m.type === "failed" && !m.error?.stopped) {
        // a core error (e.g. DIVERGED: every worker meets it at the same batch) keeps its code
        const code = m.error?.code ?? "WORKER_FAILED";
        this.#fail(code === "WORKER_FAILED" ? workerError(this.#kit, w, this.#count, `failed: ${m.error?.message ?? "unknown error"}`) : this.#kit.error(code, m.error!.message));
      }
    }
    this.#notify();
  }

  #onDeath(w: number, why: string): void {
    if (this.#closed || this.#finals.has(w)) return;
    this.#finals.set(w, { bytes: null });
    this.#fail(workerError(this.#kit, w, this.#count, why));
    this.#notify();
  }

  /** The first failure decides the error; every other worker is told to stop. */
  #fail(e: LatentkitError): void {
    if (this.#failure) return;
    this.#failure = e;
    this.#stopAll();
  }

  #stopAll(): void {
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, GENERATION);
    this.#workers.forEach((worker, w) => {
      if (!this.#finals.has(w)) worker.post({ type: "abort" });
    });
  }

  /**
   * Waits for every worker's last message (or death), takes the first model file, terminates
   * all. A worker that says nothing within CLOSE_MS (a hang: every wait of the exchange looks
   * at the stop flag) is terminated all the same.
   */
  async #close(): Promise<Final | undefined> {
    if (this.#closed) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_MS)));
    // workers that never got their session have nothing to hand back
    await Promise.race([this.#until(() => !this.#started || this.#finals.size === this.#count), late]);
    clearTimeout(timer);
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
    let first: Final | undefined;
    for (let w = 0; w < this.#count && !first; w++) if (this.#finals.get(w)?.bytes) first = this.#finals.get(w);
    if (first) this.#kit.adopt(first.bytes!);
    return first;
  }

  async step(): Promise<StepReport> {
    await this.#until(() => this.#reports.length > 0 || this.#failure !== null);
    // the reports that came before a failure first: their batches are in the weights kept
    if (this.#reports.length > 0) return this.#reports.shift()!;
    await this.#close();
    throw this.#failure!;
  }

  async pause(): Promise<void> {}

  goOn(): void {
    for (const worker of this.#workers) worker.post({ type: "go" });
  }

  async end(): Promise<TrainSummary> {
    for (const worker of this.#workers) worker.post({ type: "end" });
    const first = await this.#close();
    if (this.#failure) throw this.#failure;
    if (!first?.summary) throw workerError(this.#kit, 0, this.#count, "ended without a summary");
    return JSON.parse(first.summary) as TrainSummary;
  }

  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#stopAll();
    await this.#close();
  }
}

/** Starts a run of `workers` workers on the model of `target`. @internal */
export async function startPool(target: TrainingTarget, kit: PoolKit, train: Matrix, val: Matrix | null, opts: NormalizedFitOptions, workers: number): Promise<Stepper> {
  const shared = sharedBuffers(target, train, opts, workers);
  const pool = new Pool(target, kit, workers, shared.control);
  try {
    await pool.start(train, val, opts, shared);
  } catch (e) {
    await pool.abort();
    // a worker's own failure is a LatentkitError already; anything else (e.g. the runtime
    // refused to start a Worker) is WORKER_FAILED
    if (e instanceof Error && "code" in e) throw e;
    throw kit.error("WORKER_FAILED", `Training workers could not be started (${e instanceof Error ? e.message : String(e)}); train without workers.`);
  }
  return pool;
}
