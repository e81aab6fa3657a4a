// The `latentkit` command: dispatches to src/cli/commands/*, prints help, and turns every
// error into one line on stderr and an exit code (0 ok, 1 runtime error, 2 usage error,
// 130 interrupted). Built to dist/cli.js (tsup.config.ts), the package's `bin`.

import { readFileSync } from "node:fs";
import { helpText, parseCommand, type CommandSpec, type Parsed } from "./args.js";
import * as decode from "./commands/decode.js";
import * as encode from "./commands/encode.js";
import * as evaluate from "./commands/eval.js";
import * as info from "./commands/info.js";
import * as interpolate from "./commands/interpolate.js";
import * as reconstruct from "./commands/reconstruct.js";
import * as restyle from "./commands/restyle.js";
import * as sample from "./commands/sample.js";
import * as train from "./commands/train.js";
import * as variations from "./commands/variations.js";
import { CliError, EXIT, UsageError, oneLine } from "./errors.js";
import { isLabelMessage, labelWording } from "./label-flag.js";
import { LatentkitError } from "./sdk.js";

interface Command {
  spec: CommandSpec;
  run(parsed: Parsed): Promise<number>;
}

const COMMANDS: Record<string, Command> = { train, sample, interpolate, variations, restyle, reconstruct, encode, decode, eval: evaluate, info };

/** Option names of the SDK -> the flags that set them, to word SDK messages in CLI terms. */
const FLAG_OF: Record<string, string> = {
  level: "--level", minCount: "--min-count", maxLength: "--max-length", latent: "--latent", hidden: "--hidden",
  encoder: "--hidden/--latent", decoder: "--decoder", activation: "--activation", epochs: "--epochs",
  batchSize: "--batch-size", learningRate: "--learning-rate", optimizer: "--optimizer", weightDecay: "--weight-decay",
  clipNorm: "--clip-norm", seed: "--seed", workers: "--workers", validationSplit: "--validation-split", noise: "--noise",
  "noise.mask": "--mask", "noise.delete": "--noise", "noise.swap": "--noise", "noise.gaussian": "--noise", "noise.context": "--context-noise",
  "variational.beta": "--beta", "variational.klWarmupEpochs": "--kl-warmup", "variational.freeBits": "--free-bits",
  "earlyStopping.patience": "--patience", n: "-n", steps: "--steps", temperature: "--temperature",
  tokenTemperature: "--token-temperature", spread: "--spread",
};

function flagWording(message: string): string {
  return message.replace(/^([A-Za-z]+(?:\.[A-Za-z]+)?(?:\[\d+\])?)(?= )/, (name) => {
    const base = name.replace(/\[\d+\]$/, "");
    return FLAG_OF[base] ?? name;
  });
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function mainHelp(): string {
  const rows = Object.values(COMMANDS).map((c) => `  ${c.spec.usage.replace(/^latentkit /, "").padEnd(58)}`);
  const summaries = Object.values(COMMANDS).map((c) => c.spec.summary.split(/[.:]( |$)/)[0]);
  return [
    "Usage: latentkit <command> [options]",
    "",
    "Train autoencoders on text (one text per line) or numbers (CSV), in WebAssembly.",
    "",
    "Commands:",
    ...Object.keys(COMMANDS).map((name, i) => `  ${name.padEnd(13)}${summaries[i]}`),
    "",
    "Every command takes --json (machine-readable output) and --help.",
    "Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 interrupted.",
    "",
    "Synopsis:",
    ...rows.map((r) => r.trimEnd()),
    "",
    "Example:",
    "  latentkit train words.txt -o words.lk --variational --epochs 40",
    "  latentkit sample words.lk -n 10",
    "  latentkit train tang5.txt -o tang.lk",
    "  latentkit interpolate tang.lk 青山明月夜 白雲江上行",
    "  latentkit train langs.tsv --labels -o langs.lk --variational   (text<TAB>label lines)",
    "  latentkit restyle langs.lk --label fr window garden",
    "",
  ].join("\n");
}

function fail(message: string, code: number): number {
  process.stderr.write(`latentkit: ${oneLine(message)}\n`);
  return code;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined) {
      const cmd = COMMANDS[topic];
      if (!cmd) return fail(`unknown command "${topic}"; run latentkit --help for the list`, EXIT.USAGE);
      process.stdout.write(helpText(cmd.spec));
      return EXIT.OK;
    }
    (name === undefined ? process.stderr : process.stdout).write(mainHelp());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`latentkit ${version()}\n`);
    return EXIT.OK;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    const hint = name.startsWith("-") ? "a command comes first" : `unknown command "${name}"`;
    return fail(`${hint}; commands: ${Object.keys(COMMANDS).join(", ")} (latentkit --help)`, EXIT.USAGE);
  }
  try {
    const parsed = parseCommand(cmd.spec, rest);
    if (parsed.values.help) {
      process.stdout.write(helpText(cmd.spec));
      return EXIT.OK;
    }
    return await cmd.run(parsed);
  } catch (e) {
    if (e instanceof UsageError) {
      const msg = e.message.startsWith(`${name}`) ? e.message : `${name}: ${e.message}`;
      return fail(`${msg} (latentkit ${name} --help)`, EXIT.USAGE);
    }
    if (e instanceof CliError) return fail(e.message, e.exitCode);
    if (e instanceof LatentkitError) {
      // Bad option values reach the SDK's validation: a usage error, worded with flag names.
      if (e.code === "INVALID_OPTION") return fail(`${name}: ${isLabelMessage(e.message) ? labelWording(e.message) : flagWording(e.message)}`, EXIT.USAGE);
      if (e.code === "ABORTED") return fail("interrupted", EXIT.INTERRUPTED);
      return fail(`${name}: ${e.message}`, EXIT.RUNTIME);
    }
    if (process.env.LATENTKIT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return fail(`${name}: unexpected error: ${e instanceof Error ? e.message : String(e)} (set LATENTKIT_DEBUG=1 for details)`, EXIT.RUNTIME);
  }
}

// Output piped into `head` and closed early: stop quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(EXIT.OK);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`latentkit: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.RUNTIME;
  },
);
