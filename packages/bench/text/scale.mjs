// Issue #12's scaling bench: for each of its three corpora, whatever `text.train(texts, { level })`
// does at its defaults (plus `minCount: 2` at word level), measured against the targets.
// Nothing else is set, so the same script measures today's models and the next architecture.
//
//   node packages/bench/text/scale.mjs [--quick] [--corpus english|tang|wordnet] [--epochs N] [--out file.json]
//
// --quick: 2,000 training texts, 2 epochs, 200 samples, 50 pairs (a smoke run); --epochs N caps
// the default epoch count (today's Tang model takes over 20 minutes for its 30). Results go to
// scale-results.json (scale-results-quick.json with --quick) beside this file unless --out says.
// Corpora, splits, baselines and metrics are the bench's own (corpora.mjs, baselines.mjs,
// metrics.mjs); nothing is fetched at run time. Set LATENTKIT_ENTRY to measure another build.

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleBigram, sampleTrigram, trainBigram, trainTrigram } from "./baselines.mjs";
import { englishWords, randomPairs, split, SPLIT_SEED, tangLines, wordnetSentences } from "./corpora.mjs";
import { bleu, endpointRate, generationStats, selfBleu } from "./metrics.mjs";
import { CORPORA, reachablePairs, exactLengthShare, formatTable, parseArgs, summaryLine, targetRows, throughput } from "./scale-table.mjs";
import { wordTokens } from "./tokens.mjs";

const { text, buildInfo, init } = await import(process.env.LATENTKIT_ENTRY ?? "latentkit");

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLE_SEED = 7; // the text bench's sampling seed
const TRIGRAM_K = 0.01; // the text bench's trigram smoothing
const STEPS = 8; // interpolation steps, ends included (as run.mjs)
const READ = { english: englishWords, tang: tangLines, wordnet: wordnetSentences };

const opts = parseArgs(process.argv.slice(2));
const pct = (x) => `${(100 * x).toFixed(1)}%`;

/**
 * Trains at the defaults; a refusal (a LatentkitError such as TOO_LARGE) is a result, not a
 * crash. Returns the generator, every epoch's info and the wall-clock seconds.
 */
async function trainDefault(texts, level) {
  const epochs = [];
  const options = { level, ...(level === "word" ? { minCount: 2 } : {}), ...(opts.epochs ? { epochs: opts.epochs } : {}) };
  options.onEpochEnd = (e) => {
    epochs.push({ ...e });
    console.log(`  epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s`);
  };
  const t0 = performance.now();
  try {
    const gen = await text.train(texts, options);
    return { gen, epochs, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    if (typeof err?.code !== "string") throw err;
    return { refused: { code: err.code, message: err.message }, epochs, seconds: (performance.now() - t0) / 1000 };
  }
}

/** The figures every corpus gets: size, speed, reconstruction, samples, interpolation endpoints. */
function commonFigures(gen, run, parts, train) {
  const samples = gen.sample(opts.samples, { seed: SAMPLE_SEED });
  const pairs = randomPairs(train, opts.pairs, SPLIT_SEED);
  const paths = pairs.map(([a, b]) => gen.interpolate(a, b, STEPS));
  return {
    paramCount: gen.paramCount,
    fileBytes: gen.save().length,
    epochsTrained: run.epochs.length,
    epochsCapped: opts.epochs,
    trainSeconds: run.seconds,
    samplesPerSecond: throughput(run.epochs),
    heldOut: gen.evaluate(parts.heldOut.slice(0, opts.heldOutEval)),
    training: gen.evaluate(train.slice(0, opts.trainEval)),
    samples: generationStats(samples, { training: new Set(train), reference: parts.heldOut }),
    endpointRate: endpointRate(paths, pairs),
    examples: samples.slice(0, 5),
    interpolation: { pair: pairs[0], path: paths[0] },
    sampleList: samples,
    pairList: pairs,
    pathList: paths,
  };
}

/** English: real words among novel samples, against the character trigram of the same run. */
function englishExtras(f, all, parts, train) {
  const trained = new Set(train);
  const unseen = all.filter((w) => !trained.has(w));
  const tri = sampleTrigram(trainTrigram(train, TRIGRAM_K), opts.samples, SAMPLE_SEED);
  const triHeld = generationStats(tri, { training: trained, reference: parts.heldOut });
  const triUnseen = generationStats(tri, { training: trained, reference: unseen });
  f.samples.realHeldOut = f.samples.inReference;
  f.samples.realUnseen = generationStats(f.sampleList, { training: trained, reference: unseen }).inReference;
  f.trigram = { realHeldOut: triHeld.inReference, realUnseen: triUnseen.inReference, examples: tri.slice(0, 5) };
  console.log(
    `  real words among novel samples: held-out ${pct(f.samples.realHeldOut)} (trigram ${pct(f.trigram.realHeldOut)}); ` +
      `all ${unseen.length} real words not trained on ${pct(f.samples.realUnseen)} (trigram ${pct(f.trigram.realUnseen)})`,
  );
}

/** WordNet: BLEU-4 against the held-out sentences and self-BLEU-4, beside a word bigram's. */
function wordnetExtras(f, parts, train) {
  const references = parts.heldOut.map(wordTokens);
  const tokens = f.sampleList.map(wordTokens);
  f.samples.bleu4 = bleu(tokens, references);
  f.samples.selfBleu4 = selfBleu(tokens);
  const bi = sampleBigram(trainBigram(train), opts.samples, SAMPLE_SEED).map(wordTokens);
  f.bigram = { bleu4: bleu(bi, references), selfBleu4: selfBleu(bi) };
  // The endpoint rate counts every pair; this says how many of its misses no model
  // with minCount 2 could avoid (a pair with a word seen once comes back with <unk>).
  const ok = reachablePairs(f.pairList, train, 2, wordTokens);
  const keep = (list) => list.filter((_, i) => ok[i]);
  const n = ok.filter(Boolean).length;
  f.endpointRateReachable = { pairs: n, rate: n ? endpointRate(keep(f.pathList), keep(f.pairList)) : null };
  console.log(`  interpolation endpoints over the ${n} of ${ok.length} pairs with no word rarer than minCount: ${n ? pct(f.endpointRateReachable.rate) : "-"}`);
  console.log(`  BLEU-4 ${f.samples.bleu4.toFixed(3)} (bigram ${f.bigram.bleu4.toFixed(3)}), self-BLEU-4 ${f.samples.selfBleu4.toFixed(3)} (bigram ${f.bigram.selfBleu4.toFixed(3)})`);
}

/** Trains and measures one corpus; returns its figures (JSON-ready). */
async function measureCorpus(key) {
  const { title, level } = CORPORA[key];
  const all = READ[key]();
  const parts = split(all);
  const train = parts.train.slice(0, opts.trainTexts);
  console.log(`\n## ${title} (${level} level): ${all.length} distinct texts; training on ${train.length}, ${parts.heldOut.length} held out`);
  const run = await trainDefault(train, level);
  if (run.refused) {
    const f = { refused: run.refused, trainSeconds: run.seconds };
    console.log(`  ${summaryLine(f)}`);
    return f;
  }
  const f = commonFigures(run.gen, run, parts, train);
  f.config = run.gen.config;
  f.epochInfo = run.epochs;
  if (key === "english") englishExtras(f, all, parts, train);
  if (key === "tang") f.samples.lengthOk = exactLengthShare(f.sampleList, 5);
  if (key === "wordnet") wordnetExtras(f, parts, train);
  run.gen.dispose();
  delete f.sampleList;
  delete f.pairList;
  delete f.pathList;
  console.log(`  ${summaryLine(f)}`);
  console.log(`  held-out exact ${pct(f.heldOut.exactMatch)}, tokens right ${pct(f.heldOut.tokenAccuracy)}; training texts exact ${pct(f.training.exactMatch)}`);
  console.log(`  samples: ${f.examples.map((s) => JSON.stringify(s)).join("  ")}`);
  console.log(`  interpolate(${f.interpolation.pair.map((s) => JSON.stringify(s)).join(", ")}): ${f.interpolation.path.map((s) => JSON.stringify(s)).join(" → ")}`);
  return f;
}

await init();
const results = { date: new Date().toISOString(), node: process.version, core: buildInfo(), options: opts, splitSeed: SPLIT_SEED, sampleSeed: SAMPLE_SEED, corpora: {} };
for (const key of opts.corpora) results.corpora[key] = await measureCorpus(key);
results.rows = targetRows(results.corpora);
console.log(`\n${formatTable(results.rows)}`);
const out = opts.out ?? join(here, opts.quick ? "scale-results-quick.json" : "scale-results.json");
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`\nwrote ${out}`);
