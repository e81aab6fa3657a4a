// Issue #12: every built-in corpus of the playground, trained with the page's default settings
// (the library's defaults: text.train(texts, { seed: 1 })), gives back at least 95% of its
// texts exactly, and an interpolation between two of its texts starts and ends at them. Run in
// Node (the same wasm and SDK the page bundles), since the browser adds nothing to the figures.
// The labelled corpus (en-fr.txt, "label: text" lines) trains as the page trains it, with its
// labels (a conditional model); its interpolations run between two texts of one label.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { text } from "../../latentkit/src/index.js";
import { parseLabelled } from "../src/labels.js";

const here = resolve(__dirname);
const files = [
  ...readdirSync(join(here, "../src/corpora")).map((f) => join(here, "../src/corpora", f)),
  ...readdirSync(join(here, "../../latentkit/corpora")).filter((f) => f.endsWith(".txt")).map((f) => join(here, "../../latentkit/corpora", f)),
].filter((f) => f.endsWith(".txt"));

describe("the playground's built-in corpora at the default settings", () => {
  it("lists the five corpora", () => {
    expect(files.map((f) => f.split("/").pop()).sort()).toEqual(["capitals.txt", "en-fr.txt", "fruits.txt", "tang5.txt", "words.txt"]);
  });

  for (const file of files) {
    const name = file.split("/").pop()!;
    it(`${name}: at least 95% of its texts come back exactly; interpolations start and end at their texts`, async () => {
      const lines = readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
      const labelled = name === "en-fr.txt" ? parseLabelled(lines) : null;
      expect(labelled?.error ?? null).toBeNull();
      const texts = labelled ? labelled.texts : lines;
      const gen = await text.train(texts, { seed: 1, ...(labelled ? { labels: labelled.labels } : {}) });
      const exact = gen.training!.trainingExact;
      console.log(`${name}: ${texts.length} texts, ${gen.training!.epochs} epochs (${gen.training!.stopMessage}), ${(100 * exact).toFixed(1)}% back exactly`);
      expect(exact).toBeGreaterThanOrEqual(0.95);
      const pairs: [number, number][] = [[0, texts.length - 1], [1, Math.floor(texts.length / 2)]];
      for (const [i, j0] of pairs) {
        // a labelled model encodes both texts with one label: B is the nearest text of A's label at or before j0
        let j = j0;
        while (labelled && (j === i || labelled.labels[j] !== labelled.labels[i])) j--;
        const path = gen.interpolate(texts[i]!, texts[j]!, 6, labelled ? { label: labelled.labels[i]! } : {});
        expect([path[0], path[5]]).toEqual([texts[i], texts[j]]);
      }
      gen.dispose();
    }, 240_000);
  }
});
