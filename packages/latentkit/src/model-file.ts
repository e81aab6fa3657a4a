// The model file seen from TypeScript: its format tag, the kind of model it holds, and the
// epoch history in its meta. The kind is decided from the structure (a config with `tokens` is a
// text model), the same way for load(), text.load() and the CLI. Pure code without
// WebAssembly: the CLI bundles it to tell files apart before it loads them (src/cli/sdk.ts).

import type { EpochRecord } from "./training.js";

/** The `format` field of the meta object stored in every model file. */
export const FILE_FORMAT = "latentkit";

/** What a model file holds: a numeric autoencoder (load()) or a text generator (text.load()). */
export type ModelKind = "numeric" | "text";

/**
 * The kind of the model whose header has this `config` (parsed JSON): a config with `tokens`
 * is a text model. The meta's `kind` is not consulted here: openModelFile (open-model-file.ts) refuses a
 * file whose meta contradicts this kind. @internal
 */
export function modelKind(config: unknown): ModelKind {
  return (config as { tokens?: unknown } | null)?.tokens !== undefined ? "text" : "numeric";
}

/**
 * The kind of model in `bytes` (see {@link modelKind}), read from the header's config without
 * WebAssembly and without checking the CRC (load() and text.load() do that), or null when
 * they are not a readable model file (loading them reports why). A safetensors file in
 * latentkit's layout (which load() and text.load() read too) keeps its config as a string in
 * `__metadata__.config`.
 * @internal
 */
export function modelFileKind(bytes: Uint8Array): ModelKind | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (bytes[8] === 123 && !bytes[7]) {
      const length = view.getUint32(0, true);
      if (view.getUint32(4, true) !== 0 || 8 + length > bytes.length) return null;
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as { __metadata__?: { config?: string } };
      const config = header.__metadata__?.config;
      return typeof config === "string" ? modelKind(JSON.parse(config)) : null;
    }
    if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== "LATENTKT") return null;
    const length = view.getUint32(12, true);
    if (16 + length > bytes.length) return null;
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))) as { config?: unknown };
    return modelKind(header.config);
  } catch {
    return null;
  }
}

/** The epochs stored in a model file's meta (entries that are not epochs are skipped). @internal */
export function historyFromMeta(meta: unknown): EpochRecord[] {
  const list = (meta as { history?: unknown } | null)?.history;
  if (!Array.isArray(list)) return [];
  const out: EpochRecord[] = [];
  for (const r of list as { epoch?: unknown; loss?: unknown; valLoss?: unknown }[]) {
    if (typeof r !== "object" || r === null || typeof r.epoch !== "number" || typeof r.loss !== "number") continue;
    out.push(Object.freeze({ epoch: r.epoch, loss: r.loss, valLoss: typeof r.valLoss === "number" ? r.valLoss : null }));
  }
  return out;
}
