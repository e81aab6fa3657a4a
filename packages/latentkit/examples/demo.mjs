// latentkit demo: trains the README's Keras-style autoencoder on built-in synthetic data.
//   pnpm -C packages/latentkit build && node packages/latentkit/examples/demo.mjs
import { train, encode, decode, load, buildInfo } from "../dist/index.js";
import { mulberry32 } from "../src/mulberry32.js";

// Seeded PRNG (mulberry32, the SDK's copy) + Box-Muller, so every run sees the same data.
const ints = mulberry32(2024);
const u = () => ints() / 4294967296;
const normal = () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());

// 2,000 rows x 100 columns = sigmoid(Z · M): 8 hidden factors behind 100 observed columns.
const ROWS = 2000, COLS = 100, K = 8;
const M = Array.from({ length: K * COLS }, () => (normal() * 2) / Math.sqrt(K));
const X = Array.from({ length: ROWS }, () => {
  const z = Array.from({ length: K }, normal);
  return Array.from({ length: COLS }, (_, c) => {
    let s = 0;
    for (let j = 0; j < K; j++) s += z[j] * M[j * COLS + c];
    return 1 / (1 + Math.exp(-s));
  });
});

// Mean per-column variance: the MSE of always predicting the column means.
let variance = 0;
for (let c = 0; c < COLS; c++) {
  let mean = 0;
  for (const row of X) mean += row[c];
  mean /= ROWS;
  let v = 0;
  for (const row of X) v += (row[c] - mean) ** 2;
  variance += v / ROWS / COLS;
}


const t0 = performance.now();
const model = await train(X, {
  encoder: [64, 32], decoder: [32, 64], activation: "relu", latentActivation: "relu",
  outputActivation: "sigmoid", loss: "mse", optimizer: "adam", learningRate: 1e-3,
  epochs: 30, batchSize: 32, seed: 7, validationSplit: 0.1,
  onEpochEnd: ({ epoch, loss, valLoss, samplesPerSecond }) => {
    console.log(
      `epoch ${String(epoch).padStart(2)}  loss ${loss.toFixed(5)}  valLoss ${valLoss.toFixed(5)}  ` +
        `${Math.round(samplesPerSecond).toLocaleString("en-US")} samples/s`,
    );
  },
});
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(2)} s (wasm ${JSON.stringify(buildInfo())})`);

const Z = encode(model, X);
const Xhat = decode(model, Z);
console.log(`encode: ${X.length} x ${COLS} -> ${Z.rows} x ${Z.cols}`);
console.log(`decode: ${Z.rows} x ${Z.cols} -> ${Xhat.rows} x ${Xhat.cols}`);

let mse = 0;
for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) mse += (X[r][c] - Xhat.data[r * COLS + c]) ** 2;
mse /= ROWS * COLS;
console.log(`reconstruction MSE ${mse.toFixed(5)} vs data variance ${variance.toFixed(5)} (${((100 * mse) / variance).toFixed(1)}%)`);

const bytes = model.save();
const again = await load(bytes);
const same = encode(again, X).data.every((v, i) => Object.is(v, Z.data[i]));
console.log(`saved ${bytes.length.toLocaleString("en-US")} bytes; reloaded model gives identical codes: ${same}`);
const scores = model.score(X);
console.log(`anomaly scores: first rows ${Array.from(scores.slice(0, 3), (s) => s.toExponential(2)).join(", ")}`);
model.dispose();
again.dispose();
