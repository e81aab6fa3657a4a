// `edge-light` condition (Vercel Edge Functions and Next.js edge routes): the `.wasm?module`
// import they turn into a compiled WebAssembly.Module (runtime compilation from bytes is not
// allowed there). Instantiating a compiled module is cheap, so the first synchronous use does it.

import wasmModule from "./latentkit_wasm_bg.wasm?module";

export const ENTRY = "latentkit (edge-light)";
export const AUTO_INIT = true;
export const INIT_HINT = "call `await init()` once before using it (train() and load() do this for you).";

export function syncSource(): WebAssembly.Module {
  return wasmModule;
}

export function asyncSource(): WebAssembly.Module {
  return wasmModule;
}
