// The pure half of issue #12's scaling bench (`scale.mjs`): its options, the figures it derives
// from a training run, and the issue's table with each target met or not. No model here, so
// `scale.test.mjs` checks all of it on tiny inputs in milliseconds.

import { argValue, commonArgs } from "./args.mjs";

/** The three corpora of issue #12, in the issue's order, with the level each is trained at. */
export const CORPORA = {
  english: { title: "English words 4-10 letters", level: "char" },
  tang: { title: "Tang 5-character lines", level: "char" },
  wordnet: { title: "WordNet example sentences 4-12 words", level: "word" },
};

/** Decimal megabytes, as the issue writes file sizes (10.4 M float32 parameters → 41.8 MB). */
export const MB = 1e6;

/**
 * Options of `scale.mjs`. `--quick` shrinks everything for a smoke run; `--epochs N` caps
 * today's slow defaults (the only training option the bench ever sets besides `level` and
 * `minCount`); `--corpus` picks one corpus.
 */
export function parseArgs(argv) {
  const { quick, epochs, out } = commonArgs(argv);
  const corpus = argValue(argv, "--corpus");
  if (corpus !== undefined && !(corpus in CORPORA)) throw new Error(`--corpus must be one of ${Object.keys(CORPORA).join(", ")}, got ${corpus}`);
  return {
    quick,
    corpora: corpus ? [corpus] : Object.keys(CORPORA),
    epochs,
    out,
    // Training texts: the first N of the 16,000 (the split itself never changes).
    trainTexts: quick ? 2000 : 16000,
    heldOutEval: quick ? 500 : 4000,
    trainEval: quick ? 500 : 2000,
    samples: quick ? 200 : 2000,
    pairs: quick ? 50 : 200,
  };
}

/**
 * Training throughput over all epochs: samples seen / seconds spent, from the `EpochInfo`s of
 * `onEpochEnd` (so it is a time-weighted mean, not a mean of the per-epoch rates).
 */
export function throughput(epochs) {
  let samples = 0;
  let seconds = 0;
  for (const e of epochs) {
    samples += e.samplesPerSecond * e.seconds;
    seconds += e.seconds;
  }
  return seconds > 0 ? samples / seconds : 0;
}

/** Share of `texts` of exactly `n` code points (Han characters outside the BMP count once). */
export function exactLengthShare(texts, n) {
  if (texts.length === 0) return 0;
  return texts.filter((t) => Array.from(t).length === n).length / texts.length;
}

/**
 * Which of `pairs` a word model could round-trip at all: both texts made only of tokens seen
 * `minCount` times or more in `train` (rarer ones become <unk>, so no code can give them back).
 */
export function reachablePairs(pairs, train, minCount, tokenize) {
  const counts = new Map();
  for (const t of train) for (const w of tokenize(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const known = (t) => tokenize(t).every((w) => (counts.get(w) ?? 0) >= minCount);
  return pairs.map(([a, b]) => known(a) && known(b));
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const rate = (x) => `${Math.round(x).toLocaleString("en-US")} samples/s`;
const mb = (bytes) => `${(bytes / MB).toFixed(2)} MB`;
const num3 = (x) => x.toFixed(3);

// A row: the measure, how to read it from a corpus's figures, how to show it, and its target
// (`at`: the bound, a number or a function of the figures for "as good as the baseline in the
// same run"; `op` ">=" / "<=", or "report" for a figure with no bound).
const ENDPOINTS = { measure: "interpolate(a, b) starts at a and ends at b", get: (f) => f.endpointRate, show: pct, op: ">=", at: 0.99, target: "≥ 99%" };

const TARGETS = {
  english: [
    { measure: "held-out exact reconstruction", get: (f) => f.heldOut.exactMatch, show: pct, op: ">=", at: 0.9, target: "≥ 90%" },
    {
      measure: "real held-out words among novel samples",
      get: (f) => f.samples.realHeldOut,
      show: (x, f) => `${pct(x)} vs trigram ${pct(f.trigram.realHeldOut)}`,
      op: ">=",
      at: (f) => 2 * f.trigram.realHeldOut,
      // 0% is not twice 0%: a model that makes no real word does not meet it.
      positive: true,
      target: "≥ 2× the trigram",
    },
    { measure: "training texts reconstructed exactly", get: (f) => f.training.exactMatch, show: pct, op: ">=", at: 0.99, target: "≥ 99%" },
    ENDPOINTS,
  ],
  tang: [
    { measure: "training throughput", get: (f) => f.samplesPerSecond, show: rate, op: ">=", at: 5000, target: "≥ 5,000 samples/s" },
    { measure: "model file", get: (f) => f.fileBytes, show: mb, op: "<=", at: 4 * MB, target: "≤ 4 MB" },
    { measure: "held-out exact", get: (f) => f.heldOut.exactMatch, show: pct, op: "report", target: "report" },
    { measure: "held-out characters right", get: (f) => f.heldOut.tokenAccuracy, show: pct, op: ">=", at: 0.85, target: "≥ 85%" },
    { measure: "samples of exactly 5 characters", get: (f) => f.samples.lengthOk, show: pct, op: ">=", at: 0.98, target: "≥ 98%" },
    { measure: "samples unique", get: (f) => f.samples.uniqueness, show: pct, op: ">=", at: 0.95, target: "≥ 95%" },
    { measure: "samples novel", get: (f) => f.samples.novelty, show: pct, op: ">=", at: 0.95, target: "≥ 95%" },
    ENDPOINTS,
  ],
  wordnet: [
    { measure: "trains at all", get: () => 1, show: () => "yes", op: ">=", at: 1, target: "yes" },
    { measure: "training throughput", get: (f) => f.samplesPerSecond, show: rate, op: ">=", at: 2000, target: "≥ 2,000 samples/s" },
    { measure: "model file", get: (f) => f.fileBytes, show: mb, op: "<=", at: 8 * MB, target: "≤ 8 MB" },
    {
      measure: "BLEU-4 of samples vs held-out",
      get: (f) => f.samples.bleu4,
      show: (x, f) => `${num3(x)} vs bigram ${num3(f.bigram.bleu4)}`,
      op: ">=",
      at: (f) => f.bigram.bleu4,
      target: "≥ the word bigram's",
    },
    { measure: "self-BLEU-4 of samples", get: (f) => f.samples.selfBleu4, show: num3, op: "<=", at: 0.5, target: "≤ 0.5" },
    ENDPOINTS,
  ],
};

/** One row of the table for corpus figures `f` (`f.refused` set when training was refused). */
function row(spec, f) {
  if (f.refused) return { measure: spec.measure, value: `refused (${f.refused.code})`, target: spec.target, met: spec.op === "report" ? null : false };
  const x = spec.get(f);
  const value = spec.show(x, f);
  if (spec.op === "report") return { measure: spec.measure, value, target: spec.target, met: null };
  const bound = typeof spec.at === "function" ? spec.at(f) : spec.at;
  const met = (spec.op === ">=" ? x >= bound : x <= bound) && !(spec.positive && !(x > 0));
  return { measure: spec.measure, value, target: spec.target, met };
}

/** The issue's rows for every corpus in `figures` (keyed as CORPORA), in the issue's order. */
export function targetRows(figures) {
  const rows = [];
  for (const key of Object.keys(CORPORA)) {
    const f = figures[key];
    if (!f) continue;
    for (const spec of TARGETS[key]) rows.push({ corpus: CORPORA[key].title, level: CORPORA[key].level, ...row(spec, f) });
  }
  return rows;
}

/** The rows as a Markdown table; the corpus and level are written once per corpus. */
export function formatTable(rows) {
  const lines = ["| corpus | level | measure | this run | target | met |", "|---|---|---|---|---|---|"];
  let last = null;
  for (const r of rows) {
    const first = r.corpus !== last;
    last = r.corpus;
    const met = r.met === null ? "–" : r.met ? "met" : "not met";
    lines.push(`| ${first ? r.corpus : ""} | ${first ? r.level : ""} | ${r.measure} | ${r.value} | ${r.target} | ${met} |`);
  }
  return lines.join("\n");
}

/** The other figures the issue asks for, one line: parameters, file, epochs, time, throughput. */
export function summaryLine(f) {
  if (f.refused) return `refused: ${f.refused.message}`;
  return (
    `${f.paramCount.toLocaleString("en-US")} parameters, file ${mb(f.fileBytes)}, ${f.epochsTrained} epochs` +
    `${f.epochsCapped ? ` (capped by --epochs ${f.epochsCapped})` : ""}, ${f.trainSeconds.toFixed(1)} s training, ${rate(f.samplesPerSecond)}`
  );
}
