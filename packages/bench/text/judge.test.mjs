import { test } from "node:test";
import assert from "node:assert/strict";
import { bilingual } from "./corpora.mjs";
import { classify, judgeAccuracy, nextProbability, trainJudge } from "./judge.mjs";

// As issue #13 uses it: trained on half of the held-out words of each language (1,000 + 1,000),
// scored on the other half, which neither it nor any model trained on.
test("the judge tells held-out English from French words more than 90% of the time", () => {
  const { en, fr } = bilingual().byLanguage;
  const label = (n, l) => Array(n).fill(l);
  const judge = trainJudge([...en.heldOut.slice(0, 1000), ...fr.heldOut.slice(0, 1000)], [...label(1000, "en"), ...label(1000, "fr")]);
  const enAcc = judgeAccuracy(judge, en.heldOut.slice(1000), label(1000, "en"));
  const frAcc = judgeAccuracy(judge, fr.heldOut.slice(1000), label(1000, "fr"));
  assert.ok((enAcc + frAcc) / 2 > 0.9, `en ${enAcc}, fr ${frAcc}`);
  assert.ok(enAcc > 0.85 && frAcc > 0.85, `en ${enAcc}, fr ${frAcc}`);
  assert.equal(classify(judge, "château"), "fr");
  assert.equal(classify(judge, "throughout"), "en");
});

test("the judge's probabilities are proper: unseen characters and any label count", () => {
  const judge = trainJudge(["aaa", "aab", "xyz", "xzz", "qqq"], ["A", "A", "B", "B", "C"]);
  assert.equal(classify(judge, "aaab"), "A");
  assert.equal(classify(judge, "zyx"), "B");
  assert.equal(classify(judge, "qq"), "C");
  assert.ok(["A", "B", "C"].includes(classify(judge, "ñ"))); // a character no label has seen
  assert.throws(() => trainJudge(["a"], []), /labels/);
  // Over every character seen, the end, and one share for all unseen characters, each
  // conditional distribution sums to 1 (Witten-Bell keeps the mass of the orders below).
  const alphabet = ["a", "b", "x", "y", "z", "q", ""];
  for (const label of ["A", "B", "C"]) {
    for (const prefix of ["", "a", "aa", "xz", "qqqq", "ñ"]) {
      const unseen = nextProbability(judge, label, prefix, "ñ");
      const total = alphabet.reduce((sum, c) => sum + nextProbability(judge, label, prefix, c), unseen);
      assert.ok(Math.abs(total - 1) < 1e-12, `${label} after "${prefix}": ${total}`);
      assert.ok(unseen > 0);
    }
  }
});
