// The training worker: owns the text model, so that training (and every call into the
// WebAssembly core) runs off the page's main thread.

import { LatentkitError, text, type TextGenerator, type TextTrainingError } from "latentkit";
import { pca, project, type Pca } from "./pca.js";
import type { FromWorker, LatentView, ModelSummary, Placed, Results, ToWorker, Trained, TrainSettings } from "./protocol.js";

/** Most texts drawn on the scatter plot (an even sample of the corpus beyond that). */
const MAX_VIEW = 1500;

const ctx = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};

let gen: TextGenerator | null = null;
let axes: Pca | null = null;
let abort: AbortController | null = null;

function evenSample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

/**
 * The corpus texts the map shows, with their labels: non-empty ones, and for a conditional
 * model only those of a label it knows (it encodes each text with its label).
 */
function shown(g: TextGenerator, corpus: readonly string[], labels: readonly string[] | null): { texts: string[]; labels: string[] | null } {
  const known = new Set(g.labels);
  const conditional = known.size > 0;
  const keep = corpus
    .map((_, i) => i)
    .filter((i) => corpus[i]!.length > 0 && (!conditional || (labels !== null && known.has(labels[i]!))));
  const picked = evenSample(keep, MAX_VIEW);
  return { texts: picked.map((i) => corpus[i]!), labels: labels ? picked.map((i) => labels[i]!) : null };
}

/** Encodes the texts, fits the 2D projection on them, and summarises the model. */
function describe(g: TextGenerator, corpus: readonly string[], corpusLabels: readonly string[] | null, stopped: boolean, seconds: number): Trained {
  const { texts, labels } = shown(g, corpus, corpusLabels);
  // a conditional model takes each text's label; an unconditional one none (its map is still coloured by them)
  const withLabels = g.labels.length > 0 && labels ? { labels } : {};
  let view: LatentView;
  let exactMatch = 0;
  let tokenAccuracy = 0;
  if (texts.length > 0) {
    const codes = g.encode(texts, withLabels);
    axes = pca(codes.data, codes.rows, codes.cols, 2);
    const xy = project(axes, codes.data, codes.rows);
    const total = axes.totalVariance > 0 ? axes.totalVariance : 1;
    const evaluation = g.evaluate(texts, withLabels);
    exactMatch = evaluation.exactMatch;
    tokenAccuracy = evaluation.tokenAccuracy;
    view = {
      texts,
      reconstructions: g.reconstruct(texts, withLabels),
      xy,
      explained: [axes.variances[0]! / total, axes.variances[1]! / total],
      total: corpus.length,
      labels,
    };
  } else {
    axes = null;
    view = { texts: [], reconstructions: [], xy: new Float32Array(0), explained: [0, 0], total: 0, labels: null };
  }
  const history = g.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valLoss: h.valLoss }));
  return { summary: summarise(g, exactMatch, tokenAccuracy), history, view, stopped, seconds };
}

/** The model card of the page: settings, training, reconstruction of the shown texts, file size, labels. */
function summarise(g: TextGenerator, exactMatch: number, tokenAccuracy: number): ModelSummary {
  const c = g.config;
  return {
    level: c.level,
    latent: c.latent,
    hidden: [...c.hidden],
    variational: c.variational !== null,
    context: c.context,
    vocabularySize: c.vocabularySize,
    maxLength: c.maxLength,
    trainedOn: g.stats.texts,
    epochs: g.history.length,
    stopMessage: g.training?.stopMessage ?? null,
    trainingExact: g.training?.trainingExact ?? null,
    exactMatch,
    tokenAccuracy,
    fileBytes: g.save().byteLength,
    labels: [...g.labels],
  };
}

/**
 * Where texts land on the scatter plot (through the projection fitted on the corpus); NaN for
 * empty texts. A conditional model encodes them with `label` (the one they were decoded with).
 */
function place(g: TextGenerator, texts: string[], label: string | null): Placed {
  const xy = new Float32Array(texts.length * 2).fill(Number.NaN);
  const kept = texts.map((t, i) => [t, i] as const).filter(([t]) => t.length > 0);
  if (axes && kept.length > 0) {
    const codes = g.encode(kept.map(([t]) => t), g.labels.length > 0 && label !== null ? { label } : {});
    const p = project(axes, codes.data, codes.rows);
    kept.forEach(([, i], r) => {
      xy[2 * i] = p[2 * r]!;
      xy[2 * i + 1] = p[2 * r + 1]!;
    });
  }
  return { texts, xy };
}

/** Samples from the mixture prior; files from before it existed fall back to the Gaussian. */
function sampleTexts(g: TextGenerator, n: number, temperature: number, seed: number, label: string | null): string[] {
  const labelled = label === null ? {} : { label };
  try {
    return g.sample(n, { temperature, seed, prior: "mixture", ...labelled });
  } catch (e) {
    if (e instanceof LatentkitError && e.code === "INVALID_STATE") return g.sample(n, { temperature, seed, ...labelled });
    throw e;
  }
}

function model(): TextGenerator {
  if (!gen) throw new Error("Train a model or load one first.");
  return gen;
}

async function train(id: number, texts: string[], labels: string[] | null, s: TrainSettings): Promise<Trained> {
  gen?.dispose();
  gen = null;
  axes = null;
  abort = new AbortController();
  const t0 = performance.now();
  const trainCount = Math.round(texts.length * (1 - (s.validationSplit ?? 0)));
  let stopped = false;
  let g: TextGenerator;
  try {
    // text.train holds out a random subset (drawn with the seed) for validation
    g = await text.train(texts, {
      level: s.level,
      latent: s.latent,
      hidden: [s.hidden],
      // A VAE that keeps using its code (the README's figures): free bits, and half the
      // decoder's context hidden while training; samples are drawn from the mixture fitted
      // to the training codes.
      variational: s.variational ? { freeBits: 0.25 } : false,
      context: s.context,
      ...(s.variational && s.context > 0 ? { noise: { context: 0.5 } } : {}),
      epochs: s.epochs,
      ...(s.earlyStopping ? {} : { earlyStopping: false }),
      seed: s.seed,
      // a labelled corpus trains a conditional model (encoder and decoder see each text's label)
      ...(labels ? { labels } : {}),
      ...(s.validationSplit === null ? {} : { validationSplit: s.validationSplit }),
      // several cores (nested Web Workers; the page is cross-origin isolated): not for a VAE
      ...(s.workers === null || s.variational ? {} : { workers: s.workers }),
      signal: abort.signal,
      onEpochEnd: (info) => {
        ctx.postMessage({
          type: "epoch",
          id,
          point: { epoch: info.epoch, loss: info.loss, valLoss: info.valLoss },
          planned: s.epochs,
          seconds: (performance.now() - t0) / 1000,
          textsPerSecond: info.samplesPerSecond || trainCount / Math.max(info.seconds, 1e-6),
          stopMessage: info.stopMessage,
        });
      },
    });
  } catch (e) {
    const partial = (e as TextTrainingError).model;
    if (e instanceof LatentkitError && e.code === "ABORTED" && partial) {
      g = partial;
      stopped = true;
    } else {
      throw e;
    }
  } finally {
    abort = null;
  }
  gen = g;
  return describe(g, texts, labels, stopped, (performance.now() - t0) / 1000);
}

async function handle(req: ToWorker): Promise<{ result: unknown; transfer?: Transferable[] }> {
  switch (req.type) {
    case "train":
      return { result: await train(req.id, req.texts, req.labels, req.settings) };
    case "stop":
      abort?.abort();
      return { result: null };
    case "load": {
      const loaded = await text.load(new Uint8Array(req.bytes));
      gen?.dispose();
      gen = loaded;
      return { result: describe(loaded, req.texts, req.labels, false, 0) };
    }
    case "sample": {
      const g = model();
      return { result: place(g, sampleTexts(g, req.n, req.temperature, req.seed, req.label), req.label) };
    }
    case "interpolate": {
      const g = model();
      const labelled = req.label === null ? {} : { label: req.label };
      return { result: place(g, g.interpolate(req.a, req.b, req.steps, labelled), req.label) };
    }
    case "variations": {
      const g = model();
      const labelled = req.label === null ? {} : { label: req.label };
      return { result: place(g, g.variations(req.text, req.n, { seed: req.seed, ...labelled }), req.label) };
    }
    case "restyle": {
      // `from` explicitly (the texts' own labels), so this works whatever restyle()'s default
      const g = model();
      return { result: place(g, g.restyle(req.texts, req.label, { from: req.from }), req.label) };
    }
    case "save": {
      const bytes = model().save();
      return { result: bytes, transfer: [bytes.buffer] };
    }
  }
}

ctx.onmessage = (e) => {
  const req = e.data;
  handle(req).then(
    ({ result, transfer }) => ctx.postMessage({ type: "reply", id: req.id, ok: true, result } as FromWorker & { result: Results[keyof Results] }, transfer),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof LatentkitError ? err.code : undefined;
      ctx.postMessage({ type: "reply", id: req.id, ok: false, error: message, ...(code ? { code } : {}) });
    },
  );
};
