// `latentkit train corpus.tsv --labels`: a labelled corpus, one `text<TAB>label` a line. Each
// bad line is an error naming its line number (counted in the file, blank lines included).

import { CliError } from "./errors.js";
import { decodeText, readBytes, readStdinBytes } from "./io.js";
import { MAX_LABELS } from "./sdk.js";

/** A labelled corpus: texts, one label each, and how many texts each label has (sorted by label, as the model lists them). */
export interface LabelledCorpus {
  texts: string[];
  labels: string[];
  counts: { label: string; texts: number }[];
}

/**
 * Parses `text<TAB>label` lines. The label is what follows the last tab (so texts may hold
 * tabs), trimmed; blank lines are skipped. CliError for a line without a tab, a blank text or an empty
 * label, more than 256 distinct labels, or fewer than `minLabels` (2: what training needs; held-out
 * texts may all have one label).
 */
export function parseLabelled(s: string, name: string, { minLabels = 2 } = {}): LabelledCorpus {
  const texts: string[] = [];
  const labels: string[] = [];
  const seen = new Map<string, number>();
  const lines = s.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const at = `${name} line ${i + 1}`;
    const tab = line.lastIndexOf("\t");
    if (tab < 0) throw new CliError(`${at} has no tab: with --labels each line is a text, a tab, and its label`);
    const text = line.slice(0, tab);
    const label = line.slice(tab + 1).trim();
    if (label === "") throw new CliError(`${at} has an empty label after its tab: with --labels each line is a text, a tab, and its label`);
    if (text.trim() === "") throw new CliError(`${at} has an empty text before its tab: with --labels each line is a text, a tab, and its label`);
    if (!seen.has(label) && seen.size === MAX_LABELS) {
      throw new CliError(`${at} has a ${MAX_LABELS + 1}th distinct label (${JSON.stringify(label)}); a model takes at most ${MAX_LABELS} labels`);
    }
    seen.set(label, (seen.get(label) ?? 0) + 1);
    texts.push(text);
    labels.push(label);
  }
  if (texts.length === 0) throw new CliError(`${name} has no text (only blank lines): expected one text<TAB>label per line`);
  if (seen.size < minLabels) {
    throw new CliError(`${name} has one label (${JSON.stringify(labels[0])}); --labels needs 2 to ${MAX_LABELS} distinct labels (drop --labels to train a model without labels)`);
  }
  // sorted by code unit, as text.train() orders a model's labels
  const counts = [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, n]) => ({ label, texts: n }));
  return { texts, labels, counts };
}

/** Reads a labelled corpus from a file (or "-" for stdin). */
export async function readLabelled(path: string, options: { minLabels?: number } = {}): Promise<LabelledCorpus> {
  const name = path === "-" ? "stdin" : path;
  const bytes = path === "-" ? await readStdinBytes() : readBytes(path);
  if (bytes.length === 0) throw new CliError(`${name} is empty: expected one text<TAB>label per line`);
  return parseLabelled(decodeText(bytes, name), name, options);
}

/** "en 8,000, fr 8,000" (the first 20 labels, then how many more). */
export function countsLine(counts: readonly { label: string; texts: number }[]): string {
  const shown = counts.slice(0, 20).map((c) => `${c.label} ${c.texts.toLocaleString("en-US")}`).join(", ");
  return counts.length > 20 ? `${shown}, … (${counts.length} labels)` : shown;
}
