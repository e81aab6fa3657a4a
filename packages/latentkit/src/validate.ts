// The validation toolkit every option check is written with (numeric and text options, method
// options, the CLI's "did you mean"). Each helper reads one key of a plain options object and
// throws INVALID_OPTION naming it (with its prefix, e.g. "earlyStopping.") and what is allowed.
// Checks that only text models use are in text/arguments.ts, built on these: this file is part
// of the default entry (the size budget), that one of the text chunk.

import { invalidOption, show } from "./errors.js";

export { show };

function levenshtein(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest known name to `key`, if within `max(slack, length / 3)` edits of it. @internal */
export function closest(key: string, known: readonly string[], slack = 2): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(slack, Math.floor(best.length / 3)) ? best : undefined;
}

/** `v` as an options object (`{}` for undefined). @internal */
export function checkPlainObject(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw invalidOption(`${name} must be an object, got ${show(v)}.`);
  }
  return v as Record<string, unknown>;
}

/** Refuses unknown keys, with a "did you mean"; `elsewhere` names keys that belong to another call. @internal */
export function checkKeys(obj: Record<string, unknown>, known: readonly string[], where: string, elsewhere?: { keys: readonly string[]; hint: string }) {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    if (elsewhere && elsewhere.keys.includes(key)) {
      throw invalidOption(`${where} option "${key}" ${elsewhere.hint}`);
    }
    const guess = closest(key, [...known]);
    throw invalidOption(
      `Unknown ${where} option "${key}".` + (guess ? ` Did you mean "${guess}"?` : ` Known options: ${known.join(", ")}.`),
    );
  }
}

/** What {@link num} accepts. @internal */
export interface NumRule {
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  integer?: boolean;
}

/** A value in [0, 1) (rates, probabilities, decays). @internal */
export const UNIT: NumRule = { min: 0, max: 1, maxExclusive: true };
/** A finite number >= 0. @internal */
export const NON_NEGATIVE: NumRule = { min: 0 };
/** A finite number > 0. @internal */
export const POSITIVE: NumRule = { min: 0, minExclusive: true };
/** A seed: an integer from 0 to 2^53-1. @internal */
export const SEED: NumRule = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true };

/** A finite number (or integer) within `rule`, or `dflt` when absent. @internal */
export function num(obj: Record<string, unknown>, key: string, dflt: number, rule: NumRule, prefix = ""): number {
  const v = obj[key];
  if (v === undefined) return dflt;
  const name = prefix + key;
  const range =
    (rule.integer ? "an integer" : "a finite number") +
    (rule.min !== undefined ? ` ${rule.minExclusive ? ">" : ">="} ${rule.min}` : "") +
    (rule.max !== undefined ? `${rule.min !== undefined ? " and" : ""} ${rule.maxExclusive ? "<" : "<="} ${rule.max}` : "");
  if (typeof v !== "number") throw invalidOption(`${name} must be ${range}, got ${show(v)}.`);
  const ok =
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? v < rule.max : v <= rule.max));
  if (!ok) throw invalidOption(`${name} must be ${range}, got ${v}.`);
  return v;
}

/** One of `allowed` (with a "did you mean"), or `dflt` when absent. @internal */
export function oneOf<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[], dflt: T, prefix = ""): T {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  const guess = typeof v === "string" ? closest(v, allowed) : undefined;
  throw invalidOption(
    `${prefix}${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${show(v)}.` +
      (guess ? ` Did you mean "${guess}"?` : ""),
  );
}

/** A boolean, or `dflt` when absent. @internal */
export function bool(obj: Record<string, unknown>, key: string, dflt: boolean, prefix = ""): boolean {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw invalidOption(`${prefix}${key} must be true or false, got ${show(v)}.`);
  return v;
}

/**
 * A list of layer sizes (integers 1..`max`), or undefined when absent; `noun` is how messages
 * call an entry ("size" for numeric models, "width" for text models). @internal
 */
export function layerList(obj: Record<string, unknown>, key: string, max: number, allowEmpty: boolean, noun = "size"): number[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidOption(`${key} must be an array of layer ${noun}s (integers 1..${max}), got ${show(v)}.`);
  if (!allowEmpty && v.length === 0) throw invalidOption(`${key} must list at least one layer ${noun} (the last is the latent size).`);
  v.forEach((s: unknown, i: number) => {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > max) {
      throw invalidOption(`${key}[${i}] must be an integer layer ${noun} in 1..${max}, got ${typeof s === "number" ? s : show(s)}.`);
    }
  });
  return [...(v as number[])];
}
