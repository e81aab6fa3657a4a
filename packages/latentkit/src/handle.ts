// The model handle that Autoencoder and TextGenerator both compose: the core model in
// WebAssembly memory with its life cycle (liveness, dispose, training, history, save). Each
// class adds only what its kind of model does. Opening a model file is open-model-file.ts.

import type { Matrix } from "./data.js";
import { LatentkitError } from "./errors.js";
import type { NormalizedFitOptions } from "./fit-options.js";
import { FILE_FORMAT } from "./model-file.js";
import { throwIfAborted } from "./abort.js";
import type { EpochRecord, History, TrainingTarget } from "./training.js";
import { checkCore, wasmCall, WasmModel } from "./wasm.js";

/** A core model handle with its life cycle. @internal */
export class ModelHandle {
  #wasm: WasmModel | null;
  readonly #history: EpochRecord[];
  /** How messages name the model and the variable holding it: "model"/"model" (default), "text generator"/"gen". */
  readonly #noun: string;
  readonly #name: string;
  #training = false;
  #disposed = false;

  constructor(wasm: WasmModel, history: EpochRecord[] = [], noun = "model", name = "model") {
    this.#wasm = wasm;
    this.#history = history;
    this.#noun = noun;
    this.#name = name;
  }

  /** The core model, or DISPOSED naming the method `what` (INTERNAL once the core trapped). */
  live(what: string): WasmModel {
    checkCore();
    if (this.#disposed || this.#wasm === null) {
      throw new LatentkitError(
        "DISPOSED",
        `${what} was called on a disposed ${this.#noun}; load or train a new one (${this.#name}.save() before dispose() keeps it).`,
      );
    }
    return this.#wasm;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  get training(): boolean {
    return this.#training;
  }

  /** Every epoch trained, oldest first (a copy). */
  get history(): readonly EpochRecord[] {
    return this.#history.slice();
  }

  /**
   * One training run on the rows `data()` returns (training, validation), called once the
   * model is known to be idle. INVALID_STATE if it is already training.
   */
  async train(what: string, opts: NormalizedFitOptions, data: () => [Matrix, Matrix | null]): Promise<History> {
    this.live(what);
    if (this.#training) {
      throw new LatentkitError(
        "INVALID_STATE",
        "This model is already training; await the running fit()/train() (or abort it) before starting another.",
      );
    }
    throwIfAborted(opts.signal);
    const [train, val] = data();
    this.#training = true;
    try {
      // The loop is loaded on the first run (see training.ts); a dispose() or an abort in the
      // meantime is seen by its first step.
      const { runTraining } = await import("./training.js");
      // a run in workers replaces the core model at its end (training.ts frees the old one)
      const target: TrainingTarget = { handle: this.#wasm!, history: this.#history, isDisposed: () => this.#disposed, replace: (w) => (this.#wasm = w) };
      return await runTraining(target, train, val, opts);
    } finally {
      this.#training = false;
      if (this.#disposed) this.#free();
    }
  }

  /**
   * The model file: `extra` meta fields between the format tag and the history (no timings);
   * with `optimizer`, the optimiser's state too (format version 2).
   */
  save(extra: Record<string, unknown> = {}, optimizer = false, what = "save()"): Uint8Array {
    const h = this.live(what);
    const meta = {
      format: FILE_FORMAT,
      ...extra,
      history: this.#history.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss })),
    };
    return wasmCall(() => h.toBytes(JSON.stringify(meta), optimizer));
  }

  /**
   * The model file of `save(extra)` as a safetensors file (weights only), converted by a
   * lazily imported chunk. The weights are taken before the first await.
   */
  async toSafetensors(extra: Record<string, unknown> = {}): Promise<Uint8Array> {
    const own = this.save(extra, false, "toSafetensors()");
    return (await import("./safetensors/convert.js")).ownToSafetensors(own);
  }

  /** The model as an ONNX file (`options.part`), written by a lazily imported chunk. */
  async toOnnx(options: unknown, extra: Record<string, unknown> = {}): Promise<Uint8Array> {
    const own = this.save(extra, false, "toOnnx()");
    return (await import("./onnx/export.js")).toOnnx(own, options);
  }

  /** Idempotent; a model disposed while training is freed when its training ends. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#training) this.#free();
  }

  #free(): void {
    const h = this.#wasm;
    this.#wasm = null;
    try {
      h?.free();
    } catch {
      // already freed
    }
  }
}

/** Gives a class's prototype `[Symbol.dispose]` (= dispose) where the runtime has the symbol. @internal */
export function addSymbolDispose(proto: { dispose(): void }): void {
  const dispose = (Symbol as { dispose?: symbol }).dispose;
  if (typeof dispose === "symbol") (proto as unknown as Record<symbol, unknown>)[dispose] = proto.dispose;
}

/**
 * What a failed training run rejects with: an ABORTED or DIVERGED error carries the partly
 * trained, usable model on `error.model`; otherwise the model is disposed. @internal
 */
export function withPartialModel(e: unknown, model: { readonly disposed: boolean; dispose(): void }): unknown {
  if (e instanceof LatentkitError && (e.code === "ABORTED" || e.code === "DIVERGED") && !model.disposed) e.model = model as never;
  else model.dispose();
  return e;
}
