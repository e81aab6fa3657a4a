// Loading the WebAssembly core, the NOT_INITIALIZED guard, and the translation of whatever the
// core throws into LatentkitError. Nothing else in the SDK imports the generated glue.
//
// Where the .wasm comes from depends on the runtime: "./wasm-source.js" is replaced at build
// time by one of src/loaders/*.ts (tsup.config.ts), one per package.json `exports` condition:
// the file next to the bundle (Node: read from disk; browsers and bundlers: fetched from
// `new URL(..., import.meta.url)`), a `.wasm` module import (workerd, edge-light), the module
// inlined as base64 (the default entry), or nothing (latentkit/slim: `init(source)`).
// From the sources (unit tests, type checks) it is the inlined module.
//
// Every path compiles a WebAssembly.Module first (asynchronously where it can) and then
// instantiates it synchronously through the glue's initSync, so an async init() racing a
// synchronous first use can never create two instances.

import {
  initSync as wasmInitSync,
  Model as WasmModel,
  buildInfo as wasmBuildInfo,
  limits as wasmLimits,
  planJson as wasmPlanJson,
} from "./generated/latentkit_wasm.js";
import { AUTO_INIT, ENTRY, INIT_HINT, asyncSource, syncSource } from "./wasm-source.js";
import { asBytes } from "./data.js";
import { ERROR_CODES, LatentkitError, type LatentkitErrorCode } from "./errors.js";

// limits() and planJson() are the core's size limits and parameter layout (src/limits.ts).
export { WasmModel, wasmLimits, wasmPlanJson };

/**
 * Where `init(source)` can take the WebAssembly module from: its URL (a string or `URL`,
 * fetched), a fetch `Response`, its bytes (`ArrayBuffer` or any view, e.g. a Node `Buffer`),
 * an already compiled `WebAssembly.Module`, or a promise of any of these.
 */
export type WasmSource = WasmSourceValue | PromiseLike<WasmSourceValue>;
/** A {@link WasmSource} that is not a promise. */
export type WasmSourceValue = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
/** What `initSync(source)` accepts: the module's bytes or a compiled `WebAssembly.Module`. */
export type WasmSyncSource = ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/** The compiled core once instantiated (training workers instantiate it too: workers/pool.ts). @internal */
export let ready: WebAssembly.Module | undefined;
let pending: Promise<void> | undefined;

function initFailed(e: unknown): LatentkitError {
  if (e instanceof LatentkitError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new LatentkitError(
    "INTERNAL",
    `latentkit could not instantiate its WebAssembly core (${detail}). ` +
      "This needs a runtime with WebAssembly SIMD (Node >= 18, current browsers, Deno, Bun, workerd); " +
      "if yours has it and the .wasm was found, this is a latentkit bug: please report it.",
    { cause: e },
  );
}

function notInitialized(what: string): LatentkitError {
  return new LatentkitError(
    "NOT_INITIALIZED",
    `${what} needs the WebAssembly core, which is not loaded yet: ${INIT_HINT}`,
  );
}

function isModule(x: unknown): x is WebAssembly.Module {
  return typeof WebAssembly !== "undefined" && x instanceof WebAssembly.Module;
}

function badSource(x: unknown): LatentkitError {
  return new LatentkitError(
    "INVALID_OPTION",
    `init() needs the latentkit .wasm as a URL, a Response, its bytes or a WebAssembly.Module, got ${
      x === null ? "null" : typeof x === "object" ? Object.prototype.toString.call(x) : typeof x
    }.`,
  );
}

async function compileResponse(res: Response): Promise<WebAssembly.Module> {
  if (!res.ok) throw new Error(`fetching ${res.url || "the .wasm"} failed: HTTP ${res.status} ${res.statusText}`);
  const streaming = (WebAssembly as { compileStreaming?: (r: Response) => Promise<WebAssembly.Module> }).compileStreaming;
  if (typeof streaming === "function" && (res.headers.get("content-type") ?? "").split(";")[0]!.trim() === "application/wasm") {
    return streaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const s: any = await source;
  if (isModule(s)) return s;
  const bytes = asBytes(s);
  if (bytes) return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  if (typeof Response === "function" && s instanceof Response) return compileResponse(s);
  if (typeof s === "string" || (typeof URL === "function" && s instanceof URL)) {
    return compileResponse(await fetch(s));
  }
  throw badSource(s);
}

function instantiate(module: WebAssembly.Module): void {
  wasmInitSync({ module });
  ready = module;
}

/**
 * Loads and instantiates the WebAssembly core. Idempotent and safe to call concurrently:
 * every call returns the same promise until it settles. `train()` and `load()` call it for
 * you. Without `source` the entry your runtime picked finds the `.wasm` itself (except
 * `latentkit/slim`, which needs `source`); pass one to load it from elsewhere (e.g. a CDN URL).
 */
export function init(source?: WasmSource): Promise<void> {
  if (ready) return Promise.resolve();
  if (!pending) {
    const from = source ?? asyncSource();
    if (from === undefined) return Promise.reject(notInitialized("latentkit"));
    pending = (async () => {
      try {
        const module = await compile(from);
        if (!ready) instantiate(module);
      } catch (e) {
        pending = undefined; // allow a retry
        throw initFailed(e);
      }
    })();
  }
  return pending;
}

/**
 * Instantiates the WebAssembly core synchronously (idempotent). Without `source` this works
 * where the entry can get the module synchronously (Node, Deno, Bun, workerd, edge, the default
 * entry); pass the module's bytes or a compiled `WebAssembly.Module` to do it anywhere. Browsers
 * may refuse synchronous compilation of large modules on the main thread: prefer `await init()`.
 */
export function initSync(source?: WasmSyncSource): void {
  if (ready) return;
  let from: WasmSyncSource | undefined;
  try {
    from = source ?? syncSource();
  } catch (e) {
    throw initFailed(e);
  }
  if (from === undefined) {
    throw new LatentkitError(
      "NOT_INITIALIZED",
      `${ENTRY} cannot load its WebAssembly core synchronously: ${INIT_HINT}`,
    );
  }
  const bytes = isModule(from) ? undefined : asBytes(from);
  if (!isModule(from) && !bytes) throw badSource(from);
  try {
    instantiate(bytes ? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) : (from as WebAssembly.Module));
  } catch (e) {
    throw initFailed(e);
  }
}

/** Whether the WebAssembly core has been instantiated. */
export function isInitialized(): boolean {
  return !!ready;
}

/**
 * Makes sure the core is loaded before a synchronous call: loads it synchronously on first use
 * in the entries that can (Node, workerd, edge-light, the default entry), else throws
 * NOT_INITIALIZED. @internal
 */
export function requireInit(what: string): void {
  if (ready) return;
  if (!AUTO_INIT) throw notInitialized(what);
  initSync();
}

const KNOWN = new Set<string>(ERROR_CODES);

/**
 * What the WebAssembly instance died of, once a call trapped (a WebAssembly.RuntimeError: a
 * latentkit bug). A trap leaves the instance's memory and borrow state undefined, and the glue
 * cannot instantiate a second one, so from then on every call fails with this one error
 * rather than with whatever the broken instance would do ("recursive use of an object").
 */
let trap: string | undefined;

/** INTERNAL: the core trapped earlier (or `e` is that trap), so no model can be used any more. */
function trapped(): LatentkitError {
  return new LatentkitError(
    "INTERNAL",
    `latentkit's WebAssembly core trapped (${trap}), a latentkit bug: please report it. Every later call fails; restart the process, worker or page.`,
  );
}

/** Throws the trap's INTERNAL error if the core trapped earlier. @internal */
export function checkCore(): void {
  if (trap) throw trapped();
}

/** Converts anything thrown by the core into a LatentkitError. @internal */
export function fromWasmError(e: unknown): LatentkitError {
  if (e instanceof LatentkitError) return e;
  if (e instanceof WebAssembly.RuntimeError) trap ??= `${e.name}: ${e.message}`;
  if (trap) return trapped();
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  if (typeof code === "string" && KNOWN.has(code)) {
    // The core's message already says what happened and what to do.
    return new LatentkitError(code as LatentkitErrorCode, (e as Error).message, { cause: e });
  }
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new LatentkitError(
    "INTERNAL",
    `latentkit internal error: ${detail}. This is a latentkit bug; please report it with the call that caused it.`,
    { cause: e },
  );
}

/** Runs a call into the core, translating what it throws. @internal */
export function wasmCall<T>(fn: () => T): T {
  checkCore();
  try {
    return fn();
  } catch (e) {
    throw fromWasmError(e);
  }
}

/** What the WebAssembly core was built with. */
export interface BuildInfo {
  /** Version of the Rust core. */
  version: string;
  /** Whether the core was compiled with WebAssembly SIMD128 kernels. */
  simd128: boolean;
}

/**
 * Version and SIMD status of the loaded WebAssembly core.
 * @throws LatentkitError NOT_INITIALIZED before `await init()` in the entries that load asynchronously (browsers, slim).
 */
export function buildInfo(): BuildInfo {
  requireInit("buildInfo()");
  return JSON.parse(wasmCall(() => wasmBuildInfo())) as BuildInfo;
}
