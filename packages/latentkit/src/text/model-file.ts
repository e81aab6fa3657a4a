// text.load(): a text model file's meta (the `text` object: vocabulary, settings, prior, corpus
// stats) checked against the weights it came with, then a TextGenerator around both.

import { asBytes } from "../data.js";
import { LatentkitError, invalidOption } from "../errors.js";
import { openModelFile } from "../handle.js";
import { show } from "../validate.js";
import { init, type WasmModel } from "../wasm.js";
import type { WireModelConfig } from "../wire.js";
import { TextGenerator } from "./generator.js";
import { isMixture } from "./mixture.js";
import { TEXT_VERSION } from "./train.js";
import type { TextMeta } from "./types.js";

function corrupt(why: string): LatentkitError {
  return new LatentkitError("CORRUPT_MODEL", `This text model file is damaged: ${why}.`);
}

function isNumArray(v: unknown, n: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));
}

/** The `text` object of a file's meta, checked against the core model read with it. */
function parseTextMeta(raw: unknown, wasm: WasmModel): TextMeta {
  const t = raw as Partial<TextMeta>;
  const cfg = JSON.parse(wasm.configJson()) as WireModelConfig;
  if (typeof t !== "object" || t === null) throw corrupt("no text settings");
  if (t.version !== TEXT_VERSION) {
    throw new LatentkitError("UNSUPPORTED_VERSION", `This text model file has text format version ${String(t.version)}; this latentkit reads version ${TEXT_VERSION}. Upgrade latentkit.`);
  }
  if (!Array.isArray(t.vocabulary) || !t.vocabulary.every((s) => typeof s === "string")) throw corrupt("bad vocabulary");
  if (t.level !== "char" && t.level !== "word") throw corrupt("bad level");
  if (!cfg.tokens || cfg.tokens.vocab !== t.vocabulary.length || cfg.tokens.length !== (t.maxLength ?? -1) + 1) {
    throw corrupt("the vocabulary or maxLength does not match the weights");
  }
  const d = wasm.latentSize();
  if (t.latent !== d || !t.prior || !isNumArray(t.prior.mean, d) || !(t.prior.chol === null || isNumArray(t.prior.chol, d * d)) || !isNumArray(t.codeStd, d) ||
    !(t.prior.mixture == null || isMixture(t.prior.mixture, d))) {
    throw corrupt("bad sampling prior");
  }
  if ((t.variational != null) !== (cfg.variational !== undefined)) throw corrupt("variational settings do not match the weights");
  return {
    version: TEXT_VERSION,
    level: t.level,
    lowercase: t.lowercase === true,
    minCount: typeof t.minCount === "number" ? t.minCount : 1,
    maxLength: t.maxLength!,
    vocabulary: t.vocabulary,
    latent: d,
    hidden: Array.isArray(t.hidden) ? t.hidden : [],
    activation: typeof t.activation === "string" ? t.activation : "relu",
    variational: t.variational ?? null,
    seed: typeof t.seed === "number" ? t.seed : 0,
    prior: t.prior,
    codeStd: t.codeStd!,
    stats: Object.freeze(t.stats ?? { texts: 0, truncated: 0, longest: 0, unknownTokens: 0, tokens: 0 }),
  };
}

/** text.load(): see the `text` namespace. @internal */
export async function loadText(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Promise<TextGenerator> {
  const u8 = asBytes(bytes);
  if (!u8) throw invalidOption(`text.load() needs the bytes from gen.save() as a Uint8Array or ArrayBuffer, got ${show(bytes)}.`);
  await init();
  const { wasm, meta, history } = openModelFile(
    u8,
    "text",
    "These bytes are a numeric latentkit model, not a text model: load them with load() (text.load() reads files saved by a TextGenerator).",
  );
  try {
    return new TextGenerator(wasm, parseTextMeta(meta.text, wasm), history);
  } catch (e) {
    wasm.free();
    throw e;
  }
}
