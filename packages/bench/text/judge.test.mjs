import { test } from "node:test";
import assert from "node:assert/strict";
import { bilingual } from "./corpora.mjs";
import { classify, heldOutJudge, nextProbability, trainJudge } from "./judge.mjs";

// As issue #13 uses it: trained on half of the held-out words of each language (1,000 + 1,000),
// scored on the other half, which neither it nor any model trained on.
test("the judge tells held-out English from French words more than 90% of the time", () => {
  const { judge, perLabel, accuracy, trainedOn, testedOn } = heldOutJudge(bilingual().byLanguage);
  assert.deepEqual([trainedOn, testedOn], [2000, 2000]);
  assert.ok(accuracy > 0.9, `en ${perLabel.en}, fr ${perLabel.fr}`);
  assert.ok(perLabel.en > 0.85 && perLabel.fr > 0.85, `en ${perLabel.en}, fr ${perLabel.fr}`);
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
