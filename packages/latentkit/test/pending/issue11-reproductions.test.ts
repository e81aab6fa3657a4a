// Issue #11's reproductions, word for word, asserting the behaviour the issue asks for. They FAIL
// today: this folder is left out of the suite (vitest.config.ts) until the fixes land, then each
// test moves into test/. Run them with `npx vitest run --dir test/pending`.
//
// The cases that trap or hang run in a child process with a time limit (test/isolated.ts): a
// trap poisons every model of the WebAssembly instance, and a blocked event loop would never
// reach vitest's timeout. Cause 3 (lone surrogates) is fixed: test/text-well-formed.test.ts;
// cause 1's decode() of 65,536 rows and its 4,096 × 1,024 training batch: test/issue11-sizes.test.ts.
// Of the word-level case below the core part holds (sample(2048) is TOO_LARGE, the generator
// lives on); maxLength's cap at 4,096 is the SDK's. Cause 2's cases pass since the core ends an
// epoch whose weights pass ±2^64 with DIVERGED: test/issue11-divergence.test.ts.

import { describe, expect, it } from "vitest";
import { LatentkitError, load, text, train } from "../../src/index.js";
import { editHeader } from "../fuzz/model-bytes.js";
import { randomRows } from "../helpers.js";
import { runIsolated } from "../isolated.js";

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

describe("cause 1: output sizes are not checked", () => {
  it("a word-level corpus of one 100,000-word text: maxLength capped at 4,096 (or refused), sample(2048) works or is TOO_LARGE, the generator lives on", async () => {
    const v = await isolated(`
      const r = {};
      let g;
      try { g = await lk.text.train(["abcdefghij ".repeat(1e5)], { level: "word", epochs: 1, latent: 2, hidden: [8] }); r.maxLength = g.maxLength; } catch (e) { r.train = caught(e); done(r); return; }
      try { r.s = g.sample(2048).length; } catch (e) { r.s = caught(e); }
      try { r.s1 = g.sample(1).length; } catch (e) { r.s1 = caught(e); }
      done(r);`, 60_000);
    if (v.train) {
      expectRefused(v.train, ["TOO_LARGE", "INVALID_OPTION"], "text.train");
      return;
    }
    expect(v.maxLength).toBeLessThanOrEqual(4096);
    if (typeof v.s !== "number") expectRefused(v.s, ["TOO_LARGE"], "sample(2048)");
    else expect(v.s).toBe(2048);
    expect(v.s1, "sample(1) afterwards").toBe(1);
  });
});

describe("cause 4: text.load trusts the numbers in the file", () => {
  const paths: [string, (t: any) => void][] = [
    ["prior.mean", (t) => (t.prior.mean[0] = 1e300)],
    ["prior.chol", (t) => (t.prior.chol[0] = 1e300)],
    ["prior.mixture.means", (t) => (t.prior.mixture.means[0] = 1e300)],
    ["codeStd", (t) => (t.codeStd[0] = 1e300)],
  ];
  for (const [name, edit] of paths) {
    it(`${name} of 1e300 under a correct CRC: CORRUPT_MODEL naming the field, or sampling that works`, async () => {
      const g = await text.train(JSON.parse(CITIES), { epochs: 2, latent: 4, hidden: [16] });
      const bytes = editHeader(g.save(), (h) => edit(h.meta.text));
      g.dispose();
      let loaded;
      try {
        loaded = await text.load(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(LatentkitError);
        expect((e as LatentkitError).code).toBe("CORRUPT_MODEL");
        expect((e as LatentkitError).message).toContain(name.split(".").pop()!);
        return;
      }
      try {
        expect(loaded.sample(3, { prior: name.includes("mixture") ? "mixture" : "gaussian" })).toHaveLength(3);
        expect(loaded.variations("london", 2)).toHaveLength(2);
      } finally {
        loaded.dispose();
      }
    });
  }
});

describe("cause 5: the loaders decide the kind from meta.kind alone", () => {
  async function outcome(f: () => Promise<{ dispose(): void }>): Promise<string> {
    try {
      (await f()).dispose();
      return "model";
    } catch (e) {
      return e instanceof LatentkitError ? e.code : `non-LatentkitError ${String(e)}`;
    }
  }

  it("a text file without meta.kind is a text model: text.load() reads it, load() sends it to text.load()", async () => {
    const g = await text.train(JSON.parse(CITIES), { epochs: 1, latent: 4, hidden: [16] });
    const bytes = editHeader(g.save(), (h) => void delete h.meta.kind);
    g.dispose();
    const gen = await text.load(bytes);
    expect(gen.sample(2)).toHaveLength(2);
    gen.dispose();
    expect(await outcome(() => load(bytes))).toBe("INVALID_OPTION");
  });

  it("a text file without meta.text: CORRUPT_MODEL, not each loader sending you to the other", async () => {
    const g = await text.train(JSON.parse(CITIES), { epochs: 1, latent: 4, hidden: [16] });
    const bytes = editHeader(g.save(), (h) => void delete h.meta.text);
    g.dispose();
    expect(await outcome(() => text.load(bytes))).toBe("CORRUPT_MODEL");
    expect(await outcome(() => load(bytes))).not.toBe("model");
    expect([await outcome(() => load(bytes)), await outcome(() => text.load(bytes))]).not.toEqual(["INVALID_OPTION", "INVALID_OPTION"]);
  });

  it("a numeric file whose config declares tokens: refused (CORRUPT_MODEL), not an Autoencoder that can never encode", async () => {
    // A consistent token config: 8 inputs = 2 positions × 4 tokens, softmax per position.
    const m = await train(randomRows(30, 8, 5), { encoder: [5, 3], epochs: 1 });
    const bytes = editHeader(m.save(), (h) => {
      h.config.tokens = { length: 2, vocab: 4, padId: 0, endId: 1, maskId: 2, context: 0 };
      h.config.loss = "cce";
    });
    m.dispose();
    let model;
    try {
      model = await load(bytes);
    } catch (e) {
      expect((e as LatentkitError).code).toBe("CORRUPT_MODEL");
      return;
    }
    expect(() => model.encode(randomRows(2, model.inputSize, 1))).not.toThrow();
    model.dispose();
  });
});
