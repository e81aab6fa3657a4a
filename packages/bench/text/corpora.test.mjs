import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { bilingual, englishWords, frenchWords, randomPairs, split, tangLines, wordnetSentences } from "./corpora.mjs";
import { wordTokens, joinTokens } from "./tokens.mjs";

const tang = tangLines();

test("every corpus has the size and the form the issues describe", () => {
  const en = englishWords();
  const fr = frenchWords();
  const wn = wordnetSentences();
  // Counts of the pinned package versions (package.json); a new version changes them.
  assert.deepEqual([en.length, fr.length, tang.length, wn.length], [191649, 193438, 313919, 32850]);
  assert.ok(en.every((w) => /^[a-z]{4,10}$/.test(w)));
  assert.ok(fr.some((w) => /[éèàç]/.test(w)) && fr.every((w) => /^\p{Ll}{4,10}$/u.test(w)));
  assert.ok(tang.every((l) => /^\p{Script=Han}{5}$/u.test(l)));
  for (const list of [tang, wn]) assert.equal(new Set(list).size, list.length, "deduplicated");
  for (const s of wn) {
    const toks = wordTokens(s);
    assert.ok(toks.length >= 4 && toks.length <= 12, s);
    assert.equal(joinTokens(toks), s, "written as latentkit writes tokens back");
  }
  assert.ok(wn.includes("The setting sun sank below the tree line"));
});

test("the split is seeded, sized and disjoint", () => {
  const a = split(tang);
  const b = split(tang);
  assert.deepEqual(a, b);
  assert.equal(a.train.length, 16000);
  assert.equal(a.heldOut.length, 4000);
  const trainSet = new Set(a.train);
  assert.ok(a.heldOut.every((t) => !trainSet.has(t)));
  assert.notDeepEqual(split(tang, { seed: 2 }).train.slice(0, 10), a.train.slice(0, 10));
  assert.throws(() => split(tang.slice(0, 100)), /fewer than/);
});

test("random pairs are seeded pairs of two different texts of the list", () => {
  const { train } = split(tang);
  const pairs = randomPairs(train, 200, 5);
  assert.equal(pairs.length, 200);
  assert.deepEqual(randomPairs(train, 200, 5), pairs);
  const set = new Set(train);
  assert.ok(pairs.every(([a, b]) => a !== b && set.has(a) && set.has(b)));
  assert.ok(new Set(pairs.flat()).size > 350, "spread over the list");
  assert.throws(() => randomPairs(["a", "a"], 1), /two distinct/);
});

test("the bilingual corpus is 8,000 + 8,000 to train and 2,000 + 2,000 held out, no word in both", () => {
  const bi = bilingual();
  const count = (labels, l) => labels.filter((x) => x === l).length;
  assert.deepEqual([count(bi.train.labels, "en"), count(bi.train.labels, "fr")], [8000, 8000]);
  assert.deepEqual([count(bi.heldOut.labels, "en"), count(bi.heldOut.labels, "fr")], [2000, 2000]);
  const all = [...bi.train.texts, ...bi.heldOut.texts];
  assert.equal(new Set(all).size, all.length);
  const en = new Set(englishWords());
  const fr = new Set(frenchWords());
  const labels = [...bi.train.labels, ...bi.heldOut.labels];
  all.forEach((t, i) => {
    const label = labels[i];
    assert.ok(label === "en" ? en.has(t) && !fr.has(t) : fr.has(t) && !en.has(t), t);
  });
  assert.deepEqual(bilingual().train.texts.slice(0, 50), bi.train.texts.slice(0, 50));
});

test("corpora/tang5.txt is what make-tang.mjs makes, from these lines", () => {
  const file = new URL("../../latentkit/corpora/tang5.txt", import.meta.url);
  const bytes = readFileSync(file, "utf8");
  const script = new URL("../../latentkit/corpora/make-tang.mjs", import.meta.url).pathname;
  assert.equal(execFileSync(process.execPath, [script, "--stdout"], { encoding: "utf8", maxBuffer: 1 << 24 }), bytes);
  const lines = bytes.trimEnd().split("\n");
  assert.equal(lines.length, 3000);
  const all = new Set(tang);
  assert.ok(lines.every((l) => all.has(l)));
  assert.equal(new Set(lines).size, 3000);
});
