// The model-file fuzzer (issue #11): 20,000 seeded mutations of six model files (numeric and
// text, plain and variational, with and without context head), each loaded by load() and
// text.load() and used when it loads. See test/fuzz/ for the mutations and what is accepted.
// It runs in a child process (a hang or a trap must not take the suite down) and prints the
// seed; a failure names the case and the command that replays it alone.
//
// Strict: every finding fails it (the tolerated classes of issue #11, causes 4 and 5, are fixed).

import { expect, it } from "vitest";
import { replay, runFuzzer, seed, type CaseFinding } from "./fuzz/run.js";

const MIN_CASES = 20_000;

function list(findings: CaseFinding[]): string {
  return findings
    .slice(0, 10)
    .map((f) => `case ${f.index} (base ${f.base}: ${f.what}): ${f.kind}: ${f.detail.slice(0, 200)}\n  replay: ${replay(f.index)}`)
    .join("\n");
}

it(`${MIN_CASES} mutated model files: refused as CORRUPT_MODEL/UNSUPPORTED_VERSION or loaded and usable; nothing poisoned`, async () => {
  const r = await runFuzzer(170_000);
  console.log(`model-file fuzzer: seed ${r.seed} (LATENTKIT_FUZZ_SEED), ${r.ran} cases (${r.systematic} systematic) in ${r.ms} ms`);
  const single = process.env.LATENTKIT_FUZZ_CASE !== undefined;
  if (!single) expect(r.ran).toBeGreaterThanOrEqual(MIN_CASES);
  expect(r.poisonedAt, `after case ${r.poisonedAt} the reference models no longer encode as before (seed ${seed()})`).toBeNull();
  const kinds = new Map<string, number>();
  for (const f of r.findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  expect(r.findings.length, `${r.findings.length} findings (seed ${seed()}): ${[...kinds].map(([k, n]) => `${n} × ${k}`).join("; ")}\n${list(r.findings)}`).toBe(0);
}, 180_000);

it("a case that hangs is killed and named, with the command that replays it", async () => {
  const run = runFuzzer(4_000, { LATENTKIT_FUZZ_TEST_HANG: "7", LATENTKIT_FUZZ_CASES: "20" });
  await expect(run).rejects.toThrow(/killed after 4000 ms in case 7 .*LATENTKIT_FUZZ_CASE=7 /);
}, 20_000);
