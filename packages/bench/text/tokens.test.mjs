import { test } from "node:test";
import assert from "node:assert/strict";
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
