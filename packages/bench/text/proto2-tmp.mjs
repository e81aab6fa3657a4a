// Shallow fusion prototype: log p_dec(v | z, pos) + lambda * log p_tri(v | prev2, prev1)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { mulberry32 } from "../src/data.mjs";
import { initSync, Model } from "../../latentkit/src/generated/latentkit_wasm.js";
const { text } = await import("latentkit");
const require = createRequire(import.meta.url);
initSync({ module: readFileSync(new URL("../../latentkit/src/generated/latentkit_wasm_bg.wasm", import.meta.url)) });
function shuffle(list, seed) { const a = [...list]; const u = mulberry32(seed); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(u() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; }
const all = require("an-array-of-english-words").filter((w) => /^[a-z]{4,10}$/.test(w));
const sh = shuffle(all, 1); const cut = Math.floor(sh.length * 0.8);
const training = sh.slice(0, cut).slice(0, 40000); const heldOut = new Set(sh.slice(cut)); const trainingSet = new Set(training);
const which = process.argv[2];
const m = Model.fromBytes(readFileSync(`/tmp/proto/${which}.lk`));
const meta = JSON.parse(m.metaJson()).text;
const vocab = meta.vocabulary; const V = vocab.length; const L = meta.maxLength + 1; const d = m.latentSize();
const id = new Map(vocab.map((t, i) => [t, i]));
const END = 1, START = 0; // use pad id as start context
// trigram counts over ids
const K = 0.01;
const tri = new Float64Array(V * V * V);
for (const w of training) { const ids = [...w].map((c) => id.get(c) ?? 3).concat(END); let a = START, b = START; for (const c of ids) { tri[(a * V + b) * V + c]++; a = b; b = c; } }
const logTri = new Float64Array(V * V * V);
for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) { let tot = 0; for (let c = 4; c < V; c++) tot += tri[(a * V + b) * V + c] + K; tot += tri[(a * V + b) * V + END] + K;
  for (let c = 0; c < V; c++) logTri[(a * V + b) * V + c] = (c >= 4 || c === END) ? Math.log((tri[(a * V + b) * V + c] + K) / tot) : -Infinity; }
const u = mulberry32(11);
const gauss = () => { let a = u() || 1e-12; return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u()); };
function draw(n, temp) {
  const out = new Float32Array(n * d); const { mean, chol } = meta.prior;
  for (let r = 0; r < n; r++) { const eps = Array.from({ length: d }, gauss); for (let i = 0; i < d; i++) { let s = 0; if (chol) for (let j = 0; j <= i; j++) s += chol[i * d + j] * eps[j]; else s = eps[i]; out[r * d + i] = mean[i] + temp * s; } }
  return out;
}
function fuse(p, rows, lambda, tokTemp) {
  const out = [];
  for (let r = 0; r < rows; r++) {
    let a = START, b = START, s = "";
    for (let pos = 0; pos < L; pos++) {
      const base = (r * L + pos) * V; let best = END, bl = -Infinity; const ls = new Float64Array(V);
      for (let v = 0; v < V; v++) { if (v === 0 || v === 2 || v === 3) { ls[v] = -Infinity; continue; } const pv = p[base + v]; ls[v] = (pv > 0 ? Math.log(pv) : -1e9) + lambda * logTri[(a * V + b) * V + v]; if (ls[v] > bl) { bl = ls[v]; best = v; } }
      let c = best;
      if (tokTemp > 0) { let tot = 0; const w = ls.map((l) => (l === -Infinity ? 0 : Math.exp((l - bl) / tokTemp))); for (const x of w) tot += x; let q = u() * tot; for (let v = 0; v < V; v++) { q -= w[v]; if (q < 0 && w[v] > 0) { c = v; break; } } }
      if (c === END) break; s += vocab[c]; a = b; b = c;
    }
    out.push(s);
  }
  return out;
}
const measure = (samples) => { const r = text.report(samples, { training: trainingSet, reference: heldOut }); return `uniq ${(100*r.uniqueness).toFixed(1)} novel ${(100*r.novelty).toFixed(1)} real ${(100*r.inReference).toFixed(2)} len4-10 ${(100*samples.filter(s=>s.length>=4&&s.length<=10).length/samples.length).toFixed(0)}`; };
for (const temp of [0.8, 1]) {
  const codes = draw(2000, temp); const p = m.decode(codes, 2000);
  for (const lambda of [0, 0.5, 1, 2]) for (const tt of [0, 0.7]) {
    const s = fuse(p, 2000, lambda, tt); console.log(`${which} z-temp ${temp} lambda ${lambda} tokTemp ${tt}: ${measure(s)}  ${s.slice(0, 8).join(" ")}`);
  }
}
