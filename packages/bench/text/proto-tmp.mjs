import { createRequire } from "node:module";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mulberry32 } from "../src/data.mjs";
const { text, init } = await import("latentkit");
const require = createRequire(import.meta.url);
function shuffle(list, seed) { const a = [...list]; const u = mulberry32(seed); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(u() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; }
const all = require("an-array-of-english-words").filter((w) => /^[a-z]{4,10}$/.test(w));
const sh = shuffle(all, 1); const cut = Math.floor(sh.length * 0.8);
const training = sh.slice(0, cut).slice(0, 40000); const heldOut = new Set(sh.slice(cut)); const trainingSet = new Set(training);
await init();
const which = process.argv[2] ?? "plain";
const file = `/tmp/proto/${which}.lk`;
let gen;
if (existsSync(file)) gen = await text.load(readFileSync(file));
else {
  const opts = which === "plain" ? { level: "char", latent: 32, hidden: [256], epochs: 30, batchSize: 64, learningRate: 2e-3, noise: { mask: 0.05 }, seed: 1 }
    : { level: "char", latent: 32, hidden: [256], epochs: 30, batchSize: 64, learningRate: 2e-3, variational: { beta: 1, klWarmupEpochs: 8, freeBits: 0.1 }, seed: 1 };
  gen = await text.train(training, opts); writeFileSync(file, gen.save());
}
const codes = gen.encode(training); const d = codes.cols, N = codes.rows, X = codes.data;
const u = mulberry32(5);
const gauss = () => { let a = u() || 1e-12; return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u()); };
function kmeans(K, iters = 12) {
  const C = new Float32Array(K * d);
  // init properly: random rows
  for (let k = 0; k < K; k++) { const r = Math.floor(u() * N); for (let j = 0; j < d; j++) C[k * d + j] = X[r * d + j]; }
  const assign = new Int32Array(N);
  for (let it = 0; it < iters; it++) {
    for (let i = 0; i < N; i++) { let best = 0, bd = Infinity; for (let k = 0; k < K; k++) { let s = 0; for (let j = 0; j < d; j++) { const t = X[i * d + j] - C[k * d + j]; s += t * t; } if (s < bd) { bd = s; best = k; } } assign[i] = best; }
    const S = new Float64Array(K * d), cnt = new Float64Array(K);
    for (let i = 0; i < N; i++) { cnt[assign[i]]++; for (let j = 0; j < d; j++) S[assign[i] * d + j] += X[i * d + j]; }
    for (let k = 0; k < K; k++) if (cnt[k]) for (let j = 0; j < d; j++) C[k * d + j] = S[k * d + j] / cnt[k];
  }
  const V = new Float64Array(K * d), cnt = new Float64Array(K);
  for (let i = 0; i < N; i++) { const k = assign[i]; cnt[k]++; for (let j = 0; j < d; j++) { const t = X[i * d + j] - C[k * d + j]; V[k * d + j] += t * t; } }
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) V[k * d + j] = Math.sqrt(V[k * d + j] / Math.max(1, cnt[k]));
  return { C, V, cnt };
}
function measure(samples) { const r = text.report(samples, { training: trainingSet, reference: heldOut }); return `uniq ${(100*r.uniqueness).toFixed(1)} novel ${(100*r.novelty).toFixed(1)} real ${(100*r.inReference).toFixed(2)}`; }
console.log("default sample", measure(gen.sample(2000, { seed: 7 })));
for (const K of (process.argv[3] ?? "16,64,256,1024").split(",").map(Number)) {
  const t0 = performance.now(); const { C, V, cnt } = kmeans(K); const t1 = performance.now();
  const cum = []; let acc = 0; for (let k = 0; k < K; k++) { acc += cnt[k]; cum.push(acc); }
  for (const temp of [0.5, 0.75, 1, 1.25]) {
    const out = new Float32Array(2000 * d);
    for (let s = 0; s < 2000; s++) { const r = u() * acc; let k = cum.findIndex((c) => c > r); if (k < 0) k = K - 1; for (let j = 0; j < d; j++) out[s * d + j] = C[k * d + j] + temp * V[k * d + j] * gauss(); }
    const samples = gen.decode({ data: out, rows: 2000, cols: d });
    console.log(`K ${K} temp ${temp}: ${measure(samples)}  ${samples.slice(0, 8).join(" ")}  (kmeans ${(t1 - t0) / 1000 | 0}s)`);
  }
}
