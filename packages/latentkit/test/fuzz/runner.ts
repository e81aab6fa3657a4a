// The model-file fuzzer's process (bundled with the SDK's sources by test/isolated.ts and run
// by test/fuzz-model-files.test.ts): trains six small base models (three also as safetensors
// files), runs the cases, and checks
// that reference models loaded at the start still encode bit for bit the same (a trap must not
// poison them). It writes "@@CASE i" before each case (so a hang names its case) and one
// "@@DONE {json}" line at the end.
//
// Environment: LATENTKIT_FUZZ_SEED (default 20261201), LATENTKIT_FUZZ_CASES (default 20000),
// LATENTKIT_FUZZ_CASE (replay only that case index); LATENTKIT_FUZZ_TEST_HANG (a case that hangs,
// to test the guard).

import { writeSync } from "node:fs";
import * as lk from "../../src/index.js";
import { DEFAULT_SEED, randomCase, stRandomCase, stSystematicCases, systematicCases, type Mutation } from "./mutations.js";
import { judge, type Finding } from "./oracle.js";

const WORDS = [
  "london", "paris", "berlin", "madrid", "vienna", "prague", "rome", "oslo", "lisbon", "dublin",
  "athens", "warsaw", "budapest", "helsinki", "riga", "tallinn", "vilnius", "sofia", "zagreb", "bern",
];

/**
 * The six base files: numeric plain and variational; text with and without context head, plain
 * and variational. And three of them as safetensors files: numeric plain and variational, text
 * with a context.
 */
async function bases(): Promise<{ own: Uint8Array[]; st: Uint8Array[] }> {
  const rows = Array.from({ length: 40 }, (_, r) => Array.from({ length: 6 }, (_, c) => Math.sin(r * 0.7 + c) * 0.5 + 0.5));
  const out = { own: [] as Uint8Array[], st: [] as Uint8Array[] };
  for (const variational of [false, true]) {
    const m = await lk.train(rows, { encoder: [5, 3], epochs: 2, variational, seed: 1 });
    out.own.push(m.save());
    out.st.push(await m.toSafetensors());
    m.dispose();
  }
  for (const variational of [false, true]) {
    for (const context of [3, 0]) {
      const g = await lk.text.train(WORDS, { epochs: 2, latent: 3, hidden: [8], context, variational, seed: 2 });
      out.own.push(g.save());
      if (!variational && context) out.st.push(await g.toSafetensors());
      g.dispose();
    }
  }
  return out;
}

const say = (s: string) => writeSync(1, s + "\n");

/** Encodings of reference models, to compare before and after the run. */
async function reference(files: Uint8Array[]): Promise<() => string> {
  const m = await lk.load(files[0]!);
  const g = await lk.text.load(files[2]!);
  const probe = () => JSON.stringify([Array.from(m.encode([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]).data), Array.from(g.encode(["london"]).data), g.sample(2)]);
  return () => {
    try {
      return probe();
    } catch (e) {
      return `threw ${e instanceof Error ? e.message : String(e)}`;
    }
  };
}

async function main(): Promise<void> {
  const seed = Number(process.env.LATENTKIT_FUZZ_SEED ?? DEFAULT_SEED);
  const total = Number(process.env.LATENTKIT_FUZZ_CASES ?? 20_000);
  const only = process.env.LATENTKIT_FUZZ_CASE === undefined ? undefined : Number(process.env.LATENTKIT_FUZZ_CASE);
  const { own: files, st } = await bases();
  const probe = await reference(files);
  const healthy = probe();
  const systematic = [...systematicCases(files), ...stSystematicCases(st, files.length)];
  const started = Date.now();
  const findings: (Finding & { index: number; base: number; what: string })[] = [];
  let poisonedAt: number | null = null;
  let ran = 0;
  // Test-only: hang in this case, to test that a hang is caught and named (fuzz-model-files.test.ts).
  const hangAt = Number(process.env.LATENTKIT_FUZZ_TEST_HANG ?? -1);
  for (let i = only ?? 0; i < (only === undefined ? Math.max(total, systematic.length) : only + 1); i++) {
    say(`@@CASE ${i}`);
    while (i === hangAt);
    const s = systematic[i];
    // one random case in four edits a safetensors file
    const random = () => (i % 4 === 3 ? stRandomCase(st, seed, i, files.length) : randomCase(files, seed, i));
    const m: Mutation = s ? { base: s.base, what: s.what, bytes: s.make() } : random();
    const f = await judge(m.bytes, lk);
    ran++;
    if (f) findings.push({ ...f, index: i, base: m.base, what: m.what });
    if ((f && /INTERNAL|non-LatentkitError/.test(f.kind)) || i % 1000 === 999) {
      if (probe() !== healthy) {
        poisonedAt = i;
        break;
      }
    }
  }
  const ms = Date.now() - started;
  if (poisonedAt === null && probe() !== healthy) poisonedAt = -1;
  say(`@@DONE ${JSON.stringify({ seed, ran, systematic: systematic.length, ms, poisonedAt, findings })}`);
}

main().catch((e) => {
  say(`@@DONE ${JSON.stringify({ crashed: e instanceof Error ? `${e.stack}` : String(e) })}`);
});
