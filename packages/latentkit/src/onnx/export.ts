// `model.toOnnx()` and `gen.toOnnx()`: the lazily imported chunk that writes ONNX files (opset 17)
// from a model file's bytes, so the default entry carries none of it.

import { LatentkitError } from "../errors.js";
import { numericOnnx, type OnnxPart } from "./numeric.js";
import { namedWeights } from "./tensors.js";
import { textOnnx } from "./text.js";

const NUMERIC_PARTS: readonly OnnxPart[] = ["encoder", "decoder", "autoencoder"];
const TEXT_PARTS = ["encoder", "decoder"] as const;

/** The ONNX file of `options.part` of the model whose own file is `own`. @internal */
export function toOnnx(own: Uint8Array, options: unknown): Uint8Array {
  if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) {
    throw new LatentkitError("INVALID_OPTION", 'toOnnx(options): options must be an object such as { part: "encoder" }.');
  }
  const extra = Object.keys(options ?? {}).filter((k) => k !== "part");
  if (extra.length) throw new LatentkitError("INVALID_OPTION", `toOnnx(options): unknown option '${extra[0]}'; the only option is 'part'.`);
  const w = namedWeights(own);
  const text = w.config.tokens !== undefined && w.config.tokens !== null;
  const parts: readonly string[] = text ? TEXT_PARTS : NUMERIC_PARTS;
  const part = (options as { part?: unknown } | undefined)?.part ?? parts.at(-1);
  if (typeof part !== "string" || !parts.includes(part)) {
    throw new LatentkitError("INVALID_OPTION", `toOnnx({ part }): part must be ${parts.map((p) => `"${p}"`).join(", ")} for a ${text ? "text" : "numeric"} model, got ${JSON.stringify(part)}.`);
  }
  return text ? textOnnx(w, part as (typeof TEXT_PARTS)[number]) : numericOnnx(w, part as OnnxPart);
}
