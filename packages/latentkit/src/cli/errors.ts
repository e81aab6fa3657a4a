// CLI errors: each becomes one line on stderr ("latentkit: ...") and an exit code.

/** Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 interrupted (Ctrl-C). */
export const EXIT = Object.freeze({ OK: 0, RUNTIME: 1, USAGE: 2, INTERRUPTED: 130 });

/** A wrong command line: unknown command or flag, missing or malformed argument. Exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A runtime failure with a message fit for the user (bad file, wrong model kind...). Exit 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.RUNTIME) {
    super(message);
    this.name = "CliError";
  }
}

/** Collapses a message to one line. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}
