import { test } from "node:test";
import assert from "node:assert/strict";
import { reachablePairs, exactLengthShare, formatTable, MB, parseArgs, summaryLine, targetRows, throughput } from "./scale-table.mjs";

test("parseArgs: full run by default, --quick shrinks it, bad values are refused", () => {
  const full = parseArgs([]);
  assert.deepEqual(full.corpora, ["english", "tang", "wordnet"]);
  assert.equal(full.epochs, null); // the model's own default
  assert.equal(full.trainTexts, 16000);
  assert.equal(full.samples, 2000);
  assert.equal(full.pairs, 200);
  const quick = parseArgs(["--quick", "--corpus", "tang"]);
  assert.deepEqual(quick.corpora, ["tang"]);
  assert.equal(quick.epochs, 2);
  assert.equal(quick.trainTexts, 2000);
  assert.equal(parseArgs(["--quick", "--epochs", "5"]).epochs, 5);
  assert.equal(parseArgs(["--out", "x.json"]).out, "x.json");
  assert.throws(() => parseArgs(["--corpus", "french"]), /--corpus must be one of/);
  assert.throws(() => parseArgs(["--epochs", "0"]), /positive integer/);
  assert.throws(() => parseArgs(["--epochs"]), /needs a value/);
});

test("throughput weights each epoch by its time, not a mean of rates", () => {
  // 1,000 samples in 1 s, then 1,000 in 4 s: 2,000 / 5 s = 400/s (the mean of rates would be 625).
  assert.equal(throughput([{ samplesPerSecond: 1000, seconds: 1 }, { samplesPerSecond: 250, seconds: 4 }]), 400);
  assert.equal(throughput([]), 0);
});

test("exactLengthShare counts code points, so a character outside the BMP is one", () => {
  assert.equal(exactLengthShare(["白日依山盡", "黃河入海流", "𠀀山水花月", "短"], 5), 0.75);
  assert.equal(exactLengthShare([], 5), 0);
});

const figures = (over = {}) => ({
  paramCount: 1234567,
  fileBytes: 3.5 * MB,
  epochsTrained: 5,
  epochsCapped: 5,
  trainSeconds: 12.34,
  samplesPerSecond: 6000,
  endpointRate: 1,
  heldOut: { exactMatch: 0.5, tokenAccuracy: 0.9 },
  training: { exactMatch: 0.995 },
  samples: { uniqueness: 0.99, novelty: 0.97, lengthOk: 0.97, realHeldOut: 0.05, bleu4: 0.12, selfBleu4: 0.3 },
  trigram: { realHeldOut: 0.02 },
  bigram: { bleu4: 0.1 },
  ...over,
});

test("targetRows: bounds, same-run baselines, report-only rows and refusals", () => {
  const rows = targetRows({ english: figures(), tang: figures({ fileBytes: 4.2 * MB }), wordnet: { refused: { code: "TOO_LARGE", message: "too big" } } });
  const find = (corpus, measure) => rows.find((r) => r.corpus.startsWith(corpus) && r.measure === measure);
  assert.equal(find("English", "held-out exact reconstruction").met, false); // 50% < 90%
  assert.equal(find("English", "training texts reconstructed exactly").met, true); // 99.5% ≥ 99%
  const real = find("English", "real held-out words among novel samples");
  assert.equal(real.met, true); // 5% ≥ 2 × 2%
  assert.equal(real.value, "5.0% vs trigram 2.0%");
  const realMet = (samples, trigram) => targetRows({ english: figures({ samples, trigram }) }).find((r) => r.measure.startsWith("real")).met;
  assert.equal(realMet({ realHeldOut: 0.05 }, { realHeldOut: 0.03 }), false); // 5% < 6%
  assert.equal(realMet({ realHeldOut: 0 }, { realHeldOut: 0 }), false); // 0% is not twice 0%
  assert.equal(find("Tang", "model file").met, false); // 4.2 MB > 4 MB
  assert.equal(find("Tang", "training throughput").met, true);
  assert.equal(find("Tang", "samples of exactly 5 characters").met, false); // 97% < 98%
  assert.equal(find("Tang", "held-out exact").met, null); // report only
  const refused = rows.filter((r) => r.corpus.startsWith("WordNet"));
  assert.equal(refused.length, 6);
  assert.ok(refused.every((r) => r.met === false && r.value === "refused (TOO_LARGE)"));
  assert.equal(find("WordNet", "BLEU-4 of samples vs held-out").target, "≥ the word bigram's");
});

test("formatTable writes the corpus once and met / not met / – per row", () => {
  const table = formatTable(targetRows({ wordnet: figures() }));
  const lines = table.split("\n");
  assert.equal(lines.length, 2 + 6);
  assert.match(lines[2], /^\| WordNet example sentences 4-12 words \| word \| trains at all \| yes \| yes \| met \|$/);
  assert.match(lines[3], /^\| {2}\| {2}\| training throughput \| 6,000 samples\/s \| ≥ 2,000 samples\/s \| met \|$/);
  assert.match(table, /\| BLEU-4 of samples vs held-out \| 0\.120 vs bigram 0\.100 \| ≥ the word bigram's \| met \|/);
  assert.match(table, /\| self-BLEU-4 of samples \| 0\.300 \| ≤ 0\.5 \| met \|/);
});

test("summaryLine gives the issue's other figures, or the refusal", () => {
  assert.equal(summaryLine(figures()), "1,234,567 parameters, file 3.50 MB, 5 epochs (capped by --epochs 5), 12.3 s training, 6,000 samples/s");
  assert.equal(summaryLine({ refused: { code: "TOO_LARGE", message: "too big" } }), "refused: too big");
});

test("reachablePairs keeps the pairs with no token rarer than minCount", () => {
  const train = ["a b c", "a b d", "c e"];
  const tokenize = (t) => t.split(" ");
  const pairs = [["a b", "c"], ["a d", "b"], ["e", "a"], ["b c", "zz"]];
  assert.deepEqual(reachablePairs(pairs, train, 2, tokenize), [true, false, false, false]);
  assert.deepEqual(reachablePairs(pairs, train, 1, tokenize), [true, true, true, false]);
});
