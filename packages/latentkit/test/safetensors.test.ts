// safetensors in and out (issue #15 item 1): model.toSafetensors() / gen.toSafetensors() write a
// standard safetensors file, load() / text.load() read one (sniffed), and the round trips are
// exact: the same weights and outputs, and our bytes → safetensors → our bytes unchanged (the
// optimiser's state aside). What a lying file gets is in safetensors-bad-input.test.ts.

import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { init, load, text, train, type Autoencoder, type TextGenerator } from "../src/index.js";
import { modelFileKind } from "../src/model-file.js";
import { cliIn, PKG } from "./cli-runner.js";
import { bitEqual, randomRows, syllableWords } from "./helpers.js";
import { editSt, readSt } from "./safetensors-bytes.js";

const X = randomRows(40, 6, 11);
const WORDS = syllableWords(60, "bdgkmt", "aeiou", 3);
let plain: Autoencoder;
let vae: Autoencoder;
let gen: TextGenerator;
let cond: TextGenerator;
const LABELS = WORDS.map((_, i) => (i % 2 ? "odd" : "even"));

beforeAll(async () => {
  await init();
  plain = await train(X, { encoder: [5, 3], activation: "tanh", epochs: 3, seed: 2 });
  vae = await train(X, { encoder: [4, 2], variational: { beta: 0.5 }, epochs: 3, seed: 3 });
  gen = await text.train(WORDS, { epochs: 3, earlyStopping: false, seed: 5 });
  cond = await text.train(WORDS, { labels: LABELS, variational: true, epochs: 2, earlyStopping: false, seed: 6 });
}, 60_000);

describe("toSafetensors() writes a standard safetensors file", () => {
  it("has a little-endian header length, a JSON header padded with spaces to 8 bytes, and F32 tensors packed in header order", async () => {
    const st = await plain.toSafetensors();
    const { length, header, data } = readSt(st);
    expect((8 + length) % 8).toBe(0);
    const text = new TextDecoder().decode(st.subarray(8, 8 + length));
    expect(text.trimEnd().endsWith("}")).toBe(true);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    expect(names).toEqual(["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias", "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias"]);
    let at = 0;
    for (const n of names) {
      const t = header[n];
      expect(t.dtype).toBe("F32");
      expect(t.data_offsets).toEqual([at, at + 4 * t.shape.reduce((a: number, b: number) => a * b, 1)]);
      at = t.data_offsets[1];
    }
    expect(at).toBe(data.length);
    // nn.Linear's shapes: weight (out, in), bias (out)
    expect(header["encoder.0.weight"].shape).toEqual([5, 6]);
    expect(header["encoder.0.bias"].shape).toEqual([5]);
    expect(header["decoder.1.weight"].shape).toEqual([6, 5]);
  });

  it("keeps the config and meta (format tag, history) in __metadata__ as strings, with the layout version", async () => {
    const meta = readSt(await plain.toSafetensors()).header.__metadata__;
    expect(Object.keys(meta)).toEqual(["latentkit", "config", "meta"]);
    expect(meta.latentkit).toBe("1");
    expect(JSON.parse(meta.config).encoder).toEqual([5, 3]);
    expect(JSON.parse(meta.meta).format).toBe("latentkit");
    expect(JSON.parse(meta.meta).history).toHaveLength(3);
  });

  it("names a VAE's last encoder layer mean and logvar, and a text model's tables and head", async () => {
    const v = Object.keys(readSt(await vae.toSafetensors()).header);
    expect(v).toEqual(expect.arrayContaining(["encoder.0.weight", "mean.weight", "mean.bias", "logvar.weight", "logvar.bias", "decoder.1.weight"]));
    expect(v).not.toContain("encoder.1.weight");
    const { header } = readSt(await gen.toSafetensors());
    const t = JSON.parse(header.__metadata__.config).tokens;
    expect(header["token_embedding.weight"].shape).toEqual([t.vocab, t.table]);
    expect(header["position_embedding.weight"].shape).toEqual([t.length, t.table]);
    expect(header["head.lag_weight"].shape).toEqual([t.context, t.table]);
    expect(header["head.context.weight"].shape).toEqual([t.table, t.table]);
    expect(header["head.token_bias"].shape).toEqual([t.vocab]);
    // the vocabulary travels in the meta
    expect(JSON.parse(header.__metadata__.meta).text.vocabulary).toHaveLength(t.vocab);
  });
});

describe("load() and text.load() read it back exactly", () => {
  it("numeric models: the same weights, outputs and own-format bytes", async () => {
    for (const m of [plain, vae]) {
      const again = await load(await m.toSafetensors());
      expect(again.weightsDigest()).toBe(m.weightsDigest());
      expect(bitEqual(again.encode(X).data, m.encode(X).data)).toBe(true);
      expect(bitEqual(again.reconstruct(X).data, m.reconstruct(X).data)).toBe(true);
      expect(again.save()).toEqual(m.save());
      expect(again.history).toEqual((await load(m.save())).history);
    }
  });

  it("a file saved with the optimiser's state converts to the same file without it", async () => {
    const fitted = await train(X, { encoder: [3], epochs: 2, seed: 9 });
    const st = await (await load(fitted.save({ optimizer: true }))).toSafetensors();
    expect((await load(st)).save()).toEqual(fitted.save());
  });

  it("text models: the same bytes, samples and reconstructions", async () => {
    const again = await text.load(await gen.toSafetensors());
    expect(again.save()).toEqual(gen.save());
    expect(again.sample(5)).toEqual(gen.sample(5));
    expect(again.reconstruct(WORDS.slice(0, 10))).toEqual(gen.reconstruct(WORDS.slice(0, 10)));
  });

  it("conditional text VAEs: the label tables and the mean/logvar halves come back too", async () => {
    const st = await cond.toSafetensors();
    const names = Object.keys(readSt(st).header);
    expect(names).toEqual(expect.arrayContaining(["encoder_label.weight", "decoder_label.weight", "mean.weight", "logvar.weight"]));
    const again = await text.load(st);
    expect(again.save()).toEqual(cond.save());
    expect(again.labels).toEqual(cond.labels);
    expect(again.sample(4, { label: "odd" })).toEqual(cond.sample(4, { label: "odd" }));
  });

  it("a vocabulary beyond ASCII (Chinese characters, emoji) survives __metadata__", async () => {
    const lines = ["春眠不觉晓", "处处闻啼鸟", "夜来风雨声", "花落知多少", "🌸🌧️ rain"];
    const g = await text.train(lines, { epochs: 2, earlyStopping: false, seed: 7 });
    const again = await text.load(await g.toSafetensors());
    expect(again.save()).toEqual(g.save());
    expect(again.vocabulary).toEqual(g.vocabulary);
  });

  it("tells a text model's file from a numeric one's, as for the own format", async () => {
    await expect(load(await gen.toSafetensors())).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("text.load()") });
    await expect(text.load(await plain.toSafetensors())).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("load()") });
  });

  it("save({ format: 'safetensors' }) says to use toSafetensors() rather than write the own format", () => {
    expect(() => plain.save({ format: "safetensors" } as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("toSafetensors()") }));
    expect(() => (gen.save as (o: unknown) => Uint8Array)({ format: "safetensors" })).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("toSafetensors()") }));
  });

  it("takes the weights when called, and refuses a disposed model", async () => {
    const m = await train(X, { encoder: [3], epochs: 1, seed: 1 });
    const pending = m.toSafetensors();
    const digest = m.weightsDigest();
    m.dispose();
    expect((await load(await pending)).weightsDigest()).toBe(digest);
    await expect(m.toSafetensors()).rejects.toMatchObject({ code: "DISPOSED", message: expect.stringContaining("toSafetensors()") });
  });
});

describe("the CLI reads and writes safetensors files", () => {
  it("modelFileKind tells the kind of a safetensors file from its __metadata__ (null when unreadable)", async () => {
    const st = await gen.toSafetensors();
    expect(modelFileKind(await plain.toSafetensors())).toBe("numeric");
    expect(modelFileKind(st)).toBe("text");
    expect(modelFileKind(st.subarray(0, 40))).toBeNull();
    expect(modelFileKind(editSt(st, (h) => void delete h.__metadata__))).toBeNull();
  });

  it("train -o model.safetensors writes one, and sample, encode and info read it", () => {
    const dir = mkdtempSync(join(tmpdir(), "latentkit-st-"));
    try {
      const { ok, json } = cliIn(() => dir);
      writeFileSync(join(dir, "train.txt"), readFileSync(join(PKG, "corpora", "words.txt"), "utf8").split("\n").slice(0, 80).join("\n") + "\n");
      ok(["train", "train.txt", "-o", "words.safetensors", "-e", "2", "-q"]);
      const st = readFileSync(join(dir, "words.safetensors"));
      expect(readSt(st).header.__metadata__.latentkit).toBe("1");
      expect(json(["info", "words.safetensors"]).kind).toBe("text");
      expect(ok(["sample", "words.safetensors", "-n", "3"]).trim().split("\n")).toHaveLength(3);
      expect(ok(["encode", "words.safetensors"], "garden\n").trim().split(",").length).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
