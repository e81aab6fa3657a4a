// text.train() trains until its loss stops improving (issue #12): the default split (a seeded
// random 10% from 5,000 texts up; a smaller corpus watches its training loss), patience 5, the
// last epoch's weights kept, the stop reason in EpochInfo, History and gen.training, the
// exact-reconstruction shares, and explicit options that override it all.

import { beforeAll, describe, expect, it } from "vitest";
import { init, LatentkitError, text, train, type EpochInfo, type TextGenerator, type TextTrainingError } from "../src/index.js";
import { heldOutIndices } from "../src/text/split.js";
import { checkTrainingSummary } from "../src/text/training-summary.js";
import { normalizeTextOptions as normalizeOptions } from "../src/text/options.js";
import { lowRankSigmoid, rng } from "./helpers.js";

/** `n` distinct pronounceable words (seeded), sorted like a word list. */
function words(n: number, seed: number): string[] {
  const u = rng(seed);
  const cons = "bcdfghklmnprstvz";
  const vows = "aeiou";
  const out = new Set<string>();
  while (out.size < n) {
    let w = "";
    for (let s = 2 + Math.floor(u() * 3); s > 0; s--) w += cons[Math.floor(u() * cons.length)]! + vows[Math.floor(u() * vows.length)]!;
    out.add(w.slice(0, 8));
  }
  return [...out].sort();
}

const WORDS = words(300, 5);

/** Byte equality (toEqual on large typed arrays is slow). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
const SMALL = { latent: 8, hidden: [32] } as const;

/** Trains, keeping every EpochInfo. */
async function trainLogged(texts: string[], options: Parameters<typeof text.train>[1]): Promise<{ gen: TextGenerator; infos: EpochInfo[] }> {
  const infos: EpochInfo[] = [];
  const gen = await text.train(texts, { ...options, onEpochEnd: (i) => void infos.push(i) });
  return { gen, infos };
}

beforeAll(async () => {
  await init();
});

describe("text.train() by default", () => {
  let gen: TextGenerator;
  let infos: EpochInfo[];
  beforeAll(async () => {
    ({ gen, infos } = await trainLogged(WORDS, {}));
  });

  it("on a small corpus trains on every text until the training loss stops improving, and says why", () => {
    const t = gen.training!;
    expect(t.epochs).toBe(gen.history.length);
    expect([t.trainingTexts, t.validationTexts]).toEqual([300, 0]);
    expect(gen.history.every((h) => h.valLoss === null)).toBe(true);
    // on the training loss the best epoch's weights are kept (a late loss spike is not)
    expect(t.restoredBestWeights).toBe(true);
    expect(normalizeOptions({}, 300).fit.wasm.earlyStopping).toEqual({ monitor: "loss", patience: 5, minDelta: 0, restoreBestWeights: true });
    if (t.stopReason === "earlyStopping") {
      expect(t.bestEpoch).toBe(t.epochs - 5); // patience 5, minDelta 0
      expect(t.stopMessage).toBe(`training loss stopped improving at epoch ${t.epochs} (best: epoch ${t.bestEpoch})`);
    } else {
      expect(t).toMatchObject({ stopReason: "epochs", epochs: 200, stopMessage: "reached the cap of 200 epochs" });
    }
    // the epoch that ends training says so in its EpochInfo; the ones before it do not
    const last = infos[infos.length - 1]!;
    expect(last).toMatchObject({ epoch: t.epochs, stopReason: t.stopReason, stopMessage: t.stopMessage });
    expect(infos.slice(0, -1).every((i) => i.stopReason === null && i.stopMessage === null)).toBe(true);
    // its texts come back: the point of training a small corpus to the end
    expect(t.trainingExact).toBe(gen.evaluate(WORDS).exactMatch);
    expect(t.trainingExact).toBeGreaterThan(0.9);
    expect(gen.stats.texts).toBe(300);
  });

  it("holds out a seeded random 10% from 5,000 texts up, and then keeps the last epoch's weights", async () => {
    const { normalizeTextOptions } = await import("../src/text/options.js");
    expect(normalizeTextOptions({}, 4999).fit.validationSplit).toBe(0);
    expect(normalizeTextOptions({}, 5000).fit.validationSplit).toBe(0.1);
    expect(normalizeTextOptions({}, 5000).fit.wasm.earlyStopping).toMatchObject({ monitor: "valLoss", patience: 5, restoreBestWeights: false });
    const held = heldOutIndices(300, 0.1, 42);
    expect(held.length).toBe(30);
    // not the last texts of a sorted list (which would all start with the same letters)
    expect(held.some((i) => i < 150)).toBe(true);
    const heldSet = new Set(held);
    const val = WORDS.filter((_, i) => heldSet.has(i));
    const trained = WORDS.filter((_, i) => !heldSet.has(i));
    const { gen: g } = await trainLogged(WORDS, { ...SMALL, validationSplit: 0.1, earlyStopping: { patience: 2 } });
    const t = g.training!;
    expect([t.trainingTexts, t.validationTexts]).toEqual([270, 30]);
    // the weights are the last epoch's: its recorded validation loss is the held-out texts' loss now
    expect(g.evaluate(val).loss).toBeCloseTo(g.history[g.history.length - 1]!.valLoss!, 5);
    expect(t.trainingExact).toBe(g.evaluate(trained).exactMatch);
    expect(t.validationExact).toBe(g.evaluate(val).exactMatch);
    g.dispose();
  });

  it("keeps the summary in the model file", async () => {
    const again = await text.load(gen.save());
    expect(again.training).toEqual(gen.training);
    expect(sameBytes(again.save(), gen.save())).toBe(true);
    again.dispose();
  });

  it("warms a VAE's KL weight up over at most 8 epochs (a quarter of 30, not of the cap)", async () => {
    const vae = await text.train(WORDS.slice(0, 10), { ...SMALL, variational: true, epochs: 1 });
    expect(vae.config.variational!.klWarmupEpochs).toBe(1);
    vae.dispose();
    const capped = await text.train(WORDS.slice(0, 10), { ...SMALL, variational: true, epochs: 1, earlyStopping: false });
    expect(capped.config.variational!.klWarmupEpochs).toBe(1);
    capped.dispose();
    // the default cap: the warm-up is that of the old 30 fixed epochs
    const { normalizeTextOptions } = await import("../src/text/options.js");
    expect(normalizeTextOptions({ variational: true }, 300).variational!.klWarmupEpochs).toBe(8);
    expect(normalizeTextOptions({ variational: true, earlyStopping: false, epochs: 40 }, 300).variational!.klWarmupEpochs).toBe(10);
  });
});

describe("the validation split", () => {
  it("is seeded: the same seed, the same split and bit-identical weights; another seed, another split", async () => {
    const split = { ...SMALL, validationSplit: 0.1 };
    const a = await text.train(WORDS, { ...split, epochs: 2, seed: 7 });
    const b = await text.train(WORDS, { ...split, epochs: 2, seed: 7 });
    expect(sameBytes(b.save(), a.save())).toBe(true);
    const c = await text.train(WORDS, { ...split, epochs: 1, seed: 8 });
    const d = await text.train(WORDS, { ...split, epochs: 1, seed: 7 });
    const s7 = heldOutIndices(300, 0.1, 7);
    const s8 = heldOutIndices(300, 0.1, 8);
    expect(s7).not.toEqual(s8);
    // each model's validation loss is that of its own seed's held-out texts
    const pick = (idx: number[]) => WORDS.filter((_, i) => idx.includes(i));
    expect(d.evaluate(pick(s7)).loss).toBeCloseTo(d.history[0]!.valLoss!, 5);
    expect(c.evaluate(pick(s8)).loss).toBeCloseTo(c.history[0]!.valLoss!, 5);
    expect(c.evaluate(pick(s7)).loss).not.toBeCloseTo(c.history[0]!.valLoss!, 5);
    for (const g of [a, b, c, d]) g.dispose();
  });

  it("holds nothing out under 5,000 texts (early stopping then watches the training loss); an explicit split holds out 2 of 20", async () => {
    const few = await text.train(WORDS.slice(0, 19), { ...SMALL, epochs: 3 });
    expect(few.training).toMatchObject({ trainingTexts: 19, validationTexts: 0, validationExact: null, stopReason: "epochs", stopMessage: "reached the cap of 3 epochs" });
    expect(few.history.every((h) => h.valLoss === null)).toBe(true);
    const twenty = await text.train(WORDS.slice(0, 20), { ...SMALL, epochs: 1, validationSplit: 0.1 });
    expect(twenty.training).toMatchObject({ trainingTexts: 18, validationTexts: 2 });
    expect(twenty.history[0]!.valLoss).not.toBeNull();
    few.dispose();
    twenty.dispose();
  });

  it("says 'training loss' when it stops on the training loss", async () => {
    // a learning rate this small leaves the loss on a plateau: patience 1 stops at epoch 2 or 3
    const { gen, infos } = await trainLogged(WORDS.slice(0, 19), { ...SMALL, learningRate: 1e-12, earlyStopping: { patience: 1 } });
    const t = gen.training!;
    expect(t.stopReason).toBe("earlyStopping");
    expect(t.stopMessage).toBe(`training loss stopped improving at epoch ${t.epochs} (best: epoch ${t.bestEpoch})`);
    expect(infos[infos.length - 1]!.stopMessage).toBe(t.stopMessage);
    gen.dispose();
  });
});

describe("explicit options override the defaults", () => {
  it("earlyStopping: false trains exactly `epochs` (default 30) on every text", async () => {
    const { gen, infos } = await trainLogged(WORDS, { ...SMALL, earlyStopping: false });
    expect(gen.history.length).toBe(30);
    expect(gen.training).toMatchObject({ epochs: 30, stopReason: "epochs", stopMessage: "trained all 30 epochs", bestEpoch: null, restoredBestWeights: false, trainingTexts: 300, validationTexts: 0 });
    expect(infos[29]).toMatchObject({ stopReason: "epochs", stopMessage: "trained all 30 epochs" });
    gen.dispose();
  });

  it("an explicit epochs is the cap", async () => {
    const { gen, infos } = await trainLogged(WORDS, { ...SMALL, epochs: 4 });
    expect(gen.training).toMatchObject({ epochs: 4, stopReason: "epochs", stopMessage: "reached the cap of 4 epochs", validationTexts: 0 });
    expect(infos.map((i) => i.stopReason)).toEqual([null, null, null, "epochs"]);
    gen.dispose();
  });

  it("validationSplit: 0 monitors the training loss; another split holds out its share", async () => {
    const none = await text.train(WORDS, { ...SMALL, epochs: 2, validationSplit: 0 });
    expect(none.training).toMatchObject({ trainingTexts: 300, validationTexts: 0 });
    expect(none.history.every((h) => h.valLoss === null)).toBe(true);
    const quarter = await text.train(WORDS, { ...SMALL, epochs: 1, validationSplit: 0.25 });
    expect(quarter.training).toMatchObject({ trainingTexts: 225, validationTexts: 75 });
    none.dispose();
    quarter.dispose();
  });

  it("earlyStopping options fill in the text defaults (patience 5, the last weights) and keep their own", async () => {
    const { normalizeTextOptions } = await import("../src/text/options.js");
    const es = (o: object) => normalizeTextOptions(o, 6000).fit.wasm.earlyStopping;
    expect(es({})).toEqual({ monitor: "valLoss", patience: 5, minDelta: 0, restoreBestWeights: false });
    expect(es({ earlyStopping: true })).toEqual(es({}));
    expect(es({ earlyStopping: { patience: 7, minDelta: 0.01 } })).toEqual({ monitor: "valLoss", patience: 7, minDelta: 0.01, restoreBestWeights: false });
    expect(es({ earlyStopping: { restoreBestWeights: true } })).toEqual({ monitor: "valLoss", patience: 5, minDelta: 0, restoreBestWeights: true });
    expect(normalizeTextOptions({}, 300).fit.wasm.earlyStopping!.monitor).toBe("loss");
    expect(normalizeTextOptions({}, 300).fit.wasm.epochs).toBe(200);
    expect(normalizeTextOptions({ earlyStopping: false }, 300).fit).toMatchObject({ validationSplit: 0, wasm: { epochs: 30, earlyStopping: null } });
    expect(() => es({ earlyStopping: { patience: -1 } })).toThrow(/earlyStopping\.patience/);
    expect(() => es({ earlyStopping: { monitor: "valLoss" }, validationSplit: 0 })).toThrow(/needs validation data/);
  });

  it("a stop by onEpochEnd or by the signal is recorded", async () => {
    const byCallback = await text.train(WORDS, { ...SMALL, onEpochEnd: (i) => i.epoch < 2 });
    expect(byCallback.training).toMatchObject({ epochs: 2, stopReason: "callback", stopMessage: "stopped by onEpochEnd after epoch 2" });
    byCallback.dispose();
    const ac = new AbortController();
    const err = (await text.train(WORDS, { ...SMALL, signal: ac.signal, onEpochEnd: (i) => void (i.epoch === 3 && ac.abort()) }).catch((e: unknown) => e)) as TextTrainingError;
    expect(err).toBeInstanceOf(LatentkitError);
    expect(err.code).toBe("ABORTED");
    expect(err.model!.training).toMatchObject({ epochs: 3, stopReason: "signal", stopMessage: "stopped by the signal during epoch 4", restoredBestWeights: false });
    expect(err.model!.training!.trainingExact).toBeGreaterThanOrEqual(0);
    err.model!.dispose();
  });

  it("a diverged run's generator says so", async () => {
    const err = (await text.train(WORDS, { ...SMALL, epochs: 3, learningRate: 1e30 }).catch((e: unknown) => e)) as TextTrainingError;
    expect(err.code).toBe("DIVERGED");
    const t = err.model!.training!;
    expect(t).toMatchObject({ stopReason: "diverged", stopMessage: `diverged in epoch ${err.model!.history.length + 1}`, restoredBestWeights: false });
    expect(t.epochs).toBe(err.model!.history.length);
    err.model!.dispose();
  });
});

describe("numeric train(): the stop reason", () => {
  it("EpochInfo and History say why a run stopped; the defaults are unchanged", async () => {
    const data = lowRankSigmoid(80, 10, 3, 5);
    const infos: EpochInfo[] = [];
    const m = await train(data, { encoder: [4], epochs: 3, onEpochEnd: (i) => void infos.push(i) });
    expect(m.history.length).toBe(3); // no early stopping unless asked
    expect(infos.map((i) => i.stopMessage)).toEqual([null, null, "trained all 3 epochs"]);
    const h = await m.fit(data, { epochs: 2, earlyStopping: true });
    expect(h).toMatchObject({ stopReason: "epochs", stopMessage: "reached the cap of 2 epochs" });
    const stop = await m.fit(data, { epochs: 50, learningRate: 1e-12, validationSplit: 0.25, earlyStopping: { patience: 1 } });
    expect(stop.stopReason).toBe("earlyStopping");
    expect(stop.stopMessage).toBe(`validation loss stopped improving at epoch ${stop.epochs[stop.epochs.length - 1]!.epoch} (best: epoch ${stop.bestEpoch})`);
    expect(stop.bestEpoch).toBeGreaterThan(5); // numbered over the model's life, after the 5 earlier epochs
    const cb = await m.fit(data, { epochs: 5, onEpochEnd: () => false });
    expect(cb).toMatchObject({ stopReason: "callback", stopMessage: `stopped by onEpochEnd after epoch ${cb.epochs[0]!.epoch}` });
    m.dispose();
  });
});

describe("the training summary in a file", () => {
  const good = {
    epochs: 5, stopReason: "earlyStopping", stopMessage: "x", bestEpoch: 2, restoredBestWeights: true,
    trainingTexts: 9, validationTexts: 1, trainingExact: 0.5, validationExact: null,
  };
  it("is checked field by field (CORRUPT_MODEL naming the field); absent in older files", () => {
    expect(checkTrainingSummary(undefined)).toBeNull();
    expect(checkTrainingSummary(good)).toEqual(good);
    for (const [k, v] of [["epochs", -1], ["stopReason", "bored"], ["stopMessage", 3], ["bestEpoch", 1.5], ["restoredBestWeights", "yes"], ["trainingExact", 2], ["validationExact", Number.NaN], ["validationTexts", undefined]] as const) {
      const e = (() => {
        try {
          checkTrainingSummary({ ...good, [k]: v });
        } catch (x) {
          return x as LatentkitError;
        }
      })();
      expect(e?.code, k).toBe("CORRUPT_MODEL");
      expect(e!.message).toContain(`meta.text.training.${k}`);
    }
    expect(() => checkTrainingSummary([])).toThrow(/CORRUPT_MODEL|damaged/);
  });
});
