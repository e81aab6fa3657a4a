// The Autoencoder class: a handle on a model living in WebAssembly memory.

import { splitRows, toMatrix, type DataInput, type Matrix } from "./data.js";
import { LatentkitError } from "./errors.js";
import { normalizeFitOptions, type FitOptions, type ModelConfig, type NormalizedFitOptions } from "./options.js";
import { runTraining, throwIfAborted, type EpochRecord, type History } from "./training.js";
import { wasmCall, type WasmModel } from "./wasm.js";

/** The `format` field of the meta object stored in every model file. */
export const FILE_FORMAT = "latentkit";

let construct: (handle: WasmModel, history: EpochRecord[]) => Autoencoder;
let fitMatrix: (model: Autoencoder, m: Matrix, opts: NormalizedFitOptions) => Promise<History>;

/**
 * A trained (or trainable) dense autoencoder. Get one from {@link train}, {@link load} or
 * {@link create}. It holds WebAssembly memory: call {@link Autoencoder.dispose} when done
 * (it is also freed when garbage-collected). Where the runtime has `Symbol.dispose`, models
 * also have a `[Symbol.dispose]()` method (not in the type, so that consumers do not need the
 * `esnext.disposable` lib).
 *
 * After `dispose()`, every method throws `DISPOSED`. After any other error, the model is
 * unchanged and usable (a failed `encode` leaves it intact; an aborted or diverged training
 * keeps the weights described in {@link Autoencoder.fit}).
 */
export class Autoencoder {
  #handle: WasmModel | null;
  #history: EpochRecord[];
  #config: ModelConfig;
  #inputSize: number;
  #latentSize: number;
  #training = false;
  #disposed = false;

  static {
    construct = (handle, history) => new Autoencoder(handle, history);
    fitMatrix = (model, m, opts) => model.#fitMatrix(m, opts);
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (dispose) (Autoencoder.prototype as unknown as Record<symbol, unknown>)[dispose] = Autoencoder.prototype.dispose;
  }

  private constructor(handle: WasmModel, history: EpochRecord[]) {
    this.#handle = handle;
    this.#history = history;
    this.#inputSize = handle.inputSize();
    this.#latentSize = handle.latentSize();
    const raw = JSON.parse(handle.configJson()) as ModelConfig;
    this.#config = Object.freeze({
      ...raw,
      encoder: Object.freeze([...raw.encoder]),
      decoder: Object.freeze([...(raw.decoder ?? [])]),
    });
  }

  #live(what: string): WasmModel {
    if (this.#disposed || this.#handle === null) {
      throw new LatentkitError(
        "DISPOSED",
        `${what} was called on a disposed model; load or train a new one (model.save() before dispose() keeps it).`,
      );
    }
    return this.#handle;
  }

  /** Number of input (and output) columns. */
  /** The live handle and `data` checked as rows of inputSize columns (latentSize for codes). */
  #input(what: string, data: unknown, codes = false, name = codes ? "codes" : "data"): [WasmModel, Matrix] {
    const h = this.#live(what);
    return [h, toMatrix(data as DataInput, name, codes ? { cols: this.#latentSize, name: "latentSize" } : { cols: this.#inputSize, name: "inputSize" })];
  }

  get inputSize(): number {
    return this.#inputSize;
  }

  /** Size of the latent code (the last encoder layer). */
  get latentSize(): number {
    return this.#latentSize;
  }

  /** Number of trainable parameters (weights and biases). */
  get paramCount(): number {
    return this.#live("paramCount").paramCount();
  }

  /** The model's architecture with every default filled in (frozen). */
  get config(): ModelConfig {
    return this.#config;
  }

  /**
   * Every epoch this model was trained for, oldest first, across `train()` and all `fit()`
   * calls (a copy). Epochs read from a model file have no `seconds`.
   */
  get history(): readonly EpochRecord[] {
    return this.#history.slice();
  }

  /** Whether {@link Autoencoder.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Whether a `fit()`/`train()` run is in progress on this model. */
  get training(): boolean {
    return this.#training;
  }

  /** Maps rows of `inputSize` columns to their codes (rows × latentSize). */
  encode(data: DataInput): Matrix {
    const [h, m] = this.#input("encode()", data);
    const out = wasmCall(() => h.encode(m.data, m.rows));
    return { data: out, rows: m.rows, cols: this.#latentSize };
  }

  /** Maps codes (rows of `latentSize` columns) back to rows of `inputSize` columns. */
  decode(codes: DataInput): Matrix {
    const [h, m] = this.#input("decode()", codes, true);
    const out = wasmCall(() => h.decode(m.data, m.rows));
    return { data: out, rows: m.rows, cols: this.#inputSize };
  }

  /** `decode(encode(data))` in one call (rows × inputSize). */
  reconstruct(data: DataInput): Matrix {
    const [h, m] = this.#input("reconstruct()", data);
    const out = wasmCall(() => h.reconstruct(m.data, m.rows));
    return { data: out, rows: m.rows, cols: this.#inputSize };
  }

  /**
   * Per-row reconstruction error (the model's loss averaged over each row's columns): one
   * value per row, higher = less typical. Use it for anomaly detection.
   */
  score(data: DataInput): Float32Array {
    const [h, m] = this.#input("score()", data);
    return wasmCall(() => h.score(m.data, m.rows));
  }

  /** Mean reconstruction loss over all rows (the loss the model trains on). */
  evaluate(data: DataInput): { loss: number } {
    const [h, m] = this.#input("evaluate()", data);
    return { loss: wasmCall(() => h.evaluate(m.data, m.rows)) };
  }

  /**
   * Goes on training with `data` (rows of `inputSize` columns). Epoch numbers continue from
   * `history`. Yields to the event loop every ~15 ms.
   *
   * - `signal` aborted: rejects with `ABORTED`; the model keeps the weights of its last
   *   finished batch and stays usable (an already-aborted signal rejects before any work).
   * - `DIVERGED`: the weights are back at the start of the failed epoch; the model stays usable.
   * - `INVALID_STATE` if the model is already training.
   *
   * @returns a summary of this run; its epochs are also appended to `history`.
   */
  async fit(data: DataInput, options: FitOptions = {}): Promise<History> {
    this.#live("fit()");
    const opts = normalizeFitOptions(options, this.#config.seed, false);
    throwIfAborted(opts.signal);
    const [, m] = this.#input("fit()", data);
    return this.#fitMatrix(m, opts);
  }

  async #fitMatrix(m: Matrix, opts: NormalizedFitOptions): Promise<History> {
    const handle = this.#live("fit()");
    if (this.#training) {
      throw new LatentkitError(
        "INVALID_STATE",
        "This model is already training; await the running fit()/train() (or abort it) before starting another.",
      );
    }
    throwIfAborted(opts.signal);
    let train = m;
    let val: Matrix | null = null;
    if (opts.validationSplit > 0) {
      [train, val] = splitRows(m, opts.validationSplit, "rows");
    } else if (opts.validationData !== undefined) {
      val = this.#input("fit()", opts.validationData, false, "validationData")[1];
    }
    this.#training = true;
    try {
      return await runTraining(
        {
          handle,
          epochOffset: this.#history.length === 0 ? 0 : this.#history[this.#history.length - 1]!.epoch,
          isDisposed: () => this.#disposed,
          addEpoch: (r) => void this.#history.push(r),
        },
        train,
        val,
        opts,
      );
    } finally {
      this.#training = false;
      if (this.#disposed) this.#free();
    }
  }

  /**
   * The model as bytes (weights, architecture and epoch history; no timings, so identical
   * training gives identical bytes). Read back with {@link load}.
   *
   * With `{ optimizer: true }` the file also carries the optimiser's state (Adam's moments
   * and step count, SGD's momentum; format version 2, about 2–3 × larger), so that
   * `fit()` after {@link load} continues exactly as if the model had stayed in memory: the
   * same weights, bit for bit. A model with no finished `fit()` behind it has no state and
   * gives the default file. `INVALID_STATE` while training runs.
   */
  save(options?: { optimizer?: boolean }): Uint8Array {
    const h = this.#live("save()");
    if (options !== undefined && (typeof options !== "object" || options === null || !["undefined", "boolean"].includes(typeof options.optimizer))) {
      throw new LatentkitError("INVALID_OPTION", "save(options): options must be an object whose 'optimizer' is true or false, e.g. save({ optimizer: true }).");
    }
    const meta = {
      format: FILE_FORMAT,
      history: this.#history.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss })),
    };
    return wasmCall(() => h.toBytes(JSON.stringify(meta), options?.optimizer === true));
  }

  /** A hex digest of the weights: equal digests mean equal weights. For determinism checks. */
  weightsDigest(): string {
    const h = this.#live("weightsDigest()");
    return wasmCall(() => h.weightsDigest());
  }

  /**
   * Frees the model's WebAssembly memory. Idempotent. Afterwards every method throws
   * `DISPOSED`. Disposing while training stops the training (it rejects with `DISPOSED`).
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#training) this.#free();
  }

  #free(): void {
    const h = this.#handle;
    this.#handle = null;
    if (h) {
      try {
        h.free();
      } catch {
        // already freed
      }
    }
  }
}

/** Trains `model` on an already validated matrix. @internal */
export function fitValidated(model: Autoencoder, m: Matrix, opts: NormalizedFitOptions): Promise<History> {
  return fitMatrix(model, m, opts);
}

/** Wraps a core model handle. @internal */
export function wrapModel(handle: WasmModel, history: EpochRecord[] = []): Autoencoder {
  return construct(handle, history);
}

/** Reads the history stored in a model file's meta JSON (tolerates anything). @internal */
export function historyFromMeta(metaJson: string): EpochRecord[] {
  try {
    const meta = JSON.parse(metaJson) as { history?: unknown };
    if (!Array.isArray(meta.history)) return [];
    const out: EpochRecord[] = [];
    for (const r of meta.history as { epoch?: unknown; loss?: unknown; valLoss?: unknown }[]) {
      if (typeof r !== "object" || r === null || typeof r.epoch !== "number" || typeof r.loss !== "number") continue;
      out.push(
        Object.freeze({ epoch: r.epoch, loss: r.loss, valLoss: typeof r.valLoss === "number" ? r.valLoss : null }),
      );
    }
    return out;
  } catch {
    return [];
  }
}
