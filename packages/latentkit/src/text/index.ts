// The `text` namespace: generative text models on top of the numeric core.
//
// The generator (lazy.ts: training, loading, and the TextGenerator class with what only it
// uses) is imported on first use by text.train() and text.load(), both async anyway: in the
// ESM builds it is a separate chunk, so an app that only uses the numeric API does not
// download or parse it. The CJS builds inline it.

import type { TextGenerator } from "./generator.js";
import type { TextTrainOptions } from "./options.js";
import { reportTexts, type TextReport } from "./report.js";
import { init } from "../wasm.js";

export type {
  DecodeTextOptions,
  EncodeTextOptions,
  LabelOptions,
  LongTextPolicy,
  RestyleOptions,
  GuidanceOptions,
  SampleOptions,
  TextEvaluation,
  TextModelConfig,
  TextStats,
  TextTrainingError,
  VariationOptions,
} from "./types.js";
export type { TextGenerator } from "./generator.js";
export type { TextNoiseOptions, TextTrainOptions } from "./options.js";
export type { TextReport } from "./report.js";
export type { TextLevel } from "./tokenizer.js";
export type { TextStopReason, TextTrainingSummary } from "./training-summary.js";

let generator: Promise<typeof import("./lazy.js")> | undefined;

function loadGenerator(): Promise<typeof import("./lazy.js")> {
  generator ??= import("./lazy.js");
  return generator;
}

/**
 * Generative text models: autoencoders over character or word sequences.
 *
 * @example
 * import { text } from "latentkit";
 * const gen = await text.train(lines, { level: "char", variational: true, epochs: 40, seed: 1 });
 * gen.sample(10);                        // new texts like the corpus
 * gen.interpolate("london", "paris", 8); // a path through latent space, ends included
 * const again = await text.load(gen.save());
 */
export const text = Object.freeze({
  /**
   * Builds a vocabulary from `texts`, then trains a text autoencoder on them (loading the
   * WebAssembly core first if needed). Every option is validated before any work.
   *
   * Tokens: `level: "char"` splits Unicode code points, `"word"` words with punctuation split
   * off. The vocabulary is `<pad>` 0, `<end>` 1, `<mask>` 2, `<unk>` 3, then every token seen
   * `minCount` times or more, most frequent first (ties in code-point order). Texts longer
   * than `maxLength` tokens (default: the 99th percentile of the corpus, at most 4096) are truncated and
   * counted in `gen.stats.truncated`.
   *
   * Training stops by default when the validation loss (on a seeded random 10% of the texts,
   * none under 20 texts) has not improved for 3 epochs, keeping the best epoch's weights, and
   * after 200 epochs at most; `earlyStopping: false` trains exactly `epochs` (default 30).
   * `gen.training` says why it stopped and how many training texts come back exactly.
   *
   * @throws LatentkitError EMPTY_DATA for a corpus without text; INVALID_OPTION for non-string
   *   items (naming the index) and bad options (naming the option); TOO_LARGE for a model over
   *   the size limits; ABORTED (with `error.model`, the partly trained generator) when
   *   `signal` aborts
   */
  async train(texts: readonly string[], options: TextTrainOptions = {}): Promise<TextGenerator> {
    const { trainText } = await loadGenerator();
    return trainText(texts, options);
  },

  /**
   * Reads a text generator saved with `gen.save()` (vocabulary, settings, prior and weights),
   * or a safetensors file from `gen.toSafetensors()`.
   * @throws LatentkitError CORRUPT_MODEL for damaged bytes; INVALID_OPTION for a numeric model
   *   file (load it with `load()`) or non-bytes; UNSUPPORTED_VERSION for newer files
   */
  async load(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Promise<TextGenerator> {
    const { loadText } = await loadGenerator();
    return loadText(bytes);
  },

  /**
   * Loads the text generator's code (a separate chunk in the ESM builds) and the WebAssembly
   * core ahead of time. Optional: text.train() and text.load() do it themselves; call it
   * early to take that latency off the first call, or to have option errors from
   * text.train() reported without delay.
   */
  async preload(): Promise<void> {
    await loadGenerator();
    await init();
  },

  /**
   * MOSES-style measures of generated texts: `uniqueness` = distinct / count, `novelty` =
   * share of distinct samples not in `training`, `inReference` = share of those novel samples
   * found in `reference` (e.g. held-out real texts; only when given).
   */
  report(samples: readonly string[], options: { training: Iterable<string>; reference?: Iterable<string> }): TextReport {
    return reportTexts(samples, options);
  },
});
