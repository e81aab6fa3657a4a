// `workerd` condition (Cloudflare Workers; wrangler and workerd turn a `.wasm` import into a
// compiled WebAssembly.Module, as they require: no runtime compilation from bytes there).
// Instantiating a compiled module is cheap, so the first synchronous use does it.

import wasmModule from "./latentkit_wasm_bg.wasm";

export const ENTRY = "latentkit (workerd)";
export const AUTO_INIT = true;
export const INIT_HINT = "call `await init()` once before using it (train() and load() do this for you).";

export function syncSource(): WebAssembly.Module {
  return wasmModule;
}

export function asyncSource(): WebAssembly.Module {
  return wasmModule;
}
