import { createRequire } from "node:module";
import { mulberry32 } from "../src/data.mjs";
const { text, init } = await import("latentkit");
const require = createRequire(import.meta.url);
function shuffle(list, seed) { const a = [...list]; const u = mulberry32(seed); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(u() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; }
const all = require("an-array-of-english-words").filter((w) => /^[a-z]{4,10}$/.test(w));
const sh = shuffle(all, 1); const cut = Math.floor(sh.length * 0.8);
const training = sh.slice(0, cut).slice(0, 40000); const heldOutList = sh.slice(cut); const heldOut = new Set(heldOutList); const trainingSet = new Set(training);
await init();
const extra = JSON.parse(process.argv[2]);
const opts = { level: "char", latent: 32, hidden: [256], epochs: 30, batchSize: 64, learningRate: 2e-3, seed: 1, ...extra };
const t0 = performance.now();
const gen = await text.train(training, opts);
const ev = gen.evaluate(heldOutList.slice(0, 5000));
const measure = (samples) => { const r = text.report(samples, { training: trainingSet, reference: heldOut }); return `uniq ${(100*r.uniqueness).toFixed(1)} novel ${(100*r.novelty).toFixed(1)} real ${(100*r.inReference).toFixed(2)}`; };
const out = [`${JSON.stringify(extra)} train ${((performance.now()-t0)/1000).toFixed(0)}s heldout exact ${(100*ev.exactMatch).toFixed(1)} tokacc ${(100*ev.tokenAccuracy).toFixed(1)}`];
for (const s of [{}, { tokenTemperature: 0.7 }, { tokenTemperature: 1 }, { temperature: 0.8 }, { refine: 1 }]) {
  const samples = gen.sample(2000, { seed: 7, ...s });
  out.push(`  ${JSON.stringify(s)}: ${measure(samples)}  ${samples.slice(0, 8).join(" ")}`);
}
out.push(`  interp: ${gen.interpolate("garden", "planet", 8).join(" ")}`);
console.log(out.join("\n"));
