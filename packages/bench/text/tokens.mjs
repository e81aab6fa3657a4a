// Word-level tokenisation exactly as latentkit's text models do it, so that the bench counts
// words, builds references and scores BLEU on the same tokens the models see. This mirrors
// packages/latentkit/src/text/tokenizer.ts (`tokenize` at word level and `detokenize`); that
// file is internal TypeScript the bench cannot import. tokens.test.mjs pins the behaviour, and
// a change there must be copied here.

// A word: letters, marks and digits, joined by inner apostrophes or hyphens ("don't",
// "well-known"); anything else that is not white space is a token of its own.
const WORD_RE = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;
const NO_SPACE_BEFORE = new Set([".", ",", "!", "?", ";", ":", ")", "]", "}", "%", "…", "»", "”", "’"]);
const NO_SPACE_AFTER = new Set(["(", "[", "{", "«", "“", "‘", "¿", "¡"]);

/** A text -> its word-level tokens (case kept, as latentkit's default `lowercase: false`). */
export function wordTokens(text) {
  return text.match(WORD_RE) ?? [];
}

/** Tokens -> text, spaced as latentkit's decoder writes it (no space before "." etc.). */
export function joinTokens(tokens) {
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (i > 0 && !NO_SPACE_BEFORE.has(t) && !NO_SPACE_AFTER.has(tokens[i - 1])) out += " ";
    out += t;
  }
  return out;
}
