// A model's weights by name, in PyTorch's conventions (a dense layer's weight is (out, in)): the
// safetensors layout (src/safetensors/layout.ts) read back, so the ONNX writer names and reads
// every tensor the way the safetensors file and the PyTorch twin do.

import { ownToSafetensors } from "../safetensors/convert.js";
import { parseSafetensors } from "../safetensors/format.js";

/** A named tensor: its shape and values, row-major. @internal */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** A model's config (the core's, as its file keeps it) and its tensors by name. @internal */
export interface NamedWeights {
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  tensor(name: string): Tensor;
  has(name: string): boolean;
}

/** The named tensors of a model file's bytes (`toBytes`, latentkit's own format). @internal */
export function namedWeights(own: Uint8Array): NamedWeights {
  const st = parseSafetensors(ownToSafetensors(own));
  const view = new DataView(st.data.buffer, st.data.byteOffset, st.data.byteLength);
  return {
    config: JSON.parse(st.metadata.config!) as Record<string, unknown>,
    meta: JSON.parse(st.metadata.meta!) as Record<string, unknown>,
    has: (name) => st.tensors.has(name),
    tensor(name) {
      const t = st.tensors.get(name);
      if (!t) throw new Error(`latentkit: no tensor '${name}' in this model's layout`);
      const data = new Float32Array((t.end - t.begin) / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(t.begin + 4 * i, true);
      return { shape: t.shape, data };
    },
  };
}
