// Issue #12: every built-in corpus of the playground, trained with the page's default settings
// (the library's defaults: text.train(texts, { seed: 1 })), gives back at least 95% of its
// texts exactly, and an interpolation between two of its texts starts and ends at them. Run in
// Node (the same wasm and SDK the page bundles), since the browser adds nothing to the figures.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { text } from "../../latentkit/src/index.js";

const here = resolve(__dirname);
const files = [
  ...readdirSync(join(here, "../src/corpora")).map((f) => join(here, "../src/corpora", f)),
  ...readdirSync(join(here, "../../latentkit/corpora")).filter((f) => f.endsWith(".txt")).map((f) => join(here, "../../latentkit/corpora", f)),
].filter((f) => f.endsWith(".txt"));

describe("the playground's built-in corpora at the default settings", () => {
  it("lists the four corpora", () => {
    expect(files.map((f) => f.split("/").pop()).sort()).toEqual(["capitals.txt", "fruits.txt", "tang5.txt", "words.txt"]);
  });

  for (const file of files) {
    const name = file.split("/").pop()!;
    it(`${name}: at least 95% of its texts come back exactly; interpolations start and end at their texts`, async () => {
      const texts = readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
      const gen = await text.train(texts, { seed: 1 });
      const exact = gen.training!.trainingExact;
      console.log(`${name}: ${texts.length} texts, ${gen.training!.epochs} epochs (${gen.training!.stopMessage}), ${(100 * exact).toFixed(1)}% back exactly`);
      expect(exact).toBeGreaterThanOrEqual(0.95);
      for (const [a, b] of [[texts[0]!, texts[texts.length - 1]!], [texts[1]!, texts[Math.floor(texts.length / 2)]!]]) {
        const path = gen.interpolate(a, b, 6);
        expect([path[0], path[5]]).toEqual([a, b]);
      }
      gen.dispose();
    }, 240_000);
  }
});
