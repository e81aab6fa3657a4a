// Runs SDK code where a hang or a WebAssembly trap cannot take the test run down with it:
// in a child process with a time limit. A trap poisons every model of the
// instance (issue #11) and a blocked event loop never reaches vitest's own timeout, so such
// cases cannot run in the test's own process.
//
// The code under test is the sources (src/index.ts, or an entry that imports them, like the
// fuzzer's runner), bundled once per process by esbuild into a temporary ESM file, so these
// tests see exactly what the in-process tests import.

import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { expect } from "vitest";

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");

const bundles = new Map<string, Promise<string>>();

/** The file URL of `entry` (a path under the package) bundled with what it imports into one ESM file (built once). */
export function bundle(entry: string): Promise<string> {
  let b = bundles.get(entry);
  if (!b) {
    b = (async () => {
      const outfile = join(mkdtempSync(join(tmpdir(), "latentkit-isolated-")), "bundle.mjs");
      await build({ entryPoints: [join(PKG, entry)], bundle: true, format: "esm", platform: "node", target: "es2022", outfile, logLevel: "silent" });
      return pathToFileURL(outfile).href;
    })();
    bundles.set(entry, b);
  }
  return b;
}

/** The file URL of src/index.ts bundled as one ESM file. */
export function sdkBundle(): Promise<string> {
  return bundle("src/index.ts");
}

/** What a process run by {@link runProcess} did. */
export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** Exit code (null when killed). */
  code: number | null;
  /** Killed after the time limit. */
  timedOut: boolean;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/** Runs `node <file>` with extra environment variables, killed after `timeoutMs`. */
export function runProcess(file: string, env: Record<string, string>, timeoutMs: number): Promise<ProcessResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, timedOut, ms: Date.now() - started });
    });
  });
}

/** What a script run by {@link runIsolated} did. */
export interface IsolatedResult {
  /** The value the script passed to `done(value)`, or undefined if it never called it. */
  value: unknown;
  /** Killed after the time limit. */
  timedOut: boolean;
  /** Exit code (null when killed). */
  code: number | null;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/**
 * Runs `body` (the inside of an async function with `lk`, the SDK, and `done(value)`, which
 * reports a JSON value) in a fresh Node process, killed after `timeoutMs`.
 */
export async function runIsolated(body: string, timeoutMs: number): Promise<IsolatedResult> {
  const url = await sdkBundle();
  const file = join(mkdtempSync(join(tmpdir(), "latentkit-case-")), "case.mjs");
  writeFileSync(
    file,
    [
      `import * as lk from ${JSON.stringify(url)};`,
      `const done = (v) => process.stdout.write("\\n@@RESULT@@" + JSON.stringify(v) + "\\n");`,
      // An error as a plain object: the code, the message and the class of what was thrown.
      `const caught = (e) => ({ threw: true, lk: e instanceof lk.LatentkitError, code: e?.code ?? null, name: e?.name ?? typeof e, message: String(e?.message ?? e) });`,
      `try { await (async () => {\n${body}\n})(); } catch (e) { done(caught(e)); }`,
    ].join("\n"),
  );
  const r = await runProcess(file, {}, timeoutMs);
  const m = /@@RESULT@@(.*)\n/.exec(r.stdout);
  return { value: m ? JSON.parse(m[1]!) : undefined, timedOut: r.timedOut, code: r.code, stderr: r.stderr, ms: r.ms };
}

/**
 * `runIsolated` inside a test: fails the test when the case hung or gave no result, else
 * returns the value the case reported with `done(...)`.
 */
export async function isolated(body: string, timeoutMs = 30_000): Promise<any> {
  const r = await runIsolated(body, timeoutMs);
  expect(r.timedOut, `hung: killed after ${timeoutMs} ms`).toBe(false);
  expect(r.value, `no result (exit ${r.code}): ${r.stderr.slice(0, 500)}`).toBeDefined();
  return r.value;
}

/** Asserts an isolated case reported a thrown LatentkitError with one of `codes`. */
export function expectRefused(v: any, codes: string[], what: string): void {
  expect(v?.threw === true && v.lk === true && codes.includes(v.code), `${what}: ${JSON.stringify(v)}`).toBe(true);
}
