// Regenerates en-fr.txt: 500 English and 500 French words of 4 to 8 letters, labelled "en" and
// "fr" ("label: text" lines, the playground's labelled form), a seeded choice from the npm
// packages an-array-of-english-words and an-array-of-french-words (both MIT; the bench's
// devDependencies, so `pnpm install` brings them). From packages/playground:
//   node src/corpora/make-en-fr.mjs
// or pass the two index.json files of any install of both packages (version 2.0.0):
//   node src/corpora/make-en-fr.mjs path/to/english/index.json path/to/french/index.json
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { mulberry32 } from "../../../latentkit/src/mulberry32.js";

// Small, so the page trains it in seconds and the e2e test stays fast; short words, since
// the point is the label's effect, not long-word reconstruction.
const EACH = 500;
const SEED = 20240607;
const ENGLISH = /^[a-z]{4,8}$/;
// French with its accents (the bench's alphabet, packages/bench/text/corpora.mjs).
const FRENCH = /^[a-zàâäæçéèêëîïôöœùûüÿ]{4,8}$/;

const bench = createRequire(new URL("../../../bench/package.json", import.meta.url));
const [enPath, frPath] = process.argv.length >= 4
  ? process.argv.slice(2, 4)
  : [bench.resolve("an-array-of-english-words/index.json"), bench.resolve("an-array-of-french-words/index.json")];

// mulberry32 (the SDK's copy), as floats in [0, 1)
const ints = mulberry32(SEED);
const random = () => ints() / 4294967296;

/** The first `count` entries of a partial Fisher-Yates: a uniform seeded sample in random order. */
function draw(list, count) {
  const a = [...list];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, count);
}

const en = JSON.parse(readFileSync(enPath, "utf8")).filter((w) => ENGLISH.test(w));
const fr = JSON.parse(readFileSync(frPath, "utf8")).filter((w) => FRENCH.test(w));
// Words of both lists ("table", "village") would carry both labels: left out.
const enSet = new Set(en);
const frSet = new Set(fr);
const lines = [
  ...draw(en.filter((w) => !frSet.has(w)), EACH).map((w) => `en: ${w}`),
  ...draw(fr.filter((w) => !enSet.has(w)), EACH).map((w) => `fr: ${w}`),
];
// One seeded order for both languages, so a validation split (or the first lines) holds both.
const mixed = draw(lines, lines.length);
writeFileSync(new URL("./en-fr.txt", import.meta.url), mixed.join("\n") + "\n");
console.log(`wrote ${EACH} of ${en.length} English and ${EACH} of ${fr.length} French candidate words to src/corpora/en-fr.txt`);
