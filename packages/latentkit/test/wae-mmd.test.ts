// The `mmd` training option (a Wasserstein autoencoder's MMD penalty, issue #12): it pulls the
// codes as a whole towards N(0, I) without giving up the reconstruction, it is seeded like
// everything else, and bad values are INVALID_OPTION.
import { beforeAll, describe, expect, it } from "vitest";
import { LatentkitError, create, init, train, type Matrix } from "../src/index.js";
import { columnMoments, lowRankSigmoid } from "./helpers.js";

const Y = lowRankSigmoid(1024, 20, 8, 1);

beforeAll(async () => {
  await init();
});

/** Σ_j mean_j² + Σ_j (var_j − 1)² of the codes: 0 for the moments of N(0, I). */
function distanceFromPrior(codes: Matrix): number {
  return columnMoments(codes).reduce((total, { mean, variance }) => total + mean * mean + (variance - 1) ** 2, 0);
}

const MODEL = { encoder: [32, 4], decoder: [32], activation: "tanh", outputActivation: "sigmoid", epochs: 20, batchSize: 64, learningRate: 3e-3, seed: 6 } as const;

describe("mmd (WAE-MMD)", () => {
  it("brings the codes' moments near N(0, I) and still reconstructs", async () => {
    // two data sets on which the plain model's codes land far from N(0, I) in different ways
    for (const [k, seed] of [[8, 1], [4, 2]] as const) {
      const data = lowRankSigmoid(1024, 20, k, seed);
      const plain = await train(data, MODEL);
      const wae = await train(data, { ...MODEL, mmd: 10 });
      const [dPlain, dWae] = [distanceFromPrior(plain.encode(data)), distanceFromPrior(wae.encode(data))];
      expect(dWae).toBeLessThan(0.25 * dPlain);
      expect(dWae).toBeLessThan(0.15);
      // the penalty shapes the codes without giving up the reconstruction
      const [lPlain, lWae] = [plain.evaluate(data).loss, wae.evaluate(data).loss];
      expect(lWae).toBeLessThan(2 * lPlain);
      // the training loss carries λ·MMD; evaluate() (like valLoss) is the reconstruction alone
      expect(wae.history.at(-1)!.loss).toBeGreaterThan(1.5 * lWae);
      expect(plain.history.at(-1)!.loss).toBeLessThan(1.5 * lPlain);
      plain.dispose();
      wae.dispose();
    }
  });

  it("same seed → bit-identical weights; the prior's draws follow the seed", async () => {
    const opts = { ...MODEL, epochs: 2, mmd: 5 };
    const [a, b, c] = [await train(Y, opts), await train(Y, opts), await train(Y, { ...opts, seed: 7 })];
    expect(a.weightsDigest()).toBe(b.weightsDigest());
    expect(Buffer.from(a.save()).equals(Buffer.from(b.save()))).toBe(true);
    expect(c.weightsDigest()).not.toBe(a.weightsDigest());
    // mmd: 0 is the plain model, bit for bit
    const [off, zero] = [await train(Y, { ...opts, mmd: undefined }), await train(Y, { ...opts, mmd: 0 })];
    expect(off.weightsDigest()).toBe(zero.weightsDigest());
    expect(off.weightsDigest()).not.toBe(a.weightsDigest());
    // fit() takes it too, and continues deterministically
    await a.fit(Y, { epochs: 1, mmd: 5 });
    await b.fit(Y, { epochs: 1, mmd: 5 });
    expect(a.weightsDigest()).toBe(b.weightsDigest());
    for (const m of [a, b, c, off, zero]) m.dispose();
  });

  it("gives the bits the Rust test pins natively (crates/latentkit-core/tests/wae_mmd.rs)", async () => {
    // values of exact arithmetic (no libm), as the Rust test makes them
    const data = new Float32Array(300 * 12).map((_, i) => ((i * 7919) % 1000) / 1000);
    const m = await train({ data, rows: 300, cols: 12 }, { encoder: [16, 5], decoder: [16], activation: "tanh", epochs: 3, batchSize: 32, seed: 9, mmd: 10 });
    expect(m.weightsDigest()).toBe("eeef7662ac556400b8cd3e5e");
    m.dispose();
  });

  it("refuses bad values and variational models with INVALID_OPTION", async () => {
    const model = create(20, { encoder: [4] });
    const before = model.weightsDigest();
    for (const mmd of [-1, Number.NaN, Infinity, 1e31, "10", true]) {
      const err = await model.fit(Y, { epochs: 1, mmd: mmd as number }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LatentkitError);
      expect((err as LatentkitError).code).toBe("INVALID_OPTION");
      expect((err as LatentkitError).message).toMatch(/mmd/);
      await expect(train(Y, { epochs: 1, mmd: mmd as number })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    }
    expect(model.weightsDigest()).toBe(before);
    const vae = create(20, { encoder: [4], variational: true });
    const vaeBefore = vae.weightsDigest();
    await expect(vae.fit(Y, { epochs: 1, mmd: 1 })).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringMatching(/variational/) });
    expect(vae.weightsDigest()).toBe(vaeBefore);
    await expect(train(Y, { encoder: [4], variational: true, mmd: 1 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    model.dispose();
    vae.dispose();
  });
});
