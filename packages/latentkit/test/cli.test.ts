// The `latentkit` command, end to end: spawns `node dist/cli.js` (the built bin; run the build
// first) on small corpora in a temporary folder. A few seconds of training in all.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heldOutIndices } from "../src/text/split.js";
import { CLI, cliIn, type CliResult, PKG } from "./cli-runner.js";

const WORDS = readFileSync(join(PKG, "corpora", "words.txt"), "utf8").split("\n").filter(Boolean);
/** The lines of train.txt (WORDS[0..240)) that text.train holds out with `split` and the default seed. */
const heldOut = (split: number) => heldOutIndices(240, split, 42).map((i) => WORDS[i]!);

let dir: string;
const at = (name: string) => join(dir, name);

const { cli } = cliIn(() => dir);

/** `cli` without blocking, so that independent cases can run side by side. */
function cliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function ok(args: string[], input?: string): CliResult {
  const r = cli(args, input);
  if (r.code !== 0) throw new Error(`latentkit ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r;
}

function json(args: string[], input?: string): any {
  return JSON.parse(ok([...args, "--json"], input).stdout);
}

/** A failure: the exit code, and exactly one line on stderr with no stack trace. */
function expectFailure(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^latentkit: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (pnpm --filter latentkit build)`);
  dir = mkdtempSync(join(tmpdir(), "latentkit-cli-"));
  writeFileSync(at("train.txt"), WORDS.slice(0, 240).join("\n") + "\n");
  writeFileSync(at("heldout.txt"), WORDS.slice(240, 280).join("\r\n") + "\r\n");
  // Numeric data: 6 columns driven by 2 factors.
  const rows = ["a,b,c,d,e,f"];
  for (let i = 0; i < 150; i++) {
    const u = Math.sin(i * 0.37), v = Math.cos(i * 0.11);
    rows.push([u, v, u + v, u - v, 0.5 * u, 0.25 * v].map((x) => x.toFixed(4)).join(","));
  }
  writeFileSync(at("table.csv"), rows.join("\n") + "\n");
  writeFileSync(at("empty.txt"), "");
  writeFileSync(at("blank.txt"), "\n  \n\n");
  writeFileSync(at("binary.bin"), Buffer.from([0x4c, 0x4b, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x10, 0x80]));
  writeFileSync(at("corrupt.lk"), Buffer.from("LATENTKT this is not really a model file at all".repeat(4)));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("train (text)", () => {
  it("trains, prints plain progress lines when not on a terminal, and saves the model", () => {
    const r = ok(["train", "train.txt", "-o", "words.lk", "--epochs", "6", "--latent", "8", "--hidden", "64", "--validation-split", "0.1", "--seed", "3"]);
    expect(r.stderr).toMatch(/training a text model on 240 texts for up to 6 epochs, stopping when the loss stops improving/);
    const epochLines = r.stderr.split("\n").filter((l) => /^epoch +\d+\/6 /.test(l));
    expect(epochLines).toHaveLength(6);
    expect(epochLines[0]).toMatch(/loss \S+ {2}val_loss \S+ {2}\S+ samples\/s {2}[\d.]+s {2}ETA ≤\d+:\d\d$/); // early stopping: the ETA to the cap is an upper bound
    expect(r.stderr).not.toMatch(/\x1b\[/); // no terminal escapes in a pipe
    // the epoch that ends training says why, on stderr and in the summary
    expect(r.stderr).toMatch(/\nreached the cap of 6 epochs\n/);
    expect(r.stdout).toMatch(
      /^saved words\.lk \([\d.]+ KiB\): 6 epochs in [\d.]+s, loss \S+, val_loss \S+; reached the cap of 6 epochs; kept epoch \d \(best val_loss \S+\)\nreconstructs [\d.]+% of its 216 training texts exactly \([\d.]+% of 24 held out\)/,
    );
    expect(existsSync(at("words.lk"))).toBe(true);
  });

  it("--json reports the run; a VAE with word-level options", () => {
    const out = json(["train", "train.txt", "-o", "vae.lk", "-e", "5", "--latent", "8", "--hidden", "64", "--variational", "--beta", "0.5", "--noise", "0.05", "--no-early-stopping", "-q"]);
    expect(out).toMatchObject({ model: "vae.lk", kind: "text", epochs: 5, interrupted: false, stoppedEarly: false, valLoss: null, stopMessage: "trained all 5 epochs", validationExact: null });
    expect(out.trainingExact).toBeGreaterThanOrEqual(0);
    expect(out.history).toHaveLength(5);
    expect(out.bytes).toBe(readFileSync(at("vae.lk")).length);
    const info = json(["info", "vae.lk"]);
    expect(info.config.variational).toMatchObject({ beta: 0.5 });
  });

  it("early stopping keeps the last epoch of a text model", () => {
    const out = json(["train", "train.txt", "-o", "es.lk", "-e", "200", "--latent", "4", "--hidden", "32", "--validation-split", "0.2", "--patience", "1", "-q"]);
    expect(out.stoppedEarly).toBe(true);
    expect(out.epochs).toBeLessThan(200);
    expect(out.keptEpoch).toBe(out.epochs);
    expect(out.stopMessage).toBe(`validation loss stopped improving at epoch ${out.epochs} (best: epoch ${out.bestEpoch})`);
    const last = out.history[out.history.length - 1].valLoss;
    expect(json(["eval", "es.lk", "-"], heldOut(0.2).join("\n")).loss).toBeCloseTo(last, 3);
    const info = ok(["info", "es.lk"]).stdout;
    expect(info).toContain(`stopped      ${out.stopMessage}`);
    expect(info).toMatch(/round trip {3}[\d.]+% of 192 training texts back exactly, [\d.]+% of 48 held out/);
  });

  it("--no-early-stopping trains exactly 30 epochs by default; it contradicts --patience", () => {
    expect(cli(["train", "train.txt", "--no-early-stopping", "--patience", "2"]).stderr).toMatch(/--no-early-stopping contradicts/);
    expect(cli(["train", "x.csv", "--numeric", "--no-early-stopping"]).stderr).toMatch(/--no-early-stopping is only for text models/);
    const out = json(["train", "train.txt", "-o", "fixed.lk", "--latent", "2", "--hidden", "8", "--no-early-stopping", "-q"]);
    expect(out).toMatchObject({ epochs: 30, stopMessage: "trained all 30 epochs", valLoss: null });
  });
});

describe("commands on a text model", () => {
  it("sample", () => {
    const lines = ok(["sample", "words.lk", "-n", "7", "--seed", "2"]).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(7);
    expect(json(["sample", "words.lk", "-n", "7", "--seed", "2"]).samples).toEqual(lines);
    expect(json(["sample", "words.lk", "-n", "3", "--temperature", "0.5"]).samples).toHaveLength(3);
    const mixed = json(["sample", "words.lk", "-n", "4", "--prior", "mixture", "--seed", "2"]).samples;
    expect(mixed).toHaveLength(4);
    expect(json(["sample", "words.lk", "-n", "4", "--prior", "mixture", "--seed", "2"]).samples).toEqual(mixed);
  });

  it("interpolate", () => {
    // one line per text; a text may be empty (an early model can end a text at once)
    const lines = ok(["interpolate", "words.lk", WORDS[0]!, WORDS[1]!, "--steps", "5"]).stdout.replace(/\n$/, "").split("\n");
    expect(lines).toHaveLength(5);
    const out = json(["interpolate", "words.lk", WORDS[0]!, WORDS[1]!, "--steps", "5"]);
    expect(out).toEqual({ a: WORDS[0], b: WORDS[1], steps: 5, path: lines });
  });

  it("variations", () => {
    expect(ok(["variations", "words.lk", "garden", "-n", "4"]).stdout.trimEnd().split("\n")).toHaveLength(4);
    const out = json(["variations", "vae.lk", "garden", "-n", "3", "--spread", "2", "--seed", "1"]);
    expect(out.text).toBe("garden");
    expect(out.variations).toHaveLength(3);
  });

  it("reconstruct, from arguments or stdin", () => {
    const r = ok(["reconstruct", "words.lk", WORDS[0]!, "garden"]);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(r.stdout).toMatch(new RegExp(`^${WORDS[0]} +-> `));
    const out = json(["reconstruct", "words.lk"], "garden\nplanet\n");
    expect(out.reconstructions).toHaveLength(2);
    expect(out.reconstructions[0]).toMatchObject({ input: "garden", exact: expect.any(Boolean) });
    expect(typeof out.reconstructions[1].output).toBe("string");
  });

  it("eval", () => {
    expect(ok(["eval", "words.lk", "heldout.txt"]).stdout).toMatch(/texts +40\nexact match +[\d.]+%\ntoken accuracy +[\d.]+%\nloss +\S+\n/);
    const out = json(["eval", "words.lk", "heldout.txt"]);
    expect(out.texts).toBe(40);
    expect(out.tokenAccuracy).toBeGreaterThan(0);
    expect(out.tokenAccuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(out.loss)).toBe(true);
  });

  it("info", () => {
    const text = ok(["info", "words.lk"]).stdout;
    expect(text).toMatch(/kind +text model, char level, plain autoencoder/);
    expect(text).toMatch(/training +6 epochs/);
    const out = json(["info", "words.lk"]);
    expect(out).toMatchObject({ kind: "text", latentSize: 8, config: { level: "char", latent: 8, hidden: [64], context: 3 }, stats: { texts: 240 } });
    expect(text).toMatch(/layers +token table \(\d+ × \d+\) -> .* -> output layer \(\d+ classes, 3 tokens back\); /);
    expect(out.history).toHaveLength(6);
    expect(out.bytes).toBe(readFileSync(at("words.lk")).length);
    expect(out.parameters).toBeGreaterThan(0);
    ok(["train", "train.txt", "-o", "flat.lk", "-e", "1", "--latent", "8", "--hidden", "16", "--context", "0", "-q"]);
    expect(json(["info", "flat.lk"]).config.context).toBe(0);
    // --context-noise is noise.context: training with it differs from training without
    ok(["train", "train.txt", "-o", "cn.lk", "-e", "2", "--latent", "8", "--hidden", "16", "--variational", "--context-noise", "0.5", "--seed", "4", "-q"]);
    ok(["train", "train.txt", "-o", "cn0.lk", "-e", "2", "--latent", "8", "--hidden", "16", "--variational", "--seed", "4", "-q"]);
    expect(readFileSync(at("cn.lk")).equals(readFileSync(at("cn0.lk")))).toBe(false);
  });

  it("encode (stdin -> CSV) and decode back", () => {
    const csv = ok(["encode", "words.lk"], "garden\nplanet\nmystery\n").stdout;
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe("z1,z2,z3,z4,z5,z6,z7,z8");
    expect(lines).toHaveLength(4);
    expect(lines[1]!.split(",").map(Number).every(Number.isFinite)).toBe(true);
    const out = json(["encode", "words.lk", "heldout.txt"]);
    expect(out.latent).toBe(8);
    expect(out.codes).toHaveLength(40);
    const decoded = ok(["decode", "words.lk"], csv).stdout.replace(/\n$/, "").split("\n");
    expect(decoded).toEqual(json(["reconstruct", "words.lk"], "garden\nplanet\nmystery").reconstructions.map((r: { output: string }) => r.output));
  });
});

describe("numeric models", () => {
  it("train --numeric on a CSV, then info, encode, decode and eval", () => {
    const out = json(["train", "table.csv", "--numeric", "-o", "table.lk", "--latent", "2", "--hidden", "16", "-e", "8", "-q"]);
    expect(out).toMatchObject({ kind: "numeric", epochs: 8, stopMessage: "trained all 8 epochs" });
    // no early stopping for numeric models unless asked: the ETA is the run's, not a bound
    const plain = ok(["train", "table.csv", "--numeric", "-o", "table2.lk", "--latent", "2", "--hidden", "16", "-e", "2"]);
    expect(plain.stderr).toMatch(/training a numeric autoencoder on \d+ rows x \d+ columns for 2 epochs\n/);
    expect(plain.stderr).toMatch(/ETA \d+:\d\d\ntrained all 2 epochs\n/);
    const info = json(["info", "table.lk"]);
    expect(info).toMatchObject({ kind: "numeric", inputSize: 6, latentSize: 2, layers: { encoder: [6, 16, 2] } });
    const csv = ok(["encode", "table.lk", "table.csv"]).stdout.trimEnd().split("\n");
    expect(csv[0]).toBe("z1,z2");
    expect(csv).toHaveLength(151);
    const back = ok(["decode", "table.lk"], csv.join("\n")).stdout.trimEnd().split("\n");
    expect(back[0]).toBe("x1,x2,x3,x4,x5,x6");
    expect(back).toHaveLength(151);
    expect(json(["eval", "table.lk", "table.csv"])).toMatchObject({ rows: 150, loss: expect.any(Number) });
  });

  it("--workers 1, 2 and auto write the same model file, numeric and text", async () => {
    const runs = await Promise.all(
      ["1", "2", "auto"].flatMap((w) => [
        cliAsync(["train", "table.csv", "--numeric", "-o", `w${w}.lk`, "--latent", "2", "--hidden", "16", "-e", "3", "-q", "--workers", w]),
        cliAsync(["train", "train.txt", "-o", `t${w}.lk`, "--latent", "4", "--hidden", "16", "-e", "2", "-q", "--workers", w]),
      ]),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    for (const kind of ["w", "t"]) {
      const files = ["1", "2", "auto"].map((w) => readFileSync(at(`${kind}${w}.lk`)));
      expect(files[1]!.equals(files[0]!), kind).toBe(true);
      expect(files[2]!.equals(files[0]!), kind).toBe(true);
    }
  });

  it("text-only commands refuse numeric models with one line", () => {
    expectFailure(cli(["sample", "table.lk"]), 1, /sample needs a text model; table\.lk is a numeric autoencoder/);
  });

  it("a CSV with a bad cell gets a message naming the line and column", () => {
    writeFileSync(at("bad.csv"), "a,b\n1,2\n3,x\n");
    expectFailure(cli(["train", "bad.csv", "--numeric"]), 1, /bad\.csv line 3, column "b": "x" is not a finite number/);
  });
});

describe.concurrent("usage errors exit with 2", () => {
  it.each([
    [[], /Usage: latentkit <command>/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["train"], /train needs a training file/],
    [["train", "train.txt", "--epoch", "3"], /unknown option --epoch \(did you mean --epochs\?\)/],
    [["train", "train.txt", "--epochs", "three"], /--epochs must be an integer, got "three"/],
    [["train", "train.txt", "--latent", "0"], /--latent must be an integer >= 1/],
    [["train", "train.txt", "--level", "byte"], /--level must be one of char, word/],
    [["train", "train.txt", "--workers", "two"], /--workers must be an integer 1\.\.4 or auto, got "two"/],
    [["train", "train.txt", "--workers", "9"], /--workers must be an integer 1\.\.4 or auto, got "9"/],
    [["train", "train.txt", "--loss", "bce"], /--loss is only for numeric models/],
    [["train", "table.csv", "--numeric", "--context", "2"], /--context is only for text models/],
    [["train", "table.csv", "--numeric", "--context-noise", "0.2"], /--context-noise is only for text models/],
    [["train", "train.txt", "-o"], /-o, --output needs a value|--output needs a value/],
    [["sample", "words.lk", "-n", "0"], /-n must be an integer from 1/],
    [["sample", "words.lk", "--prior", "flat"], /--prior must be one of gaussian, mixture/],
    [["interpolate", "words.lk", "garden"], /interpolate needs a model file and two texts/],
    [["info", "words.lk", "extra"], /unexpected argument "extra"/],
  ] as [string[], RegExp][])("latentkit %j", async (args, pattern) => {
    const r = await cliAsync(args);
    expect(r.code, r.stderr).toBe(2);
    if (args.length === 0) expect(r.stderr).toMatch(pattern);
    else expectFailure(r, 2, pattern);
  });

  it("--help works on every command", async () => {
    const commands = ["train", "sample", "interpolate", "variations", "reconstruct", "encode", "decode", "eval", "info"];
    const results = await Promise.all(commands.map((cmd) => cliAsync([cmd, "--help"])));
    results.forEach((r, i) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: latentkit ${commands[i]} `));
      expect(r.stdout).toMatch(/--json/);
    });
    const [help, version] = await Promise.all([cliAsync(["--help"]), cliAsync(["--version"])]);
    expect(help.stdout).toMatch(/Commands:\n {2}train/);
    expect(version.stdout).toMatch(/^latentkit \d+\.\d+\.\d+/);
  });
});

describe.concurrent("bad files get one line, never a stack trace", () => {
  it.each([
    [["train", "nope.txt"], /cannot read nope\.txt: no such file/],
    [["train", "empty.txt"], /empty\.txt is empty/],
    [["train", "blank.txt"], /blank\.txt has no text/],
    [["train", "binary.bin"], /binary\.bin looks like a binary file/],
    [["train", "."], /\. is a directory/],
    [["sample", "nope.lk"], /cannot read nope\.lk: no such model file/],
    [["sample", "empty.txt"], /empty\.txt is empty, not a latentkit model/],
    [["info", "corrupt.lk"], /corrupt\.lk is not a latentkit model or is damaged/],
    [["info", "binary.bin"], /binary\.bin is not a latentkit model or is damaged/],
    [["info", "train.txt"], /train\.txt is not a latentkit model or is damaged/],
    [["eval", "words.lk", "binary.bin"], /binary\.bin looks like a binary file/],
    [["eval", "words.lk", "nope.txt"], /cannot read nope\.txt/],
    [["train", "train.txt", "-o", "no/such/dir/m.lk", "-e", "1", "-q"], /cannot write no\/such\/dir\/m\.lk: no such directory/],
  ] as [string[], RegExp][])("latentkit %j", async (args, pattern) => {
    expectFailure(await cliAsync(args), 1, pattern);
  });

  it("a truncated model file", () => {
    writeFileSync(at("cut.lk"), readFileSync(at("words.lk")).subarray(0, 500));
    expectFailure(cli(["sample", "cut.lk"]), 1, /cut\.lk is not a latentkit model or is damaged/);
  });
});

/** Starts `latentkit train ...args`, waits for the end of epoch `epochs`, sends SIGINT, returns the outcome. */
async function interruptTraining(args: string[], epochs: number): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, "train", ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no epoch ${epochs} within 30 s: ${stderr}`)), 30_000);
    child.stderr.on("data", (d) => {
      stderr += d;
      if (new RegExp(`epoch +${epochs}/`).test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill("SIGINT");
  const code = await exited;
  return { code, stdout, stderr };
}

describe("Ctrl-C", () => {
  it("SIGINT during training aborts it and saves a loadable model", async () => {
    const r = await interruptTraining(["train.txt", "-o", "interrupted.lk", "--epochs", "100000", "--latent", "8", "--hidden", "64", "--no-early-stopping"], 3);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/stopping now/);
    expect(r.stdout).toMatch(/^interrupted after \d+ epochs: saved interrupted\.lk .* with the weights of the last finished batch\nreconstructs [\d.]+% of its 240 training texts exactly/);
    const info = json(["info", "interrupted.lk"]);
    expect(info.history.length).toBeGreaterThanOrEqual(3);
    expect(info.history.length).toBeLessThan(100000);
    expect(json(["sample", "interrupted.lk", "-n", "2"]).samples).toHaveLength(2);
  });

  it("with early stopping, SIGINT ends the epoch and saves that epoch's weights (a text model keeps its last)", async () => {
    const r = await interruptTraining(
      ["train.txt", "-o", "interrupted-es.lk", "--epochs", "100000", "--latent", "8", "--hidden", "64", "--validation-split", "0.2", "--patience", "100000", "--learning-rate", "0.02", "--json"],
      8,
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/stopping after this epoch/);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ interrupted: true, stoppedEarly: false });
    const last = out.history[out.history.length - 1];
    expect(out.keptEpoch).toBe(last.epoch);
    // The saved weights are the last finished epoch's: their validation loss is that epoch's.
    expect(json(["eval", "interrupted-es.lk", "-"], heldOut(0.2).join("\n")).loss).toBeCloseTo(last.valLoss, 3);
  });
});
