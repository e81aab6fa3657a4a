import { test } from "node:test";
import assert from "node:assert/strict";
import { bleu, endpointRate, generationStats, keepsPrefix, selfBleu } from "./metrics.mjs";
import { mulberry32 } from "../src/data.mjs";

const toks = (s) => s.split(" ");

test("BLEU-4 of a sentence against itself is 1, against a disjoint one 0", () => {
  const s = toks("the cat sat on the mat today");
  assert.equal(bleu([s], [s]), 1);
  assert.equal(bleu([s], [toks("a dog ran by a red barn")]), 0);
  // Partly shared: strictly between, and more references can only raise it (max clipping).
  const partial = bleu([s], [toks("the cat sat on a red mat")]);
  assert.ok(partial > 0 && partial < 1, String(partial));
  assert.ok(bleu([s], [toks("the cat sat on a red mat"), toks("on the mat today")]) > partial);
});

test("self-BLEU of identical samples is 1, of disjoint samples 0", () => {
  const s = toks("one two three four five");
  assert.equal(selfBleu([s, s, s]), 1);
  assert.equal(selfBleu([toks("a b c d"), toks("e f g h"), toks("i j k l")]), 0);
  assert.throws(() => selfBleu([s]), /two samples/);
});

// A fixture from NLTK 3.10.4 (nltk.translate.bleu_score.sentence_bleu, weights (0.25,)*4,
// SmoothingFunction().method1), on 20 samples and 30 references of 2-9 tokens drawn below:
//   mean(sentence_bleu(refs, h, ...) for h in hyps), and for self-BLEU each h against hyps minus h.
test("BLEU-4 and self-BLEU-4 equal NLTK's with method1 smoothing (Texygen's definition)", () => {
  const u = mulberry32(3);
  const V = "a b c d e f g h".split(" ");
  const sentence = () => Array.from({ length: 2 + Math.floor(u() * 8) }, () => V[Math.floor(u() * V.length)]);
  const refs = Array.from({ length: 30 }, sentence);
  const hyps = Array.from({ length: 20 }, sentence);
  assert.ok(Math.abs(bleu(hyps, refs) - 0.359891938811647) < 1e-12);
  assert.ok(Math.abs(selfBleu(hyps) - 0.26500510988923864) < 1e-12);
});

test("generation stats follow text.report's definitions", () => {
  const r = generationStats(["ab", "ab", "cd", "ef", "gh"], { training: ["cd"], reference: new Set(["ef"]) });
  assert.equal(r.count, 5);
  assert.equal(r.uniqueness, 4 / 5);
  assert.equal(r.novelty, 3 / 4);
  assert.equal(r.inReference, 1 / 3);
  assert.equal(generationStats([], { training: [] }).uniqueness, 0);
});

test("interpolation end points and kept prefixes are counted per item", () => {
  const pairs = [["apple", "melon"], ["candle", "market"]];
  assert.equal(endpointRate([["apple", "aplon", "melon"], ["candle", "marte"]], pairs), 0.5);
  assert.equal(endpointRate([["apple", "melon"], ["candle", "x", "market"]], pairs), 1);
  assert.throws(() => endpointRate([], pairs), /pairs/);
  assert.equal(keepsPrefix(["window", "garden", "maison", "été"], ["winfré", "gardeau", "nation", "étage"], 2), 0.75);
});
