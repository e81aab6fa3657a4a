// A text model as ONNX: its encoder (token ids → code) and its decoder as one step of the
// autoregressive loop (code, the k previous tokens and the position → ln p of every token), as
// latentkit's decode computes them (token_embedding.rs, label_table.rs, text_head.rs, and the
// two-level class softmax of class_softmax.rs, exact: each class's log-sum-exp is its own
// ReduceLogSumExp, so no class underflows against another's maximum).

import { Graph, type ValueInfo } from "./graph.js";
import { activation, dense, denseLayers } from "./numeric.js";
import type { NamedWeights } from "./tensors.js";

interface TokenConfig {
  length: number;
  vocab: number;
  table: number;
  context?: number;
  labels?: number;
  classes: number[];
  maskId?: number;
}

/** A weight tensor of the model as an initializer of `g` (same name). */
function weight(g: Graph, w: NamedWeights, name: string): string {
  const t = w.tensor(name);
  return g.tensor(name, t.shape, t.data);
}

/**
 * Dense layers `names` over `x`, the first one plus the label's row of `labelTable` (a
 * conditional model) before its activation, as label_table.rs adds it.
 */
function layers(g: Graph, w: NamedWeights, x: string, names: { name: string; activation: string }[], labelTable: string | null): string {
  return names.reduce((h, layer, i) => {
    if (i > 0 || labelTable === null) return dense(g, w, h, layer);
    const z = dense(g, w, h, { name: layer.name, activation: "linear" });
    return activation(g, g.op("Add", [z, g.op("Gather", [weight(g, w, labelTable), "label"], { axis: { int: 0 } })]), layer.activation);
  }, x);
}

/** The encoder: ids (batch, L) → code (batch, latent); a VAE's posterior mean. */
function encoder(g: Graph, w: NamedWeights, t: TokenConfig): string {
  const embedded = g.op("Add", [g.op("Gather", [weight(g, w, "token_embedding.weight"), "ids"], { axis: { int: 0 } }), weight(g, w, "position_embedding.weight")]);
  const flat = g.op("Reshape", [embedded, g.int64s(g.name("shape"), [2], [-1, t.length * t.table])]);
  return g.op("Identity", [layers(g, w, flat, denseLayers(w.config).encoder, t.labels ? "encoder_label.weight" : null)], {}, "code");
}

/** ln p of every token from the queries q (batch, d): the class softmax's log_probs. */
function logProbs(g: Graph, w: NamedWeights, t: TokenConfig, q: string): string {
  const tokens = g.op("Gemm", [q, weight(g, w, "token_embedding.weight"), weight(g, w, "head.token_bias")], { transB: { int: 1 } });
  const classLogits = g.op("Gemm", [q, weight(g, w, "head.class.weight"), weight(g, w, "head.class.bias")], { transB: { int: 1 } });
  const classLog = g.op("LogSoftmax", [classLogits], { axis: { int: 1 } });
  const count = t.classes.reduce((m, c) => Math.max(m, c + 1), 0);
  const within = Array.from({ length: count }, (_, k) => {
    const members = t.classes.flatMap((c, tok) => (c === k ? [tok] : []));
    const picked = g.op("Gather", [tokens, g.int64s(g.name("members"), [members.length], members)], { axis: { int: 1 } });
    return g.op("ReduceLogSumExp", [picked], { axes: { ints: [1] }, keepdims: { int: 1 } });
  });
  const perClass = g.op("Concat", within, { axis: { int: 1 } });
  const classOf = g.int64s(g.name("class_of"), [t.vocab], t.classes);
  const shift = g.op("Sub", [g.op("Gather", [classLog, classOf], { axis: { int: 1 } }), g.op("Gather", [perClass, classOf], { axis: { int: 1 } })]);
  return g.op("Add", [tokens, shift], {}, "log_probs");
}

/** The decoder step: code, previous (batch, k: x_{t-1}, x_{t-2}, ...) and position t → ln p (batch, V). */
function decoderStep(g: Graph, w: NamedWeights, t: TokenConfig): string {
  const c = w.config;
  const base = layers(g, w, "code", denseLayers(c).decoder, t.labels ? "decoder_label.weight" : null);
  const perPosition = g.op("Reshape", [base, g.int64s(g.name("shape"), [3], [-1, t.length, t.table])]);
  let pre = g.op("Gather", [perPosition, "position"], { axis: { int: 1 } });
  if ((t.context ?? 0) > 0) {
    // c_t = Σ_j a_j ⊙ E[x_{t-1-j}], then c_t·Wc
    const lagged = g.op("Mul", [g.op("Gather", [weight(g, w, "token_embedding.weight"), "previous"], { axis: { int: 0 } }), weight(g, w, "head.lag_weight")]);
    const mix = g.op("ReduceSum", [lagged, g.int64s(g.name("axes"), [1], [1])], { keepdims: { int: 0 } });
    pre = g.op("Add", [pre, g.op("Gemm", [mix, weight(g, w, "head.context.weight")], { transB: { int: 1 } })]);
  }
  const q = activation(g, g.op("Add", [pre, weight(g, w, "head.query_bias")]), c.activation as string);
  return logProbs(g, w, t, q);
}

/** The ONNX file of `part` of a text model. @internal */
export function textOnnx(w: NamedWeights, part: "encoder" | "decoder"): Uint8Array {
  const t = w.config.tokens as TokenConfig;
  const latent = (w.config.encoder as number[]).at(-1)!;
  const g = new Graph();
  const label: ValueInfo[] = t.labels ? [{ name: "label", type: "int64", shape: ["batch"] }] : [];
  const code: ValueInfo = { name: "code", type: "float", shape: ["batch", latent] };
  const doc = `latentkit text model, ${part}: ${JSON.stringify(w.config)}`;
  if (part === "encoder") {
    encoder(g, w, t);
    return g.model("latentkit text encoder", [{ name: "ids", type: "int64", shape: ["batch", t.length] }, ...label], [code], doc);
  }
  decoderStep(g, w, t);
  const previous: ValueInfo[] = (t.context ?? 0) > 0 ? [{ name: "previous", type: "int64", shape: ["batch", t.context!] }] : [];
  const inputs = [code, ...previous, { name: "position", type: "int64", shape: [] } as ValueInfo, ...label];
  return g.model("latentkit text decoder step", inputs, [{ name: "log_probs", type: "float", shape: ["batch", t.vocab] }], doc);
}
