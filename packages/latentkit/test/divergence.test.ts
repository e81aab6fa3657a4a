// Issue #11 cause 2: divergence can never hang. The prior's fits are bounded, refuse codes that
// are not finite in float32 (DIVERGED), yield to the event loop and honour an AbortSignal; a
// diverged text.train() and the CLI settle promptly with DIVERGED. The cases that used to hang
// run in a child process with a time limit (test/isolated.ts).

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LatentkitError, load, train } from "../src/index.js";
import { fitGaussian, fitPrior } from "../src/text/prior.js";
import { Slices } from "../src/yield.js";
import { rng } from "./helpers.js";
import { isolated } from "./isolated.js";

const CITIES = ["london", "paris", "berlin", "madrid", "vienna", "prague", "rome", "oslo"];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return e instanceof LatentkitError ? e.code : `non-LatentkitError ${String(e)}`;
  }
}

function randomCodes(rows: number, d: number, seed: number): Float32Array {
  const u = rng(seed);
  return Float32Array.from({ length: rows * d }, () => u() - 0.5);
}

describe("the prior's fits", () => {
  it("refuse codes that are not finite with DIVERGED, at once", async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const codes = randomCodes(50, 4, 1);
      codes[37] = bad;
      const t0 = Date.now();
      expect(await codeOf(fitGaussian(codes, 50, 4, new Slices()))).toBe("DIVERGED");
      expect(await codeOf(fitPrior(codes, 50, 4, false, 1, new Slices()))).toBe("DIVERGED");
      expect(Date.now() - t0).toBeLessThan(1000);
    }
  });

  it("terminate on codes near the float32 maximum: a prior finite in float32, or DIVERGED", async () => {
    const codes = randomCodes(40, 3, 2).map((x) => x * 6e38);
    const r = await fitGaussian(codes, 40, 3, new Slices()).catch((e: LatentkitError) => e.code);
    if (typeof r === "string") expect(r).toBe("DIVERGED");
    else for (const v of [...r.mean, ...r.std, ...r.chol]) expect(Math.abs(v)).toBeLessThanOrEqual(3.4028234663852886e38);
  });

  it("yield to the event loop while they run, and an AbortSignal stops them (ABORTED)", async () => {
    const rows = 20_000, d = 48;
    const codes = randomCodes(rows, d, 3);
    // The abort comes from a timer, so it can only land if the fit yields to the event loop;
    // it fires on the second tick, whatever the machine's speed (no race with a fixed delay).
    let ticks = 0;
    const ac = new AbortController();
    const timer = setInterval(() => {
      if (++ticks === 2) ac.abort();
    }, 1);
    const code = await codeOf(fitPrior(codes, rows, d, false, 1, new Slices(ac.signal)));
    clearInterval(timer);
    expect(ticks, "timers ran during the fit").toBeGreaterThanOrEqual(2);
    expect(code).toBe("ABORTED");
  });
});

describe("a diverged text.train() settles (#11 cause 2)", () => {
  it("learningRate 1e30 rejects with DIVERGED within seconds, and the partial generator samples", async () => {
    const v = await isolated(`
      const t0 = Date.now();
      try { await lk.text.train(${JSON.stringify(CITIES)}, { epochs: 3, latent: 4, hidden: [16], learningRate: 1e30 }); done({ settled: "resolved" }); }
      catch (e) { const r = caught(e); r.ms = Date.now() - t0; r.same = e.generator === e.model; try { r.sample = e.model.sample(2).length; r.saved = (await lk.text.load(e.model.save())).sample(1).length; } catch (e2) { r.sample = caught(e2); } done(r); }`, 20_000);
    expect(v.code, JSON.stringify(v)).toBe("DIVERGED");
    expect(v.ms).toBeLessThan(10_000);
    expect(v.same).toBe(true);
    expect(v.sample).toBe(2);
    expect(v.saved, "the diverged generator saves and loads").toBe(1);
  });

  it("an AbortSignal stops a diverging run", async () => {
    const v = await isolated(`
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      try { await lk.text.train(${JSON.stringify(CITIES)}, { epochs: 1000, latent: 4, hidden: [16], learningRate: 1e30, signal: ac.signal }); done("resolved"); }
      catch (e) { done(caught(e)); }`, 20_000);
    expect(["ABORTED", "DIVERGED"]).toContain(v.code);
  });
});

describe("a diverged numeric train() and fit() settle with DIVERGED, the model usable", () => {
  it("learningRate 1e30", async () => {
    const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), i / 64, 1 - i / 64]);
    const e = (await train(rows, { epochs: 5, learningRate: 1e30 }).catch((x: unknown) => x)) as LatentkitError;
    expect(e.code).toBe("DIVERGED");
    expect(e.model!.encode(rows).data.every(Number.isFinite)).toBe(true);
    const again = await load(e.model!.save());
    const e2 = (await again.fit(rows, { epochs: 5, learningRate: 1e30 }).catch((x: unknown) => x)) as LatentkitError;
    expect(e2.code).toBe("DIVERGED");
    expect(again.encode(rows).rows).toBe(64);
    e.model!.dispose();
    again.dispose();
  });
});

describe("the CLI with --learning-rate 1e30 (#11 cause 2)", () => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");

  function start(dir: string): { closed: Promise<number | null>; kill(sig: NodeJS.Signals): void } {
    writeFileSync(join(dir, "cities.txt"), CITIES.join("\n") + "\n");
    const child = spawn(process.execPath, [cli, "train", "cities.txt", "-o", "m.lk", "--epochs", "3", "--latent", "4", "--hidden", "16", "--learning-rate", "1e30", "-q"], { cwd: dir, stdio: "ignore" });
    const closed = new Promise<number | null>((r) => child.on("close", r));
    return { closed, kill: (sig) => child.kill(sig) };
  }

  async function within(p: Promise<number | null>, ms: number, kill: () => void): Promise<number | null | string> {
    const r = await Promise.race([p, new Promise<string>((res) => setTimeout(() => res(`still running after ${ms} ms`), ms))]);
    if (typeof r === "string") kill();
    return r;
  }

  it("exits 1 within seconds, the model before the failed epoch saved", async () => {
    const dir = mkdtempSync(join(tmpdir(), "latentkit-diverge-"));
    const c = start(dir);
    const code = await within(c.closed, 15_000, () => c.kill("SIGKILL"));
    const saved = existsSync(join(dir, "m.lk"));
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(saved).toBe(true);
  }, 20_000);

  it("stops on two Ctrl-Cs (exit 1 if it diverged first, 130 if interrupted)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "latentkit-diverge-"));
    const c = start(dir);
    await new Promise((r) => setTimeout(r, 1500));
    c.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 200));
    c.kill("SIGINT");
    const code = await within(c.closed, 5000, () => c.kill("SIGKILL"));
    rmSync(dir, { recursive: true, force: true });
    expect([1, 130]).toContain(code);
  }, 20_000);
});
