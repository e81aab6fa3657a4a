// Issue #11, cause 2 (divergence could hang): text.train with learningRate 1e30 used to fit the
// sampling prior to non-finite codes, whose retry loop never ended. The core now ends an epoch
// whose weights pass ±2^64 with DIVERGED (weights rolled back) and never returns non-finite
// codes, so training rejects within seconds. The cases run in a child process with a time limit
// (test/isolated.ts): a regression would block the event loop, which vitest cannot time out.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runIsolated } from "./isolated.js";

const CITIES = `["london","paris","berlin","madrid","vienna","prague","rome","oslo"]`;

async function isolated(body: string, timeoutMs = 30_000): Promise<any> {
  const r = await runIsolated(body, timeoutMs);
  expect(r.timedOut, `hung: killed after ${timeoutMs} ms`).toBe(false);
  expect(r.value, `no result (exit ${r.code}): ${r.stderr.slice(0, 500)}`).toBeDefined();
  return r.value;
}

/** A thrown LatentkitError with one of `codes`, as reported by an isolated case. */
function expectRefused(v: any, codes: string[], what: string): void {
  expect(v?.threw === true && v.lk === true && codes.includes(v.code), `${what}: ${JSON.stringify(v)}`).toBe(true);
}

describe("cause 2: divergence ends with DIVERGED, never hangs", () => {
  it("learningRate 1e30 rejects with DIVERGED within seconds (and the generator is usable)", async () => {
    const v = await isolated(`
      const t0 = Date.now();
      try { await lk.text.train(${CITIES}, { epochs: 3, latent: 4, hidden: [16], learningRate: 1e30 }); done({ settled: "resolved", ms: Date.now() - t0 }); }
      catch (e) { const r = caught(e); r.ms = Date.now() - t0; try { r.sample = e.generator ? e.generator.sample(2).length : null; } catch (e2) { r.sample = caught(e2); } done(r); }`, 20_000);
    expectRefused(v, ["DIVERGED"], "text.train with learningRate 1e30");
    expect(v.ms).toBeLessThan(10_000);
    expect(v.sample).toBe(2);
  });

  it("an AbortSignal stops it", async () => {
    const v = await isolated(`
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      try { await lk.text.train(${CITIES}, { epochs: 1000, latent: 4, hidden: [16], learningRate: 1e30, signal: ac.signal }); done("resolved"); }
      catch (e) { done(caught(e)); }`, 20_000);
    expectRefused(v, ["ABORTED", "DIVERGED"], "aborted training");
  });

  it("the CLI with --learning-rate 1e30 stops on two Ctrl-Cs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "latentkit-diverge-"));
    writeFileSync(join(dir, "cities.txt"), JSON.parse(CITIES).join("\n") + "\n");
    const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");
    const child = spawn(process.execPath, [cli, "train", "cities.txt", "-o", "m.lk", "--epochs", "3", "--latent", "4", "--hidden", "16", "--learning-rate", "1e30", "-q"], { cwd: dir, stdio: "ignore" });
    const closed = new Promise<number | null>((r) => child.on("close", r));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGINT");
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r("still running 5 s after two Ctrl-Cs"), 5000))]);
    if (typeof code === "string") child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    expect(code).not.toBe("still running 5 s after two Ctrl-Cs");
  }, 20_000);
});
