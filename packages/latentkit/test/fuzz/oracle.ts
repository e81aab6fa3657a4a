// What the fuzzer accepts from a mutated model file: each loader throws a LatentkitError with
// CORRUPT_MODEL or UNSUPPORTED_VERSION, or returns a model that works (numeric: encode and
// decode; text: sample and reconstruct) or throws a LatentkitError that blames the file. A
// loader may send the file to the other loader (INVALID_OPTION) only if that one reads it.
// Everything else is a finding: INTERNAL, a non-LatentkitError, a code that blames the caller,
// both loaders accepting one file, non-finite outputs.

import type * as Sdk from "../../src/index.js";

type Lk = typeof Sdk;
type Outcome = { model: { dispose(): void } } | { error: unknown };

/** A violation found in one case. */
export interface Finding {
  /** Short class of the violation (for grouping), e.g. "load(): SHAPE_MISMATCH at encode". */
  kind: string;
  detail: string;
}

const FILE_CODES = new Set(["CORRUPT_MODEL", "UNSUPPORTED_VERSION"]);
const REDIRECT = /load them with (text\.load|load)\(\)/;

async function attempt(f: () => Promise<{ dispose(): void }>): Promise<Outcome> {
  try {
    return { model: await f() };
  } catch (error) {
    return { error };
  }
}

function describe(e: unknown, lk: Lk): string {
  return e instanceof lk.LatentkitError ? `${e.code}: ${e.message}` : `non-LatentkitError ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

const redirects = (e: unknown, lk: Lk) => e instanceof lk.LatentkitError && e.code === "INVALID_OPTION" && REDIRECT.test(e.message);

/**
 * Whether a loader's refusal is fine. Sending the file to the other loader is, unless that one
 * sends it back (then no loader takes responsibility for the file).
 */
function errorFinding(e: unknown, who: string, other: Outcome, lk: Lk): Finding | null {
  if (!(e instanceof lk.LatentkitError)) return { kind: `${who}: non-LatentkitError`, detail: describe(e, lk) };
  if (FILE_CODES.has(e.code)) return null;
  if (redirects(e, lk)) {
    return "error" in other && redirects(other.error, lk) ? { kind: "each loader sends the file to the other", detail: describe(e, lk) } : null;
  }
  return { kind: `${who}: ${e.code}`, detail: describe(e, lk) };
}

/**
 * Runs `f` on a loaded model: a LatentkitError blaming the file (or the `allowed` code) is
 * fine, anything else is a finding.
 */
function use(what: string, f: () => void, lk: Lk, allowed = "CORRUPT_MODEL"): Finding | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof lk.LatentkitError && (e.code === "CORRUPT_MODEL" || e.code === allowed)) return null;
    return { kind: `${what}: ${e instanceof lk.LatentkitError ? e.code : "non-LatentkitError"}`, detail: describe(e, lk) };
  }
}

function finite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

function checkNumeric(m: Sdk.Autoencoder, lk: Lk): Finding | null {
  const x = { data: new Float32Array(2 * m.inputSize).map((_, i) => (i % 7) / 7), rows: 2, cols: m.inputSize };
  const z = { data: new Float32Array(2 * m.latentSize).fill(0.5), rows: 2, cols: m.latentSize };
  const shaped = (what: string, out: Sdk.Matrix, cols: number): Finding | null => {
    if (out.rows !== 2 || out.cols !== cols || out.data.length !== 2 * cols) return { kind: `numeric ${what}: wrong shape`, detail: `${out.rows}×${out.cols}, ${out.data.length} values` };
    return finite(out.data) ? null : { kind: `numeric ${what}: non-finite output`, detail: "NaN/Infinity in the result" };
  };
  let bad: Finding | null = null;
  const f =
    use("numeric encode", () => void (bad ??= shaped("encode", m.encode(x), m.latentSize)), lk) ??
    use("numeric decode", () => void (bad ??= shaped("decode", m.decode(z), m.inputSize)), lk);
  return f ?? bad;
}

function checkText(g: Sdk.TextGenerator, lk: Lk): Finding | null {
  const strings = (what: string, out: unknown, n: number): Finding | null =>
    Array.isArray(out) && out.length === n && out.every((s) => typeof s === "string") ? null : { kind: `text ${what}: wrong result`, detail: String(out) };
  let bad: Finding | null = null;
  const f =
    use("text sample", () => void (bad ??= strings("sample", g.sample(2), 2)), lk) ??
    use("text sample (tokenTemperature 1)", () => void (bad ??= strings("sample", g.sample(2, { tokenTemperature: 1, seed: 3 }), 2)), lk) ??
    // INVALID_STATE: the file has no mixture prior (older files), as documented
    use("text sample (mixture prior)", () => void (bad ??= strings("sample", g.sample(2, { prior: "mixture" }), 2)), lk, "INVALID_STATE") ??
    use("text reconstruct", () => void (bad ??= strings("reconstruct", g.reconstruct(["ab", "london"]), 2)), lk) ??
    use("text variations", () => void (bad ??= strings("variations", g.variations("paris", 2), 2)), lk);
  return f ?? bad;
}

/** Loads `bytes` with both loaders and uses what loads. Null when all is as it should be. */
export async function judge(bytes: Uint8Array, lk: Lk): Promise<Finding | null> {
  const num = await attempt(() => lk.load(bytes));
  const txt = await attempt(() => lk.text.load(bytes));
  try {
    if ("model" in num && "model" in txt) return { kind: "both loaders accept the file", detail: "load() and text.load() both returned a model" };
    if ("error" in num) {
      const f = errorFinding(num.error, "load()", txt, lk);
      if (f) return f;
    }
    if ("error" in txt) {
      const f = errorFinding(txt.error, "text.load()", num, lk);
      if (f) return f;
    }
    if ("model" in num) return checkNumeric(num.model as Sdk.Autoencoder, lk);
    if ("model" in txt) return checkText(txt.model as Sdk.TextGenerator, lk);
    return null;
  } finally {
    if ("model" in num) num.model.dispose();
    if ("model" in txt) txt.model.dispose();
  }
}
