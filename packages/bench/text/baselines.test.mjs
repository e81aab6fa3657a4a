import { test } from "node:test";
import assert from "node:assert/strict";
import { BOS, EOS, bigramProbability, sampleTrigram, sampleBigram, trainTrigram, trainBigram } from "./baselines.mjs";
import { split, wordnetSentences } from "./corpora.mjs";
import { wordTokens } from "./tokens.mjs";

test("the trigram samples words of its alphabet, the same for the same seed", () => {
  const words = ["garden", "window", "planet", "market", "candle", "basket"];
  const model = trainTrigram(words, 0.01);
  const a = sampleTrigram(model, 200, 7);
  assert.deepEqual(sampleTrigram(model, 200, 7), a);
  assert.notDeepEqual(sampleTrigram(model, 200, 8), a);
  const letters = new Set(words.join(""));
  assert.ok(a.every((w) => w.length <= 20 && [...w].every((c) => letters.has(c))));
  assert.ok(a.filter((w) => words.includes(w)).length > 20, "mostly-seen trigrams give training words often");
});

test("the trigram counts characters outside the BMP as one symbol", () => {
  // After "𠀀" (U+20000, two UTF-16 units) comes "a" in every line: a trigram that sliced
  // UTF-16 units would not find that context and draw uniformly.
  const lines = ["𠀀ab", "𠀀ab", "𠀀ab", "cab"];
  const samples = sampleTrigram(trainTrigram(lines, 0.01), 400, 3, 6);
  const chars = new Set(lines.flatMap((l) => [...l]));
  assert.ok(samples.every((s) => [...s].length <= 6 && [...s].every((c) => chars.has(c))));
  const astral = samples.filter((s) => s.startsWith("𠀀"));
  assert.ok(astral.length > 200 && astral.filter((s) => [...s][1] === "a").length > 0.9 * astral.length);
});

test("the Kneser-Ney bigram is a distribution after every context", () => {
  const model = trainBigram(["the cat sat .", "the dog sat down .", "a cat ran ."]);
  const vocab = [...model.words];
  assert.ok(vocab.includes(EOS) && !vocab.includes(BOS));
  for (const v of [BOS, "the", "cat", "sat", "."]) {
    const total = vocab.reduce((s, w) => s + bigramProbability(model, v, w), 0);
    assert.ok(Math.abs(total - 1) < 1e-12, `${v}: ${total}`);
  }
  // Seen pairs get most of the mass; an unseen pair still gets some.
  assert.ok(bigramProbability(model, "the", "cat") > bigramProbability(model, "the", "ran"));
  assert.ok(bigramProbability(model, "the", "ran") > 0);
});

test("the bigram model's samples are seeded sentences of known words", () => {
  const { train } = split(wordnetSentences());
  const model = trainBigram(train);
  const known = new Set(train.flatMap(wordTokens));
  const samples = sampleBigram(model, 300, 7);
  assert.deepEqual(sampleBigram(model, 300, 7), samples);
  for (const s of samples) {
    const toks = wordTokens(s);
    assert.ok(toks.length <= 40 && toks.every((t) => known.has(t)), s);
  }
  const lengths = samples.map((s) => wordTokens(s).length).sort((a, b) => a - b);
  assert.ok(lengths[150] >= 4 && lengths[150] <= 12, `median length ${lengths[150]}`);
});

test("the bigram sampler draws first words with the model's probabilities", () => {
  const model = trainBigram(["the cat sat .", "the dog sat down .", "a cat ran .", "dogs ran"]);
  const n = 20000;
  const freq = new Map();
  for (const s of sampleBigram(model, n, 11)) {
    const first = wordTokens(s)[0] ?? EOS;
    freq.set(first, (freq.get(first) ?? 0) + 1);
  }
  for (const w of model.words) {
    const p = bigramProbability(model, BOS, w);
    const seen = (freq.get(w) ?? 0) / n;
    // 4.5 standard errors of a binomial share: fails only on a real mismatch.
    assert.ok(Math.abs(seen - p) < 4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-9, `${w}: drawn ${seen}, P ${p}`);
  }
});

test("the character bigram samples lines of the training characters", () => {
  const lines = ["秦川雄帝宅", "函谷壯皇居", "綺殿千尋起", "離宮百雉餘", "𠀀川千尋居"];
  const model = trainBigram(lines, { level: "char" });
  const chars = new Set(lines.flatMap((l) => [...l]));
  assert.ok(model.words.includes("𠀀"));
  const samples = sampleBigram(model, 300, 5);
  assert.ok(samples.every((s) => [...s].every((c) => chars.has(c))));
  // "千" is followed by "尋" both times it occurs: most of its mass, by code point ("𠀀" too).
  assert.ok(bigramProbability(model, "千", "尋") > 0.5);
  assert.ok(bigramProbability(model, "𠀀", "川") > 2 * bigramProbability(model, "𠀀", "雄"));
});
