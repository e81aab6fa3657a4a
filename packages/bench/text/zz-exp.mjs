// Experiment: node zz-exp.mjs <corpus> '<json options>'   (not committed)
import { englishWords, tangLines, wordnetSentences, split, randomPairs, SPLIT_SEED } from "./corpora.mjs";
import { endpointRate, generationStats } from "./metrics.mjs";
import { sampleTrigram, trainTrigram } from "./baselines.mjs";
const { text } = await import(process.env.LATENTKIT_ENTRY ?? "/work/wt/tarch/packages/latentkit/dist/node.js");
const corpus = process.argv[2];
const extra = JSON.parse(process.argv[3] ?? "{}");
const READ = { english: englishWords, tang: tangLines, wordnet: wordnetSentences };
const parts = split(READ[corpus]());
const train = parts.train;
const level = corpus === "wordnet" ? "word" : "char";
const t0 = performance.now();
const eps = [];
const g = await text.train(train, { level, ...(level === "word" ? { minCount: 2 } : {}), ...extra, onEpochEnd: (e) => { eps.push(e); } });
const secs = (performance.now() - t0) / 1000;
const tr = g.evaluate(train.slice(0, 2000)), ho = g.evaluate(parts.heldOut.slice(0, 2000));
const pairs = randomPairs(train, 100, SPLIT_SEED);
const ends = endpointRate(pairs.map(([a, b]) => g.interpolate(a, b, 8)), pairs);
const VARIANTS = JSON.parse(process.env.VARIANTS ?? '[{}]');
const ALLREAL = corpus === "english" ? new Set(READ.english()) : null;
const realAny = (sm) => { if (!ALLREAL) return ""; const tr = new Set(train); const nov = sm.filter((w) => !tr.has(w)); return " realAny " + (100 * nov.filter((w) => ALLREAL.has(w)).length / Math.max(1, nov.length)).toFixed(1) + "%"; };
let variantLine = "";
for (const v of VARIANTS.slice(1)) {
  const sm = g.sample(2000, { seed: 7, ...v });
  const s2 = generationStats(sm, { training: new Set(train), reference: parts.heldOut });
  variantLine += `\n   ${JSON.stringify(v)}: novel ${(100 * s2.novelty).toFixed(1)}% unique ${(100 * s2.uniqueness).toFixed(1)}% realHeldOut ${(100 * s2.inReference).toFixed(2)}%${realAny(sm)} | ${sm.slice(0, 8).join(" ")}`;
}
const samples = g.sample(2000, { seed: 7, ...VARIANTS[0] });
const st = generationStats(samples, { training: new Set(train), reference: parts.heldOut });
let tri = "";
if (corpus === "english") { const t = sampleTrigram(trainTrigram(train, 0.01), 2000, 7); tri = generationStats(t, { training: new Set(train), reference: parts.heldOut }).inReference; }
const pct = (x) => (100 * x).toFixed(1) + "%";
console.log(`${corpus} ${JSON.stringify(extra)}: epochs ${eps.length} (${eps.at(-1)?.stopReason}), ${secs.toFixed(0)} s, ${Math.round(eps.reduce((a, e) => a + e.samplesPerSecond, 0) / eps.length)}/s | train exact ${pct(tr.exactMatch)} | held-out exact ${pct(ho.exactMatch)} tok ${pct(ho.tokenAccuracy)} | ends ${pct(ends)} | samples novel ${pct(st.novelty)} unique ${pct(st.uniqueness)} realHeldOut ${pct(st.inReference)}${realAny(samples)} ${tri !== "" ? "(tri " + pct(tri) + ")" : ""} | ${samples.slice(0, 6).join(" ")}${variantLine}`);
