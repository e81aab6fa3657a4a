import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { trainJudge } from "./judge.mjs";
import { arrows, formatTable, judgedShare, parseArgs, pooledExact, targetRows, unchangedShare } from "./labels-table.mjs";

test("parseArgs: full run by default, --quick shrinks it, bad values are refused", () => {
  const full = parseArgs([]);
  assert.equal(full.epochs, null); // the model's own default
  assert.deepEqual([full.trainTexts, full.heldOutPerLabel, full.samples], [16000, 2000, 1000]);
  const quick = parseArgs(["--quick"]);
  assert.equal(quick.epochs, 2);
  assert.deepEqual([quick.trainTexts, quick.heldOutPerLabel, quick.samples], [2000, 200, 200]);
  assert.equal(parseArgs(["--quick", "--epochs", "5"]).epochs, 5);
  assert.equal(parseArgs(["--out", "x.json"]).out, "x.json");
  assert.throws(() => parseArgs(["--epochs", "1.5"]), /positive integer/);
  assert.throws(() => parseArgs(["--out"]), /needs a value/);
});

test("judgedShare counts the words the judge gives the label", () => {
  const judge = trainJudge(["aaaa", "aaab", "zzzz", "zzzy"], ["A", "A", "Z", "Z"]);
  assert.equal(judgedShare(judge, ["aaaa", "aaba", "zzzz", "zzaz"], "A"), 0.5);
  assert.equal(judgedShare(judge, ["zzz"], "A"), 0);
  assert.equal(judgedShare(judge, [], "A"), 0);
});

test("unchangedShare counts outputs equal to their input", () => {
  assert.equal(unchangedShare(["abc", "def", "ghi", "jkl"], ["abc", "dex", "ghi", "jkm"]), 0.5);
  assert.throws(() => unchangedShare([], ["a"]), /0 inputs but 1 outputs/);
});

test("pooledExact weights each group by its size, not a mean of shares", () => {
  // 100 of 100 and 0 of 300: 25% (the mean of shares would be 50%).
  assert.equal(pooledExact([{ count: 100, exactMatch: 1 }, { count: 300, exactMatch: 0 }]), 0.25);
  assert.equal(pooledExact([]), 0);
});

test("arrows writes input → output pairs", () => {
  assert.equal(arrows(["window", "maison"], ["fenêtre", "mansion"]), "window → fenêtre, maison → mansion");
});

const uncond = { heldOutExact: 0.9, shift: { fr: { judged: 0.3 }, en: { judged: 0.4 } } };
const judgeAcc = { en: 0.97, fr: 0.9 };

test("targetRows without a conditional model: its rows read 'not built yet', the baseline is measured", () => {
  const rows = targetRows(uncond, null, judgeAcc);
  const notBuilt = rows.filter((r) => r.value.startsWith("not built yet"));
  assert.equal(notBuilt.length, 9);
  assert.ok(notBuilt.every((r) => r.met === null));
  const shift = rows.find((r) => r.measure.startsWith("unconditional shift(held-out en"));
  assert.equal(shift.value, "30.0%");
  assert.match(rows.at(-1).value, /unconditional 90\.0%/);
  // The sample bound is the judge's own accuracy where that is below 95%.
  assert.match(rows[0].target, /≥ 90\.0%/);
  assert.match(rows[1].target, /≥ 95\.0%/);
});

test("targetRows with a conditional model checks every target against its bound", () => {
  const s = (judged, uniqueness, novelty) => ({ count: 1000, judged, uniqueness, novelty });
  const c = {
    samples: { fr: s(0.91, 0.99, 0.95), en: s(0.94, 0.99, 0.85) },
    restyle: { fr: { judged: 0.95, keepsFirstTwo: 0.4 }, en: { judged: 0.89, keepsFirstTwo: 0.5 } },
    heldOutExact: 0.881,
  };
  const rows = targetRows(uncond, c, judgeAcc);
  const met = Object.fromEntries(rows.map((r) => [r.measure, r.met]));
  assert.equal(met['sample(1000, { label: "fr" }) judged fr'], true); // 91% ≥ the judge's 90%
  assert.equal(met['sample(1000, { label: "en" }) judged en'], false); // 94% < 95%
  assert.equal(met['samples of "fr" unique / novel'], true);
  assert.equal(met['samples of "en" unique / novel'], false); // novelty 85% < 90%
  assert.equal(met['restyle(held-out en, "fr") judged fr'], true);
  assert.equal(met['restyle(held-out fr, "en") judged en'], false);
  assert.equal(met["restyled en → fr keeping the input's first two letters"], null);
  assert.equal(met["conditional held-out exact (right label) vs unconditional"], true); // 88.1 ≥ 90 - 2
  c.heldOutExact = 0.879;
  assert.equal(targetRows(uncond, c, judgeAcc).at(-1).met, false);
  const table = formatTable(rows);
  assert.match(table, /^\| measure \| this run \| target \| met \|/);
  assert.match(table, /\| 40\.0% \| report \| – \|/);
  assert.match(table, /not met/);
});

test("targetRows with a conditional run that threw: its rows name the error, none is met", () => {
  const rows = targetRows(uncond, { error: { code: "INVALID_OPTION", message: "x" } }, judgeAcc);
  const failed = rows.filter((r) => r.value.startsWith("failed (INVALID_OPTION)"));
  assert.equal(failed.length, 9);
  assert.ok(failed.every((r) => r.met === null));
});

// The script end to end through its conditional branch, with a stand-in entry whose every
// figure is known (fake-conditional.mjs): the calls are made and read as the issue says.
test("labels.mjs --quick measures a model that takes { labels } through the issue's calls", () => {
  const dir = mkdtempSync(join(tmpdir(), "labels-bench-"));
  const out = join(dir, "r.json");
  const here = dirname(fileURLToPath(import.meta.url));
  execFileSync(process.execPath, [join(here, "labels.mjs"), "--quick", "--out", out], {
    env: { ...process.env, LATENTKIT_ENTRY: join(here, "fake-conditional.mjs") },
    stdio: "pipe",
  });
  const r = JSON.parse(readFileSync(out, "utf8"));
  rmSync(dir, { recursive: true });
  assert.equal(r.conditionalSupported, true);
  const { unconditional: u, conditional: c } = r;
  // The stand-in's shift moves nothing; its restyle keeps the first two letters of every input.
  assert.deepEqual([u.shift.fr.unchanged, u.shift.fr.keepsFirstTwo, u.shift.fr.count], [1, 1, 200]);
  assert.equal(c.restyle.fr.keepsFirstTwo, 1);
  assert.equal(c.restyle.en.keepsFirstTwo, 1);
  // Its samples are training words of the label: judged as that label mostly, unique, none novel.
  assert.ok(c.samples.fr.judged > 0.8 && c.samples.en.judged > 0.8, JSON.stringify(c.samples));
  assert.deepEqual([c.samples.fr.count, c.samples.fr.uniqueness, c.samples.fr.novelty], [200, 1, 0]);
  // evaluate: 100% with "en", 50% with "fr" → 75% pooled over 200 + 200; 50% unconditional.
  assert.equal(c.heldOutExact, 0.75);
  assert.equal(u.heldOutExact, 0.5);
  const met = Object.fromEntries(r.rows.map((row) => [row.measure, row.met]));
  assert.equal(met['samples of "fr" unique / novel'], false);
  assert.equal(met["conditional held-out exact (right label) vs unconditional"], true);
});
