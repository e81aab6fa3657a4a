// Fuzzer findings of the classes issue #11 already names, tolerated by the suite's fuzzer until
// their fixes land (test/pending/fuzz-model-files-strict.test.ts runs the fuzzer without this
// list). Each entry is narrow: the finding's kind and its message. Delete an entry with its fix.

import type { CaseFinding } from "./run.js";

export const KNOWN_OPEN: readonly { id: string; cause: string; kind: RegExp; detail: RegExp }[] = [
  {
    id: "cause 4 (prior numbers)",
    cause: "#11 cause 4: text.load() trusts the prior's numbers (a mean, chol, mixture or codeStd that overflows float32); sampling then blames the caller",
    kind: /^text (sample|sample \(tokenTemperature 1\)|sample \(mixture prior\)|variations): NON_FINITE_INPUT$/,
    // the codes drawn from such a prior are Infinity, or finite and overflow in the decoder
    detail: /^NON_FINITE_INPUT: (codes row \d+, column \d+ is -?Infinity|decode: result row \d+, column \d+ overflowed float32)/,
  },
  {
    id: "cause 5 (meta.kind)",
    cause: "#11 cause 5: load() reads a text file whose meta.kind is gone as a numeric model that no input can encode",
    kind: /^numeric encode: SHAPE_MISMATCH$/,
    detail: /^SHAPE_MISMATCH: data has \d+ values but 2 rows x \d+ columns need \d+/,
  },
  {
    id: "cause 5 (meta.text)",
    cause: "#11 cause 5: with meta.text gone, each loader sends the file to the other",
    kind: /^each loader sends the file to the other$/,
    detail: /load them with text\.load\(\)/,
  },
];

/** The id of the issue #11 class a finding belongs to, or undefined for a new finding. */
export function knownCause(f: CaseFinding): string | undefined {
  return KNOWN_OPEN.find((k) => k.kind.test(f.kind) && k.detail.test(f.detail))?.id;
}
