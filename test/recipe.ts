// One workload, run unchanged in every runtime the integration tests cover (Node ESM and CJS,
// Chromium main thread and Web Worker, workerd, edge-runtime, Deno, Bun): train a seeded model
// on data made with integer arithmetic only (no Math.sin/exp, whose last bits differ between
// JavaScript engines), save it, load it back, encode and decode. It returns SHA-256 hashes of
// the saved model bytes and of the outputs, which must be the same everywhere; the same for a
// small text model, with its seeded samples, and for a conditional text model (two labels): its
// saved bytes, whether load -> save gives them back bit for bit, its labels, and seeded samples
// of each label. The tests compare every runtime with Node's result of the same run, never with
// a hash written down (the conditional model's defaults may change).
//
// RECIPE is JavaScript source defining `async function latentkitRecipe(lk)`, where `lk` is the
// latentkit module namespace; it needs only `crypto.subtle`, present in all of them.

export const RECIPE = `
async function latentkitRecipe(lk) {
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
  const sha = async (u8) => hex(await crypto.subtle.digest("SHA-256", u8));
  let s = 12345;
  const next = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return ((s >>> 8) % 1000) / 1000; };
  const rows = Array.from({ length: 256 }, () => Array.from({ length: 12 }, next));
  const model = await lk.train(rows, { encoder: [8, 3], outputActivation: "sigmoid", epochs: 6, seed: 7, validationSplit: 0.25 });
  const bytes = model.save();
  const again = await lk.load(bytes);
  const Z = lk.encode(again, rows.slice(0, 16));
  const X = lk.decode(again, Z);
  const out = new Uint8Array(Z.data.byteLength + X.data.byteLength);
  out.set(new Uint8Array(Z.data.buffer, Z.data.byteOffset, Z.data.byteLength));
  out.set(new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength), Z.data.byteLength);
  let shape;
  try { lk.encode(model, [[1]]); } catch (e) { shape = e instanceof lk.LatentkitError ? e.code : String(e); }
  // A text model too: the generator is a lazily imported chunk in the ESM builds, its
  // context head samples token by token, and its draws use latentkit's own seeded generator.
  const words = Array.from({ length: 48 }, (_, i) => "ab" + "cdefgh"[i % 6] + "ijkl"[(i >> 2) % 4] + (i % 3 ? "e" : ""));
  const gen = await lk.text.train(words, { latent: 4, hidden: [16], context: 2, epochs: 3, seed: 5 });
  const textBytes = gen.save();
  const gen2 = await lk.text.load(textBytes);
  const samples = gen2.sample(6, { seed: 3, tokenTemperature: 1 }).join(" ") + " | " + gen2.reconstruct(words.slice(0, 3)).join(" ");
  const labelled = await latentkitLabelled(lk, words, sha);
  const result = { model: await sha(bytes), outputs: await sha(out), size: bytes.length, epochs: again.history.length,
    simd: lk.buildInfo().simd128, shape, text: await sha(textBytes), samples, labelled };
  model.dispose();
  again.dispose();
  gen.dispose();
  gen2.dispose();
  return result;
}

async function latentkitLabelled(lk, words, sha) {
  const labels = words.map((w, i) => (i % 2 ? "lo" : "hi"));
  const cond = await lk.text.train(words, { labels, latent: 4, hidden: [16], context: 2, epochs: 6, learningRate: 0.01, seed: 9 });
  const bytes = cond.save();
  const back = await lk.text.load(bytes);
  const model = await sha(bytes);
  const samples = ["hi", "lo"].map((label) => label + ": " + back.sample(4, { label, seed: 2, tokenTemperature: 1 }).join(" ")).join(" | ");
  const result = { model, size: bytes.length, roundTrip: (await sha(back.save())) === model, labels: back.labels.join(","), samples };
  cond.dispose();
  back.dispose();
  return result;
}
`;

export interface RecipeResult {
  model: string;
  outputs: string;
  size: number;
  epochs: number;
  simd: boolean;
  shape: string;
  text: string;
  samples: string;
  /** The conditional text model: sha256 of its bytes, load -> save identical, its labels, seeded samples by label. */
  labelled: { model: string; size: number; roundTrip: boolean; labels: string; samples: string };
}
