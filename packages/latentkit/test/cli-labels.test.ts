// The `latentkit` command with labels (issue #13): `train corpus.tsv --labels` (text<TAB>label
// lines; bad lines named by number), --label on the commands that generate or read texts,
// `restyle` (with and without --from), labels in the training summary and in `info`, and the
// SDK's label refusals printed as usage errors. Spawns the built dist/cli.js, as cli.test.ts.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliIn } from "./cli-runner.js";
import { syllableWords } from "./helpers.js";


const words = syllableWords;

// two "languages" with no letter in common
const LO = words(100, "bdgm", "ao", 1);
const HI = words(100, "kstz", "ei", 2);
const inLetters = (w: string, letters: string) => w.length > 0 && [...w].every((c) => letters.includes(c));
const share = (list: string[], letters: string) => list.filter((w) => inLetters(w, letters)).length / list.length;
// a conditional VAE that follows its label (see text-labels.test.ts), trained in a few seconds
const TINY = ["--latent", "8", "--hidden", "96", "-e", "60", "--no-early-stopping", "--batch-size", "32", "--learning-rate", "0.003", "--variational", "--seed", "4", "-q"];

let dir: string;
const at = (name: string) => join(dir, name);

const { cli, ok, json } = cliIn(() => dir, 120_000);

/** A failure: the exit code and one line on stderr matching `pattern`, no stack trace. */
function fails(args: string[], code: number, pattern: RegExp, input?: string): void {
  const r = cli(args, input);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^latentkit: /);
  expect(r.stderr).toMatch(pattern);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (pnpm --filter latentkit build)`);
  dir = mkdtempSync(join(tmpdir(), "latentkit-cli-labels-"));
  // interleaved, CRLF line ends and a blank line: the labels do not depend on the order
  const lines = LO.flatMap((w, i) => [`${w}\tlo`, `${HI[i]}\thi `]);
  writeFileSync(at("langs.tsv"), lines.slice(0, 50).join("\r\n") + "\r\n\r\n" + lines.slice(50).join("\r\n") + "\r\n");
  writeFileSync(at("plain.txt"), LO.slice(0, 40).join("\n") + "\n");
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("train --labels", () => {
  it("trains a conditional model and names its labels and their counts", () => {
    const r = cli(["train", "langs.tsv", "--labels", "-o", "langs.lk", ...TINY.filter((f) => f !== "-q")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training a text model on 200 texts with 2 labels \(hi 100, lo 100\) for 60 epochs/);
    expect(r.stdout).toMatch(/\nlabels: hi 100, lo 100\n$/);
    const info = ok(["info", "langs.lk"]);
    expect(info).toMatch(/\nlabels {7}2 \(conditional model, take --label\): hi, lo\n/);
    expect(json(["info", "langs.lk"]).labels).toEqual(["hi", "lo"]);
  }, 120_000);

  it("--json lists the labels with their texts", () => {
    const out = json(["train", "langs.tsv", "--labels", "-o", "langs2.lk", "-e", "1", "--latent", "2", "--hidden", "8", "--no-early-stopping", "-q"]);
    expect(out.labels).toEqual([{ label: "hi", texts: 100 }, { label: "lo", texts: 100 }]);
  });

  it("without --labels a tab is part of the text, as before", () => {
    writeFileSync(at("tabs.tsv"), "ab\tx\nba\ty\n");
    const out = json(["train", "tabs.tsv", "-o", "tabs.lk", "-e", "1", "--latent", "2", "--hidden", "8", "--no-early-stopping", "-q"]);
    expect(out.labels).toBeUndefined();
    const info = json(["info", "tabs.lk"]);
    expect(info.labels).toEqual([]);
    expect(info.vocabulary).toContain("\t");
    expect(ok(["info", "tabs.lk"])).not.toMatch(/\nlabels /);
  });

  it("names the line of a bad labelled corpus", () => {
    const bad = (name: string, body: string, pattern: RegExp) => {
      writeFileSync(at(name), body);
      fails(["train", name, "--labels", "-q"], 1, pattern);
    };
    bad("notab.tsv", "ab\tx\n\nba y\n", /notab\.tsv line 3 has no tab: with --labels each line is a text, a tab, and its label/);
    bad("nolabel.tsv", "ab\tx\nba\t  \n", /nolabel\.tsv line 2 has an empty label after its tab/);
    bad("notext.tsv", "\tx\n", /notext\.tsv line 1 has an empty text before its tab/);
    bad("blanktext.tsv", "ab\tx\n  \ty\n", /blanktext\.tsv line 2 has an empty text before its tab/);
    bad("one.tsv", "ab\tx\nba\tx\n", /one\.tsv has one label \("x"\); --labels needs 2 to 256 distinct labels \(drop --labels/);
    bad("many.tsv", Array.from({ length: 300 }, (_, i) => `w${i}\tl${i}`).join("\n"), /many\.tsv line 257 has a 257th distinct label \("l256"\); a model takes at most 256 labels/);
    fails(["train", "x.csv", "--numeric", "--labels"], 2, /--labels is only for text models/);
  });

  it("reads a labelled corpus from stdin", () => {
    const out = json(["train", "-", "--labels", "-o", "stdin.lk", "-e", "1", "--latent", "2", "--hidden", "8", "--no-early-stopping", "-q"], "ab\tx\nba\ty\nbb\ty\n");
    expect(out.labels).toEqual([{ label: "x", texts: 1 }, { label: "y", texts: 2 }]);
  });
});

describe("--label on a conditional model", () => {
  it("sample draws texts of the label, the same ones for the same seed", () => {
    const lo = ok(["sample", "langs.lk", "-n", "30", "--label", "lo", "--seed", "1"]).trimEnd().split("\n");
    expect(lo).toHaveLength(30);
    expect(share(lo, "bdgmao"), lo.join(" ")).toBeGreaterThan(0.8);
    const hi = json(["sample", "langs.lk", "-n", "30", "--label", "hi", "--seed", "1"]);
    expect(hi.label).toBe("hi");
    expect(share(hi.samples, "kstzei"), hi.samples.join(" ")).toBeGreaterThan(0.8);
    expect(ok(["sample", "langs.lk", "-n", "30", "--label", "lo", "--seed", "1"]).trimEnd().split("\n")).toEqual(lo);
  });

  it("restyle: texts as arguments or on stdin, --from optional", () => {
    const held = words(30, "kstz", "ei", 9).filter((w) => !HI.includes(w)).slice(0, 12);
    const withFrom = json(["restyle", "langs.lk", "--label", "lo", "--from", "hi", ...held]);
    expect(withFrom.restyled.map((r: { input: string }) => r.input)).toEqual(held);
    const outputs = withFrom.restyled.map((r: { output: string }) => r.output);
    expect(share(outputs, "bdgmao"), outputs.join(" ")).toBeGreaterThan(0.7);
    // without --from each text's own label is the one that explains it best: here "hi"
    const guessed = json(["restyle", "langs.lk", "--label", "lo"], held.join("\n") + "\n");
    expect(guessed).toMatchObject({ label: "lo", from: null });
    expect(guessed.restyled.map((r: { output: string }) => r.output)).toEqual(outputs);
    const lines = ok(["restyle", "langs.lk", "--label", "lo", held[0]!, held[1]!]).trimEnd().split("\n");
    expect(lines).toEqual([0, 1].map((i) => `${held[i]!.padEnd(Math.max(held[0]!.length, held[1]!.length))}  ->  ${outputs[i]}`));
  });

  it("sample and restyle take --guidance (a VAE's default is 0; the SDK checks the value)", () => {
    const held = words(30, "kstz", "ei", 9).filter((w) => !HI.includes(w)).slice(0, 12);
    const at = (g: string) => json(["restyle", "langs.lk", "--label", "lo", "--from", "hi", "--guidance", g, ...held]).restyled.map((r: { output: string }) => r.output);
    // langs.lk is a conditional VAE: it follows its label by itself, and its default guidance is 0
    expect(at("0")).toEqual(json(["restyle", "langs.lk", "--label", "lo", "--from", "hi", ...held]).restyled.map((r: { output: string }) => r.output));
    expect(at("3")).not.toEqual(at("0"));
    expect(json(["sample", "langs.lk", "-n", "5", "--label", "lo", "--guidance", "0"]).samples).toHaveLength(5);
    fails(["sample", "langs.lk", "-n", "5", "--label", "lo", "--guidance", "-1"], 2, /guidance/);
  });

  it("interpolate, variations, reconstruct, encode | decode and eval take --label", () => {
    expect(json(["interpolate", "langs.lk", LO[0]!, LO[1]!, "--steps", "4", "--label", "lo"]).path).toHaveLength(4);
    expect(json(["variations", "langs.lk", HI[0]!, "-n", "3", "--label", "hi"]).variations).toHaveLength(3);
    const back = ok(["reconstruct", "langs.lk", "--label", "hi", HI[0]!, HI[1]!]);
    expect(back.trimEnd().split("\n")).toHaveLength(2);
    const codes = ok(["encode", "langs.lk", "--label", "hi"], HI.slice(0, 3).join("\n") + "\n");
    const decoded = json(["decode", "langs.lk", "--label", "hi"], codes).texts;
    expect(decoded).toEqual(json(["reconstruct", "langs.lk", "--label", "hi", ...HI.slice(0, 3)]).reconstructions.map((r: { output: string }) => r.output));
    const own = json(["eval", "langs.lk", "-", "--label", "hi"], HI.slice(0, 20).join("\n"));
    const other = json(["eval", "langs.lk", "-", "--label", "lo"], HI.slice(0, 20).join("\n"));
    expect(own.loss).toBeLessThan(other.loss);
    // --labels: a held-out tsv, each text with its own label (one label is enough here)
    const tsv = (texts: string[], label: string) => texts.map((t) => `${t}\t${label}`).join("\n");
    expect(json(["eval", "langs.lk", "-", "--labels"], tsv(HI.slice(0, 20), "hi"))).toEqual(own);
    const mixed = json(["eval", "langs.lk", "-", "--labels"], tsv(HI.slice(0, 10), "hi") + "\n" + tsv(LO.slice(0, 10), "lo"));
    expect(mixed.texts).toBe(20);
    fails(["eval", "langs.lk", "-", "--labels", "--label", "hi"], 2, /give --label \(one for all texts\) or --labels/, tsv(HI.slice(0, 2), "hi"));
    fails(["eval", "langs.lk", "-", "--labels"], 1, /stdin line 2 has no tab/, "ab\thi\nba\n");
    fails(["eval", "langs.lk", "-", "--labels"], 2, /^latentkit: eval: --labels: text 2's label "fr" is not a label of this model; its labels are "hi", "lo"\.$/m, "ab\thi\n\nba\tfr\n");
  });

  it("an unknown or missing label is a usage error naming the labels", () => {
    fails(["sample", "langs.lk", "--label", "fr"], 2, /^latentkit: sample: --label "fr" is not a label of this model; its labels are "hi", "lo"\.$/m);
    fails(["sample", "langs.lk"], 2, /^latentkit: sample: this model is conditional; pass --label \(one of "hi", "lo"\)\.$/m);
    fails(["interpolate", "langs.lk", "ab", "ba"], 2, /interpolate: this model is conditional; pass --label/);
    fails(["restyle", "langs.lk", "--label", "lo", "--from", "fr", "ab"], 2, /restyle: --from "fr" is not a label of this model/);
    fails(["restyle", "langs.lk", "ab"], 2, /restyle needs --label, the label to restyle the texts into \(latentkit restyle --help\)/);
    fails(["reconstruct", "langs.lk", "ab"], 2, /reconstruct: this model is conditional; pass --label/);
  });
});

describe("--label on a model without labels", () => {
  it("is a usage error", () => {
    ok(["train", "plain.txt", "-o", "plain.lk", "-e", "1", "--latent", "2", "--hidden", "8", "--no-early-stopping", "-q"]);
    fails(["sample", "plain.lk", "--label", "lo"], 2, /^latentkit: sample: this model was trained without labels, so it takes no --label; leave --label out\.$/m);
    fails(["restyle", "plain.lk", "--label", "lo", "ab"], 2, /restyle: this model was trained without labels/);
    fails(["variations", "plain.lk", "ab", "--label", "lo"], 2, /variations: this model was trained without labels/);
    writeFileSync(at("t.csv"), "a,b\n1,2\n3,4\n5,6\n");
    ok(["train", "t.csv", "--numeric", "-o", "t.lk", "-e", "1", "-q"]);
    fails(["encode", "t.lk", "t.csv", "--label", "lo"], 2, /encode: --label is only for text models trained with --labels/);
  });
});

describe("help", () => {
  it("lists restyle and --label", () => {
    expect(ok(["--help"])).toMatch(/\n {2}restyle {6}Restyle texts into a label/);
    expect(ok(["restyle", "--help"])).toMatch(/--from <label>/);
    expect(ok(["train", "--help"])).toMatch(/--labels +text: each line is text<TAB>label/);
    for (const cmd of ["sample", "interpolate", "variations", "reconstruct", "encode", "decode", "eval"]) {
      expect(ok([cmd, "--help"]), cmd).toMatch(/--label <label> +conditional models \(train --labels\): /);
    }
  });
});
