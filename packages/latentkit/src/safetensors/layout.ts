// The core's parameter buffer as named tensors in PyTorch's conventions, so that a safetensors
// file loads into a PyTorch twin with `load_state_dict`. The layers' ranges come from the core's
// plan (`planJson`); inside a text model's token-table and head layers the order of the parts is
// the core's (crates/latentkit-core/src/layers/label_table.rs and text_head.rs), held to it by
// test/safetensors-layout.test.ts (every parameter read once; outputs recomputed from the tensors).
// Naming it here instead of in the core keeps the shipped wasm 1.5 KiB (gzip) smaller.
//
// A dense layer is `nn.Linear`: weight (out, in), bias (out). The core keeps weights (in, out)
// row-major, so those tensors are read transposed: element [r][c] lies at offset + c·stride + r.

import type { WireModelConfig } from "../wire.js";

/** One tensor of the buffer: `stride` 0 for a contiguous slice, else transposed (see above). @internal */
export interface TensorSpec {
  name: string;
  shape: number[];
  offset: number;
  stride: number;
}

/** A layer of the core's plan (`planJson`). @internal */
export interface PlanLayer {
  inputs: number;
  outputs: number;
  weights: [number, number];
  biases: [number, number];
}

/** The core's plan of a config (`planJson`). @internal */
export interface Plan {
  paramCount: number;
  layers: PlanLayer[];
}

/** Every tensor of a model with this (normalised) config and plan, in buffer order. @internal */
export function tensorLayout(config: WireModelConfig, plan: Plan): TensorSpec[] {
  const out: TensorSpec[] = [];
  const push = (name: string, shape: number[], offset: number, stride = 0) => out.push({ name, shape, offset, stride });
  // nn.Linear over columns first..first+count of the core's (in, out) block
  const linear = (name: string, l: PlanLayer, first: number, count: number) => {
    push(`${name}.weight`, [count, l.inputs], l.weights[0] + first, l.outputs);
    push(`${name}.bias`, [count], l.biases[0] + first);
  };
  const t = config.tokens;
  // the core's plan of a valid config: every layer index below exists
  const [first, last] = [plan.layers[0]!, plan.layers[plan.layers.length - 1]!];
  const encoders = config.encoder.length;
  // a text model's first layer is its token table (E, P, then the label tables), its last the head
  const dense = t ? plan.layers.slice(1, -1) : plan.layers;
  if (t) {
    const [v, l, d, n, at] = [t.vocab, t.length, t.table, t.labels ?? 0, first.weights[0]];
    push("token_embedding.weight", [v, d], at);
    push("position_embedding.weight", [l, d], at + v * d);
    if (n > 0) {
      const [enc, dec] = [dense[0]!.outputs, dense[encoders]!.outputs];
      const labels = at + (v + l) * d;
      push("encoder_label.weight", [n, enc], labels);
      push("decoder_label.weight", [n, dec], labels + n * enc);
    }
  }
  dense.forEach((layer, i) => {
    if (i + 1 === encoders && config.variational) {
      const half = layer.outputs / 2;
      linear("mean", layer, 0, half);
      linear("logvar", layer, half, half);
    } else linear(i < encoders ? `encoder.${i}` : `decoder.${i - encoders}`, layer, 0, layer.outputs);
  });
  if (t) headTensors(t.context ?? 0, t.table, t.vocab, t.classes ?? [], last.weights[0], push);
  return out;
}

/**
 * The text head's slice (text_head.rs): a (k×d) and Wc (d×d, x·Wc: read transposed) with a
 * context of k > 0 tokens, bq (d), then the class softmax's C (classes×d), bc (classes), bw (V).
 */
function headTensors(k: number, d: number, v: number, classes: readonly number[], at: number, push: (name: string, shape: number[], offset: number, stride?: number) => void): void {
  const nc = classes.reduce((m, c) => Math.max(m, c + 1), 0);
  if (k > 0) {
    push("head.lag_weight", [k, d], at);
    push("head.context.weight", [d, d], at + k * d, d);
    at += k * d + d * d;
  }
  push("head.query_bias", [d], at);
  push("head.class.weight", [nc, d], at + d);
  push("head.class.bias", [nc], at + d + nc * d);
  push("head.token_bias", [v], at + d + nc * d + nc);
}
