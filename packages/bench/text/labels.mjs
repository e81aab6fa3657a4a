// Issue #13's measurement: does latentkit's control of generation move English words to French
// and back, as judged by something that is not latentkit (judge.mjs, a character 4-gram
// classifier trained on held-out words only)? Measured on today's unconditional model
// (`direction`/`shift`, the baseline) and, where `text.train` takes `{ labels }`, on the
// conditional model (`sample(n, { label })`, `restyle`, `evaluate(texts, { label })`).
//
//   node packages/bench/text/labels.mjs [--quick] [--epochs N] [--out file.json]
//
// --quick: 2,000 training words, 2 epochs, 200 held-out words per language, 200 samples (a smoke
// run). Results go to labels-results.json (labels-results-quick.json with --quick) beside this
// file unless --out says. Nothing is fetched at run time. Set LATENTKIT_ENTRY to measure another
// build.

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bilingual, SPLIT_SEED } from "./corpora.mjs";
import { heldOutJudge } from "./judge.mjs";
import { arrows, formatTable, judgedShare, parseArgs, pooledExact, targetRows, unchangedShare } from "./labels-table.mjs";
import { generationStats, keepsPrefix } from "./metrics.mjs";

const { text, buildInfo, init } = await import(process.env.LATENTKIT_ENTRY ?? "latentkit");

const here = dirname(fileURLToPath(import.meta.url));
const LABELS = ["en", "fr"];
const OTHER = { en: "fr", fr: "en" };
// The examples (window → ?, garden → ?, maison → ?) and a few more of each language.
const EXAMPLES = { en: ["window", "garden", "mother", "river"], fr: ["maison", "jardin", "fenêtre", "rivière"] };

// Amounts of the shift beyond the 1, to see where the direction starts to act.
const SWEEP = [2, 4, 8];
// Guidance of the conditional model's restyle and samples besides the default (6).
const GUIDANCE_SWEEP = [0, 2, 4];

const opts = parseArgs(process.argv.slice(2));
const pct = (x) => `${(100 * x).toFixed(1)}%`;

/** Trains at the defaults (plus `extra`), logging each epoch; returns the generator and timings. */
async function trainLogged(texts, extra) {
  const epochs = [];
  const options = { ...extra, ...(opts.epochs ? { epochs: opts.epochs } : {}) };
  options.onEpochEnd = (e) => {
    epochs.push({ ...e });
    console.log(`  epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.seconds.toFixed(1)} s`);
  };
  const t0 = performance.now();
  const gen = await text.train(texts, options);
  return { gen, epochs: epochs.length, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Whether `text.train` takes `{ labels }`: tried for one epoch on the first 200 labelled
 * training words. An INVALID_OPTION refusal means the conditional model is not built yet;
 * anything else is a bug and stops the bench.
 */
async function labelsSupported(data) {
  try {
    const gen = await text.train(data.train.slice(0, 200), { labels: data.trainLabels.slice(0, 200), epochs: 1 });
    gen.dispose();
    return { supported: true };
  } catch (err) {
    if (err?.code !== "INVALID_OPTION") throw err;
    return { supported: false, refusal: err.message };
  }
}

/** What `shift(inputs, dir, amount)` does: judged `to`, first two letters kept, unchanged. */
function shiftFigures(gen, judge, inputs, dir, to, amount) {
  const out = gen.shift(inputs, dir, amount);
  return { count: inputs.length, judged: judgedShare(judge, out, to), keepsFirstTwo: keepsPrefix(inputs, out, 2), unchanged: unchangedShare(inputs, out) };
}

/** The unconditional model: held-out exact, `shift` judged as the other language, examples. */
async function measureUnconditional(data, judge) {
  console.log(`\n## Unconditional model at the defaults (labels ignored), ${data.train.length} training words`);
  const run = await trainLogged(data.train, {});
  const { gen } = run;
  const u = { config: gen.config, epochsTrained: run.epochs, trainSeconds: run.seconds, heldOut: {}, shift: {}, shiftSweep: {}, examples: {} };
  const heldOutAll = [...data.heldOut.en, ...data.heldOut.fr];
  u.heldOutExact = gen.evaluate(heldOutAll).exactMatch;
  for (const l of LABELS) u.heldOut[l] = gen.evaluate(data.heldOut[l]);
  console.log(`  held-out exact ${pct(u.heldOutExact)} (en ${pct(u.heldOut.en.exactMatch)}, fr ${pct(u.heldOut.fr.exactMatch)}); ${run.epochs} epochs, ${run.seconds.toFixed(1)} s`);
  for (const from of LABELS) {
    const to = OTHER[from];
    const dir = gen.direction(data.trainBy[from], data.trainBy[to]);
    const inputs = data.moved[from];
    u.shift[to] = { ...shiftFigures(gen, judge, inputs, dir, to, 1), inputsJudged: judgedShare(judge, inputs, to), directionNorm: Math.hypot(...dir) };
    const s = u.shift[to];
    u.examples[from] = arrows(EXAMPLES[from], gen.shift(EXAMPLES[from], dir, 1));
    console.log(
      `  shift(held-out ${from}, direction(${from}, ${to}), 1): judged ${to} ${pct(s.judged)} (inputs ${pct(s.inputsJudged)}), ` +
        `first two letters kept ${pct(s.keepsFirstTwo)}, unchanged ${pct(s.unchanged)}; |direction| ${s.directionNorm.toFixed(3)}`,
    );
    console.log(`    ${u.examples[from]}`);
    // Not in the issue: how far along the direction a shift must go before it changes the
    // language, and what it costs the input's look.
    u.shiftSweep[to] = SWEEP.map((amount) => ({ amount, ...shiftFigures(gen, judge, inputs, dir, to, amount), examples: arrows(EXAMPLES[from], gen.shift(EXAMPLES[from], dir, amount)) }));
    for (const x of u.shiftSweep[to]) {
      console.log(`    amount ${x.amount}: judged ${to} ${pct(x.judged)}, first two letters kept ${pct(x.keepsFirstTwo)}, unchanged ${pct(x.unchanged)}; ${x.examples}`);
    }
  }
  const samples = gen.sample(opts.samples);
  u.samples = { count: samples.length, judgedFr: judgedShare(judge, samples, "fr"), examples: samples.slice(0, 8) };
  console.log(`  sample(${samples.length}): judged fr ${pct(u.samples.judgedFr)}; ${u.samples.examples.join(" ")}`);
  gen.dispose();
  return u;
}

/** The conditional model, measured as the issue says, through exactly the calls. */
async function measureConditional(data, judge) {
  console.log(`\n## Conditional model at the defaults, text.train(words, { labels }), ${data.train.length} training words`);
  const run = await trainLogged(data.train, { labels: data.trainLabels });
  const { gen } = run;
  const c = { config: gen.config, epochsTrained: run.epochs, trainSeconds: run.seconds, samples: {}, restyle: {}, heldOut: {}, examples: {} };
  const training = new Set(data.train);
  for (const l of LABELS) {
    const samples = gen.sample(opts.samples, { label: l });
    c.samples[l] = { count: samples.length, judged: judgedShare(judge, samples, l), ...generationStats(samples, { training }), examples: samples.slice(0, 8) };
    const s = c.samples[l];
    console.log(`  sample(${s.count}, { label: "${l}" }): judged ${l} ${pct(s.judged)}, unique ${pct(s.uniqueness)}, novel ${pct(s.novelty)}; ${s.examples.join(" ")}`);
  }
  for (const from of LABELS) {
    const to = OTHER[from];
    const inputs = data.moved[from];
    const out = gen.restyle(inputs, to, { from });
    c.restyle[to] = { count: inputs.length, judged: judgedShare(judge, out, to), keepsFirstTwo: keepsPrefix(inputs, out, 2), unchanged: unchangedShare(inputs, out) };
    c.examples[from] = arrows(EXAMPLES[from], gen.restyle(EXAMPLES[from], to, { from }));
    const r = c.restyle[to];
    console.log(`  restyle(held-out ${from}, "${to}"): judged ${to} ${pct(r.judged)}, first two letters kept ${pct(r.keepsFirstTwo)}, unchanged ${pct(r.unchanged)}`);
    console.log(`    ${c.examples[from]}`);
  }
  // Not in the issue: what the default guidance (6 for sample and restyle) buys, against the
  // closeness to the input it costs; guidance 0 is the conditional model alone.
  c.guidanceSweep = GUIDANCE_SWEEP.map((guidance) => {
    const row = { guidance };
    for (const from of LABELS) {
      const to = OTHER[from];
      const out = gen.restyle(data.moved[from], to, { from, guidance });
      row[`restyle_${to}`] = { judged: judgedShare(judge, out, to), keepsFirstTwo: keepsPrefix(data.moved[from], out, 2) };
      const samples = gen.sample(opts.samples, { label: from, guidance });
      row[`sample_${from}`] = judgedShare(judge, samples, from);
    }
    row.examples = arrows(EXAMPLES.en, gen.restyle(EXAMPLES.en, "fr", { from: "en", guidance }));
    console.log(
      `  guidance ${guidance}: restyle judged fr ${pct(row.restyle_fr.judged)} (first two kept ${pct(row.restyle_fr.keepsFirstTwo)}), en ${pct(row.restyle_en.judged)} (${pct(row.restyle_en.keepsFirstTwo)}); ` +
        `samples judged en ${pct(row.sample_en)}, fr ${pct(row.sample_fr)}; ${row.examples}`,
    );
    return row;
  });
  for (const l of LABELS) c.heldOut[l] = gen.evaluate(data.heldOut[l], { label: l });
  c.heldOutExact = pooledExact(LABELS.map((l) => ({ count: data.heldOut[l].length, exactMatch: c.heldOut[l].exactMatch })));
  console.log(`  held-out exact with the right label ${pct(c.heldOutExact)} (en ${pct(c.heldOut.en.exactMatch)}, fr ${pct(c.heldOut.fr.exactMatch)}); ${run.epochs} epochs, ${run.seconds.toFixed(1)} s`);
  gen.dispose();
  return c;
}

/** The bilingual corpus cut to this run's sizes: training words (and labels), held-out words per language. */
function corpus() {
  const bi = bilingual();
  const train = bi.train.texts.slice(0, opts.trainTexts);
  const trainLabels = bi.train.labels.slice(0, opts.trainTexts);
  const trainBy = Object.fromEntries(LABELS.map((l) => [l, train.filter((_, i) => trainLabels[i] === l)]));
  const heldOut = Object.fromEntries(LABELS.map((l) => [l, bi.byLanguage[l].heldOut.slice(0, opts.heldOutPerLabel)]));
  // Words that are shifted and restyled: held-out words the judge did not train on either (its
  // second half, see heldOutJudge), so an output equal to its input is judged as a new word.
  const unjudged = (all) => all.slice(Math.floor(all.length / 2)).slice(0, opts.heldOutPerLabel);
  const moved = Object.fromEntries(LABELS.map((l) => [l, unjudged(bi.byLanguage[l].heldOut)]));
  return { bi, train, trainLabels, trainBy, heldOut, moved };
}

await init();
const data = corpus();
const results = { date: new Date().toISOString(), node: process.version, core: buildInfo(), options: opts, splitSeed: SPLIT_SEED };
console.log(`bilingual corpus: training on ${data.trainBy.en.length} en + ${data.trainBy.fr.length} fr words; ${data.heldOut.en.length} + ${data.heldOut.fr.length} held out for reconstruction; ${data.moved.en.length} + ${data.moved.fr.length} held-out words the judge did not train on are shifted and restyled`);

// 1. The judge first: trained on half of each language's held-out words, scored on the rest.
const j = heldOutJudge(data.bi.byLanguage);
results.judge = { trainedOn: j.trainedOn, testedOn: j.testedOn, perLabel: j.perLabel, accuracy: j.accuracy };
console.log(`judge (character 4-gram, trained on ${j.trainedOn} held-out words): ${pct(j.accuracy)} right on the other ${j.testedOn} (en ${pct(j.perLabel.en)}, fr ${pct(j.perLabel.fr)})`);

// 2. The baseline every conditional figure is read against.
results.unconditional = await measureUnconditional(data, j.judge);

// 3. The conditional model, where it exists.
const support = await labelsSupported(data);
results.conditionalSupported = support.supported;
if (!support.supported) {
  results.conditional = null;
  console.log(`\n## Conditional model: not built yet (text.train refused { labels }: ${support.refusal})`);
} else {
  try {
    results.conditional = await measureConditional(data, j.judge);
  } catch (err) {
    if (typeof err?.code !== "string") throw err;
    // A refusal of one of the calls is a result to read, not a crash of the whole bench.
    results.conditional = { error: { code: err.code, message: err.message } };
    console.log(`  failed: ${err.code}: ${err.message}`);
  }
}

results.rows = targetRows(results.unconditional, results.conditional, j.perLabel);
console.log(`\n${formatTable(results.rows)}`);
const out = opts.out ?? join(here, opts.quick ? "labels-results-quick.json" : "labels-results.json");
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`\nwrote ${out}`);
