import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { joinTokens, wordTokens } from "./tokens.mjs";

// The same cases as latentkit's word level (packages/latentkit/src/text/tokenizer.ts).
test("word tokens split punctuation off and keep inner apostrophes and hyphens", () => {
  assert.deepEqual(wordTokens("Don't stop, well-known (x)... ¿qué?"), ["Don't", "stop", ",", "well-known", "(", "x", ")", ".", ".", ".", "¿", "qué", "?"]);
  assert.deepEqual(wordTokens("  "), []);
});

test("joining tokens spaces them as latentkit writes them, and round-trips", () => {
  const text = "Don't stop, well-known (x)... ¿qué?";
  assert.equal(joinTokens(wordTokens(text)), "Don't stop, well-known (x)... ¿qué?");
  const written = joinTokens(["he", "said", ":", "“", "go", "”", "."]);
  assert.equal(written, "he said: “go”.");
  assert.deepEqual(wordTokens(written), ["he", "said", ":", "“", "go", "”", "."]);
});

// tokens.mjs copies latentkit's tokeniser: fail when the TypeScript original changes, wherever
// in packages/latentkit/src it lives, so the copy is updated with it.
test("the word pattern and spacing sets are the ones in latentkit's source", () => {
  const src = new URL("../../latentkit/src/", import.meta.url);
  const files = readdirSync(src, { recursive: true }).filter((f) => String(f).endsWith(".ts"));
  const original = files.map((f) => readFileSync(new URL(String(f), src), "utf8")).find((t) => t.includes("const WORD_RE ="));
  assert.ok(original, "no WORD_RE in packages/latentkit/src: update tokens.mjs and this test");
  const mine = readFileSync(new URL("./tokens.mjs", import.meta.url), "utf8");
  for (const name of ["WORD_RE", "NO_SPACE_BEFORE", "NO_SPACE_AFTER"]) {
    const line = (text) => text.split("\n").find((l) => l.startsWith(`const ${name} =`))?.replace(/new Set<string>\(/, "new Set(");
    assert.ok(line(mine) && line(original), `${name} not found`);
    assert.equal(line(mine), line(original), name);
  }
});
