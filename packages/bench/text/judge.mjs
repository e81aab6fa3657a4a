// The judge of issue #13: which language a word is in, decided by something that is not
// latentkit. One character 4-gram model per label, interpolated with Witten-Bell smoothing
// (each order backs off to the next lower one with the weight of "new continuations seen after
// this context", down to a uniform distribution over every character seen plus one for
// unseen characters); a word goes to the label whose model gives it the higher probability
// (equal priors). Characters are code points (French accents are one code point each in NFC,
// which the French list uses).

const START = "\u0002"; // padding before the first character: not a letter of any corpus
const END = "\u0003"; // end of the word, scored like a character

function padded(text, order) {
  return [...Array(order - 1).fill(START), ...Array.from(text), END];
}

/** Counts of one label's words: context (0..order-1 characters) -> Map(char -> count). */
function countModel(texts, order) {
  const counts = new Map();
  for (const text of texts) {
    const s = padded(text, order);
    for (let i = order - 1; i < s.length; i++) {
      for (let k = 0; k < order; k++) {
        const ctx = s.slice(i - k, i).join("");
        let m = counts.get(ctx);
        if (!m) counts.set(ctx, (m = { total: 0, next: new Map() }));
        m.total++;
        m.next.set(s[i], (m.next.get(s[i]) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/**
 * A judge trained on `texts` with their `labels` (any number of distinct labels). `order` 4
 * by default: contexts of up to three characters.
 */
export function trainJudge(texts, labels, { order = 4 } = {}) {
  if (texts.length !== labels.length) throw new Error(`trainJudge: ${texts.length} texts but ${labels.length} labels`);
  const byLabel = new Map();
  texts.forEach((t, i) => {
    if (!byLabel.has(labels[i])) byLabel.set(labels[i], []);
    byLabel.get(labels[i]).push(t);
  });
  const alphabet = new Set([END]);
  for (const t of texts) for (const ch of t) alphabet.add(ch);
  const models = new Map([...byLabel].sort(([a], [b]) => (a < b ? -1 : 1)).map(([l, ts]) => [l, countModel(ts, order)]));
  return { order, models, uniform: 1 / (alphabet.size + 1) };
}

/** P(s[i] | the characters before it) in one label's model, `s` a padded character array. */
function conditional(judge, counts, s, i) {
  let p = judge.uniform;
  // From the empty context up to the longest: each order interpolates with the one below.
  for (let k = 0; k < judge.order; k++) {
    const m = counts.get(s.slice(i - k, i).join(""));
    if (!m) break; // a longer context that was not seen was not seen either
    const types = m.next.size;
    p = ((m.next.get(s[i]) ?? 0) + types * p) / (m.total + types);
  }
  return p;
}

/**
 * P(`next` | `prefix`) under `label`'s model (`next` a character, or "" for the end of the
 * word): what the judge multiplies along a word. For tests and inspection.
 */
export function nextProbability(judge, label, prefix, next) {
  const s = [...padded(prefix, judge.order).slice(0, -1), next === "" ? END : next];
  return conditional(judge, judge.models.get(label), s, s.length - 1);
}

/** log P(text) under one label's model (natural log). */
function logProbability(judge, counts, text) {
  const s = padded(text, judge.order);
  let sum = 0;
  for (let i = judge.order - 1; i < s.length; i++) sum += Math.log(conditional(judge, counts, s, i));
  return sum;
}

/** The label whose model gives `text` the highest probability (ties: the first label in order). */
export function classify(judge, text) {
  let best = null;
  let bestScore = -Infinity;
  for (const [label, counts] of judge.models) {
    const score = logProbability(judge, counts, text);
    if (score > bestScore) {
      best = label;
      bestScore = score;
    }
  }
  return best;
}

/** Share of `texts` the judge gives their `labels`. */
export function judgeAccuracy(judge, texts, labels) {
  let right = 0;
  texts.forEach((t, i) => {
    if (classify(judge, t) === labels[i]) right++;
  });
  return texts.length && right / texts.length;
}

/**
 * Issue #13's judge: trained on the first half of each language's held-out words only (no
 * model trains on them), scored on the second half. `byLanguage` is `bilingual().byLanguage`
 * (label -> { heldOut }). Returns the judge and its accuracy per label and on average.
 */
export function heldOutJudge(byLanguage) {
  const train = { texts: [], labels: [] };
  const test = {};
  for (const [label, { heldOut }] of Object.entries(byLanguage)) {
    const half = Math.floor(heldOut.length / 2);
    train.texts.push(...heldOut.slice(0, half));
    train.labels.push(...Array(half).fill(label));
    test[label] = heldOut.slice(half);
  }
  const judge = trainJudge(train.texts, train.labels);
  const perLabel = Object.fromEntries(Object.entries(test).map(([l, ts]) => [l, judgeAccuracy(judge, ts, Array(ts.length).fill(l))]));
  const values = Object.values(perLabel);
  return {
    judge,
    trainedOn: train.texts.length,
    testedOn: Object.values(test).reduce((n, ts) => n + ts.length, 0),
    perLabel,
    accuracy: values.reduce((a, b) => a + b, 0) / values.length,
  };
}
