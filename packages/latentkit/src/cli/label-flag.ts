// --label: the label of a conditional text model (trained with `train --labels`) on every
// command that generates or reads texts. Passed to the SDK as `{ label }`, which checks it: an
// unknown label, a missing one on a conditional model, or one on a model without labels is its
// INVALID_OPTION, printed by main.ts as a usage error in flag terms (labelWording).

import type { FlagSpec, Values } from "./args.js";
import { str } from "./args.js";
import { UsageError } from "./errors.js";

/** The --label flag; `does` says what the label does in this command. */
export function labelFlag(does: string): FlagSpec {
  return { type: "string", value: "label", help: `conditional models (train --labels): ${does}` };
}

/** `{ label }` for the SDK when --label is given, else `{}`. */
export function labelOption(v: Values): { label?: string } {
  const label = str(v, "label");
  return label !== undefined ? { label } : {};
}

/** The --guidance flag of the commands whose point is the label (sample, restyle). */
export const guidanceFlag: FlagSpec = {
  type: "string",
  value: "g",
  help: "conditional models: how strongly decoding follows the label, 0..100 (default 6; lower keeps more of the input)",
};

/** `{ guidance }` for the SDK when --guidance is given, else `{}` (the SDK checks the value). */
export function guidanceOption(v: Values): { guidance?: number } {
  const g = str(v, "guidance");
  return g !== undefined ? { guidance: Number(g) } : {};
}

/**
 * An SDK label message in CLI terms: `sample(): label the string "xx" is not a label...` becomes
 * `--label "xx" is not a label...`, `{ label }` / `{ labels }` advice becomes --label.
 */
export function labelWording(message: string): string {
  return message
    .replace(/^[A-Za-z]+\(\): /, "")
    .replace(/^(label|from)(\[\d+\])? (the string )?/, (_m, name: string, i: string | undefined) => `--${name}${i ?? ""} `)
    // eval --labels: one label a text, in the order of the file's non-blank lines
    .replace(/^labels\[(\d+)\] (the string )?/, (_m, i: string) => `--labels: text ${Number(i) + 1}'s label `)
    .replace(/takes no (label|from); leave (label|from) out/, (_m, a: string, b: string) => `takes no --${a}; leave --${b} out`)
    .replace(/pass \{ label \} \((one of .*?)\) or \{ labels \} \(one per text\)/, "pass --label ($1)");
}

/** Whether an SDK message is about a label option (so labelWording applies). */
export function isLabelMessage(message: string): boolean {
  return /^[A-Za-z]+\(\): (labels?|from)\b|trained without labels|this model is conditional/.test(message);
}

/** UsageError for --label on a numeric model (which takes no labels), before its data is read. */
export function textOnlyLabel(v: Values, kind: "text" | "numeric", command: string): void {
  if (str(v, "label") !== undefined && kind === "numeric") throw new UsageError(`${command}: --label is only for text models trained with --labels; this is a numeric autoencoder`);
}
