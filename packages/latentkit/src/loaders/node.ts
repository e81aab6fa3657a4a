// `node` condition (Node, and Deno and Bun, which resolve it too): the .wasm shipped next to
// this bundle, read from disk. init() reads and compiles it asynchronously; the first
// synchronous use (create(), buildInfo(), ...) before that reads and compiles it synchronously.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

declare const __dirname: string | undefined;

export const ENTRY = "latentkit (node)";
export const AUTO_INIT = true;
export const INIT_HINT = "call `await init()` once before using it (train() and load() do this for you).";

// CJS build: __dirname (a path, whatever characters it has); ESM build: import.meta.url
// (tsup.config.ts defines import.meta.url as undefined in the CJS build).
const file = (): string | URL =>
  typeof __dirname === "string" && import.meta.url === undefined
    ? __dirname + "/latentkit_wasm_bg.wasm"
    : new URL("./latentkit_wasm_bg.wasm", import.meta.url);

export function syncSource(): Uint8Array {
  return readFileSync(file());
}

export function asyncSource(): Promise<Uint8Array> {
  return readFile(file());
}
