// The pure half of issue #13's label bench (`labels.mjs`): its options, the shares it derives
// from a model's outputs (judged as a label, first two letters kept), and the table
// with each target met or not. No model here, so `labels.test.mjs` checks all of it on tiny
// inputs in milliseconds.

import { commonArgs } from "./args.mjs";
import { classify } from "./judge.mjs";

/**
 * Options of `labels.mjs`. `--quick` shrinks everything for a smoke run (2,000 training words,
 * 2 epochs, 200 samples, 200 held-out words per language); `--epochs N` caps the default epoch
 * count (the only training option the bench ever sets).
 */
export function parseArgs(argv) {
  const { quick, epochs, out } = commonArgs(argv);
  return {
    quick,
    epochs,
    out,
    // Training words: the first N of the 16,000 labelled ones (the split itself never changes).
    trainTexts: quick ? 2000 : 16000,
    // Held-out words of each language that are reconstructed, shifted and restyled.
    heldOutPerLabel: quick ? 200 : 2000,
    samples: quick ? 200 : 1000,
  };
}

/** Share of `texts` the judge gives `label` (0 for no texts). */
export function judgedShare(judge, texts, label) {
  if (texts.length === 0) return 0;
  return texts.filter((t) => classify(judge, t) === label).length / texts.length;
}

/** Share of `outputs` identical to their input (a shift that moved nothing). */
export function unchangedShare(inputs, outputs) {
  if (inputs.length !== outputs.length) throw new Error(`unchangedShare: ${inputs.length} inputs but ${outputs.length} outputs`);
  if (inputs.length === 0) return 0;
  return inputs.filter((t, i) => t === outputs[i]).length / inputs.length;
}

/**
 * Exact reconstruction over several groups measured apart (one `evaluate` call per label),
 * pooled by their sizes: [{ count, exactMatch }] → the share over all their texts.
 */
export function pooledExact(groups) {
  const n = groups.reduce((s, g) => s + g.count, 0);
  return n === 0 ? 0 : groups.reduce((s, g) => s + g.count * g.exactMatch, 0) / n;
}

/** Words of the form "a → b" for printing examples. */
export function arrows(inputs, outputs) {
  return inputs.map((t, i) => `${t} → ${outputs[i]}`).join(", ");
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const NOT_BUILT = "not built yet";

/**
 * The rows. `u` the unconditional figures (always there); `cond` the conditional ones,
 * or null when `text.train` does not take `{ labels }` (then those rows read "not built
 * yet"), or `{ error: { code } }` when measuring them threw; `judgeAccuracy` the judge's per-label accuracy on held-out real words, the issue's
 * lower bound for "judged as its label" where it is below 95%.
 */
export function targetRows(u, cond, judgeAccuracy) {
  // A conditional run that threw (an API that differs from the issue's) reads as its error.
  const missing = !cond ? NOT_BUILT : cond.error ? `failed (${cond.error.code})` : null;
  const c = missing ? null : cond;
  const sampleBound = (l) => Math.min(0.95, judgeAccuracy[l]);
  const rows = [];
  const add = (measure, target, value, met) => rows.push({ measure, value, target, met });
  for (const l of ["fr", "en"]) {
    const target = `≥ ${pct(sampleBound(l))} (95%, or the judge's ${pct(judgeAccuracy[l])})`;
    if (!c) add(`sample(n, { label: "${l}" }) judged ${l}`, target, missing, null);
    else add(`sample(${c.samples[l].count}, { label: "${l}" }) judged ${l}`, target, pct(c.samples[l].judged), c.samples[l].judged >= sampleBound(l));
  }
  for (const l of ["fr", "en"]) {
    if (!c) add(`samples of "${l}" unique / novel`, "≥ 95% / ≥ 90%", missing, null);
    else add(`samples of "${l}" unique / novel`, "≥ 95% / ≥ 90%", `${pct(c.samples[l].uniqueness)} / ${pct(c.samples[l].novelty)}`, c.samples[l].uniqueness >= 0.95 && c.samples[l].novelty >= 0.9);
  }
  for (const [from, to] of [["en", "fr"], ["fr", "en"]]) {
    const m = `restyle(held-out ${from}, "${to}") judged ${to}`;
    if (!c) add(m, "≥ 90%", missing, null);
    else add(m, "≥ 90%", pct(c.restyle[to].judged), c.restyle[to].judged >= 0.9);
  }
  for (const [from, to] of [["en", "fr"], ["fr", "en"]]) {
    const m = `restyled ${from} → ${to} keeping the input's first two letters`;
    add(m, "report", c ? pct(c.restyle[to].keepsFirstTwo) : missing, null);
  }
  for (const [from, to] of [["en", "fr"], ["fr", "en"]]) {
    add(`unconditional shift(held-out ${from}, direction(${from}, ${to}), 1) judged ${to}`, "report (the baseline)", pct(u.shift[to].judged), null);
  }
  const m = "conditional held-out exact (right label) vs unconditional";
  if (!c) add(m, "no worse by more than 2 points", `${missing} (unconditional ${pct(u.heldOutExact)})`, null);
  else add(m, "no worse by more than 2 points", `${pct(c.heldOutExact)} vs ${pct(u.heldOutExact)}`, c.heldOutExact >= u.heldOutExact - 0.02);
  return rows;
}

/** The rows as a Markdown table. */
export function formatTable(rows) {
  const lines = ["| measure | this run | target | met |", "|---|---|---|---|"];
  for (const r of rows) lines.push(`| ${r.measure} | ${r.value} | ${r.target} | ${r.met === null ? "–" : r.met ? "met" : "not met"} |`);
  return lines.join("\n");
}
