// The `workers` training option (issue #14): checked and resolved to a worker count when a run
// starts (in the training loop's chunk: the default entry only passes it through, to stay in
// its size budget).

import { invalidOption, show } from "../errors.js";
import type { WasmModel } from "../wasm.js";
import { nodeBuiltin, noWorkersReason, SHARDS } from "./runtime.js";

export { SHARDS };

/** The cores the runtime reports (1 when it does not say). */
async function cores(): Promise<number> {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof n === "number" && n >= 1) return n;
  const os = await nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>("node:os");
  return os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
}

/**
 * Rows of a batch below which "auto" adds no worker: a worker's shards of fewer rows cost more in
 * exchange and in products too small for the kernels than they save (measured with `pnpm bench`:
 * the seed model's 32-row batches trained at 0.6x of one thread with 2 workers).
 */
const ROWS_PER_WORKER = 32;

/**
 * The number of workers of a run with `workers: raw` (1..SHARDS): INVALID_OPTION for anything
 * but an integer 1..4 or "auto", for a variational model, and for n > 1 where the runtime has
 * no workers ("auto" is 1 there). "auto" uses the cores the runtime reports, at most SHARDS and
 * at most one per ROWS_PER_WORKER rows of the batch (`batch`). The count never changes the bytes.
 * @internal
 */
export async function resolveWorkers(raw: unknown, model: WasmModel, batch: number): Promise<number> {
  if (raw !== "auto" && !(typeof raw === "number" && Number.isInteger(raw) && raw >= 1 && raw <= SHARDS)) {
    throw invalidOption(
      `workers must be an integer 1..${SHARDS} or "auto", got ${show(raw)}. At most ${SHARDS}: every batch is cut into ${SHARDS} shards and each worker computes at least one.`,
    );
  }
  if ((JSON.parse(model.configJson()) as { variational?: unknown }).variational) {
    throw invalidOption("workers is not available for variational models (their noise is drawn row by row across the whole batch, which shards cannot split); remove workers.");
  }
  const reason = noWorkersReason();
  if (raw === "auto") return reason ? 1 : Math.max(1, Math.min(SHARDS, await cores(), Math.floor(batch / ROWS_PER_WORKER)));
  if (raw > 1 && reason) throw invalidOption(`workers: ${raw} needs training workers, but ${reason}. Use workers: 1 or "auto" (1 here).`);
  return raw;
}
