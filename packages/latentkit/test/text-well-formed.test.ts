// Ill-formed strings (unpaired UTF-16 surrogates) in the text API: replaced with U+FFFD at
// train, encode, evaluate and decode time, so a model that trained can always be saved and
// loaded (issue #11, cause 3).
import { beforeAll, describe, expect, it } from "vitest";
import { text, type TextGenerator } from "../src/index.js";
import { tokenize, wellFormed } from "../src/text/tokenizer.js";
import { bitEqual, rng } from "./helpers.js";

const isWellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe("wellFormed()", () => {
  it("replaces each unpaired surrogate with U+FFFD and keeps pairs", () => {
    expect(wellFormed("\uD800abc")).toBe("\uFFFDabc");
    expect(wellFormed("abc\uDC00")).toBe("abc\uFFFD");
    expect(wellFormed("\uDC00\uD800")).toBe("\uFFFD\uFFFD"); // reversed pair: two lone halves
    expect(wellFormed("\uD83D\uDE00")).toBe("😀");
    expect(wellFormed("\uD83D\uD83D\uDE00")).toBe("\uFFFD😀");
    const s = "plain ascii";
    expect(wellFormed(s)).toBe(s);
  });

  it("matches String.prototype.toWellFormed on random UTF-16 (the fallback for Node 18 too)", () => {
    const u = rng(11);
    const units = [0x61, 0x20, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00, 0xfffd, 0xe9];
    const native = (String.prototype as { toWellFormed?: () => string }).toWellFormed;
    for (let i = 0; i < 500; i++) {
      const len = Math.floor(u() * 8);
      const str = String.fromCharCode(...Array.from({ length: len }, () => units[Math.floor(u() * units.length)]!));
      const got = wellFormed(str);
      expect(isWellFormed(got), JSON.stringify(str)).toBe(true);
      if (native) expect(got, JSON.stringify(str)).toBe(native.call(str));
      // the regular-expression path used where toWellFormed is missing
      expect(str.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")).toBe(got);
    }
  });

  it("tokenize() sees U+FFFD at both levels, with or without lowercase", () => {
    expect(tokenize("\uD800Ab", "char", true)).toEqual(["\uFFFD", "a", "b"]);
    expect(tokenize("ab \uDC00 cd", "word", false)).toEqual(["ab", "\uFFFD", "cd"]);
  });
});

describe("a text model trained on lone surrogates", () => {
  let gen: TextGenerator;
  beforeAll(async () => {
    gen = await text.train(["\uD800abc", "abc"], { epochs: 1 });
  });

  it("saves and loads (the reproduction of issue #11, cause 3)", async () => {
    const again = await text.load(gen.save());
    expect(again.vocabulary).toContain("\uFFFD");
    expect(again.vocabulary.every(isWellFormed)).toBe(true);
    expect(bitEqual(again.encode(["\uD800abc"]).data, gen.encode(["\uD800abc"]).data)).toBe(true);
    again.dispose();
  });

  it("encodes a lone surrogate exactly as U+FFFD, and every output is well-formed", () => {
    const a = gen.encode(["\uD800abc", "x\uDFFF"]);
    const b = gen.encode(["\uFFFDabc", "x\uFFFD"]);
    expect(bitEqual(a.data, b.data)).toBe(true);
    expect(gen.evaluate(["\uD800abc"])).toEqual(gen.evaluate(["\uFFFDabc"]));
    expect(gen.reconstruct(["\uDBFFabc"])).toEqual(gen.reconstruct(["\uFFFDabc"]));
    for (const s of [...gen.sample(20, { tokenTemperature: 1 }), ...gen.decode(a), ...gen.interpolate("\uD800", "abc", 3)]) {
      expect(isWellFormed(s), JSON.stringify(s)).toBe(true);
    }
  });

  it("word-level models too", async () => {
    const g = await text.train(["ab \uDC00 cd", "ab cd"], { level: "word", epochs: 1, latent: 2, hidden: [4] });
    const again = await text.load(g.save());
    expect(again.vocabulary).toContain("\uFFFD");
    g.dispose();
    again.dispose();
  });
});
