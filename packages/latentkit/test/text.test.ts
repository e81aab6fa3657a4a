// The text API: tokenisers, vocabulary, training, sampling, interpolation, variations,
// save/load, evaluate and report, against the real WebAssembly core.

import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { init, LatentkitError, text, train as trainNumeric, load as loadNumeric, type TextGenerator, type TextTrainingError } from "../src/index.js";
import { TextGenerator as TextGeneratorClass } from "../src/text/generator.js";
import { detExp, detLog, Random } from "../src/text/random.js";
import { fitMixture } from "../src/text/mixture.js";
import { Slices } from "../src/yield.js";
import { WasmModel } from "../src/wasm.js";
import { buildVocabulary, detokenize, percentile, tokenize } from "../src/text/tokenizer.js";
import { rng } from "./helpers.js";

/** 300 distinct pronounceable synthetic words (seeded), 3 to 8 letters. */
function syntheticWords(n: number, seed: number): string[] {
  const u = rng(seed);
  const cons = "bcdfghklmnprstvz";
  const vows = "aeiou";
  const out = new Set<string>();
  while (out.size < n) {
    const syll = 2 + Math.floor(u() * 3);
    let w = "";
    for (let s = 0; s < syll; s++) {
      w += cons[Math.floor(u() * cons.length)]! + vows[Math.floor(u() * vows.length)]!;
      if (u() < 0.2) w += cons[Math.floor(u() * cons.length)]!;
    }
    out.add(w.slice(0, 8));
  }
  return [...out];
}

const WORDS = syntheticWords(300, 5);
let plain: TextGenerator;
let vae: TextGenerator;

beforeAll(async () => {
  await init();
  // Exactly 60 epochs on every word (earlyStopping: false): these fixtures are about what a
  // model that has learnt its corpus does, not about when training stops.
  plain = await text.train(WORDS, { latent: 16, hidden: [128], epochs: 60, batchSize: 32, seed: 3, earlyStopping: false });
  vae = await text.train(WORDS, {
    latent: 16,
    hidden: [128],
    epochs: 60,
    earlyStopping: false,
    batchSize: 32,
    // a VAE of this size learns within its 60 epochs at 2e-3 (the text default is 5e-4)
    learningRate: 2e-3,
    seed: 3,
    variational: { beta: 0.5, klWarmupEpochs: 20, freeBits: 0.1 },
  });
});

afterAll(() => {
  plain?.dispose();
  vae?.dispose();
});

describe("tokenizers", () => {
  it("char level splits code points, so accents and emoji survive", () => {
    const s = "Café 🎉 naïve — Ωμέγα 👩‍👩‍👧";
    const toks = tokenize(s, "char", false);
    expect(toks).toEqual(Array.from(s));
    expect(toks).toContain("🎉");
    expect(detokenize(toks, "char")).toBe(s);
    expect(tokenize("ÉCOLE", "char", true)).toEqual(["é", "c", "o", "l", "e"]);
  });

  it("word level splits punctuation off and joins it back", () => {
    const s = "Hello, world! It's a well-known fact (really): 42 cats.";
    const toks = tokenize(s, "word", false);
    expect(toks).toEqual(["Hello", ",", "world", "!", "It's", "a", "well-known", "fact", "(", "really", ")", ":", "42", "cats", "."]);
    expect(detokenize(toks, "word")).toBe(s);
    expect(tokenize("Déjà Vu!", "word", true)).toEqual(["déjà", "vu", "!"]);
    expect(detokenize(tokenize("  spaced   out  ", "word", false), "word")).toBe("spaced out");
  });

  it("builds a deterministic vocabulary: specials, then by count, ties by code point", () => {
    const toks = [["b", "a", "😀", "\uE000"], ["a", "b", "😀", "\uE000", "c", "c", "c"]];
    const v = buildVocabulary(toks, 1);
    // U+E000 sorts before U+1F600 by code point (UTF-16 order would put the emoji first).
    expect(v).toEqual(["<pad>", "<end>", "<mask>", "<unk>", "c", "a", "b", "\uE000", "😀"]);
    expect(buildVocabulary([...toks].reverse(), 1)).toEqual(v);
    expect(buildVocabulary(toks, 3)).toEqual(["<pad>", "<end>", "<mask>", "<unk>", "c"]);
  });

  it("percentile is the nearest rank", () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([3], 99)).toBe(3);
  });
});

describe("deterministic randomness", () => {
  it("detLog/detExp agree with Math.log/Math.exp to ~1e-15", () => {
    for (const x of [1e-300, 1e-30, 0.001, 0.3, 0.5, 0.9999, 1, 1.5, 2, 7.7, 1e10, 1e300, 5e-324]) {
      expect(Math.abs(detLog(x) - Math.log(x))).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(Math.log(x))));
    }
    for (const x of [-700, -50, -1, -1e-9, 0, 0.3, 1, 20, 700]) {
      expect(Math.abs(detExp(x) - Math.exp(x)) / Math.exp(x)).toBeLessThan(1e-14);
    }
    expect(detLog(0)).toBe(-Infinity);
    expect(detExp(-1000)).toBe(0);
  });

  it("Random is seeded and standard normal", () => {
    const a = new Random(7);
    const b = new Random(7);
    const xs = Array.from({ length: 20000 }, () => a.normal());
    expect(Array.from({ length: 20000 }, () => b.normal())).toEqual(xs);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(new Random(8).uniform()).not.toBe(new Random(7).uniform());
  });
});

describe("text.train (char level)", () => {
  it("learns to reconstruct the corpus", () => {
    const ev = plain.evaluate(WORDS);
    expect(ev.exactMatch).toBeGreaterThan(0.5);
    expect(ev.tokenAccuracy).toBeGreaterThan(0.8);
    expect(ev.exactMatch).toBeLessThanOrEqual(1);
    expect(ev.tokenAccuracy).toBeLessThanOrEqual(1);
    expect(ev.loss).toBeGreaterThan(0);
    const vev = vae.evaluate(WORDS);
    expect(vev.exactMatch).toBeGreaterThan(0.1);
    expect(vev.tokenAccuracy).toBeGreaterThanOrEqual(0);
    expect(vev.tokenAccuracy).toBeLessThanOrEqual(1);
    const rec = plain.reconstruct(WORDS.slice(0, 50));
    expect(rec.filter((r, i) => r === WORDS[i]).length / 50).toBeCloseTo(
      plain.evaluate(WORDS.slice(0, 50)).exactMatch,
      10,
    );
  });

  it("exposes its settings, vocabulary, stats and history", () => {
    expect(plain.config).toMatchObject({ level: "char", lowercase: false, minCount: 1, latent: 16, hidden: [128], variational: null, seed: 3 });
    expect(vae.config.variational).toEqual({ beta: 0.5, klWarmupEpochs: 20, freeBits: 0.1 });
    expect(plain.variational).toBe(false);
    expect(vae.variational).toBe(true);
    expect(plain.vocabulary.slice(0, 4)).toEqual(["<pad>", "<end>", "<mask>", "<unk>"]);
    expect(plain.vocabulary.length).toBe(4 + 21);
    expect(plain.config.vocabularySize).toBe(25);
    expect(plain.stats.texts).toBe(300);
    expect(plain.stats.longest).toBe(8);
    expect(plain.maxLength).toBe(percentile(WORDS.map((w) => w.length), 99));
    expect(plain.history.length).toBe(60);
    expect(plain.history[59]!.loss).toBeLessThan(plain.history[0]!.loss);
  });

  it("encodes to codes and decodes them back", () => {
    const z = plain.encode(WORDS.slice(0, 10));
    expect([z.rows, z.cols, z.data.length]).toEqual([10, 16, 160]);
    expect(plain.decode(z)).toEqual(plain.reconstruct(WORDS.slice(0, 10)));
    const zv = vae.encode(["kalo"]);
    expect(zv.cols).toBe(16);
    // Sampled decoding is seeded.
    const a = plain.decode(z, { temperature: 1, seed: 5 });
    expect(plain.decode(z, { temperature: 1, seed: 5 })).toEqual(a);
    const many = Array.from({ length: 6 }, (_, s) => plain.decode(z, { temperature: 2, seed: s }).join("|"));
    expect(new Set(many).size).toBeGreaterThan(1);
  });

  it("samples reproducibly, and temperature narrows the draws", () => {
    for (const gen of [plain, vae]) {
      const s = gen.sample(40);
      expect(s).toHaveLength(40);
      expect(s.every((x) => typeof x === "string")).toBe(true);
      expect(gen.sample(40)).toEqual(s);
      expect(gen.sample(40, { seed: 1 })).not.toEqual(s);
      expect(gen.sample(40, { seed: 9, tokenTemperature: 0.8 })).toEqual(gen.sample(40, { seed: 9, tokenTemperature: 0.8 }));
      // Decoding runs in chunks of 2048 rows; the draws continue across chunks.
      const big = gen.sample(2100, { seed: 9, tokenTemperature: 0.8 });
      expect(big.slice(0, 40)).toEqual(gen.sample(40, { seed: 9, tokenTemperature: 0.8 }));
      expect(gen.reconstruct(Array.from({ length: 8 }, () => WORDS).flat()).slice(2100, 2110)).toEqual(
        gen.reconstruct(WORDS.slice(0, 10)),
      );
      expect(gen.sample(20, { refine: 2 })).toEqual(gen.reconstruct(gen.reconstruct(gen.sample(20))));
      const cold = gen.sample(40, { temperature: 0 });
      expect(new Set(cold).size).toBe(1); // every draw is the prior's mean
      expect(new Set(gen.sample(40, { temperature: 0.3 })).size).toBeLessThanOrEqual(new Set(s).size);
    }
  });

  it("interpolates with both ends included", () => {
    const [a, b] = [WORDS[0]!, WORDS[1]!];
    for (const gen of [plain, vae]) {
      const path = gen.interpolate(a, b, 7);
      expect(path).toHaveLength(7);
      const [ra, rb] = gen.reconstruct([a, b]);
      expect(path[0]).toBe(ra);
      expect(path[6]).toBe(rb);
      expect(gen.interpolate(a, b, 7)).toEqual(path);
      expect(gen.interpolate(a, b, 2)).toEqual([ra, rb]);
    }
  });

  it("makes distinct, reproducible variations", () => {
    for (const gen of [plain, vae]) {
      const v = gen.variations(WORDS[2]!, 5);
      expect(v).toHaveLength(5);
      expect(new Set(v).size).toBe(5);
      expect(v).not.toContain(WORDS[2]);
      expect(gen.variations(WORDS[2]!, 5)).toEqual(v);
      expect(gen.variations(WORDS[2]!, 5, { seed: 4, spread: 2 })).toHaveLength(5);
    }
  });

  it("moves texts along a latent direction", () => {
    const d = plain.direction(WORDS.slice(0, 20), WORDS.slice(20, 40));
    expect(d).toBeInstanceOf(Float32Array);
    expect(d.length).toBe(16);
    expect(plain.shift(WORDS.slice(0, 3), d, 0)).toEqual(plain.reconstruct(WORDS.slice(0, 3)));
    expect(plain.shift(WORDS.slice(0, 3), d, 1.5)).toHaveLength(3);
  });

  it("scores texts", () => {
    const s = plain.score(["kalo", "zzzzzzzz"]);
    expect(s).toBeInstanceOf(Float32Array);
    expect(s.length).toBe(2);
  });

  it("saves one self-contained file that loads back identical", async () => {
    for (const gen of [plain, vae]) {
      const bytes = gen.save();
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.compare(gen.save(), bytes)).toBe(0); // no timings in the file
      const again = await text.load(bytes);
      expect(again.sample(30)).toEqual(gen.sample(30));
      expect(again.sample(30, { temperature: 0.5, seed: 3, tokenTemperature: 0.7 })).toEqual(
        gen.sample(30, { temperature: 0.5, seed: 3, tokenTemperature: 0.7 }),
      );
      expect(again.vocabulary).toEqual(gen.vocabulary);
      expect(again.config).toEqual(gen.config);
      expect(again.stats).toEqual(gen.stats);
      expect(again.history.map((r) => r.loss)).toEqual(gen.history.map((r) => r.loss));
      expect(again.variations(WORDS[3]!, 3)).toEqual(gen.variations(WORDS[3]!, 3));
      expect(again.evaluate(WORDS.slice(0, 30))).toEqual(gen.evaluate(WORDS.slice(0, 30)));
      expect(Buffer.compare(again.save(), bytes)).toBe(0);
      again.dispose();
      // ArrayBuffer input works too.
      const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      (await text.load(ab)).dispose();
    }
  });
});

describe("vocabulary limits and lengths", () => {
  it("maps rare and unseen tokens to <unk>, and evaluate/reconstruct still work", async () => {
    const corpus = [...WORDS.slice(0, 100), "kalóx", "qwy"];
    const gen = await text.train(corpus, { minCount: 2, latent: 8, hidden: [32], epochs: 2, seed: 1 });
    expect(gen.vocabulary).not.toContain("ó");
    expect(gen.vocabulary).not.toContain("q");
    expect(gen.stats.unknownTokens).toBeGreaterThanOrEqual(4);
    const ev = gen.evaluate(["kalóx", "ÆØÅ", "😀"]);
    expect(ev.exactMatch).toBeGreaterThanOrEqual(0);
    expect(ev.tokenAccuracy).toBeGreaterThanOrEqual(0);
    expect(ev.tokenAccuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(ev.loss)).toBe(true);
    expect(gen.reconstruct(["ÆØÅ 😀"])).toHaveLength(1);
    expect(gen.encode(["😀"]).rows).toBe(1);
    gen.dispose();
  });

  it("defaults maxLength to the 99th percentile and truncates longer texts", async () => {
    const corpus = Array.from({ length: 100 }, (_, i) => "ab".repeat(i + 1).slice(0, i + 1)); // lengths 1..100
    const gen = await text.train(corpus, { latent: 4, hidden: [16], epochs: 1 });
    expect(gen.maxLength).toBe(99);
    expect(gen.stats.truncated).toBe(1);
    expect(gen.stats.longest).toBe(100);
    gen.dispose();

    const short = await text.train(corpus, { maxLength: 5, latent: 4, hidden: [16], epochs: 1 });
    expect(short.maxLength).toBe(5);
    expect(short.stats.truncated).toBe(95);
    // Encoding a long text truncates by default, refuses with onLongText "error".
    expect(short.encode(["abababab"]).data).toEqual(short.encode(["ababa"]).data);
    expect(() => short.encode(["abababab"], { onLongText: "error" })).toThrow(/maxLength of 5/);
    expect(() => short.evaluate(["abababab"], { onLongText: "error" })).toThrow(LatentkitError);
    expect(short.encode(["ababa"], { onLongText: "error" }).rows).toBe(1);
    expect(() => short.encode(["ab"], { onLongText: "cut" as never })).toThrow(/onLongText/);
    for (const s of short.sample(20)) expect(Array.from(s).length).toBeLessThanOrEqual(5);
    short.dispose();
  });
});

describe("large corpora", () => {
  it("handles 150,000 texts (no argument-spreading limits)", async () => {
    const corpus = Array.from({ length: 150_000 }, (_, i) => "abc".slice(0, 1 + (i % 3)));
    const gen = await text.train(corpus, { latent: 2, hidden: [4], epochs: 1, batchSize: 4096 });
    expect(gen.stats.texts).toBe(150_000);
    expect(gen.stats.longest).toBe(3);
    gen.dispose();
  });
});

describe("word level", () => {
  it("trains on sentences and round-trips words and punctuation", async () => {
    const subjects = ["the cat", "a dog", "my friend", "the bird"];
    const verbs = ["sees", "likes", "finds"];
    const objects = ["the ball.", "a tree!", "the red car.", "some food?"];
    const corpus: string[] = [];
    for (const s of subjects) for (const v of verbs) for (const o of objects) corpus.push(`${s} ${v} ${o}`);
    const gen = await text.train(corpus, { level: "word", lowercase: true, latent: 12, hidden: [64], epochs: 80, batchSize: 16, seed: 2 });
    expect(gen.config.level).toBe("word");
    expect(gen.vocabulary).toContain(".");
    expect(gen.vocabulary).toContain("cat");
    expect(gen.maxLength).toBe(7); // "the cat sees the red car ."
    const ev = gen.evaluate(corpus);
    expect(ev.exactMatch).toBeGreaterThan(0.3);
    expect(gen.reconstruct(["The cat sees the ball."])[0]).toMatch(/^[a-z]/);
    expect(gen.reconstruct(["the cat sees zebras."])[0]).toBeTypeOf("string"); // "zebras" is <unk>
    expect(gen.sample(5)).toHaveLength(5);
    const loaded = await text.load(gen.save());
    expect(loaded.sample(10)).toEqual(gen.sample(10));
    loaded.dispose();
    gen.dispose();
  });
});

describe("context (autoregressive decoder)", () => {
  it("defaults to 3; context 0 decodes every position independently; both save and load", async () => {
    expect(plain.config.context).toBe(3);
    const flat = await text.train(WORDS, { latent: 16, hidden: [64], epochs: 20, seed: 3, context: 0 });
    const ar = await text.train(WORDS, { latent: 16, hidden: [64], epochs: 20, seed: 3, context: 1 });
    expect(flat.config.context).toBe(0);
    expect(ar.config.context).toBe(1);
    for (const gen of [flat, ar]) {
      const again = await text.load(gen.save());
      expect(again.config.context).toBe(gen.config.context);
      expect(again.sample(30, { seed: 4, tokenTemperature: 0.7 })).toEqual(gen.sample(30, { seed: 4, tokenTemperature: 0.7 }));
      expect(again.reconstruct(WORDS.slice(0, 20))).toEqual(gen.reconstruct(WORDS.slice(0, 20)));
      again.dispose();
    }
    // The same seeds give other weights and other texts once the decoder sees context.
    expect(ar.sample(30, { seed: 4 })).not.toEqual(flat.sample(30, { seed: 4 }));
    flat.dispose();
    ar.dispose();
  });

  it("sampling a context model draws each token after the ones before it, within maxLength", () => {
    const s = plain.sample(200, { seed: 5, tokenTemperature: 1 });
    for (const t of s) expect(Array.from(t).length).toBeLessThanOrEqual(plain.maxLength);
    // temperature 0 is the core's greedy path
    expect(plain.decode(plain.encode(WORDS.slice(0, 30)))).toEqual(plain.reconstruct(WORDS.slice(0, 30)));
    expect(new Set(s).size).toBeGreaterThan(150);
  });
});

describe("mixture prior", () => {
  it("fits seeded k-means clusters with their spread, the same every time", async () => {
    // 600 codes in 3 tight blobs of 2 dimensions
    const u = rng(4);
    const centres = [[-5, 0], [5, 0], [0, 8]];
    const codes = new Float32Array(600 * 2);
    for (let i = 0; i < 600; i++) {
      const c = centres[i % 3]!;
      codes[2 * i] = c[0]! + 0.1 * (u() - 0.5);
      codes[2 * i + 1] = c[1]! + 0.1 * (u() - 0.5);
    }
    const m = await fitMixture(codes, 600, 2, 7, new Slices());
    expect(m.weights).toHaveLength(6); // one component per 100 codes
    expect(m.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(m.means).toHaveLength(12);
    expect(m.stds.every((s) => s > 0 && s < 0.2)).toBe(true);
    // every component sits on one of the blobs
    for (let c = 0; c < 6; c++) {
      const [x, y] = [m.means[2 * c]!, m.means[2 * c + 1]!];
      expect(Math.min(...centres.map(([a, b]) => Math.hypot(x - a!, y - b!)))).toBeLessThan(0.1);
    }
    expect(await fitMixture(codes, 600, 2, 7, new Slices())).toEqual(m);
  });

  it("samples reproducibly from the fitted mixture, also after save and load", async () => {
    for (const gen of [plain, vae]) {
      const s = gen.sample(50, { prior: "mixture", seed: 2 });
      expect(s).toHaveLength(50);
      expect(gen.sample(50, { prior: "mixture", seed: 2 })).toEqual(s);
      expect(gen.sample(50, { prior: "gaussian", seed: 2 })).toEqual(gen.sample(50, { seed: 2 }));
      const again = await text.load(gen.save());
      expect(again.sample(50, { prior: "mixture", seed: 2 })).toEqual(s);
      again.dispose();
    }
    expect(code(() => plain.sample(3, { prior: "uniform" as never }))).toMatch(/INVALID_OPTION: prior must be one of "gaussian", "mixture"/);
  });

  it("refuses a damaged mixture in a file, and says so when a file has none", async () => {
    const h = WasmModel.fromBytes(plain.save());
    const meta = JSON.parse(h.metaJson()) as { text: { prior: { mixture?: { stds: number[] } } } };
    meta.text.prior.mixture!.stds[0] = -1;
    const damaged = h.toBytes(JSON.stringify(meta));
    delete meta.text.prior.mixture;
    const older = h.toBytes(JSON.stringify(meta));
    h.free();
    expect(await codeAsync(text.load(damaged))).toMatch(/^CORRUPT_MODEL: .*meta\.text\.prior\.mixture\.stds\[0\] is number -1/);
    const gen = await text.load(older);
    expect(gen.sample(3)).toHaveLength(3);
    expect(code(() => gen.sample(3, { prior: "mixture" }))).toMatch(/^INVALID_STATE: .*no mixture prior/);
    gen.dispose();
  });
});

describe("text.preload", () => {
  it("loads the generator once; afterwards text.train() rejects bad options before the next event-loop turn", async () => {
    await expect(text.preload()).resolves.toBeUndefined();
    await text.preload();
    const training = text.train(["abc"], { latent: 0 });
    let settled = false;
    training.catch(() => (settled = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(true);
    await expect(training).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringMatching(/latent/) });
  });
});

describe("text.report", () => {
  it("computes uniqueness, novelty and inReference", () => {
    const r = text.report(["abc", "abc", "xyz", "new", "cat"], { training: ["cat", "dog"], reference: ["xyz", "hat"] });
    // 4 distinct of 5; novel distinct = abc, xyz, new (3 of 4); of those, xyz is in the reference.
    expect(r).toEqual({ count: 5, uniqueness: 4 / 5, novelty: 3 / 4, inReference: 1 / 3 });
    expect(text.report([], { training: [] })).toEqual({ count: 0, uniqueness: 0, novelty: 0 });
    expect(text.report(["a"], { training: new Set(["a"]), reference: new Set(["a"]) })).toEqual({
      count: 1,
      uniqueness: 1,
      novelty: 0,
      inReference: 0,
    });
    expect(() => text.report(["a"], {} as never)).toThrow(/training/);
    expect(() => text.report(["a", 3 as never], { training: [] })).toThrow(/samples\[1\]/);
  });
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LatentkitError);
    return `${(e as LatentkitError).code}: ${(e as Error).message}`;
  }
  return undefined;
}

async function codeAsync(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LatentkitError);
    return `${(e as LatentkitError).code}: ${(e as Error).message}`;
  }
  return undefined;
}

describe("errors", () => {
  it("refuses empty corpora and non-strings", async () => {
    expect(await codeAsync(text.train([]))).toMatch(/^EMPTY_DATA/);
    expect(await codeAsync(text.train(["", ""]))).toMatch(/^EMPTY_DATA/);
    expect(await codeAsync(text.train(["ok", "fine", 3 as never]))).toMatch(/^INVALID_OPTION: texts\[2\] is number 3/);
    expect(await codeAsync(text.train("abc" as never))).toMatch(/^INVALID_OPTION/);
    expect(() => plain.encode(["ok", null as never])).toThrow(/texts\[1\] is null/);
    expect(code(() => plain.encode([]))).toMatch(/^EMPTY_DATA/);
  });

  it("names bad options", async () => {
    expect(await codeAsync(text.train(["abc"], { levle: "char" } as never))).toMatch(/INVALID_OPTION: Unknown .*"levle".*"level"/);
    expect(await codeAsync(text.train(["abc"], { level: "byte" as never }))).toMatch(/level must be one of/);
    expect(await codeAsync(text.train(["abc"], { maxLength: 0 }))).toMatch(/maxLength/);
    expect(await codeAsync(text.train(["abc"], { minCount: 1.5 }))).toMatch(/minCount/);
    expect(await codeAsync(text.train(["abc"], { latent: -1 }))).toMatch(/latent/);
    expect(await codeAsync(text.train(["abc"], { context: 9 }))).toMatch(/INVALID_OPTION: context must be an integer >= 0 and <= 8/);
    expect(await codeAsync(text.train(["abc", "de"], { validationSplit: 0.9 }))).toMatch(
      /^INVALID_OPTION: validationSplit 0.9 of 2 texts leaves 0 training and 2 validation texts/,
    );
    expect(await codeAsync(text.train(["abc"], { context: 1.5 }))).toMatch(/context/);
    expect(await codeAsync(text.train(["abc"], { hidden: [0] }))).toMatch(/hidden\[0\]/);
    expect(await codeAsync(text.train(["abc"], { noise: 1 }))).toMatch(/noise must be a rate/);
    expect(await codeAsync(text.train(["abc"], { noise: { mask: 0.1, drop: 0.1 } as never }))).toMatch(/"drop"/);
    expect(await codeAsync(text.train(["abc"], { variational: { beta: -1 } }))).toMatch(/variational\.beta/);
    expect(await codeAsync(text.train(["abc"], { variational: "yes" as never }))).toMatch(/variational must be/);
    expect(await codeAsync(text.train(["abc"], { epochs: 0 }))).toMatch(/epochs/);
    expect(await codeAsync(text.train(["abc"], { learningRate: -1 }))).toMatch(/learningRate/);
    expect(await codeAsync(text.train(["abc"], { onEpochEnd: 3 as never }))).toMatch(/onEpochEnd/);
    expect(await codeAsync(text.train(["abc"], { hidden: [65536, 65536] }))).toMatch(/^TOO_LARGE/);
  });

  it("refuses bad temperatures, counts and empty interpolation ends", () => {
    expect(code(() => plain.sample(3, { temperature: -1 }))).toMatch(/INVALID_OPTION: temperature/);
    expect(code(() => plain.sample(3, { temperature: NaN }))).toMatch(/INVALID_OPTION: temperature/);
    expect(code(() => plain.sample(3, { tokenTemperature: -0.5 }))).toMatch(/tokenTemperature/);
    expect(code(() => plain.decode(plain.encode(["ka"]), { temperature: Infinity }))).toMatch(/temperature/);
    expect(code(() => plain.sample(0))).toMatch(/INVALID_OPTION: n must be/);
    expect(code(() => plain.sample(3, { seed: -1 }))).toMatch(/seed/);
    expect(code(() => plain.sample(3, { refine: 1.5 }))).toMatch(/INVALID_OPTION: refine/);
    expect(code(() => plain.sample(3, { temp: 1 } as never))).toMatch(/"temp"/);
    expect(code(() => plain.interpolate("", "kalo", 5))).toMatch(/INVALID_OPTION: interpolate\(\) needs two non-empty texts/);
    expect(code(() => plain.interpolate("kalo", "", 5))).toMatch(/empty b/);
    expect(code(() => plain.interpolate("kalo", "mizu", 1))).toMatch(/steps/);
    expect(code(() => plain.interpolate("kalo", 5 as never, 3))).toMatch(/b must be a string/);
    expect(code(() => plain.variations("kalo", 3, { spread: 0 }))).toMatch(/spread/);
    // spread is checked as what it is, a positive scale (not as a temperature, which may be 0)
    expect(code(() => plain.variations("kalo", 3, { spread: -1 }))).toBe("INVALID_OPTION: spread must be a finite number > 0, got -1.");
    expect(code(() => plain.decode([[1, 2, 3]]))).toMatch(/^SHAPE_MISMATCH/);
    expect(code(() => plain.shift(["kalo"], new Float32Array(3)))).toMatch(/^SHAPE_MISMATCH/);
  });

  it("refuses corrupt files and numeric model files", async () => {
    const bytes = plain.save();
    const bad = bytes.slice();
    bad[bad.length - 10]! ^= 0xff;
    expect(await codeAsync(text.load(bad))).toMatch(/^CORRUPT_MODEL/);
    expect(await codeAsync(text.load(new Uint8Array([1, 2, 3])))).toMatch(/^CORRUPT_MODEL/);
    expect(await codeAsync(text.load("nope" as never))).toMatch(/^INVALID_OPTION/);
    const numeric = await trainNumeric([[0, 1], [1, 0], [0.5, 0.5]], { encoder: [1], epochs: 1 });
    expect(await codeAsync(text.load(numeric.save()))).toMatch(/^INVALID_OPTION: .*not a text model.*load\(\)/);
    numeric.dispose();
    expect(await codeAsync(loadNumeric(bytes))).toMatch(/^INVALID_OPTION: .*text model.*text\.load\(\)/);
  });

  it("throws DISPOSED after dispose()", async () => {
    const gen = await text.load(plain.save());
    gen.dispose();
    gen.dispose(); // idempotent
    expect(gen.disposed).toBe(true);
    for (const f of [
      () => gen.sample(1),
      () => gen.encode(["a"]),
      () => gen.decode([[0]]),
      () => gen.reconstruct(["a"]),
      () => gen.interpolate("a", "b", 3),
      () => gen.variations("a", 2),
      () => gen.evaluate(["a"]),
      () => gen.save(),
    ]) {
      expect(code(f)).toMatch(/^DISPOSED/);
    }
  });

  it("aborts training, handing back the partly trained generator", async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await codeAsync(text.train(WORDS, { signal: ac.signal }))).toMatch(/^ABORTED/);
    const ac2 = new AbortController();
    let err: unknown;
    try {
      await text.train(WORDS, {
        latent: 8,
        hidden: [32],
        epochs: 50,
        signal: ac2.signal,
        onEpochEnd: (e) => {
          if (e.epoch === 2) ac2.abort();
        },
      });
    } catch (e) {
      err = e;
    }
    expect((err as LatentkitError).code).toBe("ABORTED");
    // error.model, as for train(); error.generator is its deprecated alias
    const gen = (err as TextTrainingError).model!;
    expect((err as TextTrainingError).generator).toBe(gen);
    expect(gen).toBeInstanceOf(TextGeneratorClass);
    expect(gen.history.length).toBe(2);
    expect(gen.sample(3)).toHaveLength(3);
    gen.dispose();
  });
});

describe("numeric API: variational and noise", () => {
  it("trains a numeric VAE and a denoising autoencoder", async () => {
    const X = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), Math.sin(2 * i), (i % 7) / 7]);
    const m = await trainNumeric(X, { encoder: [8, 2], variational: { beta: 0.5, klWarmupEpochs: 2 }, epochs: 3 });
    expect(m.latentSize).toBe(2);
    expect(m.config.variational).toEqual({ beta: 0.5, klWarmupEpochs: 2, freeBits: 0 });
    expect(m.encode(X).cols).toBe(2);
    const again = await loadNumeric(m.save());
    expect(again.config.variational).toEqual(m.config.variational);
    expect(Array.from(again.encode(X).data)).toEqual(Array.from(m.encode(X).data));
    const d = await trainNumeric(X, { encoder: [2], noise: { gaussian: 0.1, mask: 0.2 }, epochs: 2 });
    const d2 = await trainNumeric(X, { encoder: [2], epochs: 2 });
    expect(d.weightsDigest()).not.toBe(d2.weightsDigest());
    expect(await codeAsync(trainNumeric(X, { noise: { mask: 1 } }))).toMatch(/noise\.mask/);
    expect(await codeAsync(trainNumeric(X, { noise: { swap: 0.1 } as never }))).toMatch(/"swap"/);
    expect(await codeAsync(trainNumeric(X, { variational: true, latentActivation: "tanh" }))).toMatch(/latentActivation/);
    for (const x of [m, again, d, d2]) x.dispose();
  });
});
