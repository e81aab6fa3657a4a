import type { Autoencoder } from "./autoencoder.js";

/**
 * Every machine-readable code a {@link LatentkitError} can carry.
 *
 * | code | meaning |
 * | --- | --- |
 * | `SHAPE_MISMATCH` | data has the wrong number of columns, ragged rows, or `data.length !== rows * cols` |
 * | `NON_FINITE_INPUT` | data contains NaN or ±Infinity (the message names row and column) |
 * | `EMPTY_DATA` | zero rows or zero columns |
 * | `INVALID_OPTION` | an unknown, mistyped or out-of-range option or argument (the message names it) |
 * | `TOO_LARGE` | data or model too large; refused before any allocation |
 * | `CORRUPT_MODEL` | bytes given to `load()` are not an intact latentkit model file |
 * | `UNSUPPORTED_VERSION` | model file written by a newer format version |
 * | `DIVERGED` | training produced non-finite values; weights were restored to the start of the failed epoch |
 * | `INVALID_STATE` | a call made in the wrong state, e.g. `fit()` while the model is already training |
 * | `NOT_INITIALIZED` | a synchronous function needing WebAssembly was called before `await init()` |
 * | `DISPOSED` | the model was disposed |
 * | `ABORTED` | training was aborted through its `signal` |
 * | `WORKER_FAILED` | a training worker (`workers` ≥ 2) threw or died; the model keeps its last finished batch |
 * | `INTERNAL` | a latentkit bug (e.g. a WebAssembly trap); please report it |
 */
export type LatentkitErrorCode =
  | "SHAPE_MISMATCH"
  | "NON_FINITE_INPUT"
  | "EMPTY_DATA"
  | "INVALID_OPTION"
  | "TOO_LARGE"
  | "CORRUPT_MODEL"
  | "UNSUPPORTED_VERSION"
  | "DIVERGED"
  | "INVALID_STATE"
  | "NOT_INITIALIZED"
  | "DISPOSED"
  | "ABORTED"
  | "WORKER_FAILED"
  | "INTERNAL";

/** All error codes, in the order of {@link LatentkitErrorCode}. */
export const ERROR_CODES: readonly LatentkitErrorCode[] = Object.freeze([
  "SHAPE_MISMATCH",
  "NON_FINITE_INPUT",
  "EMPTY_DATA",
  "INVALID_OPTION",
  "TOO_LARGE",
  "CORRUPT_MODEL",
  "UNSUPPORTED_VERSION",
  "DIVERGED",
  "INVALID_STATE",
  "NOT_INITIALIZED",
  "DISPOSED",
  "ABORTED",
  "WORKER_FAILED",
  "INTERNAL",
] as const);

// A registry-wide brand, so that `instanceof LatentkitError` also holds for errors thrown by
// another copy of latentkit loaded in the same process (e.g. its ESM and CJS builds together).
const BRAND = Symbol.for("latentkit.LatentkitError");

/** Options of the {@link LatentkitError} constructor. */
export interface LatentkitErrorOptions {
  /** The underlying error or abort reason. */
  cause?: unknown;
  /** The model concerned (set on `ABORTED` and `DIVERGED` errors from `train()`). */
  model?: Autoencoder;
}

/**
 * The one error class latentkit throws. Switch on {@link LatentkitError.code}; the message
 * says what went wrong and what to do about it.
 *
 * @example
 * try { await train(rows) } catch (e) {
 *   if (e instanceof LatentkitError && e.code === "NON_FINITE_INPUT") { ... }
 * }
 */
export class LatentkitError extends Error {
  /** The machine-readable error code. */
  readonly code: LatentkitErrorCode;
  /**
   * The model concerned, when there is one to hand back: `train()` rejects with `ABORTED`
   * (or `DIVERGED`) carrying the partially trained, still usable model here. So does
   * `text.train()`, with a `TextGenerator` (typed by `TextTrainingError`).
   */
  model: Autoencoder | undefined;

  constructor(code: LatentkitErrorCode, message: string, options: LatentkitErrorOptions = {}) {
    super(message);
    this.name = "LatentkitError";
    this.code = code;
    this.model = options.model;
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    }
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** `instanceof` works across copies of latentkit (ESM + CJS builds in one process). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (Function.prototype[Symbol.hasInstance].call(this, value) ||
        (this === LatentkitError && (value as Record<symbol, unknown>)[BRAND] === true))
    );
  }
}

/** Shorthand for an `INVALID_OPTION` error. @internal */
export function invalidOption(message: string): LatentkitError {
  return new LatentkitError("INVALID_OPTION", message);
}

/** How a bad value is shown in error messages: its type plus enough of it to recognise it. */
export function show(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + "…" : v)}`;
  if (typeof v === "function") return "a function";
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return `${typeof v} ${String(v)}`;
}
