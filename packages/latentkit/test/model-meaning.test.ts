// Issue #11 causes 4 and 5: text.load() checks the meaning of every number in a text model
// file's meta (CORRUPT_MODEL naming the field), and both loaders decide the kind from the
// structure (a config with tokens is a text model) and agree. The reproductions of the issue,
// then one case per check of src/text/meta-check.ts.

import { beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, load, text, train, type TextGenerator } from "../src/index.js";
import { editHeader } from "./fuzz/model-bytes.js";
import { randomRows } from "./helpers.js";

const CITIES = `["london","paris","berlin","madrid","vienna","prague","rome","oslo"]`;

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

  it("a numeric file whose config declares tokens: refused, not an Autoencoder that can never encode", async () => {
    // A consistent token config: 8 inputs = 2 positions × 4 tokens. Under the numeric file's
    // version 1 this is how latentkit 0.1 wrote text models: UNSUPPORTED_VERSION (retrain).
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
      expect((e as LatentkitError).code).toBe("UNSUPPORTED_VERSION");
      expect((e as LatentkitError).message).toMatch(/retrain it from your texts with text\.train/);
      return;
    }
    expect(() => model.encode(randomRows(2, model.inputSize, 1))).not.toThrow();
    model.dispose();
  });
});

describe("every number of meta.text checked for what it is used for", () => {
  let plain: Uint8Array;
  let vae: Uint8Array;
  beforeAll(async () => {
    const cities = JSON.parse(CITIES) as string[];
    const a = await text.train(cities, { epochs: 2, latent: 3, hidden: [16], seed: 3 });
    const b = await text.train(cities, { epochs: 2, latent: 3, hidden: [16], seed: 3, variational: true });
    plain = a.save();
    vae = b.save();
    a.dispose();
    b.dispose();
  });

  async function refusal(bytes: Uint8Array, edit: (t: any) => void): Promise<string> {
    try {
      (await text.load(editHeader(bytes, (h) => void edit(h.meta.text)))).dispose();
      return "loaded";
    } catch (e) {
      return e instanceof LatentkitError ? `${e.code}: ${e.message}` : String(e);
    }
  }

  const cases: [string, (t: any) => void, RegExp][] = [
    ["a mean beyond float32", (t) => (t.prior.mean[1] = 3.5e38), /meta\.text\.prior\.mean\[1\]/],
    ["a mean finite in f32 but beyond 1e18", (t) => (t.prior.mean[2] = 1e30), /meta\.text\.prior\.mean\[2\]/],
    ["a mean of the wrong length", (t) => t.prior.mean.push(0), /meta\.text\.prior\.mean must be an array of 3 values/],
    ["chol above the diagonal", (t) => (t.prior.chol[1] = 0.5), /meta\.text\.prior\.chol\[1\] is above the diagonal/],
    ["chol with a zero diagonal", (t) => (t.prior.chol[4] = 0), /meta\.text\.prior\.chol\[4\] is 0; a Cholesky factor's diagonal must be positive/],
    ["chol not d × d", (t) => t.prior.chol.pop(), /meta\.text\.prior\.chol must be an array of 9 values/],
    ["mixture weights that do not sum to 1", (t) => (t.prior.mixture.weights[0] = 0.5), /meta\.text\.prior\.mixture\.weights sum to/],
    ["a negative mixture weight", (t) => (t.prior.mixture.weights[0] = -1), /meta\.text\.prior\.mixture\.weights\[0\]/],
    ["mixture means misshaped", (t) => t.prior.mixture.means.pop(), /meta\.text\.prior\.mixture\.means must be/],
    ["a zero mixture std", (t) => (t.prior.mixture.stds[0] = 0), /meta\.text\.prior\.mixture\.stds\[0\]/],
    ["a zero codeStd", (t) => (t.codeStd[0] = 0), /meta\.text\.codeStd\[0\]/],
    ["a repeated vocabulary entry", (t) => (t.vocabulary[5] = t.vocabulary[4]), /meta\.text\.vocabulary\[5\] is a repeat/],
    ["a special token moved", (t) => (t.vocabulary[1] = "<pad>"), /meta\.text\.vocabulary\[1\] must be <end>/],
    ["a number in the vocabulary", (t) => (t.vocabulary[4] = 7), /meta\.text\.vocabulary\[4\] must be a string/],
    ["maxLength unlike the weights", (t) => (t.maxLength += 1), /meta\.text\.maxLength/],
    ["latent unlike the weights", (t) => (t.latent = 4), /meta\.text\.latent/],
    ["hidden unlike the weights", (t) => (t.hidden = [17]), /meta\.text\.hidden/],
    ["an unknown level", (t) => (t.level = "byte"), /meta\.text\.level/],
    ["a fractional minCount", (t) => (t.minCount = 1.5), /meta\.text\.minCount/],
    ["a negative seed", (t) => (t.seed = -1), /meta\.text\.seed/],
    ["stats with more truncated texts than texts", (t) => (t.stats.truncated = t.stats.texts + 1), /meta\.text\.stats\.truncated/],
    ["stats with a NaN-like count", (t) => (t.stats.tokens = 1e400), /meta\.text\.stats\.tokens/],
    ["a variational setting on a plain model", (t) => (t.variational = { beta: 1, klWarmupEpochs: 0, freeBits: 0 }), /meta\.text\.variational/],
  ];
  for (const [what, edit, message] of cases) {
    it(`${what}: CORRUPT_MODEL naming the field`, async () => {
      const r = await refusal(plain, edit);
      expect(r).toMatch(/^CORRUPT_MODEL: /);
      expect(r).toMatch(message);
    });
  }

  it("a VAE's prior: chol must stay null; a newer text version is UNSUPPORTED_VERSION", async () => {
    expect(await refusal(vae, (t) => (t.prior.chol = [1, 0, 0, 0, 1, 0, 0, 0, 1]))).toMatch(/^CORRUPT_MODEL: .*meta\.text\.prior\.chol must be null/);
    expect(await refusal(vae, (t) => (t.version = 2))).toMatch(/^UNSUPPORTED_VERSION: /);
    expect(await refusal(vae, (t) => (t.version = "1"))).toMatch(/^CORRUPT_MODEL: .*meta\.text\.version/);
    expect(await refusal(vae, () => {})).toBe("loaded");
  });

  it("a model trained on one text (every code alike) saves and loads: its code spread is floored above 0", async () => {
    const g = await text.train(["solo"], { epochs: 1, latent: 2, hidden: [8] });
    expect(g.sample(2)).toHaveLength(2);
    const again = await text.load(g.save());
    expect(again.variations("solo", 2)).toHaveLength(2);
    g.dispose();
    again.dispose();
  });
});
