// Default entry (`latentkit` in runtimes no other condition matches): the .wasm inlined as
// base64, so nothing has to be found, fetched or bundled; the first synchronous use loads it.

import { WASM_BASE64 } from "../generated/wasm_base64.js";

export const ENTRY = "latentkit";
export const AUTO_INIT = true;
export const INIT_HINT = "call `await init()` once before using it (train() and load() do this for you).";

function decodeBase64(b64: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) {
    const buf = B.from(b64, "base64");
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function syncSource(): Uint8Array {
  return decodeBase64(WASM_BASE64);
}

export function asyncSource(): Uint8Array {
  return decodeBase64(WASM_BASE64);
}
