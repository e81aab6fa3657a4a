// Property-based tests (fast-check) of the text API's inputs (issue #11): strings of every
// Unicode category (lone surrogates, combining marks, emoji sequences, CJK, right-to-left,
// control and format characters, noncharacters), corpora of them, option values in and out of
// range, codes of every shape. Property: a right result, or a LatentkitError with a documented
// code; the generator unchanged afterwards. Seeded as test/properties/common.ts says.

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, text, type TextGenerator } from "../src/index.js";
import { wellFormed } from "../src/text/tokenizer.js";
import { bitEqual } from "./helpers.js";
import { matrixInput, outcome, propertyRun as run } from "./properties/common.js";

const CATEGORIES: Record<string, string[]> = {
  ascii: ["a", "Z", "7", ".", "'", "-", "!"],
  latin: ["é", "ñ", "ß", "Ø", "İ", "ﬁ"],
  combining: ["e\u0301", "\u0301", "\u20DD", "a\u0308\u0323"],
  emoji: ["😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "\u{1F9D1}\u200D\u{1F680}"],
  cjk: ["漢", "字", "한", "の", "\u{20000}"],
  rtl: ["ש", "م", "שלום", "\u200F", "\u202E", "\u0661"],
  control: ["\u0000", "\u0007", "\t", "\n", "\r", "\u007F", "\u0085", "\u001B"],
  format: ["\u200B", "\u200D", "\uFEFF", "\u2028", "\u2029", "\u00AD"],
  noncharacter: ["\uFFFE", "\uFFFF", "\u{10FFFF}", "\uFDD0"],
  surrogate: ["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDFFF\uD800"],
  privateUse: ["\uE000", "\u{F0000}"],
  space: [" ", "\u00A0", "\u3000", "\u2003"],
};

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.values(CATEGORIES).flat()) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
const anyText = fc.array(unit, { maxLength: 12 }).map((u) => u.join(""));
const isWellFormed = (s: string) => wellFormed(s) === s;
const CITIES = ["london", "paris", "berlin", "madrid", "vienna", "prague", "rome", "oslo", "dublin", "riga"];

let gens: TextGenerator[];
let probes: Float32Array[];

beforeAll(async () => {
  gens = [
    await text.train(CITIES, { epochs: 2, latent: 3, hidden: [8], seed: 1 }),
    await text.train(CITIES, { epochs: 2, latent: 3, hidden: [8], context: 0, variational: true, seed: 2 }),
    await text.train(["the old man", "a new day", "we go home"], { level: "word", epochs: 2, latent: 2, hidden: [8], seed: 3 }),
  ];
  probes = gens.map((g) => g.encode(CITIES).data);
});

afterAll(() => gens.forEach((g) => g.dispose()));

const unchanged = (i: number) => expect(bitEqual(gens[i]!.encode(CITIES).data, probes[i]!), "the generator changed").toBe(true);

describe("texts of every Unicode category", () => {
  it("encode, reconstruct, evaluate and score: right results, the same as for the U+FFFD-replaced texts", () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 5 }), fc.nat(2), (texts, i) => {
        const g = gens[i]!;
        const z = g.encode(texts);
        expect([z.rows, z.cols]).toEqual([texts.length, g.latentSize]);
        expect(z.data.every((v) => Number.isFinite(v))).toBe(true);
        expect(bitEqual(z.data, g.encode(texts.map(wellFormed)).data)).toBe(true);
        const back = g.reconstruct(texts);
        expect(back.length === texts.length && back.every(isWellFormed)).toBe(true);
        const ev = g.evaluate(texts);
        expect(ev.exactMatch >= 0 && ev.exactMatch <= 1 && ev.tokenAccuracy >= 0 && ev.tokenAccuracy <= 1 && Number.isFinite(ev.loss)).toBe(true);
        expect(g.score(texts).every((v) => Number.isFinite(v))).toBe(true);
        unchanged(i);
      }),
      run(150),
    );
  });

  it("interpolate and variations: texts, or INVALID_OPTION for an empty text", () => {
    fc.assert(
      fc.property(anyText, anyText, fc.nat(2), (a, b, i) => {
        const g = gens[i]!;
        let path: string[] | undefined;
        const e = outcome(() => (path = g.interpolate(a, b, 3)));
        if (e) expect([e.code, a === "" || b === ""]).toEqual(["INVALID_OPTION", true]);
        else expect(path!.length === 3 && path!.every(isWellFormed)).toBe(true);
        const near = g.variations(a, 2);
        expect(near.length === 2 && near.every(isWellFormed)).toBe(true);
        unchanged(i);
      }),
      run(100),
    );
  });

  it("text.train on corpora of them: a generator that saves and loads bit for bit, or EMPTY_DATA", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyText, { maxLength: 8 }),
        fc.record({ level: fc.constantFrom("char", "word"), lowercase: fc.boolean(), context: fc.constantFrom(0, 3), variational: fc.boolean() }),
        async (corpus, o) => {
          let g: TextGenerator;
          try {
            g = await text.train(corpus, { ...o, epochs: 1, latent: 2, hidden: [4], seed: 9 } as never);
          } catch (e) {
            expect(e).toBeInstanceOf(LatentkitError);
            expect((e as LatentkitError).code, (e as Error).message).toBe("EMPTY_DATA");
            return;
          }
          const again = await text.load(g.save());
          expect(again.vocabulary.every(isWellFormed)).toBe(true);
          expect(again.vocabulary).toEqual(g.vocabulary);
          expect(bitEqual(again.encode(corpus).data, g.encode(corpus).data)).toBe(true);
          expect(again.sample(2).every(isWellFormed)).toBe(true);
          g.dispose();
          again.dispose();
        },
      ),
      run(40),
    );
  });
});

describe("text.train() options in and out of range", () => {
  const TRAIN: Record<string, unknown[]> = {
    maxLength: [1, 6, 4096, 0, 4097, 1.5, "6"],
    latent: [1, 2, 0, 4097, -1],
    hidden: [[4], [], [0], [65537], new Array(31).fill(2), "8"],
    context: [0, 3, 8, -1, 9, 2.5],
    minCount: [1, 2, 0, -1, 1.5],
    noise: [0.1, 0, 1, -0.1, { mask: 0.2, context: 0.3 }, { bogus: 1 }, "x"],
    level: ["char", "word", "byte"],
    variational: [true, { beta: 0.5 }, { beta: -1 }, "yes"],
    epochs: [1, 0, 2.5],
    learningRate: [1e-3, 0, -1, NaN],
    batchSize: [1, 0, 65537],
    unknownOption: [1],
  };
  const trainOptions = fc.dictionary(fc.constantFrom(...Object.keys(TRAIN)), fc.nat(), { maxKeys: 3 }).map((d) => {
    const o: Record<string, unknown> = { epochs: 1, latent: 2, hidden: [4] };
    for (const [k, i] of Object.entries(d)) o[k] = TRAIN[k]![i % TRAIN[k]!.length];
    return o;
  });

  it("text.train(): INVALID_OPTION, or a generator", async () => {
    await fc.assert(
      fc.asyncProperty(trainOptions, async (o) => {
        try {
          (await text.train(CITIES.slice(0, 4), o as never)).dispose();
        } catch (e) {
          expect(e).toBeInstanceOf(LatentkitError);
          expect((e as LatentkitError).code, (e as Error).message).toBe("INVALID_OPTION");
        }
      }),
      run(120),
    );
  });

});

describe("method arguments and options in and out of range", () => {
  const N = [1, 2, 0, -1, 1.5, 1_000_001, NaN, "2"];
  const SAMPLE: Record<string, unknown[]> = {
    temperature: [0, 1, 2.5, -1, NaN, Infinity],
    seed: [0, 7, Number.MAX_SAFE_INTEGER, 2 ** 53, -1, 0.5],
    tokenTemperature: [0, 1, -1, NaN],
    refine: [0, 1, 101, -1],
    prior: ["gaussian", "mixture", "foo"],
    bogus: [1],
  };
  const sampleOptions = fc.dictionary(fc.constantFrom(...Object.keys(SAMPLE)), fc.nat(), { maxKeys: 3 }).map((d) => {
    const o: Record<string, unknown> = {};
    for (const [k, i] of Object.entries(d)) o[k] = SAMPLE[k]![i % SAMPLE[k]!.length];
    return o;
  });

  it("sample(): n texts, or INVALID_OPTION / INVALID_STATE; the generator unchanged", () => {
    fc.assert(
      fc.property(fc.constantFrom(...N), sampleOptions, fc.nat(2), (n, o, i) => {
        let out: string[] | undefined;
        const e = outcome(() => (out = gens[i]!.sample(n as number, o as never)));
        if (e) expect(["INVALID_OPTION", "INVALID_STATE"]).toContain(e.code);
        else expect(out!.length === n && out!.every(isWellFormed)).toBe(true);
        unchanged(i);
      }),
      run(200),
    );
  });

  it("interpolate steps, variations n and spread, onLongText: results, or INVALID_OPTION at and past each limit", () => {
    const steps = fc.constantFrom<unknown>(2, 3, 1, 0, 10_001, 2.5, NaN, "3");
    const n = fc.constantFrom<unknown>(1, 3, 0, -1, 10_001, 1.5);
    const spread = fc.constantFrom<unknown>(undefined, 0.5, 2, 0, -1, NaN, Infinity);
    const policy = fc.constantFrom<unknown>(undefined, "truncate", "error", "x");
    fc.assert(
      fc.property(steps, n, spread, policy, anyText, fc.nat(2), (st, k, sp, pol, t, i) => {
        const g = gens[i]!;
        const long = new Array(g.maxLength + 1).fill("x").join(" ") + t; // too long at both levels
        let out: unknown[] | undefined;
        let e = outcome(() => (out = g.interpolate("paris", "rome", st as number)));
        if (e) expect(e.code).toBe("INVALID_OPTION");
        else expect(out!.length).toBe(st);
        e = outcome(() => (out = g.variations(t, k as number, sp === undefined ? {} : { spread: sp as number })));
        if (e) expect(e.code).toBe("INVALID_OPTION");
        else expect(out!.length).toBe(k);
        e = outcome(() => (out = g.reconstruct([long], pol === undefined ? {} : { onLongText: pol as never })));
        expect(e?.code ?? "ok").toBe(pol === "error" || pol === "x" ? "INVALID_OPTION" : "ok");
        unchanged(i);
      }),
      run(120),
    );
  });

  it("decode(): codes of every shape and value give one text a row, or a documented input error", () => {
    fc.assert(
      fc.property(fc.nat(2), fc.constantFrom<unknown>(undefined, { temperature: 1, seed: 3 }, { temperature: -1 }, { seed: NaN }), (i, o) =>
        fc.assert(
          fc.property(matrixInput(gens[i]!.latentSize), ({ input, valid }) => {
            let out: string[] | undefined;
            const e = outcome(() => (out = gens[i]!.decode(input as never, o as never)));
            if (valid && (o === undefined || (o as { seed?: number }).seed === 3)) expect(e?.message).toBeUndefined();
            if (e) expect(["SHAPE_MISMATCH", "NON_FINITE_INPUT", "EMPTY_DATA", "INVALID_OPTION"]).toContain(e.code);
            else expect(out!.every(isWellFormed)).toBe(true);
          }),
          run(25),
        ),
      ),
      run(12),
    );
  });
});
