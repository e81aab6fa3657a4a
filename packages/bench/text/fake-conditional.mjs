// A stand-in for the latentkit entry with the conditional API of issue #13 (`text.train(texts,
// { labels })`, `sample(n, { label })`, `restyle(texts, label)`, `evaluate(texts, { label })`),
// so that `labels.test.mjs` can run `labels.mjs` through its conditional branch before the real
// conditional model lands (LATENTKIT_ENTRY=this file). Nothing is learned: each "model" hands
// back training words of the asked label, so every figure it yields is known in advance.

class FakeGenerator {
  constructor(texts, labels) {
    this.byLabel = new Map();
    texts.forEach((t, i) => {
      const l = labels ? labels[i] : "all";
      if (!this.byLabel.has(l)) this.byLabel.set(l, []);
      this.byLabel.get(l).push(t);
    });
    this.config = { fake: true, labels: labels ? [...this.byLabel.keys()].sort() : null };
  }

  words(label) {
    const w = this.byLabel.get(label ?? "all") ?? [...this.byLabel.values()].flat();
    return w;
  }

  // Training words of the label, in order: judged as the label, none novel.
  sample(n, { label } = {}) {
    const w = this.words(label);
    return Array.from({ length: n }, (_, i) => w[i % w.length]);
  }

  // Each text becomes the word of `label` at its position, with the input's first two letters.
  restyle(texts, label) {
    const w = this.words(label);
    return texts.map((t, i) => Array.from(t).slice(0, 2).join("") + Array.from(w[i % w.length]).slice(2).join(""));
  }

  evaluate(texts, { label } = {}) {
    return { exactMatch: label === "en" ? 1 : 0.5, tokenAccuracy: 1, loss: 0 };
  }

  direction() {
    return new Float32Array([1, 0]);
  }

  // Moves nothing: every shifted word is its input.
  shift(texts) {
    return [...texts];
  }

  dispose() {}
}

export const text = {
  async train(texts, options = {}) {
    for (let e = 1; e <= (options.epochs ?? 1); e++) options.onEpochEnd?.({ epoch: e, loss: 1 / e, seconds: 0 });
    return new FakeGenerator(texts, options.labels);
  },
};

export const buildInfo = () => ({ fake: true });
export const init = async () => {};
