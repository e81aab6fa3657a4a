// Opening a model file of a wanted kind for load() and text.load(): latentkit's own format, or a
// safetensors file converted to it first. A lazily imported chunk (load() is async), so the
// default entry carries only the import.

import { LatentkitError, invalidOption } from "./errors.js";
import { historyFromMeta, modelKind, type ModelKind } from "./model-file.js";
import type { EpochRecord } from "./training.js";
import { wasmCall, WasmModel } from "./wasm.js";

/**
 * Why a file's meta contradicts its kind (decided by the config), or "" when it does not:
 * `meta.kind` is absent or "text" on a text model and absent on a numeric one, and `meta.text`
 * is there exactly on text models. Both loaders ask this first, so they agree.
 */
function kindConflict(kind: ModelKind, meta: Record<string, unknown>): string {
  const tokens = kind === "text" ? "declares tokens (a text model)" : "declares no tokens (a numeric model)";
  if (meta.kind !== undefined && (kind !== "text" || meta.kind !== "text")) return `meta.kind is ${JSON.stringify(meta.kind)} but the config ${tokens}`;
  const hasText = typeof meta.text === "object" && meta.text !== null;
  return hasText === (kind === "text") ? "" : `meta.text is ${hasText ? "there" : "missing"} but the config ${tokens}`;
}

/**
 * `bytes`, or, for a safetensors file, the model file converted from it (another lazy chunk).
 * Sniffed at byte 8: a safetensors header opens there with "{" after a length whose top byte
 * is 0; a model file has its version there, after "LATENTKT".
 */
async function modelFileBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return bytes[8] === 123 && !bytes[7] ? (await import("./safetensors/convert.js")).safetensorsToOwn(bytes) : bytes;
}

/**
 * Reads a model file, or a safetensors file in latentkit's layout, of the `want`ed kind (the
 * core checks magic, CRC, version and shapes). CORRUPT_MODEL when the meta contradicts the kind.
 * @param wrongKind the INVALID_OPTION message for a file of the other kind
 * @internal
 */
export async function openModelFile(bytes: Uint8Array, want: ModelKind, wrongKind: string): Promise<{ wasm: WasmModel; meta: Record<string, unknown>; history: EpochRecord[] }> {
  const own = await modelFileBytes(bytes);
  const wasm = wasmCall(() => WasmModel.fromBytes(own));
  try {
    let meta: Record<string, unknown> | undefined;
    let conflict = "its meta is not a JSON object";
    let kind: ModelKind = "numeric";
    try {
      // The core's JSON reader is more lenient than JSON.parse (e.g. leading zeros).
      meta = JSON.parse(wasm.metaJson()) as Record<string, unknown>;
      kind = modelKind(JSON.parse(wasm.configJson()));
      if (typeof meta === "object" && meta) conflict = kindConflict(kind, meta);
    } catch {
      // conflict says it
    }
    if (conflict) throw new LatentkitError("CORRUPT_MODEL", `This model file is damaged: ${conflict}.`);
    if (kind !== want) throw invalidOption(wrongKind);
    return { wasm, meta: meta!, history: historyFromMeta(meta) };
  } catch (e) {
    wasm.free();
    throw e;
  }
}
