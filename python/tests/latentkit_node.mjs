// latentkit's side of the twin's agreement tests, run by the Python tests with the SDK built in
// this repository (packages/latentkit/dist, or $LATENTKIT_SDK_DIR):
//
//   node latentkit_node.mjs fixture <dir>            trains tiny models of every kind and writes, per
//                                                   kind, <kind>.safetensors and <kind>.json (inputs
//                                                   and latentkit's encode/decode/reconstruct)
//   node latentkit_node.mjs outputs <file> <json>    loads a numeric safetensors file with load() and
//                                                   writes its outputs on <json>'s data and codes
//   node latentkit_node.mjs text-outputs <file> <json>  the same for a text model (text.load()) on
//                                                   <json>'s texts, labels and codes
//
// Everything is made at test time from fixed seeds: no committed binary fixtures.

import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const sdkDir = process.env.LATENTKIT_SDK_DIR ?? resolve(here, "../../packages/latentkit");
const { load, train, text } = await import(pathToFileURL(join(sdkDir, "dist/node.js")).href);
const { mulberry32 } = await import(pathToFileURL(join(sdkDir, "src/mulberry32.js")).href);

/** A seeded uniform generator (the repository's one mulberry32), so the inputs are the same every run. */
function uniform(seed) {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

const ROWS = 100;
const COLS = 8;

/** rows × cols values in [lo, hi) as a flat array, rounded to float32. */
function values(seed, rows, cols, lo, hi) {
  const u = uniform(seed);
  return Array.from({ length: rows * cols }, () => Math.fround(lo + (hi - lo) * u()));
}

// Every activation appears in some layer, with both losses, latent and output activations, and
// VAEs with one and with two encoder layers.
const NUMERIC = {
  "relu-mse": { encoder: [6, 3], activation: "relu" },
  "leaky-tanh-latent": { encoder: [6, 3], activation: "leakyRelu", latentActivation: "tanh" },
  "elu-bce": { encoder: [6, 3], activation: "elu", loss: "bce" },
  "gelu-sigmoid-latent-tanh-out": { encoder: [6, 3], decoder: [5], activation: "gelu", latentActivation: "sigmoid", outputActivation: "tanh" },
  "vae-tanh": { encoder: [6, 3], activation: "tanh", variational: true },
  "vae-sigmoid-one-layer": { encoder: [3], decoder: [5], activation: "sigmoid", variational: { beta: 0.5 } },
};

const array = (m) => Array.from(m.data);

/** latentkit's encode, decode (of `codes`) and reconstruct of a numeric model. */
function numericOutputs(model, data, codes) {
  const latent = model.latentSize;
  const matrix = (d, cols) => ({ data: d, rows: d.length / cols, cols });
  return {
    encode: array(model.encode(matrix(data, model.inputSize))),
    decode: array(model.decode(matrix(codes, latent))),
    reconstruct: array(model.reconstruct(matrix(data, model.inputSize))),
    evaluate: model.evaluate(matrix(data, model.inputSize)).loss,
  };
}

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo"];

/** Short made-up words from two "alphabets" (labels a and b), seeded. */
function words(seed, count) {
  const u = uniform(seed);
  return Array.from({ length: count }, (_, i) => {
    const half = i % 2 === 0 ? SYLLABLES.slice(0, 4) : SYLLABLES.slice(4);
    const n = 1 + Math.floor(u() * 3);
    return Array.from({ length: n }, () => half[Math.floor(u() * 4)]).join("");
  });
}

const TEXT = {
  "text-context": { level: "char", maxLength: 8, latent: 4, hidden: [16], context: 2, epochs: 40, seed: 3, learningRate: 0.01, noise: 0 },
  "text-vae-labels": { level: "char", maxLength: 8, latent: 4, hidden: [16], context: 1, epochs: 40, seed: 4, learningRate: 0.01, noise: 0, variational: true, withLabels: true },
  "text-no-context": { level: "char", maxLength: 8, latent: 3, hidden: [], context: 0, epochs: 40, seed: 5, learningRate: 0.01, noise: 0 },
  // no hidden layer: the encoder's label table is (labels, 2 x latent), added to [mean | log-variance]
  "text-vae-labels-no-hidden": { level: "char", maxLength: 8, latent: 3, hidden: [], context: 1, epochs: 40, seed: 6, learningRate: 0.01, noise: 0, variational: true, withLabels: true },
};

/** latentkit's encode, greedy decode (of `codes`) and greedy reconstruct of a text model. */
function textOutputs(gen, texts, labels, codes) {
  const byRow = labels ? { labels } : {};
  return {
    encode: array(gen.encode(texts, byRow)),
    reconstruct: gen.reconstruct(texts, byRow),
    decode: gen.decode({ data: codes, rows: codes.length / gen.latentSize, cols: gen.latentSize }, { ...byRow, temperature: 0 }),
    evaluate: gen.evaluate(texts, byRow).loss,
  };
}

async function textFixture(dir, kind, { withLabels, ...options }) {
  const texts = words(11, ROWS);
  const labels = withLabels ? texts.map((_, i) => (i % 2 === 0 ? "a" : "b")) : null;
  const gen = await text.train(texts, { ...options, ...(labels ? { labels } : {}) });
  const codes = values(12, ROWS, options.latent, -1.5, 1.5);
  writeFileSync(join(dir, `${kind}.safetensors`), await gen.toSafetensors());
  writeFileSync(join(dir, `${kind}.json`), JSON.stringify({ kind, texts, labels, codes, ...textOutputs(gen, texts, labels, codes) }));
}

async function fixture(dir) {
  const data = values(7, ROWS, COLS, 0, 1);
  for (const [kind, options] of Object.entries(NUMERIC)) {
    const model = await train({ data, rows: ROWS, cols: COLS }, { ...options, epochs: 3, batchSize: 16, seed: 1 });
    const codes = values(8, ROWS, model.latentSize, -1.5, 1.5);
    writeFileSync(join(dir, `${kind}.safetensors`), await model.toSafetensors());
    writeFileSync(join(dir, `${kind}.json`), JSON.stringify({ kind, data, codes, ...numericOutputs(model, data, codes) }));
  }
  for (const [kind, options] of Object.entries(TEXT)) await textFixture(dir, kind, options);
}

async function outputs(file, json) {
  const inputs = JSON.parse(readFileSync(json, "utf8"));
  const model = await load(readFileSync(file));
  writeFileSync(json, JSON.stringify({ ...inputs, ...numericOutputs(model, inputs.data, inputs.codes), history: model.history }));
}

async function textOutputsOf(file, json) {
  const inputs = JSON.parse(readFileSync(json, "utf8"));
  const gen = await text.load(readFileSync(file));
  writeFileSync(json, JSON.stringify({ ...inputs, ...textOutputs(gen, inputs.texts, inputs.labels, inputs.codes) }));
}

const [command, ...args] = process.argv.slice(2);
if (command === "fixture") await fixture(args[0]);
else if (command === "outputs") await outputs(args[0], args[1]);
else if (command === "text-outputs") await textOutputsOf(args[0], args[1]);
else {
  console.error("usage: node latentkit_node.mjs fixture <dir> | outputs <file.safetensors> <inputs.json> | text-outputs <file.safetensors> <inputs.json>");
  process.exit(2);
}
