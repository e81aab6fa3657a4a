// text.report() and the corpus check it shares with the generator. Kept apart from
// generator.ts so that \`import { text } from "latentkit"\` does not load the generator until
// text.train() or text.load() is called (the size budget of the default entry).

import { LatentkitError, invalidOption } from "../errors.js";
import { checkKeys, checkPlainObject, show } from "../validate.js";

/** Checks that \`texts\` is an array of strings (non-empty unless \`allowEmpty\`). @internal */
export function checkTexts(texts: unknown, what: string, allowEmpty = false): string[] {
  if (!Array.isArray(texts)) {
    throw invalidOption(`${what} must be an array of strings, got ${show(texts)}.`);
  }
  if (texts.length === 0 && !allowEmpty) {
    throw new LatentkitError("EMPTY_DATA", `${what} is empty; pass at least one text.`);
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") {
      throw invalidOption(`${what}[${i}] is ${show(texts[i])}; every item must be a string.`);
    }
  }
  return texts as string[];
}

/** What {@link text.report} measures (MOSES-style generation metrics). */
export interface TextReport {
  /** Number of samples. */
  count: number;
  /** Distinct samples / samples (0 for no samples). */
  uniqueness: number;
  /** Share of the distinct samples not in the training texts. */
  novelty: number;
  /** Share of the novel distinct samples found in `reference` (only when `reference` is given). */
  inReference?: number;
}

/** text.report(): see the `text` namespace. @internal */
export function reportTexts(
  samples: readonly string[],
  options: { training: Iterable<string>; reference?: Iterable<string> },
): TextReport {
  const list = checkTexts(samples, "samples", true);
  const o = checkPlainObject(options, "text.report() options");
  checkKeys(o, ["training", "reference"], "text.report()");
  const set = (v: unknown, name: string): Set<string> => {
    if (typeof (v as Iterable<string> | null)?.[Symbol.iterator] !== "function" || typeof v === "string") {
      throw invalidOption(`${name} must be an array (or Set) of strings, got ${show(v)}.`);
    }
    return v instanceof Set ? (v as Set<string>) : new Set(v as Iterable<string>);
  };
  const training = set(o.training, "training");
  const distinct = new Set(list);
  const novel = [...distinct].filter((s) => !training.has(s));
  const out: TextReport = {
    count: list.length,
    uniqueness: list.length && distinct.size / list.length,
    novelty: distinct.size && novel.length / distinct.size,
  };
  if (o.reference !== undefined) {
    const ref = set(o.reference, "reference");
    out.inReference = novel.length && novel.filter((s) => ref.has(s)).length / novel.length;
  }
  return out;
}
