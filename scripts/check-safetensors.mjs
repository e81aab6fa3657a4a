// The JavaScript half of scripts/check-safetensors.py (run that): `write DIR` trains four small
// models with the built SDK and writes each as latentkit's own file (NAME.lk), as safetensors
// (NAME.safetensors) and its inputs and codes (NAME.json); `verify DIR` loads the files the
// reference implementation rewrote (NAME.py.safetensors) and checks that they give back the same
// model, byte for byte.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { load, text, train } from "../packages/latentkit/dist/node.js";

const [mode, dir] = process.argv.slice(2);
const rows = Array.from({ length: 20 }, (_, r) => Array.from({ length: 6 }, (_, c) => Math.sin(r * 7 + c * 3)));
const words = ["bada", "kimo", "tedu", "mabi", "dokt", "bimbo", "tamu", "kade", "domi", "bukat"];

async function models() {
  return {
    numeric: await train(rows, { encoder: [5, 3], activation: "tanh", epochs: 3, seed: 1 }),
    vae: await train(rows, { encoder: [4, 2], variational: true, epochs: 3, seed: 2 }),
    text: await text.train(words, { epochs: 3, earlyStopping: false, seed: 3 }),
    conditional: await text.train(words, { labels: words.map((_, i) => (i % 2 ? "a" : "b")), epochs: 3, earlyStopping: false, seed: 4 }),
  };
}

if (mode === "write") {
  for (const [name, m] of Object.entries(await models())) {
    writeFileSync(join(dir, `${name}.lk`), m.save());
    writeFileSync(join(dir, `${name}.safetensors`), await m.toSafetensors());
    const codes = name === "numeric" || name === "vae" ? m.encode(rows) : m.encode(words.slice(0, 3), name === "conditional" ? { label: "a" } : {});
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ rows, codes: Array.from(codes.data), cols: codes.cols }));
  }
  console.log("wrote", dir);
} else if (mode === "verify") {
  let failed = 0;
  for (const name of ["numeric", "vae", "text", "conditional"]) {
    const own = readFileSync(join(dir, `${name}.lk`));
    const bytes = readFileSync(join(dir, `${name}.py.safetensors`));
    const m = await (name === "numeric" || name === "vae" ? load(bytes) : text.load(bytes));
    const same = Buffer.compare(Buffer.from(m.save()), own) === 0;
    console.log(`latentkit loads ${name}.py.safetensors (written by safetensors.numpy.save_file): ${same ? "the same model file, byte for byte" : "DIFFERENT"}`);
    if (!same) failed++;
  }
  process.exit(failed ? 1 : 0);
} else {
  console.error("usage: node scripts/check-safetensors.mjs write|verify DIR");
  process.exit(2);
}
