// The validation texts of text.train(): a seeded random subset, so that a sorted corpus (a
// word list) validates on texts from all over it rather than on its tail. Both parts keep the
// corpus order; the same seed holds out the same texts in every runtime (text/random.ts).

import { splitRows, type Matrix } from "../data.js";
import { Random } from "./random.js";

/** Which of `rows` texts are held out: `held` of them, drawn with `seed` (a partial Fisher–Yates shuffle). */
function heldOut(rows: number, held: number, seed: number): Uint8Array {
  const order = Array.from({ length: rows }, (_, i) => i);
  const rng = new Random(seed);
  const mark = new Uint8Array(rows);
  for (let i = 0; i < held; i++) {
    const j = i + Math.floor(rng.uniform() * (rows - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
    mark[order[i]!] = 1;
  }
  return mark;
}

/**
 * [training texts, validation texts (null when `fraction` is 0)] of the id rows `all`: as
 * many held out as `train()`'s split of the same fraction would (INVALID_OPTION when either
 * part would be empty), but drawn at random with `seed`. Copies; `all` is left as it is.
 * @internal
 */
export function splitTexts(all: Matrix, fraction: number, seed: number): [Matrix, Matrix | null] {
  if (fraction === 0) return [all, null];
  const held = splitRows(all, fraction, "texts")[1].rows;
  const mark = heldOut(all.rows, held, seed);
  const { cols } = all;
  const train = new Float32Array((all.rows - held) * cols);
  const val = new Float32Array(held * cols);
  let t = 0, v = 0;
  for (let r = 0; r < all.rows; r++) {
    const row = all.data.subarray(r * cols, (r + 1) * cols);
    if (mark[r]) val.set(row, cols * v++);
    else train.set(row, cols * t++);
  }
  return [{ data: train, rows: t, cols }, { data: val, rows: v, cols }];
}

/** The indices of the texts `splitTexts` holds out, ascending (for tests and reports). @internal */
export function heldOutIndices(rows: number, fraction: number, seed: number): number[] {
  if (fraction === 0) return [];
  const held = rows - Math.floor(rows * (1 - fraction));
  const mark = heldOut(rows, held, seed);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) if (mark[r]) out.push(r);
  return out;
}
