// Regenerates tang5.txt: 3,000 five-character lines of Tang poems, a seeded choice from the
// npm package chinese-poetry (MIT). Not a dependency of latentkit (the bench has it as a
// devDependency; any install works):
//   node corpora/make-tang.mjs                                   # from packages/latentkit, after pnpm install
//   node corpora/make-tang.mjs /tmp/cp/node_modules/chinese-poetry   # or after npm install --prefix /tmp/cp chinese-poetry@2.0.1
// Writes to stdout with --stdout instead of tang5.txt (the bench's test compares the bytes).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { tangLines } from "../../bench/text/corpora.mjs";
import { mulberry32 } from "../src/mulberry32.js";

const COUNT = 3000;
const SEED = 20240607;
// Only lines made of the 1,000 most frequent characters of all five-character Tang lines are
// drawn: a uniform draw of 3,000 lines has 2,620 distinct characters, 941 of them seen once,
// which a demo-size model can neither learn nor sample well; this one has about a thousand,
// nearly all seen several times, and still 123,168 lines to draw from.
const TOP_CHARACTERS = 1000;

const args = process.argv.slice(2).filter((a) => a !== "--stdout");
const toStdout = process.argv.includes("--stdout");
const packageDir =
  args[0] ?? dirname(createRequire(new URL("../../bench/package.json", import.meta.url)).resolve("chinese-poetry/package.json"));

// mulberry32 as floats in [0, 1)
const next = mulberry32(SEED);
const random = () => next() / 4294967296;

// Distinct lines of exactly five Han characters, in file, poem and line order: the bench's reader.
const lines = tangLines(packageDir);

// Character frequencies over all lines; ties in code-point order, so the cut is deterministic.
const counts = new Map();
for (const line of lines) for (const ch of line) counts.set(ch, (counts.get(ch) ?? 0) + 1);
const ranked = [...counts].sort((x, y) => y[1] - x[1] || x[0].codePointAt(0) - y[0].codePointAt(0));
const common = new Set(ranked.slice(0, TOP_CHARACTERS).map(([ch]) => ch));
const pool = lines.filter((line) => Array.from(line).every((ch) => common.has(ch)));

// Partial Fisher-Yates: the first COUNT entries become a uniform seeded sample of the pool, in
// random order (so a validation split of the last lines is a random subset too).
for (let i = 0; i < COUNT; i++) {
  const j = i + Math.floor(random() * (pool.length - i));
  [pool[i], pool[j]] = [pool[j], pool[i]];
}
const out = pool.slice(0, COUNT).join("\n") + "\n";
if (toStdout) {
  process.stdout.write(out);
} else {
  writeFileSync(new URL("./tang5.txt", import.meta.url), out);
  const chars = new Set(Array.from(out.replace(/\n/g, ""))).size;
  console.error(`wrote ${COUNT} of ${pool.length} candidate lines (${lines.length} in all) to corpora/tang5.txt: ${chars} distinct characters, ${Buffer.byteLength(out)} bytes`);
}
