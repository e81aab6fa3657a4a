// A numeric model as ONNX: its encoder (data → code), its decoder (code → output) or both. Each
// dense layer is one Gemm (weight (out, in), transB) and its activation, as latentkit computes it:
// GELU is its tanh form, built from elementwise ops (ONNX's Gelu op arrived in opset 20). A
// variational model's encoder gives the posterior mean, as `encode` does.

import { Graph, type ValueInfo } from "./graph.js";
import type { NamedWeights } from "./tensors.js";

/** Which part of a model an export holds. */
export type OnnxPart = "encoder" | "decoder" | "autoencoder";

interface DenseLayer {
  name: string;
  activation: string;
}

/** `act(x)` in `g`, as latentkit's activations compute it (math.rs). @internal */
export function activation(g: Graph, x: string, act: string): string {
  switch (act) {
    case "relu":
      return g.op("Relu", [x]);
    case "leakyRelu":
      return g.op("LeakyRelu", [x], { alpha: 0.01 });
    case "elu":
      return g.op("Elu", [x], { alpha: 1 });
    case "tanh":
      return g.op("Tanh", [x]);
    case "sigmoid":
      return g.op("Sigmoid", [x]);
    case "gelu": {
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
      const x3 = g.op("Mul", [g.op("Mul", [x, x]), x]);
      const inner = g.op("Mul", [g.op("Add", [x, g.op("Mul", [x3, g.scalar(0.044715)])]), g.scalar(0.7978846)]);
      const t = g.op("Add", [g.op("Tanh", [inner]), g.scalar(1)]);
      return g.op("Mul", [g.op("Mul", [x, t]), g.scalar(0.5)]);
    }
    default:
      return x; // linear
  }
}

/** A dense layer `name` (nn.Linear: weight (out, in), bias (out)) and its activation. @internal */
export function dense(g: Graph, w: NamedWeights, x: string, layer: DenseLayer): string {
  const weight = w.tensor(`${layer.name}.weight`);
  const bias = w.tensor(`${layer.name}.bias`);
  const z = g.op("Gemm", [x, g.tensor(`${layer.name}.weight`, weight.shape, weight.data), g.tensor(`${layer.name}.bias`, bias.shape, bias.data)], { transB: { int: 1 } });
  return activation(g, z, layer.activation);
}

/**
 * The dense layers of a model, encoder then decoder, with their activations (a text model's
 * last decoder layer is its query layer, whose outputActivation is always linear). @internal
 */
export function denseLayers(c: Record<string, unknown>): { encoder: DenseLayer[]; decoder: DenseLayer[] } {
  const enc = (c.encoder as number[]).length;
  const dec = ((c.decoder as number[] | undefined) ?? []).length + 1;
  const act = c.activation as string;
  const encoder = Array.from({ length: enc }, (_, i) => {
    const last = i === enc - 1;
    return { name: last && c.variational ? "mean" : `encoder.${i}`, activation: last ? (c.latentActivation as string) : act };
  });
  const decoder = Array.from({ length: dec }, (_, i) => ({ name: `decoder.${i}`, activation: i === dec - 1 ? (c.outputActivation as string) : act }));
  return { encoder, decoder };
}

/** The ONNX file of `part` of a numeric model. @internal */
export function numericOnnx(w: NamedWeights, part: OnnxPart): Uint8Array {
  const c = w.config;
  const { encoder, decoder } = denseLayers(c);
  const [inputSize, latent] = [c.inputSize as number, (c.encoder as number[]).at(-1)!];
  const data: ValueInfo = { name: "data", type: "float", shape: ["batch", inputSize] };
  const code: ValueInfo = { name: "code", type: "float", shape: ["batch", latent] };
  const output: ValueInfo = { name: "output", type: "float", shape: ["batch", inputSize] };
  const g = new Graph();
  const chain = (x: string, ls: DenseLayer[], out: string) => g.op("Identity", [ls.reduce((h, l) => dense(g, w, h, l), x)], {}, out);
  const [inputs, outputs] = part === "encoder" ? [[data], [code]] : part === "decoder" ? [[code], [output]] : [[data], [output]];
  if (part === "encoder") chain("data", encoder, "code");
  else if (part === "decoder") chain("code", decoder, "output");
  else chain(chain("data", encoder, g.name("code")), decoder, "output");
  return g.model(`latentkit ${part}`, inputs, outputs, `latentkit numeric autoencoder, ${part}: ${JSON.stringify(c)}`);
}
