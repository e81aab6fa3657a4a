// `browser` condition (browsers and bundlers: Vite, webpack, Rollup, esbuild, Parcel): the .wasm
// is an asset next to this file, referenced as `new URL(..., import.meta.url)` so that bundlers
// copy it and rewrite the URL; init() fetches and compiles it with streaming compilation.
// There is no synchronous path: create() and buildInfo() need `await init()` first
// (NOT_INITIALIZED otherwise).

export const ENTRY = "latentkit (browser)";
export const AUTO_INIT = false;
export const INIT_HINT =
  "call `await init()` once before using it (train() and load() do this for you); in browsers the .wasm is fetched asynchronously.";

export function syncSource(): undefined {
  return undefined;
}

export function asyncSource(): URL {
  return new URL("./latentkit_wasm_bg.wasm", import.meta.url);
}
