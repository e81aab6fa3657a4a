// The safetensors layout (src/safetensors/layout.ts) means what its names say: every parameter
// lies in exactly one element of one tensor, and a plain f64 forward pass written from the
// README's naming table alone (nn.Linear's y = x·Wᵀ + b, the token and position tables, the label
// tables, a VAE's mean, the text head's context and class softmax) gives the core's outputs.
// This is what a PyTorch twin computes from the same file.

import { beforeAll, describe, expect, it } from "vitest";
import { init, text, train, type TextGenerator } from "../src/index.js";
import { tensorLayout, type Plan } from "../src/safetensors/layout.js";
import { WasmModel, wasmPlanJson } from "../src/wasm.js";
import { randomRows, rng, syllableWords } from "./helpers.js";
import { readSt } from "./safetensors-bytes.js";

type Tensors = Record<string, { shape: number[]; v: Float64Array }>;

function tensorsOf(st: Uint8Array): { t: Tensors; config: any } {
  const { header, data } = readSt(st);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const t: Tensors = {};
  for (const [name, e] of Object.entries<any>(header)) {
    if (name === "__metadata__") continue;
    const v = new Float64Array((e.data_offsets[1] - e.data_offsets[0]) / 4);
    v.forEach((_, k) => (v[k] = view.getFloat32(e.data_offsets[0] + 4 * k, true)));
    t[name] = { shape: e.shape, v };
  }
  return { t, config: JSON.parse(header.__metadata__.config) };
}

const ACT: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  leakyRelu: (x) => (x > 0 ? x : 0.01 * x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/** nn.Linear: act(W·x + b), W (out, in); `add` a row added before the activation (a label's). */
function linear(t: Tensors, name: string, x: number[], act: string, add?: number[]): number[] {
  const { shape: [out = 0, inp = 0], v: w } = t[`${name}.weight`]!;
  const b = t[`${name}.bias`]!.v;
  expect(inp).toBe(x.length);
  return Array.from({ length: out }, (_, o) => ACT[act]!(x.reduce((s, xi, i) => s + w[o * inp + i]! * xi, b[o]!) + (add?.[o] ?? 0)));
}

const row = (t: Tensors, name: string, i: number): number[] => {
  const { shape, v } = t[name]!;
  return Array.from(v.subarray(i * shape[1]!, (i + 1) * shape[1]!));
};

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${what} [${i}]`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(want[i]!)));
}

/** The encoder: dense layers (the first with a label row), the last `latentActivation`, or a VAE's mean. */
function encodeRow(t: Tensors, c: any, x: number[], label?: number): number[] {
  let h = x;
  for (let i = 0; i < c.encoder.length; i++) {
    const last = i === c.encoder.length - 1;
    const add = i === 0 && label !== undefined ? row(t, "encoder_label.weight", label) : undefined;
    h = linear(t, last && c.variational ? "mean" : `encoder.${i}`, h, last ? c.latentActivation : c.activation, add);
  }
  return h;
}

/** The decoder's dense layers; the last is linear for a text model (its query bases). */
function decodeDense(t: Tensors, c: any, z: number[], label?: number): number[] {
  let h = z;
  const n = c.decoder.length + 1;
  for (let j = 0; j < n; j++) {
    const add = j === 0 && label !== undefined ? row(t, "decoder_label.weight", label) : undefined;
    h = linear(t, `decoder.${j}`, h, j < n - 1 ? c.activation : c.tokens ? "linear" : c.outputActivation, add);
  }
  return h;
}

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** p(· | position t) of the text head, given the query base, the tokens before t, and E. */
function headProbs(t: Tensors, c: any, base: number[], before: number[]): number[] {
  const { vocab: v, table: d, context: k = 0, classes, maskId } = c.tokens;
  let q = base.slice();
  if (k > 0) {
    const mix = new Array(d).fill(0);
    for (let j = 0; j < k; j++) {
      const e = row(t, "token_embedding.weight", before.length > j ? before[before.length - 1 - j]! : maskId);
      const a = row(t, "head.lag_weight", j);
      for (let i = 0; i < d; i++) mix[i] += a[i]! * e[i]!;
    }
    const wc = t["head.context.weight"]!.v;
    q = q.map((x, o) => x + dot(wc.subarray(o * d, (o + 1) * d), mix));
  }
  const bq = t["head.query_bias"]!.v;
  const g = q.map((x, i) => ACT[c.activation]!(x + bq[i]!));
  const nc = t["head.class.bias"]!.v.length;
  const pc = softmax(Array.from({ length: nc }, (_, k2) => dot(row(t, "head.class.weight", k2), g) + t["head.class.bias"]!.v[k2]!));
  const logit = (w: number) => dot(row(t, "token_embedding.weight", w), g) + t["head.token_bias"]!.v[w]!;
  return Array.from({ length: v }, (_, w) => {
    const members = (classes as number[]).flatMap((cl, id) => (cl === classes[w] ? [id] : []));
    return pc[classes[w]]! * softmax(members.map(logit))[members.indexOf(w)]!;
  });
}

const X = randomRows(8, 5, 4);
const WORDS = syllableWords(40, "bdkmt", "aeiu", 2);
let cond: TextGenerator;
let noContext: TextGenerator;

beforeAll(async () => {
  await init();
  const labels = WORDS.map((_, i) => (i % 3 ? "a" : "b"));
  cond = await text.train(WORDS, { labels, variational: true, activation: "gelu", epochs: 2, earlyStopping: false, seed: 3 });
  noContext = await text.train(WORDS, { context: 0, hidden: [12, 8], activation: "tanh", epochs: 2, earlyStopping: false, seed: 4 });
}, 60_000);

describe("every parameter is in exactly one tensor", () => {
  const configs = [
    { inputSize: 5, encoder: [4, 2] },
    { inputSize: 5, encoder: [6, 4, 3], decoder: [2], variational: true },
    { inputSize: 24, encoder: [5, 2], loss: "cce", tokens: { length: 4, vocab: 6, table: 3, context: 2, labels: 3 }, variational: true },
    { inputSize: 24, encoder: [2], loss: "cce", tokens: { length: 4, vocab: 6, table: 3, classCount: 4 } },
  ];
  for (const config of configs) {
    it(JSON.stringify(config), () => {
      const normal = WasmModel.create(JSON.stringify(config));
      const json = normal.configJson();
      normal.free();
      const plan = JSON.parse(wasmPlanJson(json)) as Plan;
      const seen = new Uint8Array(plan.paramCount);
      for (const t of tensorLayout(JSON.parse(json), plan)) {
        const [rows = 1, cols = 1] = t.shape;
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) seen[t.offset + (t.stride ? c * t.stride + r : r * cols + c)]! += 1;
      }
      expect([...seen].every((s) => s === 1)).toBe(true);
    });
  }
});

describe("the tensors compute what the core computes", () => {
  it("numeric models, plain and variational: encode and decode", async () => {
    for (const options of [{ encoder: [4, 3], activation: "elu", outputActivation: "sigmoid" }, { encoder: [6, 2], activation: "leakyRelu", variational: true }] as const) {
      const m = await train(X, { ...options, epochs: 2, seed: 8 });
      const { t, config } = tensorsOf(await m.toSafetensors());
      const z = m.encode(X);
      const out = m.decode(z);
      for (let r = 0; r < X.length; r++) {
        const code = encodeRow(t, config, X[r]!);
        expectClose(code, z.data.subarray(r * z.cols, (r + 1) * z.cols), `code of row ${r}`);
        expectClose(decodeDense(t, config, Array.from(z.data.subarray(r * z.cols, (r + 1) * z.cols))), out.data.subarray(r * out.cols, (r + 1) * out.cols), `output of row ${r}`);
      }
    }
  });

  for (const which of ["conditional VAE with a context", "plain model without a context"]) {
    it(`text models (${which}): the code, and each position's distribution along the greedy path`, async () => {
      const gen = which.startsWith("conditional") ? cond : noContext;
      const { t, config } = tensorsOf(await gen.toSafetensors());
      const { length: l, vocab: v, table: d } = config.tokens;
      const labelled = config.tokens.labels > 0;
      const wasm = WasmModel.fromBytes(gen.save());
      try {
        const u = rng(5);
        for (let r = 0; r < 3; r++) {
          const ids = Array.from({ length: l }, () => Math.floor(u() * v));
          const label = labelled ? r % 2 : undefined;
          const x = ids.flatMap((id, p) => row(t, "token_embedding.weight", id).map((e, i) => e + row(t, "position_embedding.weight", p)[i]!));
          const z = wasm.encode(new Float32Array(labelled ? [...ids, label!] : ids), 1);
          expectClose(encodeRow(t, config, x, label), z, `code of row ${r}`);
          const probs = wasm.decode(z, 1, new Float32Array(labelled ? [label!] : []), 0);
          const base = decodeDense(t, config, Array.from(z), label);
          const path: number[] = [];
          for (let p = 0; p < l; p++) {
            const want = probs.subarray(p * v, (p + 1) * v);
            expectClose(headProbs(t, config, base.slice(p * d, (p + 1) * d), path), want, `row ${r} position ${p}`);
            path.push(want.indexOf(Math.max(...want)));
          }
        }
      } finally {
        wasm.free();
      }
    });
  }
});
