/**
 * latentkit — train dense autoencoders in WebAssembly, the same way in Node (ESM and CJS)
 * and browsers.
 *
 * @example
 * import { train, encode, decode, load } from "latentkit";
 * const model = await train(rows, { encoder: [64, 32], epochs: 20 });
 * const Z = encode(model, rows);        // { data, rows, cols: 32 }
 * const again = await load(model.save());
 *
 * @packageDocumentation
 */

import { Autoencoder, trainingRows, wrapModel } from "./autoencoder.js";
import { asBytes, toMatrix, type DataInput, type Matrix } from "./data.js";
import { invalidOption } from "./errors.js";
import { normalizeFitOptions } from "./fit-options.js";
import { ModelHandle, withPartialModel } from "./handle.js";
import { MAX_LAYER } from "./limits.js";
import { normalizeModelOptions } from "./model-options.js";
import type { ModelOptions, TrainOptions } from "./options.js";
import { throwIfAborted } from "./abort.js";
import { init, requireInit, wasmCall, WasmModel } from "./wasm.js";
import type { WireModelConfig } from "./wire.js";

export { Autoencoder } from "./autoencoder.js";
export { LatentkitError, type LatentkitErrorCode, type LatentkitErrorOptions } from "./errors.js";
export type { DataInput, Matrix, MatrixInput } from "./data.js";
export type {
  Activation,
  EarlyStoppingOptions,
  EpochInfo,
  FitOptions,
  Initializer,
  Loss,
  ModelConfig,
  ModelOptions,
  Optimizer,
  TrainOptions,
} from "./options.js";
export type { EpochRecord, History, StopReason } from "./training.js";
export { text } from "./text/index.js";
export type {
  DecodeTextOptions,
  EncodeTextOptions,
  LabelOptions,
  LongTextPolicy,
  RestyleOptions,
  GuidanceOptions,
  SampleOptions,
  TextEvaluation,
  TextGenerator,
  TextLevel,
  TextModelConfig,
  TextNoiseOptions,
  TextReport,
  TextStats,
  TextStopReason,
  TextTrainingError,
  TextTrainingSummary,
  TextTrainOptions,
  VariationOptions,
} from "./text/index.js";
export { init, initSync, isInitialized, buildInfo } from "./wasm.js";
export type { BuildInfo, WasmSource, WasmSourceValue, WasmSyncSource } from "./wasm.js";

function newModel(config: WireModelConfig): ModelHandle {
  return new ModelHandle(wasmCall(() => WasmModel.create(JSON.stringify(config))));
}

/**
 * Builds a model with `data`'s column count and trains it. Loads the WebAssembly core
 * first if needed. `options` is one flat object of {@link ModelOptions} and
 * {@link FitOptions}; everything is validated before any work.
 *
 * Training runs in steps of ~15 ms with the event loop free in between.
 * If `signal` aborts, the promise rejects with a `LatentkitError` `ABORTED` whose `model`
 * holds the partially trained (usable) model; same for `DIVERGED`.
 *
 * @example
 * const model = await train(X, { encoder: [64, 32], outputActivation: "sigmoid", epochs: 50 });
 */
export async function train(data: DataInput, options: TrainOptions = {}): Promise<Autoencoder> {
  const m = toMatrix(data, "data");
  const config = normalizeModelOptions(options, m.cols, true);
  const fit = normalizeFitOptions(options, config.seed, true);
  throwIfAborted(fit.signal);
  await init();
  const handle = newModel(config);
  const model = wrapModel(handle);
  try {
    await handle.train("fit()", fit, trainingRows(m, fit));
  } catch (e) {
    throw withPartialModel(e, model);
  }
  return model;
}

/**
 * Builds an untrained model synchronously (train it with `model.fit()`).
 * Needs the core loaded: call `await init()` (or `initSync()`) first.
 *
 * @param inputSize number of columns of the data, integer 1..65536
 * @throws LatentkitError NOT_INITIALIZED before init; INVALID_OPTION / TOO_LARGE for bad options
 */
export function create(inputSize: number, options: ModelOptions = {}): Autoencoder {
  if (typeof inputSize !== "number" || !Number.isInteger(inputSize) || inputSize < 1 || inputSize > MAX_LAYER) {
    throw invalidOption(`inputSize must be an integer from 1 to ${MAX_LAYER}, got ${String(inputSize)}.`);
  }
  requireInit("create()");
  return wrapModel(newModel(normalizeModelOptions(options, inputSize, false)));
}

function checkModel(model: unknown, fn: string): Autoencoder {
  if (!(model instanceof Autoencoder)) {
    throw invalidOption(`${fn}'s first argument must be a model from train(), load() or create().`);
  }
  return model;
}

/** `model.encode(data)`: rows of `inputSize` columns → codes (rows × latentSize). */
export function encode(model: Autoencoder, data: DataInput): Matrix {
  return checkModel(model, "encode()").encode(data);
}

/** `model.decode(codes)`: codes (rows of `latentSize` columns) → rows × inputSize. */
export function decode(model: Autoencoder, codes: DataInput): Matrix {
  return checkModel(model, "decode()").decode(codes);
}

/**
 * Reads a model saved with `model.save()`, or a safetensors file from `model.toSafetensors()`
 * (told apart by their first bytes): weights, architecture and epoch history.
 * Loads the WebAssembly core first if needed.
 *
 * @param bytes a `Uint8Array` (a Node `Buffer` works), an `ArrayBuffer`, or any other ArrayBuffer view
 * @throws LatentkitError INVALID_OPTION for non-bytes or a text model's file (use `text.load()`), CORRUPT_MODEL for damaged or foreign
 *   bytes (the file has a CRC), UNSUPPORTED_VERSION for files from a newer format
 */
export async function load(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Promise<Autoencoder> {
  const u8 = asBytes(bytes);
  if (!u8) {
    throw invalidOption(
      `load() needs the bytes from model.save() as a Uint8Array or ArrayBuffer, got ${bytes === null ? "null" : typeof bytes}.`,
    );
  }
  await init();
  const { openModelFile } = await import("./open-model-file.js");
  const file = await openModelFile(
    u8,
    "numeric",
    "These bytes are a text model (saved by a TextGenerator), not a numeric one: load them with text.load().",
  );
  return wrapModel(new ModelHandle(file.wasm, file.history));
}
