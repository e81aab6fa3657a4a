// Pins the exact saved bytes (SHA-256) and seeded samples of a few small models, so a
// refactor that changes any number, the training order or the file layout fails here.
// If a change is *meant* to change the numbers, update the pins in the same commit and say
// why in its message.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { text, train } from "../src/index.js";
import { lowRankSigmoid } from "./helpers.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

const WORDS = [
  "apple", "banana", "cherry", "grape", "lemon", "mango", "melon", "peach", "pear", "plum",
  "kiwi", "lime", "olive", "papaya", "quince", "raisin", "date", "fig", "guava", "orange",
];

describe("saved bytes are pinned", () => {
  it("numeric plain model with defaults", async () => {
    const m = await train(lowRankSigmoid(64, 12, 4, 3), { epochs: 3 });
    expect(sha256(m.save())).toBe("e1e5ddb9aa4893bace649ab13c1747ba638a3086e0b5c6cdfa321516e9ea0457");
  });

  it("numeric variational, denoising, early stopping with validation", async () => {
    const m = await train(lowRankSigmoid(80, 10, 3, 5), {
      encoder: [8, 4], activation: "tanh", variational: true, noise: { gaussian: 0.1, mask: 0.05 },
      epochs: 4, batchSize: 16, validationSplit: 0.25, earlyStopping: { patience: 2, restoreBestWeights: true }, seed: 9,
    });
    expect(sha256(m.save())).toBe("9664a9f1224a14869f71e3a8ffdab6ff56ad437e3c17eae6365cf2f97dae78c6");
  });

  it("text model with context head: bytes and seeded samples", async () => {
    const g = await text.train(WORDS, { epochs: 4, latent: 4, hidden: [16], seed: 3 });
    expect(sha256(g.save())).toBe("8dde0456356435bc55b43b9872cb629c44e6d021387b6fb69a27ba4064aaa43b");
    expect(g.sample(5, { seed: 1 }).join(",")).toBe(",,i,,");
    expect(g.sample(5, { seed: 1, tokenTemperature: 1 }).join(",")).toBe("�acpia,reihen,,rmieni,paapiy");
  });

  it("variational text model without context: bytes and seeded samples", async () => {
    const g = await text.train(WORDS, { epochs: 4, latent: 4, hidden: [16], context: 0, variational: true, seed: 4 });
    expect(sha256(g.save())).toBe("a28abaac9f8423b57b4fe42a60f49e415665a14a57517c070a035b78b19acfce");
    expect(g.sample(5, { seed: 2, tokenTemperature: 1 }).join(",")).toBe("nuoctn,eplrh,raovl,gi,");
  });
});
