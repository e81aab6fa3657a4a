// The command-line options the text bench scripts share (`scale.mjs`, `labels.mjs`).

/** The value after `--name` in `argv`, or undefined when the flag is absent. */
export function argValue(argv, name) {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  if (i + 1 >= argv.length) throw new Error(`${name} needs a value`);
  return argv[i + 1];
}

/**
 * `--quick`, `--epochs N` (the cap of the default epoch count; 2 with --quick, null: the
 * defaults decide) and `--out file` (null: the script's default file).
 */
export function commonArgs(argv) {
  const quick = argv.includes("--quick");
  const epochsArg = argValue(argv, "--epochs");
  const epochs = epochsArg === undefined ? (quick ? 2 : null) : Number(epochsArg);
  if (epochs !== null && !(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`--epochs must be a positive integer, got ${epochsArg}`);
  return { quick, epochs, out: argValue(argv, "--out") ?? null };
}
