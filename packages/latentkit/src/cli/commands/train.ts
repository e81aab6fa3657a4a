// latentkit train <file> -o model.lk: a text model on one text per line, or (--numeric) a
// numeric autoencoder on a CSV with a header. Progress per epoch; Ctrl-C saves the model so far.

import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { choice, intList, num, str, type CommandSpec, type Parsed } from "../args.js";
import { CliError, EXIT, UsageError } from "../errors.js";
import { printJson, readCsv, readTextLines } from "../io.js";
import { countsLine, readLabelled, type LabelledCorpus } from "../labelled.js";
import { fileExists, writeFileAtomic } from "../write-file.js";
import { formatDuration, formatLoss, Progress } from "../progress.js";
import {
  ACTIVATIONS,
  defaultLatent,
  LatentkitError,
  text,
  train as trainNumeric,
  type Autoencoder,
  type EpochInfo,
  type EpochRecord,
  type TextGenerator,
  type TextTrainingSummary,
  type TextTrainOptions,
  type TrainOptions,
} from "../sdk.js";

/**
 * Epochs when --epochs is not given (the SDK's defaults): a text model's cap with early
 * stopping (its default), its fixed count with --no-early-stopping, a numeric model's count.
 */
export const DEFAULT_EPOCHS = { text: 200, textFixed: 30, numeric: 10 } as const;

export const spec: CommandSpec = {
  name: "train",
  usage: "latentkit train <file> [-o model.lk] [options]",
  summary: "Train a text model on a file with one text per line (with --labels, text<TAB>label per line: a conditional model), or, with --numeric, an autoencoder on a CSV file with a header row.",
  details: [
    "Progress goes to stderr: a bar on a terminal, one line per epoch otherwise. Ctrl-C stops",
    "training and still saves the model so far (exit code 130); press it twice to quit without saving.",
    "Use - as <file> to read stdin. Text files are UTF-8 (a byte-order mark is fine) or UTF-16 with a",
    "byte-order mark; lines end in \\n or \\r\\n. Characters are code points, so Chinese needs no option.",
    "The model file is written atomically (a temporary file, then a rename): an interrupted or failed run",
    "never leaves half a model. When training diverges, an existing model file is kept unless --force.",
    "With --labels each line is a text, a tab and its label (2 to 256 distinct labels; the label is what",
    "follows the last tab); sample, restyle, interpolate, variations... then take --label. Without --labels",
    "a tab is part of the text.",
  ].join("\n"),
  positionals: { min: 1, max: 1, names: "a training file (one text per line, or CSV with --numeric)" },
  flags: {
    output: { type: "string", short: "o", value: "file", help: "where to save the model (default: <file> with extension .lk; a name ending in .safetensors writes a safetensors file)" },
    numeric: { type: "boolean", help: "train a numeric autoencoder on a CSV file with a header row" },
    labels: { type: "boolean", help: "text: each line is text<TAB>label; trains a conditional model (2 to 256 labels)" },
    level: { type: "string", value: "char|word", help: "text: tokens are characters or words (default char)" },
    lowercase: { type: "boolean", help: "text: lower-case texts first" },
    "min-count": { type: "string", value: "n", help: "text: rarer tokens become <unk> (default 1)" },
    "max-length": { type: "string", value: "n", help: "text: longest text in tokens (default: 99th percentile of the corpus)" },
    latent: { type: "string", value: "n", help: "size of the latent code (default 32 for text)" },
    hidden: { type: "string", value: "n,n", help: "hidden layer widths, e.g. 256 or 256,128 (default 256 for text)" },
    context: { type: "string", value: "n", help: "text: tokens before each position the decoder sees, 0..8 (default 3; 0 decodes positions independently)" },
    decoder: { type: "string", value: "n,n", help: "numeric: decoder hidden widths (default: --hidden reversed)" },
    activation: { type: "string", value: "name", help: `hidden activation: ${ACTIVATIONS.join(", ")} (default relu)` },
    "latent-activation": { type: "string", value: "name", help: "numeric: activation of the code layer (default linear)" },
    "output-activation": { type: "string", value: "name", help: "numeric: activation of the output (default linear; sigmoid for data in [0, 1])" },
    loss: { type: "string", value: "mse|bce", help: "numeric: reconstruction loss (default mse)" },
    variational: { type: "boolean", help: "a variational autoencoder (VAE)" },
    beta: { type: "string", value: "x", help: "VAE: weight of the KL term (default 1; implies --variational)" },
    "kl-warmup": { type: "string", value: "n", help: "VAE: epochs over which the KL weight rises to beta (implies --variational)" },
    "free-bits": { type: "string", value: "x", help: "VAE: nats of KL per dimension that cost nothing (implies --variational)" },
    noise: { type: "string", value: "x", help: "denoising: text: rate of token mask/delete/swap; numeric: std of Gaussian noise" },
    mask: { type: "string", value: "rate", help: "denoising: rate of masked tokens (text) or zeroed values (numeric)" },
    "context-noise": { type: "string", value: "rate", help: "text: share of context tokens hidden from the decoder while training, so a VAE keeps using its code (noise.context)" },
    epochs: { type: "string", short: "e", value: "n", help: `epochs: text: the cap, default ${DEFAULT_EPOCHS.text} (exactly ${DEFAULT_EPOCHS.textFixed} with --no-early-stopping); numeric: default ${DEFAULT_EPOCHS.numeric}` },
    "batch-size": { type: "string", short: "b", value: "n", help: "examples per gradient step (default 64 for text, 32 numeric)" },
    "learning-rate": { type: "string", value: "x", help: "learning rate (default 5e-4 for text, 1e-3 numeric)" },
    optimizer: { type: "string", value: "name", help: "adam, adamw or sgd (default adam)" },
    "weight-decay": { type: "string", value: "x", help: "weight decay (default 0; 0.004 with adamw)" },
    "clip-norm": { type: "string", value: "x", help: "clip each batch's gradient to this L2 norm" },
    seed: { type: "string", value: "n", help: "seed of the weights, shuffling and noise (default 42)" },
    "validation-split": { type: "string", value: "x", help: "fraction held out for validation, in [0, 1): text: random lines (seeded), default 0.1 with 20+ lines; numeric: the LAST rows, default 0" },
    "early-stopping": { type: "boolean", help: "stop when the (validation) loss stops improving, keep the best epoch (text: the default)" },
    "no-early-stopping": { type: "boolean", help: "text: train exactly --epochs on every line (default 30), no validation split" },
    patience: { type: "string", value: "n", help: "early stopping patience in epochs (default 3 for text, 5 numeric; implies --early-stopping)" },
    quiet: { type: "boolean", short: "q", help: "no progress output" },
    force: { type: "boolean", help: "replace an existing model file even when training diverged" },
  },
  examples: [
    "latentkit train corpora/words.txt -o words.lk --variational --epochs 40 --validation-split 0.1",
    "latentkit train corpora/tang5.txt -o tang.lk --validation-split 0.1",
    "latentkit train langs.tsv --labels -o langs.lk --variational",
    "latentkit train names.txt -o names.lk --latent 16 --hidden 512 --early-stopping --validation-split 0.1",
    "latentkit train sensors.csv --numeric -o sensors.lk --latent 4 --hidden 32 --epochs 50",
  ],
};

const TEXT_ONLY = ["labels", "level", "lowercase", "min-count", "max-length", "context", "context-noise", "no-early-stopping"];
const NUMERIC_ONLY = ["decoder", "latent-activation", "output-activation", "loss"];

function defaultOutput(file: string): string {
  if (file === "-") return "model.lk";
  const base = file.replace(/\\/g, "/").split("/").pop()!;
  return (base.includes(".") ? base.slice(0, base.lastIndexOf(".")) : base) + ".lk";
}

/** Options shared by text.train() and train(). */
function fitOptions(v: Parsed["values"]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  set("batchSize", num(v, "batch-size", { integer: true }));
  set("learningRate", num(v, "learning-rate"));
  set("optimizer", choice(v, "optimizer", ["adam", "adamw", "sgd"] as const));
  set("weightDecay", num(v, "weight-decay"));
  set("clipNorm", num(v, "clip-norm"));
  set("seed", num(v, "seed", { integer: true }));
  set("validationSplit", num(v, "validation-split"));
  set("activation", choice(v, "activation", ACTIVATIONS));
  const patience = num(v, "patience", { integer: true });
  if (v["no-early-stopping"] && (v["early-stopping"] || patience !== undefined)) {
    throw new UsageError("train: --no-early-stopping contradicts --early-stopping / --patience; keep one");
  }
  if (v["no-early-stopping"]) o.earlyStopping = false;
  if (v["early-stopping"] || patience !== undefined) o.earlyStopping = patience === undefined ? true : { patience };
  const vae: Record<string, number> = {};
  const beta = num(v, "beta");
  const warmup = num(v, "kl-warmup", { integer: true });
  const freeBits = num(v, "free-bits");
  if (beta !== undefined) vae.beta = beta;
  if (warmup !== undefined) vae.klWarmupEpochs = warmup;
  if (freeBits !== undefined) vae.freeBits = freeBits;
  if (v.variational || Object.keys(vae).length) o.variational = Object.keys(vae).length ? vae : true;
  return o;
}

function textOptions(v: Parsed["values"], epochs: number): TextTrainOptions {
  const o: Record<string, unknown> = { ...fitOptions(v), epochs };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  set("level", choice(v, "level", ["char", "word"] as const));
  if (v.lowercase) o.lowercase = true;
  set("minCount", num(v, "min-count", { integer: true }));
  set("maxLength", num(v, "max-length", { integer: true }));
  set("latent", num(v, "latent", { integer: true }));
  set("hidden", intList(v, "hidden"));
  set("context", num(v, "context", { integer: true }));
  const noise = num(v, "noise");
  const mask = num(v, "mask");
  const context = num(v, "context-noise");
  if (mask !== undefined || context !== undefined) {
    o.noise = { mask: mask ?? noise ?? 0, delete: noise ?? 0, swap: noise ?? 0, ...(context !== undefined ? { context } : {}) };
  } else if (noise !== undefined) o.noise = noise;
  return o as TextTrainOptions;
}

/**
 * The numeric options, every flag read (and checked) now; the result completes them once the
 * data's column count is known (the default latent size depends on it).
 */
function numericOptions(v: Parsed["values"], epochs: number): (cols: number) => TrainOptions {
  const o: Record<string, unknown> = { ...fitOptions(v), epochs };
  const latent = num(v, "latent", { integer: true });
  const hidden = intList(v, "hidden");
  const decoder = intList(v, "decoder");
  if (decoder !== undefined) o.decoder = decoder;
  const la = choice(v, "latent-activation", ACTIVATIONS);
  if (la) o.latentActivation = la;
  const oa = choice(v, "output-activation", ACTIVATIONS);
  if (oa) o.outputActivation = oa;
  const loss = choice(v, "loss", ["mse", "bce"] as const);
  if (loss) o.loss = loss;
  const noise = num(v, "noise");
  const mask = num(v, "mask");
  if (noise !== undefined || mask !== undefined) o.noise = { ...(noise !== undefined ? { gaussian: noise } : {}), ...(mask !== undefined ? { mask } : {}) };
  return (cols) => {
    const encoder = latent !== undefined || hidden !== undefined ? { encoder: [...(hidden ?? []), latent ?? defaultLatent(cols)] } : {};
    return { ...encoder, ...o } as TrainOptions;
  };
}

/** The best epoch of a history by validation loss (or loss without validation). */
function bestEpoch(history: readonly EpochRecord[]): EpochRecord | undefined {
  let best: EpochRecord | undefined;
  for (const r of history) {
    const x = r.valLoss ?? r.loss;
    if (best === undefined || x < (best.valLoss ?? best.loss)) best = r;
  }
  return best;
}

/** Whether most characters of (a sample of) the texts are Han or kana, scripts written without spaces. */
function mostlyUnspaced(lines: readonly string[]): boolean {
  const sample = lines.slice(0, 2000).join("");
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  const unspaced = sample.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu)?.length ?? 0;
  return letters > 0 && unspaced > letters / 2;
}

/** The flags of one run, checked, with the training data read. */
interface Job {
  numeric: boolean;
  output: string;
  epochs: number;
  earlyStopping: boolean;
  quiet: boolean;
  json: boolean;
  /** What is trained, for the header line. */
  what: string;
  /** A conditional text model's labels and their texts (sorted as the model lists them), else null. */
  labels: LabelledCorpus["counts"] | null;
  /** Loads what training needs, so that start() rejects bad options within one event-loop turn. */
  ready(): Promise<void>;
  /** Starts training with these callbacks. */
  start(onEpochEnd: (info: EpochInfo) => false | undefined, signal: AbortSignal): Promise<TextGenerator | Autoencoder>;
}

/** Checks every flag and the output path, then reads the data. */
async function prepare({ values: v, positionals }: Parsed): Promise<Job> {
  const file = positionals[0]!;
  const numeric = v.numeric === true;
  for (const flag of numeric ? TEXT_ONLY : NUMERIC_ONLY) {
    if (v[flag] !== undefined) {
      throw new UsageError(`train: --${flag} is only for ${numeric ? "text models (drop --numeric)" : "numeric models (add --numeric)"}`);
    }
  }
  const output = str(v, "output") ?? defaultOutput(file);
  const textFixed = !numeric && v["no-early-stopping"] === true;
  const epochs = num(v, "epochs", { integer: true }) ?? (numeric ? DEFAULT_EPOCHS.numeric : textFixed ? DEFAULT_EPOCHS.textFixed : DEFAULT_EPOCHS.text);
  const outDir = dirname(resolve(output));
  if (!existsSync(outDir)) throw new CliError(`cannot write ${output}: no such directory`);
  if (existsSync(output) && statSync(output).isDirectory()) throw new CliError(`cannot write ${output}: it is a directory`);
  // text models stop early unless told not to; numeric ones only when asked
  const earlyStopping = numeric ? v["early-stopping"] === true || v.patience !== undefined : !textFixed;
  const common = { numeric, output, epochs, earlyStopping, quiet: v.quiet === true, json: v.json === true };
  // Every flag is read before the data.
  if (numeric) {
    const options = numericOptions(v, epochs);
    const table = await readCsv(file);
    return {
      ...common,
      what: `numeric autoencoder on ${table.rows.length} rows x ${table.header.length} columns`,
      labels: null,
      ready: async () => {},
      start: (onEpochEnd, signal) => trainNumeric(table.rows, { ...options(table.header.length), onEpochEnd, signal }),
    };
  }
  const options = textOptions(v, epochs);
  const corpus = v.labels === true ? await readLabelled(file) : null;
  const lines = corpus ? corpus.texts : await readTextLines(file);
  const labelled = corpus ? { labels: corpus.labels } : {};
  if (options.level === "word" && !common.quiet && mostlyUnspaced(lines)) {
    process.stderr.write(
      "note: these texts are mostly Chinese or Japanese, which put no spaces between words, so --level word makes each run of characters one token; the default --level char is usually what you want\n",
    );
  }
  return {
    ...common,
    what: `text model on ${lines.length} texts${corpus ? ` with ${corpus.counts.length} labels (${countsLine(corpus.counts)})` : ""}`,
    labels: corpus?.counts ?? null,
    ready: () => text.preload(),
    start: (onEpochEnd, signal) => text.train(lines, { ...options, ...labelled, onEpochEnd, signal }),
  };
}

/** How a run ended: the model to save, and whether it was interrupted or diverged. */
interface Outcome {
  model: TextGenerator | Autoencoder;
  interrupted: boolean;
  diverged: boolean;
  /** Whether the first Ctrl-C asked to stop at the end of an epoch. */
  stopAtEpochEnd: boolean;
  seconds: number;
  /** Why training ended by itself, from the last epoch's EpochInfo ("reached the cap of 200 epochs"...), or null. */
  stopMessage: string | null;
}

/**
 * Trains with progress on stderr. Ctrl-C: with early stopping, the first one ends training
 * after the current epoch (keeping the weights early stopping keeps); otherwise, or the
 * second time, it aborts at once through the SDK's AbortSignal (the model keeps its last
 * finished batch). Either way the model is saved. One more Ctrl-C quits without saving.
 */
async function trainWithProgress(job: Job, progress: Progress): Promise<Outcome> {
  const controller = new AbortController();
  let stopAtEpochEnd = false;
  const onSigint = () => {
    if (job.earlyStopping && !stopAtEpochEnd) {
      stopAtEpochEnd = true;
      progress.note("stopping after this epoch (Ctrl-C again to stop now)");
    } else if (!controller.signal.aborted) {
      controller.abort();
      progress.note("stopping now (Ctrl-C again to quit without saving)");
    } else {
      process.stderr.write("\n");
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.on("SIGINT", onSigint);
  // The SDK validates every option synchronously when training is called, so a bad flag value
  // rejects the promise before the next event-loop turn: only then show the header and progress.
  let begun = false;
  const begin = () => {
    if (begun) return;
    begun = true;
    const length = job.earlyStopping ? `up to ${job.epochs} epochs, stopping when the loss stops improving` : `${job.epochs} epochs`;
    if (!job.quiet) process.stderr.write(`training a ${job.what} for ${length}\n`);
    progress.start();
  };
  let stopMessage: string | null = null;
  const onEpochEnd = (info: EpochInfo) => {
    begin();
    progress.epoch(info);
    // the epoch after which training ends by itself says why (early stopping or the cap)
    if (info.stopMessage !== null) progress.note((stopMessage = info.stopMessage));
    return stopAtEpochEnd ? false : undefined;
  };
  const started = Date.now();
  const outcome = (model: TextGenerator | Autoencoder, interrupted: boolean, diverged: boolean): Outcome =>
    ({ model, interrupted, diverged, stopAtEpochEnd, seconds: (Date.now() - started) / 1000, stopMessage });
  try {
    await job.ready();
    const training = job.start(onEpochEnd, controller.signal);
    let settled = false;
    training.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setImmediate(r));
    if (!settled) begin();
    const model = await training;
    begin();
    return outcome(model, stopAtEpochEnd, false);
  } catch (e) {
    const partial = e instanceof LatentkitError && (e.code === "ABORTED" || e.code === "DIVERGED") ? (e.model as TextGenerator | Autoencoder | undefined) : undefined;
    if (!partial) {
      progress.finish();
      throw e;
    }
    const diverged = (e as LatentkitError).code === "DIVERGED";
    return outcome(partial, !diverged, diverged);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/**
 * What a text model makes of its own texts: "reconstructs 97.4% of its 270 training texts
 * exactly (12.0% of 30 held out)", with advice when it is too small for its corpus.
 */
function exactLine(t: TextTrainingSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const held = t.validationExact !== null ? ` (${pct(t.validationExact)} of ${t.validationTexts} held out)` : "";
  // on small corpora the held-out loss stops improving while the model still learns its own texts
  const more = t.stopReason === "earlyStopping" ? "--no-early-stopping (or a larger --patience)" : "more --epochs";
  const advice = t.trainingExact < 0.9 ? `; a larger --hidden or --latent, or ${more}, may help` : "";
  return `reconstructs ${pct(t.trainingExact)} of its ${t.trainingTexts} training texts exactly${held}${advice}`;
}

/** The summary line and the --json result of a finished run whose model was saved (`bytes`). */
function report(job: Job, run: Outcome, bytes: number): { summary: string; json: Record<string, unknown> } {
  const { output, epochs, earlyStopping } = job;
  const { interrupted, diverged, stopAtEpochEnd, seconds } = run;
  const history = run.model.history;
  const last = history[history.length - 1];
  const best = bestEpoch(history);
  const earlyStopped = !interrupted && !diverged && history.length < epochs;
  const saved = `saved ${output} (${(bytes / 1024).toFixed(1)} KiB)`;
  const aborted = interrupted && !stopAtEpochEnd;
  // The epoch whose weights were saved: the best one when the SDK restored it (numeric early
  // stopping; text models keep their last epoch, see `gen.training.restoredBestWeights`), else
  // the last one; null after an abort, which keeps the last finished batch.
  const restored = job.numeric ? earlyStopping : (run.model as TextGenerator).training?.restoredBestWeights === true;
  const keptEpoch = aborted ? null : restored ? (best?.epoch ?? null) : (last?.epoch ?? null);
  const plural = (n: number) => `${n} epoch${n === 1 ? "" : "s"}`;
  const bestText = best ? `best ${best.valLoss !== null ? "val_loss" : "loss"} ${formatLoss(best.valLoss ?? best.loss)}` : "";
  let summary: string;
  if (aborted) {
    summary = `interrupted after ${plural(history.length)}: ${saved} with the weights of the last finished batch`;
    if (earlyStopping && best && last && best.epoch !== last.epoch) summary += ` (the best epoch was ${best.epoch})`;
  } else if (interrupted) {
    summary = `interrupted after ${plural(history.length)}: ${saved}, kept epoch ${keptEpoch} (${bestText})`;
  } else {
    summary = `${saved}: ${plural(history.length)} in ${formatDuration(seconds, true)}`;
    if (last) summary += `, loss ${formatLoss(last.loss)}${last.valLoss !== null ? `, val_loss ${formatLoss(last.valLoss)}` : ""}`;
    if (run.stopMessage) summary += `; ${run.stopMessage}`;
    if (earlyStopping && best) summary += `; kept epoch ${keptEpoch} (${bestText})`;
  }
  const exact = job.numeric ? null : (run.model as TextGenerator).training;
  if (exact) summary += `\n${exactLine(exact)}`;
  if (job.labels) summary += `\nlabels: ${countsLine(job.labels)}`;
  const json = {
    model: output,
    kind: job.numeric ? "numeric" : "text",
    bytes,
    epochs: history.length,
    interrupted,
    diverged,
    stoppedEarly: earlyStopped,
    stopMessage: interrupted || diverged ? null : run.stopMessage,
    ...(job.labels ? { labels: job.labels } : {}),
    ...(exact ? { trainingExact: exact.trainingExact, validationExact: exact.validationExact } : {}),
    bestEpoch: best?.epoch ?? null,
    keptEpoch,
    seconds: Math.round(seconds * 1000) / 1000,
    loss: last?.loss ?? null,
    valLoss: last?.valLoss ?? null,
    history: history.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss, seconds: r.seconds ?? null })),
  };
  return { summary, json };
}

export async function run(parsed: Parsed): Promise<number> {
  const job = await prepare(parsed);
  const progress = new Progress({ epochs: job.epochs, cap: job.earlyStopping, stream: job.quiet ? { write: () => true } : process.stderr });
  const outcome = await trainWithProgress(job, progress);
  if (outcome.diverged && parsed.values.force !== true && fileExists(job.output)) {
    progress.finish();
    outcome.model.dispose();
    throw new CliError(`training diverged (lower --learning-rate or set --clip-norm); ${job.output} was left as it was (--force replaces it with the model from before the failed epoch)`);
  }
  // an output named *.safetensors gets that format (load() and every command read both)
  const bytes = job.output.endsWith(".safetensors") ? await outcome.model.toSafetensors() : outcome.model.save();
  writeFileAtomic(job.output, bytes);
  const { summary, json } = report(job, outcome, bytes.length);
  progress.finish();
  if (job.json) printJson(json);
  else process.stdout.write(summary + "\n");
  outcome.model.dispose();
  if (outcome.interrupted) return EXIT.INTERRUPTED;
  if (outcome.diverged) {
    throw new CliError(`training diverged (lower --learning-rate or set --clip-norm); the model before the failed epoch was saved to ${job.output}`);
  }
  return EXIT.OK;
}
