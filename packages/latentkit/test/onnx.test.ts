// ONNX export (issue #15 item 3): the graphs `toOnnx` writes run in ONNX Runtime (onnxruntime-web's
// wasm build, in Node) and give latentkit's own outputs: numeric encoder, decoder and autoencoder
// for every activation and a VAE within 1e-5 of the largest value; a text model's encoder the
// same, and its decoder step, looped greedily in JS, the very texts `reconstruct` gives.

import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, text, train, type Autoencoder } from "../src/index.js";
import { parseSafetensors } from "../src/safetensors/format.js";

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

const rows = 100;
function data(cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = 0.5 + 0.45 * Math.sin(i * 0.37 + seed * (1 + (i % 7)));
  return out;
}

/** The largest |a − b| over the largest |b|. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const f32 = (values: Float32Array, cols: number) => new ort.Tensor("float32", values, [values.length / cols, cols]);
const i64 = (values: ArrayLike<number>, dims: number[]) => new ort.Tensor("int64", BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);

describe("toOnnx, numeric models", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["gelu/tanh/sigmoid", { encoder: [12, 4], activation: "gelu", latentActivation: "tanh", outputActivation: "sigmoid" }],
    ["elu/relu/linear, own decoder", { encoder: [10, 3], decoder: [7, 9], activation: "elu", latentActivation: "relu" }],
    ["leakyRelu/sigmoid", { encoder: [8, 3], activation: "leakyRelu", latentActivation: "sigmoid", outputActivation: "sigmoid", loss: "bce" }],
    ["variational", { encoder: [10, 3], activation: "tanh", variational: true }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: encoder, decoder and autoencoder match encode, decode and reconstruct`, async () => {
      const x = { data: data(16, 3), rows, cols: 16 };
      const model: Autoencoder = await train(x, { ...options, epochs: 3, seed: 5 });
      const codes = model.encode(x);
      const latent = codes.cols;
      const enc = await run(await model.toOnnx({ part: "encoder" }), { data: f32(x.data, 16) });
      const dec = await run(await model.toOnnx({ part: "decoder" }), { code: f32(codes.data, latent) });
      const both = await run(await model.toOnnx(), { data: f32(x.data, 16) });
      const errors = [relError(enc.code!.data as Float32Array, codes.data), relError(dec.output!.data as Float32Array, model.decode(codes).data), relError(both.output!.data as Float32Array, model.reconstruct(x).data)];
      console.log(`onnx ${name}: max relative error encoder ${errors[0]!.toExponential(2)}, decoder ${errors[1]!.toExponential(2)}, autoencoder ${errors[2]!.toExponential(2)}`);
      for (const e of errors) expect(e).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it("refuses a bad part or option with INVALID_OPTION, and the model stays usable", async () => {
    const model = await train({ data: data(6, 1), rows, cols: 6 }, { encoder: [3], epochs: 1 });
    for (const bad of [{ part: "decoder step" }, { part: 1 }, { parts: "encoder" }, "encoder", null]) {
      const err = await model.toOnnx(bad as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LatentkitError);
      expect((err as LatentkitError).code).toBe("INVALID_OPTION");
    }
    expect((await model.toOnnx()).length).toBeGreaterThan(100);
    model.dispose();
  });
});

/** Token ids of words the model's vocabulary covers (one character a token), as the SDK builds them. */
function idsOf(words: string[], vocab: readonly string[], length: number): number[] {
  const id = new Map(vocab.map((t, i) => [t, i]));
  return words.flatMap((w) => {
    const row = new Array<number>(length).fill(0);
    [...w].forEach((ch, i) => (row[i] = id.get(ch) ?? 3));
    row[w.length] = 1;
    return row;
  });
}

describe("toOnnx, text models", () => {
  const words = ["garden", "window", "river", "mother", "table", "bread", "green", "water", "house", "light", "stone", "night"];
  for (const [name, options] of [
    ["plain, context 3", {}],
    ["conditional", { labels: words.map((_, i) => (i % 2 ? "b" : "a")) }],
  ] as const) {
    it(`${name}: the encoder's codes and the greedy decoding loop match encode and reconstruct`, async () => {
      const gen = await text.train(words, { ...options, epochs: 30, seed: 3 });
      const cfg = JSON.parse(parseSafetensors(await gen.toSafetensors()).metadata.config!) as { tokens: { length: number; context?: number; maskId?: number } };
      const { length: L, context: k = 0, maskId: start = 2 } = cfg.tokens;
      const names = "labels" in options ? options.labels : null;
      const labels = names ? names.map((l) => gen.labels.indexOf(l)) : null;
      const labelFeed: Record<string, ort.Tensor> = labels ? { label: i64(labels, [words.length]) } : {};
      const ids = idsOf(words, gen.vocabulary, L);
      const enc = await run(await gen.toOnnx({ part: "encoder" }), { ids: i64(ids, [words.length, L]), ...labelFeed });
      const codes = gen.encode(words, names ? { labels: names } : {});
      const encError = relError(enc.code!.data as Float32Array, codes.data);
      console.log(`onnx text ${name}: max relative error encoder ${encError.toExponential(2)}`);
      expect(encError).toBeLessThan(1e-5);

      // greedy decoding with the step graph: each position's argmax (ties to the lower id)
      const step = await ort.InferenceSession.create(await gen.toOnnx());
      const out: number[][] = words.map(() => []);
      for (let t = 0; t < L; t++) {
        const previous = words.flatMap((_, r) => Array.from({ length: k }, (_, j) => (t - 1 - j >= 0 ? out[r]![t - 1 - j]! : start)));
        const feeds: Record<string, ort.Tensor> = { code: f32(enc.code!.data as Float32Array, codes.cols), position: i64([t], []), ...labelFeed };
        if (k > 0) feeds.previous = i64(previous, [words.length, k]);
        const logp = (await step.run(feeds)).log_probs!.data as Float32Array;
        const v = logp.length / words.length;
        words.forEach((_, r) => {
          const row = logp.subarray(r * v, (r + 1) * v);
          const sum = row.reduce((s, x) => s + Math.exp(x), 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-4);
          out[r]!.push(t === L - 1 ? 1 : row.reduce((b, x, i) => (x > row[b]! ? i : b), 0));
        });
      }
      // teacher forcing: each text's nats under the step graph are its score
      const nats = new Float64Array(words.length);
      for (let t = 0; t < L; t++) {
        const previous = words.flatMap((_, r) => Array.from({ length: k }, (_, j) => (t - 1 - j >= 0 ? ids[r * L + t - 1 - j]! : start)));
        const feeds: Record<string, ort.Tensor> = { code: f32(enc.code!.data as Float32Array, codes.cols), position: i64([t], []), ...labelFeed };
        if (k > 0) feeds.previous = i64(previous, [words.length, k]);
        const logp = (await step.run(feeds)).log_probs!.data as Float32Array;
        const v = logp.length / words.length;
        words.forEach((w, r) => {
          if (t <= w.length) nats[r] = nats[r]! - logp[r * v + ids[r * L + t]!]!;
        });
      }
      const scoreError = relError(nats, gen.score(words, names ? { labels: names } : {}));
      console.log(`onnx text ${name}: max relative error of the decoder step's nats against score() ${scoreError.toExponential(2)}`);
      expect(scoreError).toBeLessThan(1e-5);
      await step.release();
      const decoded = out.map((row) => row.slice(0, row.findIndex((x) => x === 1 || x === 0)).map((id) => gen.vocabulary[id]).join(""));
      expect(decoded).toEqual(gen.reconstruct(words, names ? { labels: names } : {}));
      gen.dispose();
    });
  }
});
