// The kernel parity report, for tests only. It ran in the shipped wasm as the public
// `kernelParityReport()` until the text architecture of issue #12 needed its 5.8 KiB gzip of the
// wasm budget: the report now lives in the test-only diagnostics wasm that scripts/build-wasm.sh
// builds next to the shipped one (cargo feature `diagnostics`, src/generated/diagnostics/, never
// packed). Its kernels are the shipped ones, compiled the same way; only the report is added.
// It has its own instance, so the SDK's state (init, a trap) does not touch it.

import { readFileSync } from "node:fs";
import * as glue from "../src/generated/diagnostics/latentkit_wasm.js";

/** The report: the largest difference between the SIMD and the scalar result, per kernel. */
export interface KernelParityReport {
  /** Whether the SIMD kernels are compiled in (otherwise both paths are scalar). */
  simd: boolean;
  /** One entry per kernel and shape. */
  cases: { name: string; maxAbsDiff: number }[];
}

/** Bytes of the diagnostics wasm (a missing file fails here, saying how to build it). */
export function diagnosticsWasmBytes(): Uint8Array<ArrayBuffer> {
  const file = new URL("../src/generated/diagnostics/latentkit_wasm_bg.wasm", import.meta.url);
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`the diagnostics wasm ${file.pathname} is missing: run \`pnpm build\` (scripts/build-wasm.sh builds it)`, { cause: e });
  }
}

let ready = false;

/** Runs every kernel through its SIMD and its scalar twin inside the diagnostics wasm. */
export function kernelParityReport(): KernelParityReport {
  if (!ready) glue.initSync({ module: diagnosticsWasmBytes() });
  ready = true;
  return JSON.parse(glue.kernelParityReport()) as KernelParityReport;
}
