// Command-line parsing (node:util parseArgs, strict) and the help text of every command.

import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { closest } from "./sdk.js";

/** One flag of a command. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  /** Placeholder of the value in the help text, e.g. "n". */
  value?: string;
  help: string;
  /** Repeatable (values collected in an array). */
  multiple?: boolean;
}

/** A command: its usage line, summary, flags and number of positional arguments. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** Extra paragraphs of the help text. */
  details?: string;
  flags: Record<string, FlagSpec>;
  positionals: { min: number; max: number; names: string };
  examples?: string[];
}

/** Flags every command has. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  json: { type: "boolean", help: "print the result as JSON (for scripts)" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
}

/** Parses `argv` (after the command name) against `spec`; throws UsageError on any problem. */
export function parseCommand(spec: CommandSpec, argv: string[]): Parsed {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries({ ...spec.flags, ...COMMON_FLAGS })) {
    options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(parseArgsMessage(e, spec), spec.name);
  }
  if (parsed.values.help) return parsed;
  const n = parsed.positionals.length;
  if (n < spec.positionals.min) {
    throw new UsageError(`${spec.name} needs ${spec.positionals.names}`, spec.name);
  }
  if (n > spec.positionals.max) {
    const extra = parsed.positionals.slice(spec.positionals.max);
    throw new UsageError(`${spec.name}: unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((s) => JSON.stringify(s)).join(" ")}`, spec.name);
  }
  return parsed;
}

function parseArgsMessage(e: unknown, spec: CommandSpec): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const m = /Unknown option '([^']+)'/.exec(msg);
    const flag = m?.[1] ?? "";
    const guess = closest(flag.replace(/^-+/, ""), Object.keys({ ...spec.flags, ...COMMON_FLAGS }), 1);
    return `${spec.name}: unknown option ${flag}${guess ? ` (did you mean --${guess}?)` : ""}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const m = /Option '([^']+)'/.exec(msg);
    const name = m?.[1] ?? "an option";
    const flag = name.split(",").pop()!.trim().replace(/ <value>$/, "");
    return msg.includes("argument missing") ? `${spec.name}: ${flag} needs a value` : `${spec.name}: ${flag} does not take a value`;
  }
  return `${spec.name}: ${msg.split("\n")[0]}`;
}

/** A string flag, or undefined. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** A number flag (any finite number), or undefined; UsageError when it is not a number. */
export function num(values: Values, name: string, rule: { integer?: boolean; min?: number } = {}): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const x = v.trim() === "" ? NaN : Number(v);
  const what = rule.integer ? "an integer" : "a number";
  if (!Number.isFinite(x) || (rule.integer && !Number.isInteger(x))) {
    throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(v)}`);
  }
  if (rule.min !== undefined && x < rule.min) {
    throw new UsageError(`--${name} must be ${what} >= ${rule.min}, got ${v}`);
  }
  return x;
}

/** A comma-separated list of integers ("256,128"), or undefined; "" or "none" is the empty list. */
export function intList(values: Values, name: string): number[] | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (v.trim() === "" || v.trim() === "none") return [];
  return v.split(",").map((part) => {
    const x = Number(part.trim());
    if (part.trim() === "" || !Number.isInteger(x)) {
      throw new UsageError(`--${name} must be comma-separated integers like 256,128, got ${JSON.stringify(v)}`);
    }
    return x;
  });
}

/** A string flag restricted to `allowed`, or undefined. */
export function choice<T extends string>(values: Values, name: string, allowed: readonly T[]): T | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/** The help text of a command. */
export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = [];
  for (const [name, f] of Object.entries({ ...spec.flags, ...COMMON_FLAGS })) {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.type === "string" ? ` <${f.value ?? "value"}>` : ""}`;
    rows.push([left, f.help]);
  }
  const width = Math.min(32, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = [`Usage: ${spec.usage}`, "", spec.summary];
  if (spec.details) lines.push("", spec.details);
  lines.push("", "Options:");
  for (const [l, r] of rows) {
    lines.push(l.length + 2 > width ? `  ${l}\n  ${" ".repeat(width)}${r}` : `  ${l.padEnd(width)}${r}`);
  }
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return lines.join("\n") + "\n";
}
