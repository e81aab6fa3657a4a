// Running the built `latentkit` command (dist/cli.js) in a test's temporary folder: one copy of
// the spawn helpers the CLI test files share.

import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package folder and its built command. */
export const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = join(PKG, "dist", "cli.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `cli(args, input)` runs the command in the folder `dir()` returns (read at each call, so a
 * `beforeAll` may create it); `ok` also requires exit 0 and returns stdout; `json` adds
 * `--json` and parses it.
 */
export function cliIn(dir: () => string, timeout = 60_000) {
  const cli = (args: string[], input: string | Buffer = ""): CliResult => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir(), input, encoding: "utf8", timeout });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (args: string[], input?: string): string => {
    const r = cli(args, input);
    if (r.code !== 0) throw new Error(`latentkit ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const json = (args: string[], input?: string) => JSON.parse(ok([...args, "--json"], input));
  return { cli, ok, json };
}
