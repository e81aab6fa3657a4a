// Lists the largest function bodies of a wasm module by name, from its name section:
//   node docs/tools/wasm-function-sizes.mjs target/wasm32-unknown-unknown/release/latentkit_wasm.wasm [regex] [count]
// Use the module cargo writes (wasm-bindgen strips the name section). See docs/text-architecture.md §7.
import fs from "fs";
const buf = fs.readFileSync(process.argv[2]);
let p = 8;
const leb = () => { let r = 0, s = 0, b; do { b = buf[p++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return r; };
let imports = 0, bodies = [], names = new Map();
while (p < buf.length) {
  const id = buf[p++], size = leb(), end = p + size;
  if (id === 2) { const n = leb(); for (let i = 0; i < n; i++) { let l = leb(); p += l; l = leb(); p += l; const kind = buf[p++]; if (kind === 0) { leb(); imports++; } else if (kind === 1) { p++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { p += 2; } } }
  if (id === 10) { const n = leb(); for (let i = 0; i < n; i++) { const s = leb(); bodies.push(s); p += s; } }
  if (id === 0) { const l = leb(); const nm = buf.slice(p, p + l).toString(); p += l; if (nm === "name") { while (p < end) { const sid = buf[p++], ss = leb(), se = p + ss; if (sid === 1) { const n = leb(); for (let i = 0; i < n; i++) { const idx = leb(); const nl = leb(); names.set(idx, buf.slice(p, p + nl).toString()); p += nl; } } p = se; } } }
  p = end;
}
const rows = bodies.map((s, i) => [s, names.get(i + imports) ?? `#${i + imports}`]).sort((a, b) => b[0] - a[0]);
const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
let total = 0; for (const [s] of rows) total += s;
console.log("total code", total, "functions", rows.length);
for (const [s, n] of rows.filter(([, n]) => !filter || filter.test(n)).slice(0, +(process.argv[4] ?? 25))) console.log(s, n.slice(0, 150));
