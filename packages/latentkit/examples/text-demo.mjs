// latentkit text demo: trains two character-level text models with the `latentkit` command
// (progress bar included) and prints, for each, samples, an interpolation and reconstruction
// figures:
//   1. a model at its defaults on 3,000 English words (corpora/words.txt);
//   2. a model at its defaults on 3,000 five-character lines of Tang poems (corpora/tang5.txt).
// Both train until their held-out loss stops improving (text.train's default).
// About 35 s on 2 idle cores, up to a minute when other work shares them.
//   pnpm -C packages/latentkit build && node packages/latentkit/examples/text-demo.mjs
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const corpus = (name) => fileURLToPath(new URL(`../corpora/${name}`, import.meta.url));
if (!existsSync(cli)) {
  console.error("dist/cli.js is missing: build latentkit first (pnpm -C packages/latentkit build)");
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "latentkit-demo-"));


/** Runs `latentkit ...args` in `dir`; with `json`, returns its parsed --json output. */
function latentkit(args, { json = false } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args, ...(json ? ["--json"] : [])], {
    cwd: dir,
    stdio: json ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }
  return json ? JSON.parse(r.stdout) : undefined;
}

/**
 * The lines of a corpus split in two: the last 10% are kept from the model altogether (train
 * itself validates on a random 10% of what it is given, to decide when to stop), and the
 * first 90% are written to `<name>-train.txt` for it.
 */
function readCorpus(name) {
  const lines = readFileSync(corpus(name), "utf8").split("\n").filter(Boolean);
  const split = Math.floor(lines.length * 0.9);
  const training = lines.slice(0, split);
  writeFileSync(join(dir, name.replace(".txt", "-train.txt")), training.join("\n") + "\n");
  return { lines, training, heldOut: lines.slice(split) };
}

/** `latentkit eval` on `texts` (written to a file in `dir`). */
function evaluate(model, texts, file) {
  writeFileSync(join(dir, file), texts.join("\n") + "\n");
  return latentkit(["eval", model, file], { json: true });
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

/**
 * Prints texts in rows of `perRow`, each padded to `width` characters with `pad` (an ideographic
 * space for Chinese, as wide as a Chinese character, so that the columns line up).
 */
function printRows(texts, perRow, width, pad = " ") {
  for (let i = 0; i < texts.length; i += perRow) {
    console.log("  " + texts.slice(i, i + perRow).map((s) => s + pad.repeat(Math.max(0, width - [...s].length))).join(" ").trimEnd());
  }
}

function english() {
  const { training, heldOut } = readCorpus("words.txt");
  const known = new Set(training);
  console.log(`$ latentkit train words-train.txt -o words.lk --seed 1   # the first ${training.length} words of corpora/words.txt\n`);
  latentkit(["train", "words-train.txt", "-o", "words.lk", "--seed", "1"]);

  const { samples } = latentkit(["sample", "words.lk", "-n", "16", "--seed", "7"], { json: true });
  const novel = samples.filter((s) => !known.has(s)).length;
  console.log(`\nSamples (latentkit sample words.lk -n 16 --seed 7): ${novel} of 16 are not training words`);
  printRows(samples, 8, 10);

  const { path } = latentkit(["interpolate", "words.lk", "candle", "market", "--steps", "8"], { json: true });
  console.log(`\nInterpolation (latentkit interpolate words.lk candle market --steps 8):`);
  console.log("  " + path.join(" -> "));

  const inputs = ["mother", "silver", "planet", "dragon", ...heldOut.slice(-4)];
  const { reconstructions } = latentkit(["reconstruct", "words.lk", ...inputs], { json: true });
  console.log(`\nReconstructions of words it never saw (latentkit reconstruct words.lk ${inputs.join(" ")}):`);
  for (const r of reconstructions) console.log(`  ${r.input.padEnd(10)} -> ${r.output.padEnd(10)} ${r.exact ? "exact" : ""}`.trimEnd());

  const e = evaluate("words.lk", heldOut, "heldout.txt");
  console.log(`\nThe ${e.texts} held-out words (latentkit eval words.lk heldout.txt): ${pct(e.exactMatch)} come back exactly, ${pct(e.tokenAccuracy)} of letters right`);
}

function tang() {
  const { training, heldOut } = readCorpus("tang5.txt");
  const known = new Set(training);
  console.log(`\n\n$ latentkit train tang5-train.txt -o tang.lk --seed 1   # the first ${training.length} lines of corpora/tang5.txt\n`);
  latentkit(["train", "tang5-train.txt", "-o", "tang.lk", "--seed", "1"]);

  const { samples } = latentkit(["sample", "tang.lk", "-n", "16", "--seed", "7"], { json: true });
  const five = samples.filter((s) => [...s].length === 5).length;
  const novel = samples.filter((s) => !known.has(s)).length;
  console.log(`\nSamples (latentkit sample tang.lk -n 16 --seed 7): ${five} of 16 have five characters, ${novel} are not training lines`);
  printRows(samples, 8, 5, "\u3000");

  // Two training lines: "green hills, bright moon, night" and "white clouds go along the river".
  const [a, b] = ["青山明月夜", "白雲江上行"];
  if (!known.has(a) || !known.has(b)) throw new Error(`${a} and ${b} should be training lines of tang5.txt`);
  const { path } = latentkit(["interpolate", "tang.lk", a, b, "--steps", "6"], { json: true });
  console.log(`\nInterpolation between two training lines (latentkit interpolate tang.lk ${a} ${b} --steps 6):`);
  console.log("  " + path.join(" -> "));

  const inputs = [...training.slice(0, 3), ...heldOut.slice(-3)];
  const { reconstructions } = latentkit(["reconstruct", "tang.lk", ...inputs], { json: true });
  console.log(`\nReconstructions of 3 training lines, then 3 it never saw (latentkit reconstruct tang.lk ...):`);
  for (const r of reconstructions) console.log(`  ${r.input} -> ${r.output} ${r.exact ? "exact" : ""}`.trimEnd());

  const t = evaluate("tang.lk", training, "tang-training.txt");
  const e = evaluate("tang.lk", heldOut, "tang-heldout.txt");
  console.log(
    `\nThe ${t.texts} training lines: ${pct(t.exactMatch)} come back exactly, ${pct(t.tokenAccuracy)} of characters right` +
      `\nThe ${e.texts} held-out lines: ${pct(e.exactMatch)} come back exactly, ${pct(e.tokenAccuracy)} of characters right`,
  );
}

try {
  english();
  tang();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
