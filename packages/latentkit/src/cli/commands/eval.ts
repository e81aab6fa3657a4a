// latentkit eval model.lk heldout.txt: how well held-out texts (or CSV rows) survive the round trip.

import type { CommandSpec, Parsed } from "../args.js";
import { EXIT, UsageError } from "../errors.js";
import { labelFlag, labelOption, textOnlyLabel } from "../label-flag.js";
import { loadModel, printJson, printLines, readCsv, readTextLines } from "../io.js";
import { readLabelled } from "../labelled.js";
import { formatLoss } from "../progress.js";

export const spec: CommandSpec = {
  name: "eval",
  usage: "latentkit eval <model.lk> <heldout-file> [--label name | --labels]",
  summary: "Evaluate a model on held-out data: exact-match rate, token accuracy and loss of the reconstructions (numeric models: loss on a CSV file).",
  positionals: { min: 2, max: 2, names: "a model file and a held-out file (- for stdin)" },
  flags: {
    label: labelFlag("evaluate the texts with this label (one for all; or --labels)"),
    labels: { type: "boolean", help: "conditional models: the held-out file is text<TAB>label lines (as train --labels); each text is evaluated with its label" },
  },
  examples: ["latentkit eval words.lk heldout.txt", "latentkit eval sensors.lk test.csv --json", "latentkit eval langs.lk heldout.tsv --labels"],
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const [path, file] = positionals as [string, string];
  const m = await loadModel(path);
  try {
    textOnlyLabel(v, m.kind, "eval");
    if (v.labels && (m.kind === "numeric" || v.label !== undefined)) {
      throw new UsageError(m.kind === "numeric" ? "eval: --labels is only for text models trained with --labels" : "eval: give --label (one for all texts) or --labels (a label on each line), not both");
    }
    if (m.kind === "text") {
      const corpus = v.labels ? await readLabelled(file, { minLabels: 1 }) : null;
      const texts = corpus ? corpus.texts : await readTextLines(file);
      const r = m.model.evaluate(texts, corpus ? { labels: corpus.labels } : labelOption(v));
      if (v.json) printJson({ texts: texts.length, exactMatch: r.exactMatch, tokenAccuracy: r.tokenAccuracy, loss: r.loss });
      else printLines([`texts           ${texts.length}`, `exact match     ${pct(r.exactMatch)}`, `token accuracy  ${pct(r.tokenAccuracy)}`, `loss            ${formatLoss(r.loss)}`]);
    } else {
      const { rows } = await readCsv(file);
      const { loss } = m.model.evaluate(rows);
      const scores = Array.from(m.model.score(rows)).sort((a, b) => a - b);
      const q = (p: number) => scores[Math.min(scores.length - 1, Math.floor(p * scores.length))]!;
      if (v.json) printJson({ rows: rows.length, loss, scores: { min: scores[0], median: q(0.5), p95: q(0.95), max: scores[scores.length - 1] } });
      else printLines([`rows            ${rows.length}`, `loss            ${formatLoss(loss)}`, `row loss        median ${formatLoss(q(0.5))}, p95 ${formatLoss(q(0.95))}, max ${formatLoss(scores[scores.length - 1])}`]);
    }
  } finally {
    m.model.dispose();
  }
  return EXIT.OK;
}
