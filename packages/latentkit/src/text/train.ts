// text.train(): the vocabulary from the corpus, the core model for it (its size checked
// first), the training run (until the held-out texts stop improving, by default), the
// sampling prior fitted on every text's code, and the summary of how training went.

import type { Matrix } from "../data.js";
import { LatentkitError } from "../errors.js";
import { withPartialModel } from "../handle.js";
import { TEXT_LIMITS } from "../limits.js";
import { throwIfAborted } from "../abort.js";
import { fromWasmError, init, wasmCall, WasmModel, wasmPlanJson } from "../wasm.js";
import type { WireModelConfig } from "../wire.js";
import { TextGenerator } from "./generator.js";
import { TEXT_VERSION } from "./meta-check.js";
import { embeddingWidth, normalizeTextOptions, TEXT_DEFAULTS, type NormalizedTextOptions, type TextTrainOptions } from "./options.js";
import { trainingLabels, withLabels } from "./labels.js";
import { checkTexts } from "./report.js";
import { splitTexts } from "./split.js";
import { buildVocabulary, encodeRows, END_ID, MASK_ID, PAD_ID, percentile, tokenize, Vocabulary } from "./tokenizer.js";
import { finishedSummary, interruptedSummary, splitFacts } from "./training-summary.js";
import type { TextMeta, TextStats, TextTrainingError } from "./types.js";

/**
 * TOO_LARGE before any allocation when the model would be over the limits: the width here
 * (with advice in text terms), the parameters by the core's own plan of the layout.
 */
function checkTextSize(opts: NormalizedTextOptions, config: WireModelConfig, L: number, V: number): void {
  if (opts.classes !== undefined && opts.classes > V) {
    throw new LatentkitError("INVALID_OPTION", `classes must be at most the vocabulary size (${V}), got ${opts.classes}; leave it out for ⌈√vocabulary⌉.`);
  }
  if (L * V > TEXT_LIMITS.width) {
    throw new LatentkitError(
      "TOO_LARGE",
      `(maxLength + 1) × vocabulary = ${L} × ${V} = ${L * V} is above the limit of ${TEXT_LIMITS.width}; use a smaller maxLength or a larger minCount.`,
    );
  }
  try {
    wasmPlanJson(JSON.stringify(config));
  } catch (e) {
    const err = fromWasmError(e);
    if (err.code !== "TOO_LARGE") throw err;
    throw new LatentkitError(
      "TOO_LARGE",
      `This text model (vocabulary ${V}, length ${L}, hidden ${JSON.stringify(opts.hidden)}) is too large: ${err.message}. Raise minCount, lower maxLength or use narrower hidden layers.`,
    );
  }
}

/**
 * Each token's count among the training targets: the positions up to and including each
 * row's end (the ones the model is trained on). The output layer's classes are cut from them.
 */
function targetCounts(ids: Float32Array, L: number, V: number): number[] {
  const counts = new Array<number>(V).fill(0);
  for (let base = 0; base < ids.length; base += L) {
    for (let t = 0; t < L; t++) {
      const id = ids[base + t]!;
      counts[id]!++;
      if (id === END_ID || id === PAD_ID) break;
    }
  }
  return counts;
}

/**
 * The core's config of a text model over `L` positions of `V` tokens with these target counts
 * (and `labels` labels for a conditional model, 0 otherwise).
 */
function coreConfig(opts: NormalizedTextOptions, L: number, V: number, counts: number[], labels: number): WireModelConfig {
  const table = opts.embedding ?? embeddingWidth(V);
  const tokens = { length: L, vocab: V, padId: PAD_ID, endId: END_ID, maskId: MASK_ID, context: opts.context, table, counts, ...(labels > 0 ? { labels } : {}) };
  return {
    inputSize: L * V,
    tokens: opts.classes === undefined ? tokens : { ...tokens, classCount: opts.classes },
    encoder: [...opts.hidden, opts.latent],
    activation: opts.activation,
    latentActivation: "linear",
    outputActivation: "linear",
    loss: "cce",
    init: opts.activation === "relu" || opts.activation === "leakyRelu" ? "heUniform" : "glorotUniform",
    seed: opts.seed,
    ...(opts.variational ? { variational: opts.variational } : {}),
  };
}

/** The meta of a new text model, before training (prior and code spread: N(0, I)). */
function newMeta(opts: NormalizedTextOptions, maxLength: number, vocabulary: string[], stats: TextStats, labels: string[] | undefined): TextMeta {
  return {
    version: TEXT_VERSION,
    level: opts.level,
    lowercase: opts.lowercase,
    minCount: opts.minCount,
    maxLength,
    vocabulary,
    latent: opts.latent,
    hidden: opts.hidden,
    activation: opts.activation,
    variational: opts.variational,
    seed: opts.seed,
    prior: { mean: new Array<number>(opts.latent).fill(0), chol: null, mixture: null },
    codeStd: new Array<number>(opts.latent).fill(1),
    stats,
    ...(labels ? { labels } : {}),
  };
}

/**
 * Keeps `error.generator` working (the name text.train()'s errors used for the partial model
 * before it became `error.model`, as for train()).
 */
function withGeneratorAlias(e: unknown): unknown {
  if (e instanceof LatentkitError && e.model !== undefined) {
    Object.defineProperty(e, "generator", {
      get: () => e.model,
      set: (v: LatentkitError["model"]) => (e.model = v),
      enumerable: true,
      configurable: true,
    });
  }
  return e;
}

/** text.train(): see the `text` namespace. @internal */
export async function trainText(texts: readonly string[], options: TextTrainOptions = {}): Promise<TextGenerator> {
  const list = checkTexts(texts, "texts", true);
  const opts = normalizeTextOptions(options, list.length);
  const labelled = trainingLabels((options as Record<string, unknown>).labels, list.length);
  throwIfAborted(opts.fit.signal);
  const toks = list.map((t) => tokenize(t, opts.level, opts.lowercase));
  const lengths = toks.map((t) => t.length);
  if (list.length === 0 || lengths.every((n) => n === 0)) {
    throw new LatentkitError("EMPTY_DATA", "The corpus has no text (no texts, or only empty ones); pass at least one non-empty string.");
  }
  const vocabulary = buildVocabulary(toks, opts.minCount);
  // The default is capped at the documented limit (an explicit value over it is INVALID_OPTION).
  const maxLength = opts.maxLength ?? Math.min(TEXT_LIMITS.maxLength, Math.max(1, percentile(lengths, TEXT_DEFAULTS.percentile)));
  const L = maxLength + 1;
  const V = vocabulary.length;
  const rows = encodeRows(toks, new Vocabulary(vocabulary), maxLength);
  const config = coreConfig(opts, L, V, targetCounts(rows.ids, L, V), labelled?.names.length ?? 0);
  await init();
  checkTextSize(opts, config, L, V);
  const stats: TextStats = Object.freeze({
    texts: list.length,
    truncated: rows.truncated.length,
    longest: lengths.reduce((a, b) => (b > a ? b : a), 0),
    unknownTokens: rows.unknown,
    tokens: rows.tokens,
  });
  const handle = wasmCall(() => WasmModel.create(JSON.stringify(config)));
  const shape = { context: opts.context, embedding: config.tokens!.table, classes: opts.classes ?? Math.ceil(Math.sqrt(V)) };
  const gen = new TextGenerator(handle, newMeta(opts, maxLength, vocabulary, stats, labelled?.names), [], shape);
  // a conditional model's rows carry their label as a last column (labels.ts)
  const all: Matrix = labelled ? { data: withLabels(rows.ids, list.length, L, labelled.ids), rows: list.length, cols: L + 1 } : { data: rows.ids, rows: list.length, cols: L };
  const fit = opts.noise ? { ...opts.fit, wasm: { ...opts.fit.wasm, noise: opts.noise } } : opts.fit;
  // Held-out texts only decide when to stop: the prior is fitted on every text, like the
  // vocabulary and the stats (the samples should look like the whole corpus).
  let parts: [Matrix, Matrix | null] = [all, null];
  try {
    const run = await gen._train(() => (parts = splitTexts(all, opts.fit.validationSplit, opts.seed)), fit, all);
    gen._setTraining(finishedSummary(run, splitFacts(gen, parts)));
    return gen;
  } catch (e) {
    withPartialModel(e, gen);
    if ((e as TextTrainingError).model === gen) await partialPrior(gen, all, e as LatentkitError, parts);
    throw withGeneratorAlias(e);
  }
}

/**
 * Fits the prior of a partly trained generator (ABORTED, DIVERGED) so that it samples like
 * the corpus, and records why it stopped. Without the signal: it fired already, and the fit
 * is bounded and yields. Codes that are not finite (a diverged model) keep the N(0, I) prior:
 * the generator stays usable.
 */
async function partialPrior(gen: TextGenerator, all: Matrix, e: LatentkitError, parts: [Matrix, Matrix | null]): Promise<void> {
  try {
    await gen._fitPrior(all.data, all.rows);
  } catch (e2) {
    if (!(e2 instanceof LatentkitError && e2.code === "DIVERGED")) {
      e.model = undefined;
      gen.dispose();
      return;
    }
  }
  try {
    gen._setTraining(interruptedSummary(e.code === "ABORTED" ? "signal" : "diverged", gen.history.length, splitFacts(gen, parts)));
  } catch {
    // a model whose outputs cannot be measured keeps no summary; it is still usable
  }
}
