// The CLI's crash-safe writes (issue #11): model files are written atomically, a failed write
// leaves the old file and no temporary file, and a diverged run does not replace an existing
// model unless --force. The CLI cases spawn `node dist/cli.js` (build first), as cli.test.ts.

import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "../src/cli/errors.js";
import { fileExists, writeFileAtomic } from "../src/cli/write-file.js";
import { text } from "../src/index.js";
import { CLI, cliIn, PKG } from "./cli-runner.js";

const WORDS = readFileSync(join(PKG, "corpora", "words.txt"), "utf8").split("\n").filter(Boolean);

let dir: string;
const at = (name: string) => join(dir, name);
const leftovers = () => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

const { cli } = cliIn(() => dir);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (pnpm --filter latentkit build)`);
  dir = mkdtempSync(join(tmpdir(), "latentkit-write-"));
  writeFileSync(at("train.txt"), WORDS.slice(0, 120).join("\n") + "\n");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("writeFileAtomic()", () => {
  it("creates and replaces files, leaving no temporary file", () => {
    writeFileAtomic(at("a.bin"), Uint8Array.from([1, 2, 3]));
    expect([...readFileSync(at("a.bin"))]).toEqual([1, 2, 3]);
    writeFileAtomic(at("a.bin"), "text");
    expect(readFileSync(at("a.bin"), "utf8")).toBe("text");
    expect(leftovers()).toEqual([]);
  });

  it("keeps an existing file's permissions and writes through a symbolic link", () => {
    writeFileSync(at("p.bin"), "old");
    chmodSync(at("p.bin"), 0o640);
    writeFileAtomic(at("p.bin"), "new");
    expect(statSync(at("p.bin")).mode & 0o777).toBe(0o640);
    mkdirSync(at("real"));
    writeFileSync(at("real/target.lk"), "old");
    symlinkSync(at("real/target.lk"), at("link.lk"));
    writeFileAtomic(at("link.lk"), "new");
    expect(readFileSync(at("real/target.lk"), "utf8")).toBe("new");
    expect(statSync(at("link.lk")).isFile()).toBe(true);
    expect(readdirSync(at("real")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails with a one-line CliError and leaves the old file and no temporary file", () => {
    expect(() => writeFileAtomic(at("missing/x.lk"), "x")).toThrow(CliError);
    expect(() => writeFileAtomic(at("missing/x.lk"), "x")).toThrow(/no such directory/);
    mkdirSync(at("folder.lk"));
    writeFileSync(at("folder.lk/inside"), "keep");
    expect(() => writeFileAtomic(at("folder.lk"), "x")).toThrow(/cannot write .*folder\.lk/);
    expect(readFileSync(at("folder.lk/inside"), "utf8")).toBe("keep");
    expect(leftovers()).toEqual([]);
    expect(fileExists(at("folder.lk"))).toBe(false);
    expect(fileExists(at("a.bin"))).toBe(true);
  });
});

describe("latentkit train writes", () => {
  const base = ["--epochs", "2", "--latent", "4", "--hidden", "16", "-q"];

  it("a diverged run keeps an existing model file unless --force", async () => {
    expect(cli(["train", "train.txt", "-o", "good.lk", ...base]).code).toBe(0);
    const good = readFileSync(at("good.lk"));
    // 1e10 diverges in the second epoch (DIVERGED); 1e30 hangs today (issue #11, cause 2).
    const diverge = ["train", "train.txt", "-o", "good.lk", "--epochs", "3", "--latent", "4", "--hidden", "16", "-q", "--learning-rate", "1e10"];
    const r = cli(diverge);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^latentkit: training diverged .*good\.lk was left as it was \(--force replaces it/);
    expect(readFileSync(at("good.lk")).equals(good)).toBe(true);
    expect(leftovers()).toEqual([]);

    const forced = cli([...diverge, "--force"]);
    expect(forced.code, forced.stderr).toBe(1);
    expect(forced.stderr).toMatch(/the model before the failed epoch was saved to good\.lk/);
    const replaced = readFileSync(at("good.lk"));
    expect(replaced.equals(good)).toBe(false);
    (await text.load(replaced)).dispose(); // a whole, loadable model
  });

  it("a diverged run into a new file saves the model from before the failed epoch", async () => {
    const r = cli(["train", "train.txt", "-o", "fresh.lk", "--epochs", "3", "--latent", "4", "--hidden", "16", "-q", "--learning-rate", "1e10"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/saved to fresh\.lk/);
    (await text.load(readFileSync(at("fresh.lk")))).dispose();
  });

  it("a run killed at any moment leaves the old model whole", async () => {
    expect(cli(["train", "train.txt", "-o", "kill.lk", ...base]).code).toBe(0);
    const old = readFileSync(at("kill.lk"));
    for (const ms of [150, 400, 900]) {
      const child = spawn(process.execPath, [CLI, "train", "train.txt", "-o", "kill.lk", "--epochs", "400", "--latent", "4", "--hidden", "16", "-q", "--seed", String(ms)], {
        cwd: dir,
        stdio: "ignore",
      });
      const closed = new Promise((r) => child.on("close", r));
      await new Promise((r) => setTimeout(r, ms));
      child.kill("SIGKILL");
      await closed;
      const now = readFileSync(at("kill.lk"));
      // Either the old file or a complete new one: both load.
      if (!now.equals(old)) (await text.load(now)).dispose();
    }
  });

  it("--help documents the atomic write and --force", () => {
    const r = cli(["train", "--help"]);
    expect(r.stdout).toMatch(/written atomically/);
    expect(r.stdout).toMatch(/--force +replace an existing model file even when training diverged/);
  });
});
