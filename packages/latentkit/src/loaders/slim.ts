// `latentkit/slim`: no .wasm of its own and no way to find one; the caller loads it with
// `await init(urlOrBytesOrModule)` (or `initSync(bytesOrModule)`), e.g. from a CDN, a cache or
// an asset pipeline. Everything else is the same API.

export const ENTRY = "latentkit/slim";
export const AUTO_INIT = false;
export const INIT_HINT =
  "latentkit/slim does not load its .wasm by itself: call `await init(source)` first, with the URL, the bytes or a compiled WebAssembly.Module of latentkit_wasm_bg.wasm (shipped as `latentkit/latentkit_wasm_bg.wasm`).";

export function syncSource(): undefined {
  return undefined;
}

export function asyncSource(): undefined {
  return undefined;
}
