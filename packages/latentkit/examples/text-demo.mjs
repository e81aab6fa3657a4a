// latentkit text demo: trains a character-level variational autoencoder on 3,000 English words
// (corpora/words.txt) with the `latentkit` command (progress bar included), then prints
// samples, an interpolation and reconstructions. 10 to 30 s on 2 cores.
//   pnpm -C packages/latentkit build && node packages/latentkit/examples/text-demo.mjs
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const corpus = fileURLToPath(new URL("../corpora/words.txt", import.meta.url));
if (!existsSync(cli)) {
  console.error("dist/cli.js is missing: build latentkit first (pnpm -C packages/latentkit build)");
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "latentkit-demo-"));
const model = "words.lk"; // in `dir`, the working directory of every command below

/** Runs `latentkit ...args`; with `json`, returns its parsed --json output. */
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

const words = readFileSync(corpus, "utf8").split("\n").filter(Boolean);
// The last 10% are kept from the model altogether (train() itself validates on a random 10%
// of what it is given, to decide when to stop).
const split = Math.floor(words.length * 0.9);
const training = new Set(words.slice(0, split));
writeFileSync(join(dir, "train.txt"), words.slice(0, split).join("\n") + "\n");

console.log(`$ latentkit train train.txt -o words.lk --variational --beta 0.5 --seed 1   # the first ${split} words of corpora/words.txt\n`);
latentkit(["train", "train.txt", "-o", model, "--variational", "--beta", "0.5", "--seed", "1"]);

const { samples } = latentkit(["sample", model, "-n", "16", "--seed", "7"], { json: true });
const novel = samples.filter((s) => !training.has(s)).length;
console.log(`\nSamples (latentkit sample words.lk -n 16 --seed 7): ${novel} of 16 are not training words`);
for (let i = 0; i < samples.length; i += 8) console.log("  " + samples.slice(i, i + 8).map((s) => s.padEnd(10)).join(" ").trimEnd());

const { path } = latentkit(["interpolate", model, "candle", "market", "--steps", "8"], { json: true });
console.log(`\nInterpolation (latentkit interpolate words.lk candle market --steps 8):`);
console.log("  " + path.join(" -> "));

const heldOut = words.slice(-4);
const inputs = ["mother", "silver", "planet", "dragon", ...heldOut];
const { reconstructions } = latentkit(["reconstruct", model, ...inputs], { json: true });
console.log(`\nReconstructions of words it never saw (latentkit reconstruct words.lk ${inputs.join(" ")}):`);
for (const r of reconstructions) console.log(`  ${r.input.padEnd(10)} -> ${r.output.padEnd(10)} ${r.exact ? "exact" : ""}`.trimEnd());

const heldOutFile = join(dir, "heldout.txt");
writeFileSync(heldOutFile, words.slice(split).join("\n") + "\n");
const evaluation = latentkit(["eval", model, heldOutFile], { json: true });
console.log(
  `\nThe ${evaluation.texts} held-out words (latentkit eval words.lk heldout.txt): ` +
    `${(evaluation.exactMatch * 100).toFixed(1)}% come back exactly, ${(evaluation.tokenAccuracy * 100).toFixed(1)}% of letters right`,
);
rmSync(dir, { recursive: true, force: true });
