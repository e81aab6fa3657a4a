// Runs the model-file fuzzer (runner.ts) in a child process with a time limit and reads its
// report, for test/fuzz-model-files.test.ts.

import { fileURLToPath } from "node:url";
import { bundle, runProcess } from "../isolated.js";
import type { Finding } from "./oracle.js";
import { DEFAULT_SEED } from "./mutations.js";

/** A finding with the case that produced it. */
export type CaseFinding = Finding & { index: number; base: number; what: string };

/** The fuzzer's report. */
export interface FuzzReport {
  seed: number;
  ran: number;
  systematic: number;
  ms: number;
  /** Case index after which the reference models stopped encoding as before (-1: seen at the end), or null. */
  poisonedAt: number | null;
  findings: CaseFinding[];
}

/** The seed of this run (LATENTKIT_FUZZ_SEED or the default). */
export const seed = (): number => Number(process.env.LATENTKIT_FUZZ_SEED ?? DEFAULT_SEED);

/** How to replay case `i` alone. */
export const replay = (i: number): string =>
  `LATENTKIT_FUZZ_SEED=${seed()} LATENTKIT_FUZZ_CASE=${i} npx vitest run test/fuzz-model-files.test.ts`;

/** Runs the fuzzer (with extra environment variables); throws with the hanging case's replay command if it is killed. */
export async function runFuzzer(timeoutMs: number, env: Record<string, string> = {}): Promise<FuzzReport> {
  const file = fileURLToPath(await bundle("test/fuzz/runner.ts"));
  const r = await runProcess(file, env, timeoutMs);
  const done = /@@DONE (.*)\n/.exec(r.stdout);
  if (r.timedOut || !done) {
    const cases = [...r.stdout.matchAll(/@@CASE (\d+)/g)];
    const last = cases.length ? Number(cases[cases.length - 1]![1]) : -1;
    throw new Error(
      `the fuzzer ${r.timedOut ? `was killed after ${timeoutMs} ms` : `exited with ${r.code}`} in case ${last} ` +
        `(a hang or a crash): replay with ${replay(last)}\n${r.stderr.slice(0, 2000)}`,
    );
  }
  const report = JSON.parse(done[1]!) as FuzzReport & { crashed?: string };
  if (report.crashed) throw new Error(`the fuzzer crashed: ${report.crashed}`);
  return report;
}
