import { expect, it } from "vitest";
import { decode, encode, load, train } from "../src/index.js";
import { bitEqual, lowRankSigmoid, meanColumnVariance, mse } from "./helpers.js";

it("the README's example learns structured data: MSE well below the data's variance", async () => {
  // 2,000 rows = sigmoid(Z · M), Z 8-dim Gaussian, M 8 x 100: 8 degrees of freedom in 100 columns.
  const X = lowRankSigmoid(2000, 100, 8, 2024);
  const variance = meanColumnVariance(X);
  const model = await train(X, {
    encoder: [64, 32],
    decoder: [32, 64],
    activation: "relu",
    latentActivation: "relu",
    outputActivation: "sigmoid",
    loss: "mse",
    optimizer: "adam",
    learningRate: 1e-3,
    epochs: 25,
    batchSize: 32,
    seed: 7,
  });
  const Z = encode(model, X);
  expect([Z.rows, Z.cols]).toEqual([2000, 32]);
  const Xhat = decode(model, Z);
  expect([Xhat.rows, Xhat.cols]).toEqual([2000, 100]);
  const err = mse(X.data, Xhat.data);
  expect(err).toBeCloseTo(model.evaluate(X).loss, 4);
  expect(err).toBeLessThan(0.25 * variance);
  // The loss went down epoch after epoch (mostly): last well below first.
  const h = model.history;
  expect(h[h.length - 1]!.loss).toBeLessThan(0.5 * h[0]!.loss);

  const again = await load(model.save());
  expect(bitEqual(encode(again, X).data, Z.data)).toBe(true);
  expect(bitEqual(decode(again, Z).data, Xhat.data)).toBe(true);
  console.log(`quality: variance ${variance.toFixed(5)}, mse ${err.toFixed(5)} (${((100 * err) / variance).toFixed(1)}% of variance), ${h.length} epochs`);
});
