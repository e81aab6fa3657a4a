// What the extended `pnpm bench:text` compares latentkit's default models with: for the three
// corpora of issue #12 (seeded 20,000-text splits, 16,000 train / 4,000 held out) the n-gram
// baselines' figures, and the language judge of issue #13 with its accuracy. No latentkit
// model is trained here; it runs in seconds on one core.
//
//   node packages/bench/text/baselines-report.mjs [--samples N] [--json file]

import { writeFileSync } from "node:fs";
import { bleu, generationStats, selfBleu } from "./metrics.mjs";
import { sampleTrigram, sampleBigram, trainTrigram, trainBigram } from "./baselines.mjs";
import { bilingual, englishWords, split, SPLIT_SEED, tangLines, wordnetSentences } from "./corpora.mjs";
import { heldOutJudge } from "./judge.mjs";
import { wordTokens } from "./tokens.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const SAMPLES = Number(opt("--samples", 2000));
const JSON_OUT = opt("--json", "");
const SAMPLE_SEED = 7; // the text bench's sampling seed
const TRIGRAM_K = 0.01; // the text bench's trigram smoothing

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const seconds = (t0) => Number(((performance.now() - t0) / 1000).toFixed(2));
const results = { date: new Date().toISOString(), node: process.version, splitSeed: SPLIT_SEED, sampleSeed: SAMPLE_SEED, samples: SAMPLES, corpora: {} };

function header(name, all, parts) {
  console.log(`\n## ${name}\n${all.length} distinct texts; ${parts.train.length} train / ${parts.heldOut.length} held out (seed ${SPLIT_SEED})`);
  console.log(`examples: ${parts.train.slice(0, 5).map((t) => JSON.stringify(t)).join("  ")}`);
  return { distinct: all.length, train: parts.train.length, heldOut: parts.heldOut.length, examples: parts.train.slice(0, 5) };
}

/** Character baselines' figures: MOSES measures against the held-out texts and against all unseen texts. */
function sampleFigures(name, draw, all, parts, lengthOk) {
  const t0 = performance.now();
  const samples = draw(parts.train);
  const training = new Set(parts.train);
  const held = generationStats(samples, { training, reference: parts.heldOut });
  const unseen = generationStats(samples, { training, reference: all.filter((t) => !training.has(t)) });
  const out = {
    uniqueness: held.uniqueness,
    novelty: held.novelty,
    realHeldOut: held.inReference,
    realUnseen: unseen.inReference,
    lengthOk: samples.filter(lengthOk).length / samples.length,
    seconds: seconds(t0),
    examples: samples.slice(0, 5),
  };
  console.log(
    `${name}, ${SAMPLES} samples: uniqueness ${pct(out.uniqueness)}, novelty ${pct(out.novelty)}, ` +
      `novel samples in the held-out set ${pct(out.realHeldOut)}, among all real texts not trained on ${pct(out.realUnseen)}, ` +
      `of the corpus's length ${pct(out.lengthOk)} (${out.seconds} s)`,
  );
  console.log(`  samples: ${out.examples.map((t) => JSON.stringify(t)).join("  ")}`);
  return out;
}

/** The two character baselines of a corpus of words or lines. */
function charBaselines(all, parts, lengthOk) {
  return {
    trigram: sampleFigures(`character trigram (add-k ${TRIGRAM_K})`, (train) => sampleTrigram(trainTrigram(train, TRIGRAM_K), SAMPLES, SAMPLE_SEED), all, parts, lengthOk),
    bigram: sampleFigures(
      "character bigram (interpolated Kneser-Ney)",
      (train) => sampleBigram(trainBigram(train, { level: "char" }), SAMPLES, SAMPLE_SEED),
      all,
      parts,
      lengthOk,
    ),
  };
}

function englishSection() {
  const all = englishWords();
  const parts = split(all);
  const corpus = header("English words, 4-10 letters (char level)", all, parts);
  Object.assign(corpus, charBaselines(all, parts, (w) => w.length >= 4 && w.length <= 10));
  return corpus;
}

function tangSection() {
  const all = tangLines();
  const parts = split(all);
  const corpus = header("Tang 5-character lines (char level)", all, parts);
  corpus.characters = new Set(Array.from(parts.train.join(""))).size;
  console.log(`${corpus.characters} distinct characters in the training lines`);
  Object.assign(corpus, charBaselines(all, parts, (l) => Array.from(l).length === 5));
  return corpus;
}

/** BLEU-4 of `texts` against the held-out sentences, self-BLEU-4 among them, and the time. */
function bleuFigures(texts, references) {
  const t0 = performance.now();
  const tokens = texts.map(wordTokens);
  const out = { bleu4: bleu(tokens, references), selfBleu4: selfBleu(tokens) };
  out.seconds = seconds(t0);
  return out;
}

function wordnetSection() {
  const all = wordnetSentences();
  const parts = split(all);
  const corpus = header("WordNet example sentences, 4-12 tokens (word level)", all, parts);
  const counts = new Map();
  for (const t of parts.train) for (const w of wordTokens(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  corpus.vocabulary = { all: counts.size, seenTwice: [...counts.values()].filter((c) => c >= 2).length };
  console.log(`training vocabulary: ${corpus.vocabulary.all} tokens, ${corpus.vocabulary.seenTwice} seen twice or more (minCount 2)`);
  const references = parts.heldOut.map(wordTokens);
  const t0 = performance.now();
  const samples = sampleBigram(trainBigram(parts.train), SAMPLES, SAMPLE_SEED);
  const stats = generationStats(samples, { training: new Set(parts.train), reference: parts.heldOut });
  corpus.bigram = { uniqueness: stats.uniqueness, novelty: stats.novelty, realHeldOut: stats.inReference, ...bleuFigures(samples, references) };
  corpus.bigram.seconds = seconds(t0);
  corpus.bigram.examples = samples.slice(0, 5);
  // Real sentences through the same measures: what "reads like the corpus" scores.
  corpus.realTraining = bleuFigures(parts.train.slice(0, SAMPLES), references);
  const b = corpus.bigram;
  console.log(
    `word bigram (interpolated Kneser-Ney), ${SAMPLES} samples: BLEU-4 ${b.bleu4.toFixed(3)}, self-BLEU-4 ${b.selfBleu4.toFixed(3)}, ` +
      `uniqueness ${pct(b.uniqueness)}, novelty ${pct(b.novelty)} (${b.seconds} s with the BLEU)`,
  );
  console.log(`  samples: ${b.examples.map((s) => JSON.stringify(s)).join("  ")}`);
  console.log(
    `real training sentences (${SAMPLES}) for comparison: BLEU-4 ${corpus.realTraining.bleu4.toFixed(3)}, self-BLEU-4 ${corpus.realTraining.selfBleu4.toFixed(3)} (${corpus.realTraining.seconds} s)`,
  );
  return corpus;
}

/** Issue #13's judge: trained on half of each language's held-out words, scored on the rest. */
function judgeSection() {
  const bi = bilingual();
  const { en, fr } = bi.byLanguage;
  console.log(`\n## Bilingual corpus and judge (issue #13)\ntrain ${en.train.length} en + ${fr.train.length} fr, held out ${en.heldOut.length} en + ${fr.heldOut.length} fr`);
  console.log(`examples: ${bi.train.texts.slice(0, 6).map((t, i) => `${t} (${bi.train.labels[i]})`).join("  ")}`);
  const t0 = performance.now();
  const { perLabel, accuracy, trainedOn, testedOn } = heldOutJudge(bi.byLanguage);
  const out = { trainedOn, testedOn, en: perLabel.en, fr: perLabel.fr, accuracy, seconds: seconds(t0) };
  console.log(
    `judge (character 4-gram, Witten-Bell), trained on ${trainedOn} held-out words (half of each language's), on the other ${testedOn}: ` +
      `${pct(accuracy)} (en ${pct(out.en)}, fr ${pct(out.fr)}) (${out.seconds} s)`,
  );
  return out;
}

results.corpora.english = englishSection();
results.corpora.tang = tangSection();
results.corpora.wordnet = wordnetSection();
results.judge = judgeSection();
if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify(results, null, 2) + "\n");
  console.log(`\nwrote ${JSON_OUT}`);
}
