// text.load(): a text model file's meta (the `text` object: vocabulary, settings, prior, corpus
// stats) checked against the weights it came with (meta-check.ts), then a TextGenerator around both.

import { asBytes } from "../data.js";
import { invalidOption } from "../errors.js";
import { openModelFile } from "../open-model-file.js";
import { show } from "../validate.js";
import { init } from "../wasm.js";
import type { WireModelConfig } from "../wire.js";
import { TextGenerator } from "./generator.js";
import { checkTextMeta } from "./meta-check.js";

/** text.load(): see the `text` namespace. @internal */
export async function loadText(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Promise<TextGenerator> {
  const u8 = asBytes(bytes);
  if (!u8) throw invalidOption(`text.load() needs the bytes from gen.save() as a Uint8Array or ArrayBuffer, got ${show(bytes)}.`);
  await init();
  const { wasm, meta, history } = await openModelFile(
    u8,
    "text",
    "These bytes are a numeric latentkit model, not a text model: load them with load() (text.load() reads files saved by a TextGenerator).",
  );
  try {
    const config = JSON.parse(wasm.configJson()) as WireModelConfig;
    const t = config.tokens;
    const shape = { context: t?.context ?? 0, embedding: t?.table ?? 0, classes: (t?.classes ?? []).reduce((m, c) => Math.max(m, c + 1), 0) };
    return new TextGenerator(wasm, checkTextMeta(meta.text, config), history, shape);
  } catch (e) {
    wasm.free();
    throw e;
  }
}
