// latentkit info model.lk: settings, sizes and training history of a model file.

import type { CommandSpec, Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { loadModel, printJson, printLines, type LoadedModel } from "../io.js";
import { formatLoss } from "../progress.js";
import type { EpochRecord, TextModelConfig, TextTrainingSummary } from "../sdk.js";

export const spec: CommandSpec = {
  name: "info",
  usage: "latentkit info <model.lk>",
  summary: "Show a model file's settings, sizes, labels (conditional models) and training history.",
  positionals: { min: 1, max: 1, names: "a model file" },
  flags: {},
  examples: ["latentkit info words.lk", "latentkit info words.lk --json"],
};

/** The layer widths of a text model: encoder (input -> code) and decoder (code -> output). */
function textLayers(c: TextModelConfig) {
  const L = c.maxLength + 1;
  const table = `token table (${c.vocabularySize} × ${c.embedding})`;
  const encoder: (number | string)[] = [table, L * c.embedding, ...c.hidden, c.latent * (c.variational ? 2 : 1)];
  const head = `output layer (${c.classes} classes${c.context > 0 ? `, ${c.context} tokens back` : ""})`;
  const decoder: (number | string)[] = [c.latent, ...[...c.hidden].reverse(), L * c.embedding, head];
  return { encoder, decoder };
}

function summary(history: readonly EpochRecord[]) {
  if (!history.length) return null;
  const last = history[history.length - 1]!;
  const hasVal = history.some((r) => r.valLoss !== null);
  let best = history[0]!;
  for (const r of history) if ((hasVal ? r.valLoss ?? Infinity : r.loss) < (hasVal ? best.valLoss ?? Infinity : best.loss)) best = r;
  return { epochs: history.length, loss: last.loss, valLoss: last.valLoss, bestEpoch: best.epoch, best: hasVal ? best.valLoss : best.loss, monitor: hasVal ? "val_loss" : "loss" };
}

function describe(m: LoadedModel) {
  const history = m.model.history.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss }));
  if (m.kind === "text") {
    const c = m.model.config;
    const layers = textLayers(c);
    return {
      file: m.path,
      bytes: m.bytes,
      kind: "text" as const,
      config: c,
      latentSize: m.model.latentSize,
      vocabulary: m.model.vocabulary.slice(4),
      labels: [...m.model.labels],
      layers: { encoder: layers.encoder, decoder: layers.decoder },
      parameters: m.model.paramCount,
      stats: m.model.stats,
      training: m.model.training,
      history,
    };
  }
  const c = m.model.config;
  return {
    file: m.path,
    bytes: m.bytes,
    kind: "numeric" as const,
    config: c,
    inputSize: m.model.inputSize,
    latentSize: m.model.latentSize,
    layers: { encoder: [c.inputSize, ...c.encoder], decoder: [c.encoder[c.encoder.length - 1]!, ...c.decoder, c.inputSize] },
    parameters: m.model.paramCount,
    history,
  };
}

const int = (x: number) => x.toLocaleString("en-US");

/** The first 40 labels, then how many more. */
function labelList(labels: readonly string[]): string {
  return labels.slice(0, 40).join(", ") + (labels.length > 40 ? `, … (${labels.length - 40} more)` : "");
}

/** "97.4% of 270 training texts back exactly, 12.0% of 30 held out". */
function exactShares(t: TextTrainingSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const held = t.validationExact !== null ? `, ${pct(t.validationExact)} of ${int(t.validationTexts)} held out` : "";
  return `${pct(t.trainingExact)} of ${int(t.trainingTexts)} training texts back exactly${held}`;
}

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const m = await loadModel(positionals[0]!);
  try {
    const d = describe(m);
    if (v.json) {
      printJson(d);
      return EXIT.OK;
    }
    const lines: string[] = [`file         ${d.file} (${(d.bytes / 1024).toFixed(1)} KiB)`];
    const vae = d.config.variational;
    const vaeText = vae ? `variational (beta ${vae.beta}, KL warm-up ${vae.klWarmupEpochs} epochs, free bits ${vae.freeBits})` : "plain autoencoder";
    if (d.kind === "text") {
      const c = d.config;
      lines.push(
        `kind         text model, ${c.level} level${c.lowercase ? ", lower-cased" : ""}, ${vaeText}`,
        `vocabulary   ${int(c.vocabularySize)} tokens (4 special${c.minCount > 1 ? `, min count ${c.minCount}` : ""}): ${d.vocabulary.slice(0, 40).join(c.level === "char" ? "" : " ")}${d.vocabulary.length > 40 ? " ..." : ""}`,
        `max length   ${c.maxLength} tokens`,
        ...(d.labels.length ? [`labels       ${d.labels.length} (conditional model, take --label): ${labelList(d.labels)}`] : []),
        `layers       ${d.layers.encoder.join(" -> ")}${vae ? " (mean and log-variance)" : ""} | ${d.layers.decoder.join(" -> ")}; ${c.activation}`,
        `latent       ${c.latent}`,
        `parameters   ${int(d.parameters)}`,
        `corpus       ${int(d.stats.texts)} texts, ${int(d.stats.tokens)} tokens, longest ${d.stats.longest}, ${d.stats.truncated} truncated, ${d.stats.unknownTokens} unknown tokens`,
        ...(d.training ? [`stopped      ${d.training.stopMessage}`, `round trip   ${exactShares(d.training)}`] : []),
        `seed         ${c.seed}`,
      );
    } else {
      const c = d.config;
      lines.push(
        `kind         numeric autoencoder, ${vaeText}, loss ${c.loss}`,
        `layers       ${d.layers.encoder.join(" -> ")} | ${d.layers.decoder.join(" -> ")}; ${c.activation}, code ${c.latentActivation}, output ${c.outputActivation}`,
        `latent       ${d.latentSize}`,
        `parameters   ${int(d.parameters)}`,
        `seed         ${c.seed}`,
      );
    }
    const s = summary(m.model.history);
    if (!s) {
      lines.push("training     none");
    } else {
      lines.push(
        `training     ${s.epochs} epochs, final loss ${formatLoss(s.loss)}${s.valLoss !== null ? `, val_loss ${formatLoss(s.valLoss)}` : ""}; best ${s.monitor} ${formatLoss(s.best)} at epoch ${s.bestEpoch}`,
        "",
        "epoch  loss        val_loss",
      );
      const h = d.history;
      const shown = h.length <= 20 ? h : Array.from(new Set(Array.from({ length: 20 }, (_, i) => Math.round((i * (h.length - 1)) / 19)))).map((i) => h[i]!);
      for (const r of shown) lines.push(`${String(r.epoch).padStart(5)}  ${formatLoss(r.loss).padEnd(10)}  ${formatLoss(r.valLoss)}`);
    }
    printLines(lines);
  } finally {
    m.model.dispose();
  }
  return EXIT.OK;
}
