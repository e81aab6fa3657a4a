// Issue #11 cause 1, the SDK's part: text defaults are capped at the documented limits, and
// text decoding splits its rows so that no core call returns more than the core's output
// limit (rows × length × vocabulary values). The cases that used to trap run in a child
// process (test/isolated.ts): a trap poisons every model of the instance.

import { describe, expect, it } from "vitest";
import { LatentkitError, text } from "../src/index.js";
import { MAX_OUTPUT } from "../src/limits.js";
import { chunkRows, type Decoder } from "../src/text/decoding.js";
import { expectRefused, isolated } from "./isolated.js";



describe("text models within the documented limits (#11 cause 1)", () => {
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


  it("an explicit maxLength over 4,096 is INVALID_OPTION naming it", async () => {
    const e = (await text.train(["abc"], { maxLength: 4097 }).catch((x: unknown) => x)) as LatentkitError;
    expect(e).toBeInstanceOf(LatentkitError);
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/^maxLength must be .*4096/);
  });

  it("decoding splits rows so each core call returns at most MAX_OUTPUT values", () => {
    const dec = (maxLength: number, vocab: number) => ({ maxLength, vocab: { size: vocab } }) as unknown as Decoder;
    expect(chunkRows(dec(4096, 1028))).toBe(Math.floor(MAX_OUTPUT / (4097 * 1028)));
    expect(chunkRows(dec(4096, 1028)) * 4097 * 1028).toBeLessThanOrEqual(MAX_OUTPUT);
    expect(chunkRows(dec(4095, 4096))).toBe(16); // the widest model: 2^24 values a row
    expect(chunkRows(dec(10, 30))).toBe(2048); // small models: the usual chunk
  });
});

describe("drawn codes stay finite", () => {
  it("a temperature or spread that overflows float32 is INVALID_OPTION naming it, not NON_FINITE_INPUT", async () => {
    const g = await text.train(["london", "paris", "rome"], { epochs: 1, latent: 2, hidden: [8] });
    const code = (f: () => unknown) => {
      try {
        f();
        return "ok";
      } catch (e) {
        return `${(e as LatentkitError).code}: ${(e as Error).message}`;
      }
    };
    expect(code(() => g.sample(3, { temperature: 1e300 }))).toMatch(/^INVALID_OPTION: temperature 1e\+300 draws latent codes beyond/);
    expect(code(() => g.variations("rome", 2, { spread: 1e300 }))).toMatch(/^INVALID_OPTION: spread 1e\+300/);
    expect(code(() => g.sample(3, { temperature: 2 }))).toBe("ok");
    g.dispose();
  });
});
