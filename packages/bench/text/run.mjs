// Text-quality benchmark of latentkit's text generators against a character trigram model.
//
//   node packages/bench/text/run.mjs [--quick] [--train-size N] [--samples N] [--only plain|vae|vae-mixture]
//
// Corpus: English words of 4-10 lowercase letters from an-array-of-english-words (MIT),
// split 80/20 with a seeded shuffle; the models train on a seeded subsample of the 80%.
// For 2,000 samples per model it prints MOSES-style uniqueness and novelty, the share of
// novel samples that are real held-out words, and (autoencoders) the exact-match rate of
// held-out reconstructions. Results go to packages/bench/text/results.json.

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleTrigram, trainTrigram } from "./baselines.mjs";
import { englishWords, shuffled } from "./corpora.mjs";
const { text, buildInfo, init } = await import(process.env.LATENTKIT_ENTRY ?? "latentkit");

const here = dirname(fileURLToPath(import.meta.url));

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const QUICK = flag("--quick");
const TRAIN_SIZE = Number(opt("--train-size", QUICK ? 8000 : 40000));
const SAMPLES = Number(opt("--samples", 2000));
const HELD_OUT_EVAL = Number(opt("--eval-size", 5000));
const ONLY = opt("--only", "");
const SEED = 1;

// ---- data ----
const all = englishWords();
const shuffledWords = shuffled(all, SEED);
const cut = Math.floor(shuffledWords.length * 0.8);
const trainSplit = shuffledWords.slice(0, cut);
const heldOut = shuffledWords.slice(cut);
const training = trainSplit.slice(0, Math.min(TRAIN_SIZE, trainSplit.length));
const heldOutEval = heldOut.slice(0, HELD_OUT_EVAL);
const trainingSet = new Set(training);
const heldOutSet = new Set(heldOut);

function measures(samples) {
  const r = text.report(samples, { training: trainingSet, reference: heldOutSet });
  return {
    uniqueness: r.uniqueness,
    novelty: r.novelty,
    heldOutRealWordShare: r.inReference,
    lengthOk: samples.filter((s) => s.length >= 4 && s.length <= 10).length / samples.length,
  };
}

const pct = (x) => (x === undefined || x === null ? "   -  " : `${(100 * x).toFixed(1).padStart(5)}%`);

// ---- configurations ----
// Exactly `epochs` on every training word (earlyStopping: false): the README's table was
// measured that way, before text.train() stopped early by default.
const CONFIGS = [
  {
    name: "plain, context 0",
    train: { level: "char", latent: 32, hidden: [256], context: 0, epochs: QUICK ? 10 : 30, earlyStopping: false, batchSize: 64, learningRate: 2e-3, noise: { mask: 0.05 }, seed: 1 },
    samplers: [{ temperature: 1 }],
  },
  {
    name: "plain",
    train: { level: "char", latent: 32, hidden: [256], context: 3, epochs: QUICK ? 10 : 30, earlyStopping: false, batchSize: 64, learningRate: 2e-3, noise: { mask: 0.05 }, seed: 1 },
    samplers: [{ temperature: 1 }, { temperature: 0.7, refine: 2 }, { prior: "mixture" }],
  },
  {
    name: "vae",
    train: {
      level: "char", latent: 32, hidden: [256], context: 3, epochs: QUICK ? 10 : 30, earlyStopping: false, batchSize: 64, learningRate: 2e-3,
      variational: { beta: 1, klWarmupEpochs: 8, freeBits: 0.1 }, noise: { context: 0.3 }, seed: 1,
    },
    samplers: [{ temperature: 1 }, { temperature: 0.8 }, { temperature: 0.8, refine: 1 }],
  },
  {
    // A VAE that keeps using its code (free bits 0.25, half the context hidden), sampled from
    // the mixture fitted to its training codes.
    name: "vae-mixture",
    train: {
      level: "char", latent: 32, hidden: [256], context: 3, epochs: QUICK ? 10 : 30, earlyStopping: false, batchSize: 64, learningRate: 2e-3,
      variational: { beta: 1, klWarmupEpochs: 8, freeBits: 0.25 }, noise: { context: 0.5 }, seed: 1,
    },
    samplers: [{ temperature: 1 }, { prior: "mixture" }, { prior: "mixture", temperature: 0.75 }],
  },
];

await init();
const results = {
  date: new Date().toISOString(),
  node: process.version,
  core: buildInfo(),
  corpus: {
    source: "an-array-of-english-words@2 (MIT), lowercase a-z words of 4-10 letters",
    words: all.length,
    split: "seeded shuffle (mulberry32 seed 1), 80% train / 20% held out",
    trainSplit: trainSplit.length,
    heldOut: heldOut.length,
    trainedOn: training.length,
    heldOutReconstructionEval: heldOutEval.length,
    samples: SAMPLES,
  },
  models: [],
};

console.log(
  `corpus: ${all.length} words; train split ${trainSplit.length}, trained on ${training.length}; held out ${heldOut.length} (reconstruction on ${heldOutEval.length})\n`,
);

{
  const t0 = performance.now();
  const tri = trainTrigram(training, 0.01);
  const samples = sampleTrigram(tri, SAMPLES, 7);
  const m = measures(samples);
  results.models.push({ name: "trigram", settings: { k: 0.01, padding: "^^ start, $ end" }, ...m, heldOutExactMatch: null, seconds: (performance.now() - t0) / 1000, examples: samples.slice(0, 12) });
}

for (const c of CONFIGS) {
  if (ONLY && c.name.split(",")[0] !== ONLY) continue;
  const t0 = performance.now();
  const gen = await text.train(training, {
    ...c.train,
    onEpochEnd: (e) => {
      if (e.epoch % 5 === 0 || e.epoch === c.train.epochs) console.log(`  ${c.name} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)`);
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const ev = gen.evaluate(heldOutEval);
  const evTrain = gen.evaluate(training.slice(0, 5000));
  const interpolation = gen.interpolate("garden", "planet", 8);
  const variations = gen.variations("window", 5);
  for (const sampler of c.samplers) {
    const samples = gen.sample(SAMPLES, { ...sampler, seed: 7 });
    const m = measures(samples);
    results.models.push({
      name: `${c.name} ${JSON.stringify(sampler)}`,
      settings: { ...c.train, sample: { ...sampler, seed: 7 } },
      ...m,
      heldOutExactMatch: ev.exactMatch,
      heldOutTokenAccuracy: ev.tokenAccuracy,
      trainExactMatch: evTrain.exactMatch,
      trainSeconds,
      maxLength: gen.maxLength,
      vocabularySize: gen.config.vocabularySize,
      examples: samples.slice(0, 12),
      interpolation,
      variations,
    });
  }
  gen.dispose();
}

console.log(`\n${"model (sampling)".padEnd(48)} uniqueness  novelty  real held-out words  held-out exact match  train s`);
for (const r of results.models) {
  console.log(
    `${r.name.padEnd(48)} ${pct(r.uniqueness)}     ${pct(r.novelty)}   ${pct(r.heldOutRealWordShare)}               ${pct(r.heldOutExactMatch)}              ${(r.trainSeconds ?? r.seconds).toFixed(1)}`,
  );
}
for (const r of results.models) console.log(`\n${r.name}: ${JSON.stringify(r.examples)}${r.interpolation ? `\n  interpolate garden->planet: ${JSON.stringify(r.interpolation)}\n  variations of window: ${JSON.stringify(r.variations)}` : ""}`);

const out = join(here, QUICK ? "results-quick.json" : "results.json");
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`\nwrote ${out}`);
