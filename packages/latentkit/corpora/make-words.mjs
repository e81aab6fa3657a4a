// Regenerates words.txt: 3,000 English words of 4 to 9 letters, a seeded choice from the
// npm package an-array-of-english-words (MIT). Not a dependency: install it anywhere, e.g.
//   npm install --prefix /tmp/aaoew an-array-of-english-words@2.0.0
//   node corpora/make-words.mjs /tmp/aaoew/node_modules/an-array-of-english-words/index.json
import { readFileSync, writeFileSync } from "node:fs";
import { mulberry32 } from "../src/mulberry32.js";

const COUNT = 3000;
const SEED = 20240607;
const source = process.argv[2];
if (!source) {
  console.error("usage: node make-words.mjs path/to/an-array-of-english-words/index.json");
  process.exit(2);
}

// mulberry32 (the SDK's copy), as floats in [0, 1)
const ints = mulberry32(SEED);
const random = () => ints() / 4294967296;

const words = JSON.parse(readFileSync(source, "utf8")).filter((w) => /^[a-z]{4,9}$/.test(w));
// Partial Fisher-Yates: the first COUNT entries become a uniform seeded sample, in random order
// (so a validation split of the last lines is a random subset too).
for (let i = 0; i < COUNT; i++) {
  const j = i + Math.floor(random() * (words.length - i));
  [words[i], words[j]] = [words[j], words[i]];
}
writeFileSync(new URL("./words.txt", import.meta.url), words.slice(0, COUNT).join("\n") + "\n");
console.log(`wrote ${COUNT} of ${words.length} candidate words to corpora/words.txt`);
