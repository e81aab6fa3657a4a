// Input normalisation and validation: every accepted data shape becomes a row-major
// Float32Array matrix, checked in TypeScript (with row/column in the messages) before the core
// ever sees it.

import { LatentkitError, invalidOption, show } from "./errors.js";
import { MAX_ELEMENTS } from "./limits.js";

/** A dense row-major matrix: `data[r * cols + c]` is row `r`, column `c`. Every matrix latentkit returns is a fresh copy. */
export interface Matrix {
  /** The values, row after row; length `rows * cols`. */
  data: Float32Array;
  /** Number of rows (samples). */
  rows: number;
  /** Number of columns (features). */
  cols: number;
}

/** A row-major matrix given as input; `data` may be any array of numbers (converted to float32). */
export interface MatrixInput {
  /** The values, row after row; length must be `rows * cols`. */
  data: Float32Array | Float64Array | ArrayLike<number>;
  /** Number of rows, a positive integer. */
  rows: number;
  /** Number of columns, a positive integer. */
  cols: number;
}

/**
 * Data accepted everywhere latentkit takes a matrix:
 * - an array of rows (`number[][]`, `Float32Array[]`, `Float64Array[]`), all of one length;
 * - a {@link MatrixInput} `{ data, rows, cols }` (row-major; a `Float32Array` is used without copying).
 *
 * Values must be finite numbers. Values are converted to float32.
 */
export type DataInput = ReadonlyArray<ArrayLike<number>> | MatrixInput;


/**
 * A Uint8Array over bytes given as a Uint8Array (a Node Buffer), an ArrayBuffer (also from
 * another realm) or any ArrayBuffer view; `undefined` for anything else. Shared by load(),
 * text.load() and init().
 */
export function asBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer || Object.prototype.toString.call(v) === "[object ArrayBuffer]") return new Uint8Array(v as ArrayBuffer);
  return undefined;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return (
    Array.isArray(v) ||
    (ArrayBuffer.isView(v) && !(v instanceof DataView)) ||
    (typeof v === "object" && v !== null && typeof (v as { length?: unknown }).length === "number")
  );
}

function tooLarge(what: string, rows: number, cols: number): LatentkitError {
  return new LatentkitError(
    "TOO_LARGE",
    `${what} has ${rows} rows × ${cols} columns = ${rows * cols} values, more than the limit of 2^28 (${MAX_ELEMENTS}); ` +
      "train on a subsample or process it in chunks of rows.",
  );
}

function notFinite(what: string, row: number, col: number, v: unknown): LatentkitError {
  const shown = typeof v === "number" ? String(v) : show(v);
  const why =
    typeof v === "number" && Number.isFinite(v) ? " (too large for float32)" : "";
  return new LatentkitError(
    "NON_FINITE_INPUT",
    `${what} row ${row}, column ${col} is ${shown}${why}; every value must be a finite number. ` +
      "Remove or impute missing values (NaN) before training.",
  );
}

function checkShapeNumber(what: string, key: "rows" | "cols", v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw invalidOption(`${what}.${key} must be a positive integer, got ${show(v)}.`,
    );
  }
  return v;
}

type ColsCheck = (cols: number) => void;

/** The data shapes accepted, as messages name them. */
const ROWS_OR_FLAT = "an array of rows (number[][] or Float32Array[]) or { data, rows, cols }";

/** An array of rows as a float32 matrix (every value checked). */
function fromRows(input: readonly unknown[], what: string, checkCols: ColsCheck): Matrix {
  const rows = input.length;
  if (rows === 0) {
    throw new LatentkitError("EMPTY_DATA", `${what} has no rows; pass at least one row.`);
  }
  const first: unknown = input[0];
  if (!isArrayLike(first)) {
    throw invalidOption(`${what}[0] is ${show(first)}; ${what} must be ${ROWS_OR_FLAT}.`);
  }
  const cols = first.length;
  if (cols === 0) {
    throw new LatentkitError("EMPTY_DATA", `${what} has rows of zero columns; pass at least one column.`);
  }
  if (rows * cols > MAX_ELEMENTS) throw tooLarge(what, rows, cols);
  checkCols(cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row: unknown = input[r];
    if (!isArrayLike(row)) {
      throw invalidOption(`${what}[${r}] is ${show(row)}; every row must be an array of numbers.`);
    }
    if (row.length !== cols) {
      throw new LatentkitError(
        "SHAPE_MISMATCH",
        `${what} is ragged: row ${r} has ${row.length} values but row 0 has ${cols}; every row must have the same length.`,
      );
    }
    const base = r * cols;
    if (row instanceof Float32Array) {
      out.set(row, base);
      for (let c = 0; c < cols; c++) {
        const v = out[base + c]!;
        if (v - v !== 0) throw notFinite(what, r, c, v);
      }
    } else {
      for (let c = 0; c < cols; c++) {
        const v = row[c] as unknown;
        if (typeof v !== "number") throw notFinite(what, r, c, v);
        const f = (out[base + c] = v);
        const g = out[base + c]!;
        if (g - g !== 0) throw notFinite(what, r, c, f);
      }
    }
  }
  return { data: out, rows, cols };
}

/** `{ data, rows, cols }` as a float32 matrix (a Float32Array as it is, other arrays checked as converted). */
function fromFlat(m: { data: unknown; rows: unknown; cols: unknown }, what: string, checkCols: ColsCheck): Matrix {
  const rows = checkShapeNumber(what, "rows", m.rows);
  const cols = checkShapeNumber(what, "cols", m.cols);
  if (!isArrayLike(m.data) || typeof m.data === "string") {
    throw invalidOption(`${what}.data is ${show(m.data)}; it must be a Float32Array, Float64Array or number[] of length rows * cols.`);
  }
  if (rows === 0 || cols === 0) {
    throw new LatentkitError("EMPTY_DATA", `${what} has ${rows} rows and ${cols} columns; pass at least one row and one column.`);
  }
  if (rows * cols > MAX_ELEMENTS) throw tooLarge(what, rows, cols);
  const src = m.data;
  if (src.length !== rows * cols) {
    throw new LatentkitError(
      "SHAPE_MISMATCH",
      `${what}.data has length ${src.length} but rows * cols = ${rows} * ${cols} = ${rows * cols}.`,
    );
  }
  checkCols(cols);
  // A Float32Array goes to the core as it is: the core checks every value for NaN and
  // Infinity itself (NON_FINITE_INPUT with row and column), and scanning it here too cost
  // a fifth of a batch encode. Other arrays are checked as they are converted.
  if (src instanceof Float32Array) return { data: src, rows, cols };
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const v = src[i] as unknown;
    if (typeof v !== "number") throw notFinite(what, Math.floor(i / cols), i % cols, v);
    out[i] = v;
    if (out[i]! - out[i]! !== 0) throw notFinite(what, Math.floor(i / cols), i % cols, v);
  }
  return { data: out, rows, cols };
}

/**
 * Validates and normalises `input` into a float32 matrix. A `{ data: Float32Array }` input is
 * returned without copying (the core copies it in); everything else is converted.
 *
 * @param what  how to name the input in messages, e.g. "data" or "validationData"
 * @param expected  when given, the column count the model needs, and what that count is called
 * @internal
 */
export function toMatrix(input: unknown, what: string, expected?: { cols: number; name: string }): Matrix {
  const checkCols = (cols: number) => {
    if (expected && cols !== expected.cols) {
      throw new LatentkitError(
        "SHAPE_MISMATCH",
        `${what} has ${cols} columns but the model's ${expected.name} is ${expected.cols}; pass rows of exactly ${expected.cols} values.`,
      );
    }
  };
  if (Array.isArray(input)) return fromRows(input, what, checkCols);
  if (typeof input === "object" && input !== null && "data" in input) {
    return fromFlat(input as { data: unknown; rows: unknown; cols: unknown }, what, checkCols);
  }
  throw invalidOption(`${what} is ${show(input)}; pass ${ROWS_OR_FLAT}.`);
}

/** Rows [start, end) of a matrix, as a view (no copy). @internal */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/**
 * The last `fraction` of the rows held out for validation, as Keras does (before any
 * shuffling): [training rows, validation rows], both views. `unit` names a row in the
 * message ("rows", "texts").
 * @internal
 */
export function splitRows(m: Matrix, fraction: number, unit: string): [Matrix, Matrix] {
  const split = Math.floor(m.rows * (1 - fraction));
  if (split < 1 || split >= m.rows) {
    throw invalidOption(
      `validationSplit ${fraction} of ${m.rows} ${unit} leaves ${split} training and ${m.rows - split} validation ${unit}; ` +
        "both need at least one: use more data or another validationSplit.",
    );
  }
  return [sliceRows(m, 0, split), sliceRows(m, split, m.rows)];
}
