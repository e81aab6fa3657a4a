// The `latentkit` command on Chinese text: files as editors save them (UTF-8 with or without a
// byte-order mark, CRLF line ends, UTF-16 from Windows Notepad) train the same model; a tiny
// model on 60 Tang lines samples, interpolates, reconstructs and evaluates Chinese; files in a
// legacy encoding get one line that says to convert them. Spawns the built dist/cli.js.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliIn, PKG } from "./cli-runner.js";
import { displayWidth, padColumns } from "../src/cli/width.js";

const TANG = readFileSync(join(PKG, "corpora", "tang5.txt"), "utf8").split("\n").filter(Boolean);
const LINES = TANG.slice(0, 60);
const HELD_OUT = TANG.slice(-20);
/** Only Han characters (an empty text is allowed: a model may end a text at once). */
const HAN = /^\p{Script=Han}*$/u;
// Small enough to train in about a second; it gets most of its 60 lines back.
// exactly 60 epochs at 2e-3 (no early stopping): these tests are about CJK files, not about the defaults
const TINY = ["-e", "60", "--no-early-stopping", "--learning-rate", "0.002", "--latent", "8", "--hidden", "64", "--seed", "1", "-q"];

let dir: string;
const at = (name: string) => join(dir, name);

const { cli, ok, json } = cliIn(() => dir);

/** UTF-16 with a byte-order mark, as Windows Notepad saves "Unicode" text. */
function utf16(s: string, bigEndian: boolean): Buffer {
  const le = Buffer.from("\ufeff" + s, "utf16le");
  return bigEndian ? le.swap16() : le;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (pnpm --filter latentkit build)`);
  dir = mkdtempSync(join(tmpdir(), "latentkit-cli-cjk-"));
  writeFileSync(at("tang.txt"), LINES.join("\n") + "\n");
  writeFileSync(at("tang-bom-crlf.txt"), "\ufeff" + LINES.join("\r\n") + "\r\n");
  writeFileSync(at("tang-utf16le.txt"), utf16(LINES.join("\r\n") + "\r\n", false));
  writeFileSync(at("tang-utf16be.txt"), utf16(LINES.join("\n"), true));
  writeFileSync(at("heldout.txt"), "\ufeff" + HELD_OUT.join("\r\n") + "\r\n");
  // 你好 in GBK: not valid UTF-8, and no NUL bytes.
  writeFileSync(at("gbk.txt"), Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0a, 0xc4, 0xe3, 0x0a]));
  ok(["train", "tang.txt", "-o", "tang.lk", ...TINY]);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Chinese text files", () => {
  it("a byte-order mark, CRLF line ends and UTF-16 change nothing: the same model, bit for bit", () => {
    const plain = readFileSync(at("tang.lk"));
    for (const file of ["tang-bom-crlf.txt", "tang-utf16le.txt", "tang-utf16be.txt"]) {
      const out = file.replace(/\.txt$/, ".lk");
      ok(["train", file, "-o", out, ...TINY]);
      expect(readFileSync(at(out)).equals(plain), file).toBe(true);
    }
  });

  it("the vocabulary holds the corpus's characters and nothing of the file's encoding", () => {
    const info = json(["info", "tang.lk"]);
    expect(info.stats).toMatchObject({ texts: 60, longest: 5 });
    expect(info.config).toMatchObject({ level: "char", maxLength: 5 });
    const chars = [...new Set(LINES.join(""))].sort();
    expect([...info.vocabulary].sort()).toEqual(chars); // no byte-order mark, no \r
    expect(info.config.vocabularySize).toBe(chars.length + 4); // and <pad>, <end>, <mask>, <unk>
  });

  it("--level word on Chinese trains, with a note that the default --level char is usually what you want", () => {
    const r = cli(["train", "tang.txt", "-o", "word.lk", "--level", "word", "-e", "1", "--latent", "4", "--hidden", "8"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^note: these texts are mostly Chinese or Japanese, .*--level char/);
    const english = cli(["train", "-", "-o", "word-en.lk", "--level", "word", "-e", "1", "--latent", "4", "--hidden", "8"], "the moon\nthe river\n");
    expect(english.code, english.stderr).toBe(0);
    expect(english.stderr).not.toMatch(/note:/);
  });

  it("a file in a legacy encoding (GBK) gets one line that says to convert it to UTF-8", () => {
    const r = cli(["train", "gbk.txt", "-q"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^latentkit: gbk\.txt is not UTF-8 text: .*GBK.*; convert it to UTF-8 first \(e\.g\. iconv -f GBK -t UTF-8 gbk\.txt > utf8\.txt\)\n$/);
  });
});

describe("commands on a Chinese model", () => {
  it("sample: Chinese texts of at most 5 characters, the same in text and --json output", () => {
    const lines = ok(["sample", "tang.lk", "-n", "12", "--seed", "2"]).replace(/\n$/, "").split("\n");
    expect(lines).toHaveLength(12);
    expect(lines.every((s) => HAN.test(s) && [...s].length <= 5), lines.join("|")).toBe(true);
    expect(lines.filter((s) => s.length > 0).length).toBeGreaterThanOrEqual(8);
    expect(json(["sample", "tang.lk", "-n", "12", "--seed", "2"]).samples).toEqual(lines);
  });

  it("interpolate between two training lines given as arguments", () => {
    const [a, b] = [LINES[0]!, LINES[1]!];
    const out = json(["interpolate", "tang.lk", a, b, "--steps", "5"]);
    expect(out).toMatchObject({ a, b, steps: 5 });
    expect(out.path).toHaveLength(5);
    expect(out.path.every((s: string) => HAN.test(s)), out.path.join("|")).toBe(true);
  });

  it("reconstruct: most training lines come back; the arrows line up in terminal columns", () => {
    const out = json(["reconstruct", "tang.lk"], LINES.join("\n"));
    expect(out.reconstructions.filter((r: { exact: boolean }) => r.exact).length).toBeGreaterThanOrEqual(20);
    const rows = ok(["reconstruct", "tang.lk", LINES[0]!, "abc", "詩x"]).replace(/\n$/, "").split("\n");
    expect(rows).toHaveLength(3);
    const arrows = rows.map((row) => displayWidth(row.slice(0, row.indexOf("  ->  "))));
    expect(arrows).toEqual([10, 10, 10]);
  });

  it("eval on a held-out file with a byte-order mark and CRLF", () => {
    const out = json(["eval", "tang.lk", "heldout.txt"]);
    expect(out.texts).toBe(20);
    expect(out.tokenAccuracy).toBeGreaterThan(0);
    expect(Number.isFinite(out.loss)).toBe(true);
  });
});

describe("terminal columns", () => {
  it.each([
    ["abc", 3],
    ["君憐無是非", 10],
    ["ｆｕｌｌ", 8], // fullwidth Latin
    ["한국어", 6],
    ["かな", 4],
    ["e\u0301", 1], // e + a combining acute accent
    ["🙂x", 3],
    ["", 0],
  ])("displayWidth(%j) = %i", (s, w) => {
    expect(displayWidth(s)).toBe(w);
    expect(displayWidth(padColumns(s, 12))).toBe(12);
  });
});
