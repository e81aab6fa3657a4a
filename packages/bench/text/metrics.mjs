// Generation metrics of the text bench: MOSES-style uniqueness / novelty / share of real
// held-out texts, and BLEU-4 / self-BLEU-4 as Texygen computes them (Zhu et al. 2018,
// "Texygen: A Benchmarking Platform for Text Generation Models").
//
// Which BLEU, and why: the mean over samples of sentence-level BLEU-4 (uniform weights 1/4,
// NLTK's `sentence_bleu` with smoothing `method1`: a zero n-gram match count becomes 0.1), each
// sample scored against the *whole* reference set at once. That is Texygen's definition, which
// the GAN and VAE text-generation papers report, so our figures can be read beside theirs.
// Corpus-level BLEU would pool the counts of all samples, letting a few long samples dominate,
// and says nothing per sample; without smoothing, a sample with no matching 4-gram would score
// 0 however good its words, which for 4-12-word sentences is most samples.
//
// Speed: the references are indexed once. For each n-gram, the largest count it has in any one
// reference is the clipping count (a sample's n-gram counts are clipped by the max over
// references, as in Papineni et al.), so scoring a sample is a few map look-ups whatever the
// number of references. Self-BLEU (each sample against all the *other* samples) keeps the two
// largest counts and which sample holds the first, so leaving a sample out costs nothing.

const MAX_N = 4;
const EPSILON = 0.1; // NLTK SmoothingFunction().method1
const SEP = "\u0001"; // never inside a token: tokens are split on white space and control chars are not letters

/** MOSES-style measures, defined as latentkit's `text.report()` defines them. */
export function generationStats(samples, { training, reference } = {}) {
  const trainingSet = training instanceof Set ? training : new Set(training ?? []);
  const distinct = new Set(samples);
  const novel = [...distinct].filter((s) => !trainingSet.has(s));
  const out = {
    count: samples.length,
    uniqueness: samples.length && distinct.size / samples.length,
    novelty: distinct.size && novel.length / distinct.size,
  };
  if (reference !== undefined) {
    const ref = reference instanceof Set ? reference : new Set(reference);
    out.inReference = novel.length && novel.filter((s) => ref.has(s)).length / novel.length;
  }
  return out;
}

/** Counts of the n-grams (n = 1..4) of one token list: one Map per order. */
function ngramCounts(tokens) {
  const orders = [];
  for (let n = 1; n <= MAX_N; n++) {
    const m = new Map();
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(SEP);
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    orders.push(m);
  }
  return orders;
}

/**
 * Index of a reference set: per n-gram, the largest count in one reference (`max`), the
 * sample holding it (`who`), and the largest count among all the others (`second`); and how
 * many references have each length.
 */
function buildIndex(references) {
  const grams = new Map();
  const lengths = new Map();
  references.forEach((tokens, who) => {
    lengths.set(tokens.length, (lengths.get(tokens.length) ?? 0) + 1);
    for (const order of ngramCounts(tokens)) {
      for (const [key, c] of order) {
        const e = grams.get(key);
        if (!e) grams.set(key, { max: c, who, second: 0 });
        else if (c > e.max) {
          e.second = e.max;
          e.max = c;
          e.who = who;
        } else if (c > e.second) e.second = c;
      }
    }
  });
  return { grams, lengths: [...lengths.keys()].sort((a, b) => a - b), lengthCounts: lengths };
}

/** NLTK's closest reference length: the nearest to `c`, the shorter one on a tie. */
function closestLength(index, c, skipLength) {
  let best = -1;
  for (const r of index.lengths) {
    if (r === skipLength && index.lengthCounts.get(r) === 1) continue; // only the sample itself has it
    if (best < 0 || Math.abs(r - c) < Math.abs(best - c) || (Math.abs(r - c) === Math.abs(best - c) && r < best)) best = r;
  }
  return best;
}

/**
 * Sentence BLEU-4 of `tokens` against the indexed references (excluding reference `self`,
 * for self-BLEU; -1 for none), with NLTK's method1 smoothing and brevity penalty.
 */
function sentenceBleu(tokens, index, self) {
  const c = tokens.length;
  if (c === 0) return 0;
  const orders = ngramCounts(tokens);
  let logSum = 0;
  for (let n = 0; n < MAX_N; n++) {
    let matched = 0;
    let total = 0;
    for (const [key, count] of orders[n]) {
      total += count;
      const e = index.grams.get(key);
      if (!e) continue;
      const limit = e.who === self ? e.second : e.max;
      matched += Math.min(count, limit);
    }
    // NLTK: no unigram match at all gives 0 (smoothing does not rescue it).
    if (n === 0 && matched === 0) return 0;
    const denominator = Math.max(1, total);
    const p = matched > 0 ? matched / denominator : EPSILON / denominator;
    logSum += Math.log(p) / MAX_N;
  }
  const r = closestLength(index, c, self >= 0 ? c : -1);
  const bp = r < 0 || c > r ? 1 : Math.exp(1 - r / c);
  return bp * Math.exp(logSum);
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * BLEU-4 of samples against references (arrays of token lists): the mean over samples of
 * each one's smoothed sentence BLEU-4 against all references.
 */
export function bleu(samples, references) {
  if (references.length === 0) throw new Error("bleu: no references");
  const index = buildIndex(references);
  return mean(samples.map((s) => sentenceBleu(s, index, -1)));
}

/** Self-BLEU-4: the mean over samples of each one's BLEU-4 against all the other samples. */
export function selfBleu(samples) {
  if (samples.length < 2) throw new Error("selfBleu: needs at least two samples");
  const index = buildIndex(samples);
  return mean(samples.map((s, i) => sentenceBleu(s, index, i)));
}

// ---- measures of the extended bench that need a model's output (issues #12 and #13) ----

/**
 * Share of interpolations that start at their first text and end at their second:
 * `paths[i]` is the list `interpolate(a, b, steps)` returned for `pairs[i] = [a, b]`.
 */
export function endpointRate(paths, pairs) {
  if (paths.length !== pairs.length) throw new Error(`endpointRate: ${paths.length} paths but ${pairs.length} pairs`);
  let ok = 0;
  paths.forEach((path, i) => {
    if (path.length > 0 && path[0] === pairs[i][0] && path[path.length - 1] === pairs[i][1]) ok++;
  });
  return paths.length && ok / paths.length;
}

/** Share of `outputs[i]` that begin with the first `n` code points of `inputs[i]` (restyling). */
export function keepsPrefix(inputs, outputs, n = 2) {
  if (inputs.length !== outputs.length) throw new Error(`keepsPrefix: ${inputs.length} inputs but ${outputs.length} outputs`);
  let ok = 0;
  inputs.forEach((text, i) => {
    const head = Array.from(text).slice(0, n).join("");
    if (Array.from(outputs[i]).slice(0, n).join("") === head) ok++;
  });
  return inputs.length && ok / inputs.length;
}
