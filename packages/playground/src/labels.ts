// Labelled corpora in the text box: one "label: text" line a text (or "label<TAB>text", as
// pasted from a spreadsheet). Labels are an explicit mode (the "Labelled" checkbox), since a
// plain line can contain ": " too; looksLabelled() only suggests turning it on.

/** Most distinct labels of a conditional model (the SDK's and core's limit). */
export const MAX_LABELS = 256;
/** Longest label, in characters: labels name classes ("en", "positive"), not texts. */
export const MAX_LABEL_LENGTH = 32;

export interface Labelled {
  texts: string[];
  labels: string[];
  /** Distinct labels, sorted as the SDK sorts them (gen.labels). */
  names: string[];
  /** What is wrong, in words (bad lines, too few or too many labels); null when it trains. */
  error: string | null;
}

/** A line's label and text, or null when it is not "label: text" / "label<TAB>text". */
export function splitLine(line: string): { label: string; text: string } | null {
  const tab = line.indexOf("\t");
  const colon = line.indexOf(": ");
  // The first separator wins: "fr\tà: la" is fr + "à: la", "fr: a\tb" is fr + "a\tb".
  const at = tab >= 0 && (colon < 0 || tab < colon) ? tab : colon;
  if (at < 0) return null;
  const label = line.slice(0, at).trim();
  const text = line.slice(at + (at === tab ? 1 : 2)).trim();
  if (label.length === 0 || [...label].length > MAX_LABEL_LENGTH || text.length === 0) return null;
  return { label, text };
}

function quote(line: string): string {
  return [...line].length > 30 ? `“${[...line].slice(0, 29).join("")}…”` : `“${line}”`;
}

/** Parses trimmed, non-empty lines as labelled texts; `error` says what to fix. */
export function parseLabelled(lines: readonly string[]): Labelled {
  const texts: string[] = [];
  const labels: string[] = [];
  const bad: string[] = [];
  let badCount = 0;
  lines.forEach((line, i) => {
    const p = splitLine(line);
    if (p) {
      texts.push(p.text);
      labels.push(p.label);
    } else if (++badCount <= 3) bad.push(`line ${i + 1} ${quote(line)}`);
  });
  const names = [...new Set(labels)].sort();
  let error: string | null = null;
  if (badCount > 0) {
    error =
      `${badCount.toLocaleString("en-US")} ${badCount === 1 ? "line is" : "lines are"} not “label: text” (${bad.join(", ")}${badCount > 3 ? ", …" : ""}): ` +
      `write a short label (at most ${MAX_LABEL_LENGTH} characters), a colon and a space, then the text; or untick Labelled.`;
  } else if (names.length > MAX_LABELS) {
    error = `${names.length.toLocaleString("en-US")} distinct labels: a model takes at most ${MAX_LABELS}. Merge some, or untick Labelled.`;
  } else if (texts.length > 0 && names.length < 2) {
    error = `Only one label (“${names[0]}”): a labelled model needs at least two. Add texts of another label, or untick Labelled.`;
  }
  return { texts, labels, names, error };
}

/**
 * Whether unlabelled-looking text is probably labelled: every line starts with a short label
 * without spaces and a separator, and labels repeat (2 to 256 distinct, fewer than the lines).
 */
export function looksLabelled(lines: readonly string[]): boolean {
  if (lines.length < 3) return false;
  const names = new Set<string>();
  for (const line of lines) {
    const m = /^([^\s:]{1,16})(?:: |\t)\S/u.exec(line);
    if (!m) return false;
    names.add(m[1]!);
  }
  return names.size >= 2 && names.size <= MAX_LABELS && names.size < lines.length;
}

/** Counts per label, in the order of `names`: "en 500 · fr 500". */
export function labelCounts(labels: readonly string[], names: readonly string[]): string {
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  const shown = names.slice(0, 8).map((n) => `${n} ${(count.get(n) ?? 0).toLocaleString("en-US")}`);
  return shown.join(" · ") + (names.length > 8 ? ` · … (${names.length} labels)` : "");
}
