// The n-gram baselines latentkit's text models are compared with, in the same run:
//   - a character trigram model (words), add-k smoothing: the text bench's baseline since its
//     first version (moved here from run.mjs; now by code point, which gives the same samples
//     for the same seed on the English words);
//   - a bigram model with interpolated Kneser-Ney smoothing and <s> / </s>, over words
//     (sentences; latentkit's word tokens) or characters (words, lines of verse: add-k
//     smoothing spreads too much mass over an alphabet of thousands of Han characters).
// Both sample with the bench's seeded PRNG, so a seed gives the same samples on every machine.

import { mulberry32 } from "../src/data.mjs";
import { joinTokens, wordTokens } from "./tokens.mjs";

// ---- character trigram (add-k smoothing, "^^" start padding, "$" end) ----

/** Trigram counts of `words` over their alphabet plus the end symbol "$". */
export function trainTrigram(words, k) {
  const alphabet = [...new Set(words.join(""))].sort().concat("$");
  const counts = new Map();
  for (const w of words) {
    // By code point, so that characters outside the BMP (some rare Han) are one symbol each.
    const s = ["^", "^", ...w, "$"];
    for (let i = 2; i < s.length; i++) {
      const ctx = s[i - 2] + s[i - 1];
      let m = counts.get(ctx);
      if (!m) counts.set(ctx, (m = new Map()));
      m.set(s[i], (m.get(s[i]) ?? 0) + 1);
    }
  }
  return { alphabet, counts, k };
}

/** `n` words drawn from the trigram model (at most `maxLen` code points each). */
export function sampleTrigram(model, n, seed, maxLen = 20) {
  const u = mulberry32(seed);
  const out = [];
  for (let s = 0; s < n; s++) {
    let ctx = ["^", "^"];
    const w = [];
    while (w.length < maxLen) {
      const m = model.counts.get(ctx[0] + ctx[1]);
      let total = 0;
      const weights = model.alphabet.map((c) => {
        const x = (m?.get(c) ?? 0) + model.k;
        total += x;
        return x;
      });
      let r = u() * total;
      let c = model.alphabet[model.alphabet.length - 1];
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) {
          c = model.alphabet[i];
          break;
        }
      }
      if (c === "$") break;
      w.push(c);
      ctx = [ctx[1], c];
    }
    out.push(w.join(""));
  }
  return out;
}

// ---- bigram (words or characters), interpolated Kneser-Ney (Chen & Goodman 1998, one discount) ----
//   P(w | v) = max(c(v, w) - D, 0) / c(v) + λ(v) · Pcont(w),   λ(v) = D · N1+(v •) / c(v),
//   Pcont(w) = N1+(• w) / N1+(• •): how many distinct words precede w, not how often w occurs.
// D = n1 / (n1 + 2 n2) from the bigram counts of counts (Ney, Essen & Kneser 1994).

export const BOS = "<s>";
export const EOS = "</s>";

const LEVELS = {
  word: { split: wordTokens, join: joinTokens },
  char: { split: (text) => Array.from(text), join: (tokens) => tokens.join("") },
};

/** A bigram model of `texts`, tokenised at latentkit's word level (default) or by character. */
export function trainBigram(texts, { level = "word" } = {}) {
  const { split } = LEVELS[level];
  const follow = new Map(); // v -> Map(w -> c(v, w))
  for (const text of texts) {
    const toks = [BOS, ...split(text), EOS];
    for (let i = 1; i < toks.length; i++) {
      let m = follow.get(toks[i - 1]);
      if (!m) follow.set(toks[i - 1], (m = new Map()));
      m.set(toks[i], (m.get(toks[i]) ?? 0) + 1);
    }
  }
  let n1 = 0;
  let n2 = 0;
  const preceders = new Map(); // w -> N1+(• w)
  for (const m of follow.values()) {
    for (const [w, c] of m) {
      if (c === 1) n1++;
      else if (c === 2) n2++;
      preceders.set(w, (preceders.get(w) ?? 0) + 1);
    }
  }
  const discount = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.75;
  // Continuation distribution as a cumulative table, in code-point order of the words so the
  // sampler does not depend on the order of the corpus.
  const words = [...preceders.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const cumulative = new Float64Array(words.length);
  let bigramTypes = 0;
  words.forEach((w, i) => {
    bigramTypes += preceders.get(w);
    cumulative[i] = bigramTypes;
  });
  const contexts = new Map();
  for (const [v, m] of follow) {
    let total = 0;
    for (const c of m.values()) total += c;
    const next = [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    contexts.set(v, { total, next, lambda: (discount * m.size) / total });
  }
  return { level, discount, words, cumulative, bigramTypes, preceders, contexts };
}

/** P(w | v) under the model (0 for a `v` never seen as a context or a `w` never seen). */
export function bigramProbability(model, v, w) {
  const ctx = model.contexts.get(v);
  if (!ctx) return 0;
  const cont = (model.preceders.get(w) ?? 0) / model.bigramTypes;
  const pair = ctx.next.find(([x]) => x === w);
  const direct = pair ? Math.max(pair[1] - model.discount, 0) / ctx.total : 0;
  return direct + ctx.lambda * cont;
}

/** One token after `v`, drawn with the uniform number `r` in [0, 1). */
function drawNext(model, v, r) {
  const ctx = model.contexts.get(v);
  let left = r;
  for (const [w, c] of ctx.next) {
    left -= (c - model.discount) / ctx.total;
    if (left < 0) return w;
  }
  // The rest of the mass, λ(v), goes to the continuation distribution.
  const target = Math.min(Math.max(left / ctx.lambda, 0), 1 - 1e-12) * model.bigramTypes;
  let lo = 0;
  let hi = model.words.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return model.words[lo];
}

/** `n` texts drawn from the bigram model (cut at `maxTokens` tokens), joined as latentkit does. */
export function sampleBigram(model, n, seed, maxTokens = 40) {
  const u = mulberry32(seed);
  const out = [];
  for (let s = 0; s < n; s++) {
    const toks = [];
    let v = BOS;
    while (toks.length < maxTokens) {
      const w = drawNext(model, v, u());
      if (w === EOS) break;
      toks.push(w);
      v = w;
    }
    out.push(LEVELS[model.level].join(toks));
  }
  return out;
}
