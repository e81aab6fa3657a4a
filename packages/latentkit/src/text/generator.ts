// TextGenerator: a text autoencoder (plain or variational) in WebAssembly memory with its
// vocabulary and sampling distribution. Its life cycle is the shared ModelHandle's; decoding
// is in decoding.ts, the prior in prior.ts, training in train.ts, the file in model-file.ts.

import { toMatrix, type DataInput, type Matrix } from "../data.js";
import { LatentkitError, invalidOption } from "../errors.js";
import type { NormalizedFitOptions } from "../fit-options.js";
import { addSymbolDispose, ModelHandle } from "../handle.js";
import type { EpochRecord, History } from "../training.js";
import { NON_NEGATIVE, num, oneOf, POSITIVE, show } from "../validate.js";
import { wasmCall, type WasmModel } from "../wasm.js";
import { Slices } from "../yield.js";
import { count, methodOptions, seedOf } from "./arguments.js";
import { decodeCodes, reconstructChunks, textsFromProbs, type Decoder } from "./decoding.js";
import { bestLabels, DEFAULT_GUIDANCE, labelIds, MAX_GUIDANCE, optionLabels, withLabels } from "./labels.js";
import { drawFromMixture } from "./mixture.js";
import { drawGaussian, fitPrior, pathCodes } from "./prior.js";
import { detExp, Random } from "./random.js";
import { checkTexts } from "./report.js";
import { roundTrip } from "./round-trip.js";
import type { TextTrainingSummary } from "./training-summary.js";
import { encodeRows, tokenize, Vocabulary } from "./tokenizer.js";
import type {
  DecodeTextOptions,
  EncodeTextOptions,
  GuidanceOptions,
  LabelOptions,
  LongTextPolicy,
  Prior,
  RestyleOptions,
  SampleOptions,
  TextEvaluation,
  TextMeta,
  TextModelConfig,
  TextStats,
  VariationOptions,
} from "./types.js";

/** The meta's `kind` of text model files (numeric files have none). */
const TEXT_KIND = "text";
/** Default seed of sample(), variations() and sampled decoding. */
const DEFAULT_SAMPLE_SEED = 0;
/** Spread of variations() of a plain model: this fraction of the training codes' std. */
const PLAIN_VARIATION_SCALE = 0.3;

function checkText(t: unknown, what: string): string {
  if (typeof t !== "string") throw invalidOption(`${what} must be a string, got ${show(t)}.`);
  return t;
}

/** INVALID_OPTION when codes drawn with this option's value overflow float32. */
function checkDrawn(codes: Float32Array, option: string, value: number): void {
  if (!codes.every(Number.isFinite)) throw invalidOption(`${option} ${value} draws latent codes beyond the float32 range (±3.4e38); use a smaller ${option}.`);
}

/**
 * A text generator: an autoencoder over token sequences with its vocabulary, ready to
 * sample, interpolate, vary, reconstruct, encode and decode texts. Get one from
 * {@link text.train} or {@link text.load}. It holds WebAssembly memory: call
 * {@link TextGenerator.dispose} when done.
 *
 * Texts are tokenised like the training corpus (`level`, `lowercase`); tokens not in the
 * vocabulary become `<unk>` (decoded as U+FFFD "�" at char level, `<unk>` at word level),
 * and texts longer than `maxLength` tokens are truncated unless `onLongText: "error"`.
 */
/** What the generator reports of the core's token layout. @internal */
export interface TextShape {
  context: number;
  embedding: number;
  classes: number;
}

export class TextGenerator {
  readonly #model: ModelHandle;
  readonly #vocab: Vocabulary;
  readonly #meta: TextMeta;
  readonly #config: TextModelConfig;
  #prior: Prior;
  #codeStd: number[];
  #training: TextTrainingSummary | null;

  static {
    addSymbolDispose(TextGenerator.prototype);
  }

  /** @internal `shape` is the core config's token layout (context, table width, classes), which the caller knows. */
  constructor(handle: WasmModel, meta: TextMeta, history: EpochRecord[], shape: TextShape) {
    this.#model = new ModelHandle(handle, history, "text generator", "gen");
    this.#meta = meta;
    this.#vocab = new Vocabulary(meta.vocabulary);
    this.#prior = meta.prior;
    this.#codeStd = meta.codeStd;
    this.#training = meta.training ?? null;
    this.#config = Object.freeze({
      level: meta.level,
      lowercase: meta.lowercase,
      minCount: meta.minCount,
      maxLength: meta.maxLength,
      vocabularySize: meta.vocabulary.length,
      latent: meta.latent,
      hidden: Object.freeze([...meta.hidden]),
      activation: meta.activation,
      embedding: shape.embedding,
      classes: shape.classes,
      context: shape.context,
      variational: meta.variational ? Object.freeze({ ...meta.variational }) : null,
      seed: meta.seed,
    });
  }

  /** The live core model and what decoding needs of it, or DISPOSED naming `what`. */
  #decoder(what: string): Decoder {
    const { maxLength, latent, level } = this.#meta;
    const cols = maxLength + 1 + (this.#meta.labels ? 1 : 0);
    return { wasm: this.#model.live(what), vocab: this.#vocab, level, maxLength, latent, context: this.#config.context, cols };
  }

  /** The model's settings with defaults filled in (frozen). */
  get config(): TextModelConfig {
    return this.#config;
  }

  /** Whether this is a variational autoencoder. */
  get variational(): boolean {
    return this.#meta.variational !== null;
  }

  /** Number of weights and biases of the network (the token table and the output layer's included). */
  get paramCount(): number {
    return this.#model.live("paramCount").paramCount();
  }

  /** Size of the latent code. */
  get latentSize(): number {
    return this.#meta.latent;
  }

  /** Longest text in tokens (end token not counted); longer texts are truncated. */
  get maxLength(): number {
    return this.#meta.maxLength;
  }

  /** The vocabulary by id: `<pad>`, `<end>`, `<mask>`, `<unk>`, then the corpus' tokens by descending count. */
  get vocabulary(): readonly string[] {
    return this.#vocab.tokens;
  }

  /** A conditional model's labels (text.train()'s `labels`), sorted; empty for other models. */
  get labels(): readonly string[] {
    return Object.freeze([...(this.#meta.labels ?? [])]);
  }

  /** Facts about the training corpus (texts, truncated texts, unknown tokens...). */
  get stats(): TextStats {
    return this.#meta.stats;
  }

  /**
   * How text.train() went: epochs, why it stopped ("validation loss stopped improving at
   * epoch 12 (best: epoch 9)", "reached the cap of 200 epochs", ...), the texts held out, and
   * the share of training texts the model reconstructs exactly (well below 1: the model is
   * too small for the corpus). Kept in the file; `null` for files saved before it existed.
   */
  get training(): TextTrainingSummary | null {
    return this.#training;
  }

  /** Every training epoch, oldest first (a copy). Epochs read from a file have no `seconds`. */
  get history(): readonly EpochRecord[] {
    return this.#model.history;
  }

  /** Whether {@link TextGenerator.dispose} was called. */
  get disposed(): boolean {
    return this.#model.disposed;
  }

  /** Texts -> id rows (validated), a conditional model's `labels` (one id a text) appended as their last column. */
  #rows(texts: readonly string[], what: string, policy: LongTextPolicy, labels: Float32Array | null = null): { ids: Float32Array } {
    const { level, lowercase, maxLength } = this.#meta;
    const toks = texts.map((t) => tokenize(t, level, lowercase));
    if (policy === "error") {
      const i = toks.findIndex((t) => t.length > maxLength);
      if (i >= 0) {
        throw invalidOption(
          `${what}[${i}] has ${toks[i]!.length} tokens, more than the model's maxLength of ${maxLength} ` +
            '(onLongText is "error"); shorten it or use onLongText: "truncate".',
        );
      }
    }
    const { ids } = encodeRows(toks, this.#vocab, maxLength);
    return { ids: labels ? withLabels(ids, texts.length, maxLength + 1, labels) : ids };
  }

  /** The label ids of a method's `{ label }` / `{ labels }` for `rows` rows: required by a conditional model, refused by another (null). */
  #labels(o: Record<string, unknown>, rows: number, method: string): Float32Array | null {
    return optionLabels(this.#meta.labels, o, rows, method);
  }

  /**
   * A method's `guidance` (how strongly decoding follows the label), refused above 0 by a
   * model without labels. Its default: DEFAULT_GUIDANCE for a plain conditional model's
   * `sample` and `restyle`, whose point is the label (`generative`); 0 for `decode`,
   * `interpolate` and `variations`, which must give back the texts their codes came from, and
   * for a conditional VAE, whose KL term already leaves the label to the label (guidance there
   * only distorts: measured on a two-alphabet toy, 85% of samples in the label's letters at 6
   * against 100% at 0).
   */
  #guidance(o: Record<string, unknown>, method: string, generative = false): number {
    const conditional = (this.#meta.labels?.length ?? 0) > 0;
    if (o.guidance === undefined) return conditional && generative && !this.variational ? DEFAULT_GUIDANCE : 0;
    const g = num(o, "guidance", 0, { min: 0, max: MAX_GUIDANCE });
    if (g > 0 && !conditional) throw invalidOption(`${method}: guidance is for conditional models (trained with labels); this one has none, remove guidance.`);
    return g;
  }

  #policy(o: Record<string, unknown>): LongTextPolicy {
    const v = o.onLongText;
    if (v === undefined) return "truncate";
    if (v === "truncate" || v === "error") return v;
    throw invalidOption(`onLongText must be "truncate" or "error", got ${show(v)}.`);
  }

  #encodeRaw(ids: Float32Array, rows: number): Float32Array {
    const h = this.#model.live("encode()");
    return wasmCall(() => h.encode(ids, rows));
  }

  /**
   * Maps texts to their latent codes (a VAE's posterior means): `{ data, rows, cols: latentSize }`.
   * A conditional model encodes each text with its label (`{ label }` or `{ labels }`).
   * @throws LatentkitError INVALID_OPTION for non-strings (naming the index) or, with
   *   `onLongText: "error"`, texts longer than `maxLength`; EMPTY_DATA for an empty array
   */
  encode(texts: readonly string[], options: EncodeTextOptions = {}): Matrix {
    this.#model.live("encode()");
    const o = methodOptions(options, ["onLongText", "label", "labels"], "encode()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", this.#policy(o), this.#labels(o, list.length, "encode()"));
    return { data: this.#encodeRaw(ids, list.length), rows: list.length, cols: this.latentSize };
  }

  /**
   * Maps latent codes (rows of `latentSize` values, e.g. from {@link TextGenerator.encode})
   * back to texts. Most likely tokens by default; `temperature > 0` draws tokens (seeded).
   * Decoding stops at the end token. A conditional model decodes each code with its label
   * (`{ label }` or `{ labels }`).
   */
  decode(codes: DataInput, options: DecodeTextOptions = {}): string[] {
    this.#model.live("decode()");
    const o = methodOptions(options, ["temperature", "seed", "label", "labels", "guidance"], "decode()");
    const temperature = num(o, "temperature", 0, NON_NEGATIVE);
    const seed = seedOf(o, "seed", DEFAULT_SAMPLE_SEED);
    const m = toMatrix(codes, "codes", { cols: this.latentSize, name: "latentSize" });
    const labels = this.#labels(o, m.rows, "decode()") ?? undefined;
    return decodeCodes(this.#decoder("decode()"), m.data, m.rows, temperature, seed, labels, this.#guidance(o, "decode()"));
  }

  /**
   * Texts -> latent space -> texts (most likely tokens): what the model makes of each text. A
   * conditional model encodes and decodes each text with its label (`{ label }` or `{ labels }`).
   */
  reconstruct(texts: readonly string[], options: EncodeTextOptions = {}): string[] {
    const dec = this.#decoder("reconstruct()");
    const o = methodOptions(options, ["onLongText", "label", "labels"], "reconstruct()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", this.#policy(o), this.#labels(o, list.length, "reconstruct()"));
    const out: string[] = [];
    reconstructChunks(dec, ids, list.length, (p, _r0, n) => {
      for (const t of textsFromProbs(dec, p, n)) out.push(t);
    });
    return out;
  }

  /**
   * `n` new texts like the corpus: latent codes drawn from the model's prior (N(0, I) for a
   * VAE; for a plain model a Gaussian fitted to the training codes), decoded. Reproducible:
   * the same `seed` (default 0) gives the same texts. A conditional model draws texts of the
   * label `{ label }` (required there): the codes are drawn as for any text, the label decides
   * what the decoder makes of them.
   * @param n integer 1..1,000,000
   */
  sample(n: number, options: SampleOptions = {}): string[] {
    const dec = this.#decoder("sample()");
    count(n, "n", 1, 1_000_000);
    const o = methodOptions(options, ["temperature", "seed", "tokenTemperature", "refine", "prior", "label", "guidance"], "sample()");
    const guidance = this.#guidance(o, "sample()", true);
    const labels = this.#labels(o, n, "sample()");
    const temperature = num(o, "temperature", 1, NON_NEGATIVE);
    const seed = seedOf(o, "seed", DEFAULT_SAMPLE_SEED);
    const tokenTemperature = num(o, "tokenTemperature", 0, NON_NEGATIVE);
    const refine = o.refine === undefined ? 0 : count(o.refine, "refine", 0, 100);
    const prior = oneOf(o, "prior", ["gaussian", "mixture"] as const, "gaussian");
    const mixture = this.#prior.mixture;
    if (prior === "mixture" && !mixture) {
      throw new LatentkitError("INVALID_STATE", "This model has no mixture prior (its file predates it, or it never finished an epoch); train it again, or sample with prior \"gaussian\".");
    }
    const rng = new Random(seed);
    let codes: Float32Array;
    if (prior === "mixture") {
      codes = new Float32Array(n * this.latentSize);
      for (let r = 0; r < n; r++) drawFromMixture(mixture!, this.latentSize, temperature, rng, codes, r);
    } else {
      codes = drawGaussian(this.#prior, n, this.latentSize, temperature, rng);
    }
    checkDrawn(codes, "temperature", temperature);
    let texts = decodeCodes(dec, codes, n, tokenTemperature, seed + 1 > Number.MAX_SAFE_INTEGER ? 0 : seed + 1, labels ?? undefined, guidance);
    for (let i = 0; i < refine; i++) texts = this.reconstruct(texts, labels ? { label: o.label as string } : {});
    return texts;
  }

  /**
   * A path from text `a` to text `b` through latent space: `steps` texts, ends included
   * (the decoded codes of `a` and `b` themselves). Linear for a plain model, spherical
   * (slerp) for a VAE, whose codes live near a sphere.
   * A conditional model encodes both texts and decodes the path with `{ label }` (required there).
   * @param steps integer 2..10,000
   * @throws LatentkitError INVALID_OPTION for empty or non-string texts
   */
  interpolate(a: string, b: string, steps: number, options: { label?: string } & GuidanceOptions = {}): string[] {
    const dec = this.#decoder("interpolate()");
    checkText(a, "a");
    checkText(b, "b");
    if (a.length === 0 || b.length === 0) {
      throw invalidOption(`interpolate() needs two non-empty texts, got ${a.length === 0 ? "an empty a" : "an empty b"}.`);
    }
    count(steps, "steps", 2, 10_000);
    const o = methodOptions(options, ["label", "guidance"], "interpolate()");
    const label = this.#labels(o, steps, "interpolate()");
    const { ids } = this.#rows([a, b], "texts", "truncate", label && label.subarray(0, 2));
    const z = this.#encodeRaw(ids, 2);
    const d = this.latentSize;
    const za = Array.from(z.subarray(0, d));
    const zb = Array.from(z.subarray(d, 2 * d));
    return decodeCodes(dec, pathCodes(za, zb, steps, this.variational), steps, 0, 0, label ?? undefined, this.#guidance(o, "interpolate()"));
  }

  /**
   * `n` texts near `text`: codes drawn around its code (a VAE's posterior spread for it; for
   * a plain model a fraction of the training codes' spread), decoded. Distinct texts other
   * than `text`'s own reconstruction are preferred; when too few exist nearby the spread grows,
   * and the list is topped up with repeats as a last resort. A conditional model encodes the
   * text and decodes its variations with `{ label }` (required there).
   * @param n integer 1..10,000
   */
  variations(text: string, n: number, options: VariationOptions = {}): string[] {
    const dec = this.#decoder("variations()");
    const h = dec.wasm;
    checkText(text, "text");
    count(n, "n", 1, 10_000);
    const o = methodOptions(options, ["spread", "seed", "label", "guidance"], "variations()");
    const guidance = this.#guidance(o, "variations()");
    const label = this.#labels(o, 1, "variations()");
    const spread = num(o, "spread", 1, POSITIVE);
    const seed = seedOf(o, "seed", DEFAULT_SAMPLE_SEED);
    const d = this.latentSize;
    const { ids } = this.#rows([text], "text", "truncate", label);
    // decoded with the text's label (one id, repeated for each batch of codes)
    const labelsOf = (m: number) => (label ? new Float32Array(m).fill(label[0]!) : undefined);
    let mu: Float32Array;
    let sigma: number[];
    if (this.variational) {
      const dist = wasmCall(() => h.encodeDistribution(ids, 1));
      mu = dist.slice(0, d);
      sigma = Array.from(dist.subarray(d, 2 * d), (lv) => detExp(lv / 2));
    } else {
      mu = this.#encodeRaw(ids, 1);
      sigma = this.#codeStd.map((s) => PLAIN_VARIATION_SCALE * s);
    }
    const own = decodeCodes(dec, mu, 1, 0, 0, labelsOf(1), guidance)[0]!;
    const rng = new Random(seed);
    const found: string[] = [];
    const seen = new Set<string>([own, text]);
    let scale = spread;
    for (let round = 0; round < 6 && found.length < n; round++) {
      const m = Math.max(8, 2 * (n - found.length));
      const codes = new Float32Array(m * d);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < d; j++) codes[r * d + j] = mu[j]! + scale * sigma[j]! * rng.normal();
      }
      checkDrawn(codes, "spread", spread);
      for (const t of decodeCodes(dec, codes, m, 0, 0, labelsOf(m), guidance)) {
        if (!seen.has(t) && found.length < n) {
          seen.add(t);
          found.push(t);
        }
      }
      scale *= 1.5;
    }
    const pool = found.length > 0 ? [...found] : [own];
    for (let i = 0; found.length < n; i++) found.push(pool[i % pool.length]!);
    return found;
  }

  /**
   * Style transfer by swapping the condition (conditional models): each text is encoded with
   * its own label and decoded with `label` (most likely tokens). The own label is `from` (one
   * for all texts, or one per text) or, without `from`, the label under which the model explains
   * the text best: the lowest {@link TextGenerator.score} (ties: the first of `labels`). That
   * costs one `score` pass over the texts per label (one forward pass each) on top of the
   * restyle itself. A plain conditional model decodes with label `guidance` 6 by default (see
   * {@link GuidanceOptions}; lower keeps more of the input, 0 is the conditional model alone).
   * INVALID_OPTION on a model trained without labels, or for an unknown label (naming the
   * known ones).
   */
  restyle(texts: readonly string[], label: string, options: RestyleOptions = {}): string[] {
    const dec = this.#decoder("restyle()");
    const o = methodOptions(options, ["from", "onLongText", "guidance"], "restyle()");
    const list = checkTexts(texts, "texts");
    const names = this.#meta.labels;
    const to = labelIds(names, label, list.length, "restyle()", "label");
    const guidance = this.#guidance(o, "restyle()", true);
    const rows = list.length;
    const { ids } = this.#rows(list, "texts", this.#policy(o));
    const width = this.#meta.maxLength + 1;
    const labelled = (from: Float32Array) => withLabels(ids, rows, width, from);
    const from = o.from !== undefined
      ? labelIds(names, o.from, rows, "restyle()", "from")
      : bestLabels(names!.length, rows, (id) => wasmCall(() => dec.wasm.score(labelled(new Float32Array(rows).fill(id)), rows)));
    return decodeCodes(dec, this.#encodeRaw(labelled(from), rows), rows, 0, 0, to, guidance);
  }

  /**
   * The latent direction from one group of texts to another: mean code of `toTexts` minus
   * mean code of `fromTexts`. Add it to codes with {@link TextGenerator.shift}.
   */
  direction(fromTexts: readonly string[], toTexts: readonly string[]): Float32Array {
    this.#model.live("direction()");
    const a = this.encode(checkTexts(fromTexts, "fromTexts"));
    const b = this.encode(checkTexts(toTexts, "toTexts"));
    const d = this.latentSize;
    const out = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      let sa = 0, sb = 0;
      for (let r = 0; r < a.rows; r++) sa += a.data[r * d + j]!;
      for (let r = 0; r < b.rows; r++) sb += b.data[r * d + j]!;
      out[j] = sb / b.rows - sa / a.rows;
    }
    return out;
  }

  /** Moves each text's code by `amount` × `direction` and decodes it (most likely tokens). */
  shift(texts: readonly string[], direction: ArrayLike<number>, amount = 1): string[] {
    const dec = this.#decoder("shift()");
    const list = checkTexts(texts, "texts");
    const d = this.latentSize;
    if (direction === null || typeof direction !== "object" || typeof direction.length !== "number" || direction.length !== d) {
      throw new LatentkitError("SHAPE_MISMATCH", `direction must be ${d} numbers (the latent size), got ${show(direction)}${direction && typeof (direction as ArrayLike<number>).length === "number" ? ` of length ${(direction as ArrayLike<number>).length}` : ""}.`);
    }
    if (typeof amount !== "number" || !Number.isFinite(amount)) throw invalidOption(`amount must be a finite number, got ${show(amount)}.`);
    const z = this.encode(list);
    for (let r = 0; r < z.rows; r++) {
      for (let j = 0; j < d; j++) {
        const v = direction[j];
        if (typeof v !== "number" || !Number.isFinite(v)) throw new LatentkitError("NON_FINITE_INPUT", `direction[${j}] is ${show(v)}; it must be a finite number.`);
        z.data[r * d + j]! += amount * v;
      }
    }
    return decodeCodes(dec, z.data, z.rows, 0, 0);
  }

  /**
   * How well texts survive the round trip: exact-match rate of the most likely reconstruction,
   * token accuracy (over each text's tokens and its end token), and the model's loss. Texts
   * with unknown tokens count (their `<unk>` positions must come back as `<unk>`). A conditional
   * model takes each text's label (`{ label }` or `{ labels }`).
   */
  evaluate(texts: readonly string[], options: EncodeTextOptions = {}): TextEvaluation {
    const dec = this.#decoder("evaluate()");
    const o = methodOptions(options, ["onLongText", "label", "labels"], "evaluate()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", this.#policy(o), this.#labels(o, list.length, "evaluate()"));
    const rows = list.length;
    const loss = wasmCall(() => dec.wasm.evaluate(ids, rows));
    const { exact, correct, total } = roundTrip(dec, ids, rows);
    return { exactMatch: exact / rows, tokenAccuracy: total > 0 ? correct / total : 0, loss };
  }

  /**
   * Per-text loss (higher = less typical of the corpus), one value per text. A conditional
   * model takes each text's label (`{ label }` or `{ labels }`).
   */
  score(texts: readonly string[], options: LabelOptions = {}): Float32Array {
    const h = this.#model.live("score()");
    const o = methodOptions(options, ["label", "labels"], "score()");
    const list = checkTexts(texts, "texts");
    const { ids } = this.#rows(list, "texts", "truncate", this.#labels(o, list.length, "score()"));
    return wasmCall(() => h.score(ids, list.length));
  }

  /**
   * The generator as one self-contained file: vocabulary, settings, sampling prior, corpus
   * stats, history and weights. Read back with {@link text.load}. Identical training gives
   * identical bytes.
   */
  save(): Uint8Array {
    // a safetensors file is written by a lazy chunk: save({ format }) says where
    if ((arguments[0] as { format?: unknown } | undefined)?.format !== undefined) {
      throw invalidOption("gen.save() writes latentkit's own format; for safetensors, use await gen.toSafetensors().");
    }
    return this.#model.save(this.#fileMeta());
  }

  /**
   * The generator as a safetensors file: its weights as F32 tensors named as in PyTorch
   * (`token_embedding.weight` (V, d), `encoder.0.weight` (out, in), ...; the README's
   * safetensors section has the table), and its config and {@link save}'s meta (vocabulary,
   * settings, prior...) in `__metadata__`. Weights only: no optimiser state. {@link text.load}
   * reads it.
   */
  toSafetensors(): Promise<Uint8Array> {
    return this.#model.toSafetensors(this.#fileMeta());
  }

  /**
   * The generator as ONNX files (opset 17): `part` "encoder" (input `ids` (batch, length)
   * int64 → `code`), or "decoder" (the default), one step of the autoregressive loop: `code`,
   * `previous` (batch, context) int64 (the tokens before the position, nearest first, the
   * start id `maskId` before a text's start), `position` (an int64 scalar) → `log_probs`
   * (batch, vocab), ln p of every token. A conditional model takes `label` (batch) int64 too.
   * Token ids are {@link vocabulary}'s indices. The README's ONNX section has a decoding loop.
   */
  toOnnx(options?: { part?: "encoder" | "decoder" }): Promise<Uint8Array> {
    return this.#model.toOnnx(options, this.#fileMeta());
  }

  /** The meta fields of the file: vocabulary, settings, prior, corpus stats. */
  #fileMeta(): Record<string, unknown> {
    const training = this.#training ? { training: this.#training } : {};
    return { kind: TEXT_KIND, text: { ...this.#meta, prior: this.#prior, codeStd: this.#codeStd, ...training } };
  }

  /** Frees the WebAssembly memory. Idempotent; afterwards every method throws DISPOSED. */
  dispose(): void {
    this.#model.dispose();
  }

  /**
   * Trains on the id rows `data()` returns (training, validation), then fits the sampling
   * distribution on `priorRows` (DIVERGED when the trained model's codes are not finite; the
   * generator keeps its previous prior then). @internal
   */
  async _train(data: () => [Matrix, Matrix | null], opts: NormalizedFitOptions, priorRows: Matrix): Promise<History> {
    const run = await this.#model.train("train()", opts, data);
    await this._fitPrior(priorRows.data, priorRows.rows, opts.signal);
    return run;
  }

  /** Share of the id rows reconstructed exactly (0 for no rows). @internal */
  _exactShare(m: Matrix): number {
    return m.rows === 0 ? 0 : roundTrip(this.#decoder("evaluate()"), m.data, m.rows).exact / m.rows;
  }

  /** Records how text.train() went (`training`, and the file). @internal */
  _setTraining(summary: TextTrainingSummary): void {
    this.#training = summary;
  }

  /**
   * Fits the code statistics (and a plain model's sampling Gaussian) on training rows, in
   * slices that yield to the event loop and honour `signal`. @internal
   */
  async _fitPrior(ids: Float32Array, rows: number, signal?: AbortSignal): Promise<void> {
    const slices = new Slices(signal);
    const fitted = await fitPrior(this.#encodeRaw(ids, rows), rows, this.latentSize, this.variational, this.#meta.seed, slices);
    this.#codeStd = fitted.codeStd;
    this.#prior = fitted.prior;
  }
}
