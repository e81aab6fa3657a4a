// Conditional text models' labels on the SDK side: text.train()'s `labels` (one string a
// text) become label ids in sorted order of their names; each method's `label`/`labels`
// option becomes one id a row; and id rows get the label as a last column, which is how the
// core reads a conditional model's data (`crates/latentkit-core/src/layers/label_table.rs`).

import { invalidOption } from "../errors.js";
import { show } from "../validate.js";

/** Most distinct labels of a conditional model (the core's MAX_LABELS). @internal */
export const MAX_LABELS = 256;

/** Largest label guidance a decoding takes (the core's `decode::MAX_GUIDANCE`). @internal */
export const MAX_GUIDANCE = 100;

/**
 * A conditional model's label guidance when a method is given none (`decode::guided` in the
 * core). Measured on English/French words (`pnpm bench:text-labels`, with the default
 * adversary): 0 leaves ~15% of restyled words judged the target language, 4 about 85%, 6
 * over 90%, the share of restyled words keeping the input's first two letters falling from
 * ~97% to ~10–25%. @internal
 */
export const DEFAULT_GUIDANCE = 6;

/** How many known labels an error message lists before "…". */
const LISTED = 20;

function known(names: readonly string[]): string {
  const list = names.slice(0, LISTED).map((n) => JSON.stringify(n)).join(", ");
  return names.length > LISTED ? `${list}, … (${names.length} in all)` : list;
}

/**
 * text.train()'s `labels`: one string per text, 2 to 256 distinct. Returns the names (sorted
 * by code unit, so the same labels give the same model whatever the corpus order) and each
 * text's label id; null without labels. @internal
 */
export function trainingLabels(labels: unknown, texts: number): { names: string[]; ids: Float32Array } | null {
  if (labels === undefined) return null;
  if (!Array.isArray(labels) || labels.length !== texts) {
    throw invalidOption(`labels must be an array of one string per text (${texts}), got ${Array.isArray(labels) ? `${labels.length} values` : show(labels)}.`);
  }
  labels.forEach((l, i) => {
    if (typeof l !== "string") throw invalidOption(`labels[${i}] must be a string, got ${show(l)}.`);
  });
  const names = [...new Set(labels as string[])].sort();
  if (names.length < 2 || names.length > MAX_LABELS) {
    throw invalidOption(`labels must hold 2 to ${MAX_LABELS} distinct strings, got ${names.length}; leave labels out to train an unconditional model.`);
  }
  const index = new Map(names.map((n, i) => [n, i]));
  return { names, ids: Float32Array.from(labels as string[], (l) => index.get(l)!) };
}

/** The id of label `value` among `names`, or INVALID_OPTION naming the known labels. */
function labelId(names: readonly string[], value: unknown, what: string): number {
  const i = typeof value === "string" ? names.indexOf(value) : -1;
  if (i < 0) throw invalidOption(`${what} ${show(value)} is not a label of this model; its labels are ${known(names)}.`);
  return i;
}

/**
 * One label id per row from `value` (one label for every row, or an array of one per row), or
 * INVALID_OPTION: on a model without labels, or naming the problem. `option` names the option
 * in messages ("label", "from", ...). @internal
 */
export function labelIds(names: readonly string[] | undefined, value: unknown, rows: number, method: string, option: string): Float32Array {
  if (!names) throw invalidOption(`${method}: this model was trained without labels, so it takes no ${option}; leave ${option} out.`);
  if (Array.isArray(value)) {
    if (value.length !== rows) throw invalidOption(`${method}: ${option} must give one label per text (${rows}), got ${value.length}.`);
    return Float32Array.from(value, (v, i) => labelId(names, v, `${method}: ${option}[${i}]`));
  }
  return new Float32Array(rows).fill(labelId(names, value, `${method}: ${option}`));
}

/**
 * The label ids of a method's options `{ label }` (one for all rows) or `{ labels }` (one per
 * row): required on a conditional model, refused on another (null then). @internal
 */
export function optionLabels(names: readonly string[] | undefined, o: Record<string, unknown>, rows: number, method: string): Float32Array | null {
  const given = o.label !== undefined ? "label" : o.labels !== undefined ? "labels" : null;
  if (o.label !== undefined && o.labels !== undefined) throw invalidOption(`${method}: give label (one for all texts) or labels (one per text), not both.`);
  if (given === null) {
    if (names) throw invalidOption(`${method}: this model is conditional; pass { label } (one of ${known(names)}) or { labels } (one per text).`);
    return null;
  }
  if (given === "labels" && !Array.isArray(o.labels)) throw invalidOption(`${method}: labels must be an array of one label per text, got ${show(o.labels)}.`);
  return labelIds(names, o[given], rows, method, given);
}

/**
 * Each row's label id with the lowest loss: `lossOf(id)` gives one loss a row with every row
 * labelled `id`, called once per label. A tie keeps the earlier label (names are sorted, so the
 * choice does not depend on the corpus order); a NaN loss never wins. @internal
 */
export function bestLabels(labelCount: number, rows: number, lossOf: (id: number) => Float32Array): Float32Array {
  const best = new Float32Array(rows);
  const bestLoss = new Float64Array(rows).fill(Infinity);
  for (let id = 0; id < labelCount; id++) {
    const loss = lossOf(id);
    for (let r = 0; r < rows; r++) {
      if (loss[r]! < bestLoss[r]!) {
        bestLoss[r] = loss[r]!;
        best[r] = id;
      }
    }
  }
  return best;
}

/** Id rows (rows × length) with each row's label id appended: rows × (length + 1). @internal */
export function withLabels(ids: Float32Array, rows: number, length: number, labels: Float32Array): Float32Array {
  const out = new Float32Array(rows * (length + 1));
  for (let r = 0; r < rows; r++) {
    out.set(ids.subarray(r * length, (r + 1) * length), r * (length + 1));
    out[r * (length + 1) + length] = labels[r]!;
  }
  return out;
}

/** A file's `meta.text.labels`: absent, or `count` unique strings (what the weights were trained with). @internal */
export function checkLabelNames(v: unknown, count: number, corrupt: (field: string, why: string) => Error): string[] | undefined {
  if (v === undefined && count === 0) return undefined;
  if (!Array.isArray(v) || v.length !== count) throw corrupt("meta.text.labels", `must be ${count === 0 ? "absent (the weights have no labels)" : `an array of the ${count} label names the weights were trained with`}, got ${show(v)}`);
  const seen = new Set<string>();
  v.forEach((n, i) => {
    if (typeof n !== "string" || seen.has(n)) throw corrupt(`meta.text.labels[${i}]`, typeof n !== "string" ? `must be a string, got ${show(n)}` : `is a repeat of ${JSON.stringify(n)}`);
    seen.add(n);
  });
  return v as string[];
}
