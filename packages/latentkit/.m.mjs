import { readFileSync } from "node:fs";
import { transform } from "esbuild";
const f = process.argv[2];
let s = readFileSync(f, "utf8").replace(/(WASM_BASE64\s*=\s*)(["'`])[A-Za-z0-9+/=]{1000,}\2/, '$1""');
console.log((await transform(s, { minify: true, format: "esm", target: "es2022", loader: "js" })).code);
