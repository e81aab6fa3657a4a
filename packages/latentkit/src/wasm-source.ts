// Where the WebAssembly core comes from. This file is what the sources (unit tests, type
// checks) use: the inlined module, loaded only by init()/initSync()/train()/load(), so that
// NOT_INITIALIZED stays testable. Each published entry replaces it with one of src/loaders/*.ts
// (see tsup.config.ts); every loader exports the same five names.

export { syncSource, asyncSource } from "./loaders/inline.js";
export const ENTRY = "latentkit";
export const AUTO_INIT: boolean = false;
export const INIT_HINT = "call `await init()` once before using it (train() and load() do this for you).";
