// A conditional text model's label guidance (`guidance` on decoding) and label adversary
// (`adversary` at training), and the defaults a plain conditional model gets (issue #13).

import { beforeAll, describe, expect, it } from "vitest";
import { init, LatentkitError, text, type TextGenerator } from "../src/index.js";
import { MAX_GUIDANCE } from "../src/text/labels.js";
import { WasmModel } from "../src/wasm.js";
import { syllableWords } from "./helpers.js";

const words = (n: number, cons: string, vows: string, seed: number) => syllableWords(n, cons, vows, seed, 0);

const LO = words(120, "bdgm", "ao", 1);
const HI = words(120, "kstz", "ei", 2);
const TEXTS = [...LO, ...HI];
const LABELS = [...LO.map(() => "lo"), ...HI.map(() => "hi")];
const loShare = (list: string[]) => list.filter((w) => w.length > 0 && [...w].every((c) => "bdgmao".includes(c))).length / list.length;

function invalid(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(LatentkitError);
    expect((err as LatentkitError).code).toBe("INVALID_OPTION");
    expect((err as LatentkitError).message).toMatch(pattern);
    return;
  }
  throw new Error(`no error (expected ${pattern})`);
}

let cond: TextGenerator;
let plain: TextGenerator;
beforeAll(async () => {
  await init();
  // the plain conditional defaults (latent 64, adversary 25), small otherwise
  cond = await text.train(TEXTS, { labels: LABELS, hidden: [64], epochs: 40, batchSize: 32, learningRate: 0.003, seed: 2, earlyStopping: false });
  plain = await text.train(TEXTS, { hidden: [32], epochs: 1, seed: 2 });
}, 120_000);

describe("a plain conditional model's defaults", () => {
  it("has a 64-wide code (32 without labels)", () => {
    expect(cond.config.latent).toBe(64);
    expect(plain.config.latent).toBe(32);
  });
});

describe("label guidance", () => {
  const held = words(30, "kstz", "ei", 9).filter((w) => !HI.includes(w));

  it("moves restyled texts towards the label as it grows; 0 restyles into the own label as a reconstruction", () => {
    const shares = [0, 2, 6].map((guidance) => loShare(cond.restyle(held, "lo", { from: "hi", guidance })));
    expect(shares[2]!).toBeGreaterThanOrEqual(shares[0]!);
    expect(shares[2]!).toBeGreaterThan(0.5);
    // the default is 6 for restyle and sample
    expect(cond.restyle(held, "lo", { from: "hi" })).toEqual(cond.restyle(held, "lo", { from: "hi", guidance: 6 }));
    expect(cond.sample(20, { label: "lo", seed: 3 })).toEqual(cond.sample(20, { label: "lo", seed: 3, guidance: 6 }));
    expect(cond.restyle(LO.slice(0, 10), "lo", { from: "lo", guidance: 0 })).toEqual(cond.reconstruct(LO.slice(0, 10), { label: "lo" }));
  });

  it("is 0 by default where the texts must come back: decode and interpolate", () => {
    const z = cond.encode(LO.slice(0, 5), { label: "lo" });
    expect(cond.decode(z, { label: "lo" })).toEqual(cond.decode(z, { label: "lo", guidance: 0 }));
    const path = cond.interpolate(LO[0]!, LO[1]!, 5, { label: "lo" });
    expect(path).toEqual(cond.interpolate(LO[0]!, LO[1]!, 5, { label: "lo", guidance: 0 }));
    expect(cond.variations(LO[0]!, 3, { label: "lo", guidance: 2 })).toHaveLength(3);
  });

  it("refuses what is not a guidance, and any guidance for a model without labels", () => {
    for (const bad of [-1, Number.NaN, Infinity, 100.5, "2"]) {
      invalid(() => cond.sample(2, { label: "lo", guidance: bad as number }), /guidance/);
      invalid(() => cond.restyle(["bada"], "hi", { from: "lo", guidance: bad as number }), /guidance/);
    }
    invalid(() => plain.sample(2, { guidance: 1 }), /guidance is for conditional models/);
    invalid(() => plain.decode(plain.encode(["ab"]), { guidance: 1 }), /guidance is for conditional models/);
    expect(plain.sample(2, { guidance: 0 })).toHaveLength(2);
  });

  it("takes guidance up to the core's own bound, which is the SDK's MAX_GUIDANCE", () => {
    // the SDK checks first; the core (decode::MAX_GUIDANCE) must take every value it lets through
    expect(cond.sample(2, { label: "lo", guidance: MAX_GUIDANCE })).toHaveLength(2);
    const h = WasmModel.fromBytes(cond.save());
    try {
      const code = new Float32Array(h.latentSize());
      expect(h.decode(code, 1, new Float32Array([0]), MAX_GUIDANCE).length).toBeGreaterThan(0);
      // and the core refuses just past it, so the two bounds are the same number
      expect(() => h.decode(code, 1, new Float32Array([0]), MAX_GUIDANCE + 0.5)).toThrow(/guidance must be a finite number in \[0, 100\]/);
    } finally {
      h.free();
    }
  });
});

describe("the label adversary option", () => {
  it("is refused without labels, for a VAE and out of range, before any training", async () => {
    const refuse = async (options: object, pattern: RegExp) => {
      const err = await text.train(TEXTS, options).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(LatentkitError);
      expect((err as LatentkitError).code).toBe("INVALID_OPTION");
      expect((err as LatentkitError).message).toMatch(pattern);
    };
    await refuse({ adversary: 5 }, /adversary is for plain conditional models/);
    await refuse({ adversary: 5, labels: LABELS, variational: true }, /adversary is for plain conditional models/);
    await refuse({ adversary: -1, labels: LABELS }, /adversary/);
    await refuse({ adversary: Number.NaN, labels: LABELS }, /adversary/);
  });

  it("changes the model (0 turns it off) and trains to the same bytes from the same seed", async () => {
    const options = { labels: LABELS.slice(100, 140), hidden: [16], latent: 4, epochs: 2, seed: 5, earlyStopping: false } as const;
    const few = TEXTS.slice(100, 140);
    const [a, b, off] = [await text.train(few, options), await text.train(few, options), await text.train(few, { ...options, adversary: 0 })];
    expect(a.save()).toEqual(b.save());
    expect(a.save()).not.toEqual(off.save());
  });
});
