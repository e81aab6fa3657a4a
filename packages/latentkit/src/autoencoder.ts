// The Autoencoder class: a numeric model in WebAssembly memory (its life cycle is the shared
// ModelHandle's), with the numeric API on top.

import { splitRows, toMatrix, type DataInput, type Matrix } from "./data.js";
import type { NormalizedFitOptions } from "./fit-options.js";
import { LatentkitError } from "./errors.js";
import { addSymbolDispose, ModelHandle } from "./handle.js";
import type { FitOptions, ModelConfig } from "./options.js";
import { throwIfAborted } from "./abort.js";
import type { EpochRecord, History } from "./training.js";
import { wasmCall, type WasmModel } from "./wasm.js";

let construct: (model: ModelHandle) => Autoencoder;

/**
 * The training and validation rows of a run on `m` (rows of `cols` columns): the last rows
 * with `validationSplit`, else `validationData` checked as rows of `cols`. @internal
 */
export function trainingRows(m: Matrix, opts: NormalizedFitOptions): () => [Matrix, Matrix | null] {
  return () => {
    if (opts.validationSplit > 0) return splitRows(m, opts.validationSplit, "rows");
    const val = opts.validationData === undefined ? null : toMatrix(opts.validationData, "validationData", { cols: m.cols, name: "inputSize" });
    return [m, val];
  };
}

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
/** The labels a numeric model's decode passes the core: none (labels are for text models). */
const NO_LABELS = new Float32Array(0);

export class Autoencoder {
  readonly #model: ModelHandle;
  readonly #config: ModelConfig;
  readonly #inputSize: number;
  readonly #latentSize: number;

  static {
    construct = (model) => new Autoencoder(model);
    addSymbolDispose(Autoencoder.prototype);
  }

  private constructor(model: ModelHandle) {
    const handle = model.live("Autoencoder");
    this.#model = model;
    this.#inputSize = handle.inputSize();
    this.#latentSize = handle.latentSize();
    const raw = JSON.parse(handle.configJson()) as ModelConfig;
    this.#config = Object.freeze({
      ...raw,
      encoder: Object.freeze([...raw.encoder]),
      decoder: Object.freeze([...(raw.decoder ?? [])]),
    });
  }

  /** The live handle and `data` checked as rows of inputSize columns (latentSize for codes). */
  #input(what: string, data: unknown, codes = false, name = codes ? "codes" : "data"): [WasmModel, Matrix] {
    const h = this.#model.live(what);
    return [h, toMatrix(data as DataInput, name, codes ? { cols: this.#latentSize, name: "latentSize" } : { cols: this.#inputSize, name: "inputSize" })];
  }

  /** Number of input (and output) columns. */
  get inputSize(): number {
    return this.#inputSize;
  }

  /** Size of the latent code (the last encoder layer). */
  get latentSize(): number {
    return this.#latentSize;
  }

  /** Number of trainable parameters (weights and biases). */
  get paramCount(): number {
    return this.#model.live("paramCount").paramCount();
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
    return this.#model.history;
  }

  /** Whether {@link Autoencoder.dispose} was called. */
  get disposed(): boolean {
    return this.#model.disposed;
  }

  /** Whether a `fit()`/`train()` run is in progress on this model. */
  get training(): boolean {
    return this.#model.training;
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
    const out = wasmCall(() => h.decode(m.data, m.rows, NO_LABELS, 0));
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
    this.#model.live("fit()");
    // the training options' checks are a chunk of their own, as the training loop (size budget)
    const { normalizeFitOptions } = await import("./fit-options.js");
    const opts = normalizeFitOptions(options, this.#config.seed, false);
    throwIfAborted(opts.signal);
    const [, m] = this.#input("fit()", data);
    return this.#model.train("fit()", opts, trainingRows(m, opts));
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
    if (options !== undefined && (typeof options !== "object" || options === null || !["undefined", "boolean"].includes(typeof options.optimizer))) {
      throw new LatentkitError("INVALID_OPTION", "save(options): options must be an object whose 'optimizer' is true or false, e.g. save({ optimizer: true }).");
    }
    // save() is synchronous and the safetensors writer a lazy chunk: say where it is
    if ((options as { format?: unknown } | undefined)?.format !== undefined) {
      throw new LatentkitError("INVALID_OPTION", "save() writes latentkit's own format; for safetensors, use await model.toSafetensors().");
    }
    return this.#model.save({}, options?.optimizer === true);
  }

  /**
   * The model as a safetensors file: its weights as F32 tensors named as in PyTorch
   * (`encoder.0.weight` (out, in), ...; the README's safetensors section has the table) and its
   * config and history in `__metadata__`. Weights only: no optimiser state. {@link load} reads it.
   */
  toSafetensors(): Promise<Uint8Array> {
    return this.#model.toSafetensors();
  }

  /**
   * The model as an ONNX file (opset 17) for ONNX Runtime and other ONNX tools: `part`
   * "encoder" (input `data` (batch, inputSize) → output `code`), "decoder" (`code` → `output`)
   * or "autoencoder" (the default: `data` → `output`). The README's ONNX section has details.
   */
  toOnnx(options?: { part?: "encoder" | "decoder" | "autoencoder" }): Promise<Uint8Array> {
    return this.#model.toOnnx(options);
  }

  /** A hex digest of the weights: equal digests mean equal weights. For determinism checks. */
  weightsDigest(): string {
    const h = this.#model.live("weightsDigest()");
    return wasmCall(() => h.weightsDigest());
  }

  /**
   * Frees the model's WebAssembly memory. Idempotent. Afterwards every method throws
   * `DISPOSED`. Disposing while training stops the training (it rejects with `DISPOSED`).
   */
  dispose(): void {
    this.#model.dispose();
  }
}

/** Wraps a core model (a new one, or read from a file with its history). @internal */
export function wrapModel(model: ModelHandle): Autoencoder {
  return construct(model);
}
