// Loading the WebAssembly core, the NOT_INITIALIZED guard, and the translation of whatever the
// core throws into LatentkitError. Nothing else in the SDK imports the generated glue.
//
// The .wasm is inlined as base64 (src/generated/wasm_base64.ts) so that one code path works in
// Node ESM, Node CJS, browsers and bundlers: no file lookup, no fetch, no import.meta.url.

import wasmInit, {
  initSync as wasmInitSync,
  Model as WasmModel,
  buildInfo as wasmBuildInfo,
  kernelParityReport as wasmKernelParityReport,
} from "./generated/latentkit_wasm.js";
import { WASM_BASE64 } from "./generated/wasm_base64.js";
import { ERROR_CODES, LatentkitError, type LatentkitErrorCode } from "./errors.js";

export { WasmModel };

let ready = false;
let pending: Promise<void> | undefined;

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

function initFailed(e: unknown): LatentkitError {
  const detail = e instanceof Error ? e.message : String(e);
  return new LatentkitError(
    "INTERNAL",
    `latentkit could not instantiate its WebAssembly core (${detail}). ` +
      "This needs a runtime with WebAssembly SIMD (Node >= 18, current browsers); if yours has it, this is a latentkit bug: please report it.",
    { cause: e },
  );
}

/**
 * Loads and instantiates the WebAssembly core. Idempotent and safe to call concurrently:
 * every call returns the same promise until it settles. `train()` and `load()` call it for
 * you; you only need it before the synchronous functions that need the core (`create()`,
 * {@link buildInfo}, {@link kernelParityReport}).
 */
export function init(): Promise<void> {
  if (ready) return Promise.resolve();
  if (!pending) {
    pending = (async () => {
      try {
        await wasmInit({ module_or_path: decodeBase64(WASM_BASE64) });
        ready = true;
      } catch (e) {
        pending = undefined; // allow a retry
        throw initFailed(e);
      }
    })();
  }
  return pending;
}

/**
 * Instantiates the WebAssembly core synchronously (idempotent). Fine in Node and in workers;
 * browsers may refuse synchronous compilation of large modules on the main thread, so prefer
 * `await init()` there.
 */
export function initSync(): void {
  if (ready) return;
  try {
    wasmInitSync({ module: decodeBase64(WASM_BASE64) });
    ready = true;
  } catch (e) {
    throw initFailed(e);
  }
}

/** Whether the WebAssembly core has been instantiated. */
export function isInitialized(): boolean {
  return ready;
}

/** Throws NOT_INITIALIZED unless init() has completed. @internal */
export function requireInit(what: string): void {
  if (!ready) {
    throw new LatentkitError(
      "NOT_INITIALIZED",
      `${what} needs the WebAssembly core, which is not loaded yet: call \`await init()\` once before using it ` +
        "(train() and load() do this for you).",
    );
  }
}

const KNOWN = new Set<string>(ERROR_CODES);

// What to add to the core's own message (which already says what to do).
const HINTS: Partial<Record<LatentkitErrorCode, string>> = {
  DIVERGED: "The model is still usable.",
};

function withHint(message: string, code: LatentkitErrorCode): string {
  const hint = HINTS[code];
  if (!hint) return message;
  return message + (/[.!?]$/.test(message) ? " " : ". ") + hint;
}

/** Converts anything thrown by the core into a LatentkitError. @internal */
export function fromWasmError(e: unknown): LatentkitError {
  if (e instanceof LatentkitError) return e;
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  if (typeof code === "string" && KNOWN.has(code)) {
    const c = code as LatentkitErrorCode;
    const msg = (e as Error).message;
    return new LatentkitError(c, withHint(msg, c), { cause: e });
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
 * @throws LatentkitError NOT_INITIALIZED before `await init()`.
 */
export function buildInfo(): BuildInfo {
  requireInit("buildInfo()");
  return JSON.parse(wasmCall(() => wasmBuildInfo())) as BuildInfo;
}

/** Result of {@link kernelParityReport}. */
export interface KernelParityReport {
  /** Whether the SIMD kernels are compiled in (otherwise both paths are scalar). */
  simd: boolean;
  /** One entry per kernel: the largest absolute difference between SIMD and scalar results. */
  cases: { name: string; maxAbsDiff: number }[];
}

/**
 * Runs every numeric kernel through its SIMD and its scalar implementation inside the
 * WebAssembly core, on seeded inputs, and reports the largest difference per kernel. A
 * self-test for the runtime you are on.
 * @throws LatentkitError NOT_INITIALIZED before `await init()`.
 */
export function kernelParityReport(): KernelParityReport {
  requireInit("kernelParityReport()");
  return JSON.parse(wasmCall(() => wasmKernelParityReport())) as KernelParityReport;
}
