// The size budget (packages/latentkit/size-report.mjs, also printed by every build):
// wasm <= 250 KB raw and <= 100 KB gzip; the JavaScript that `import "latentkit"` loads up
// front (dist/index.js and its static chunk imports) without the inlined base64 wasm
// <= 30 KB (30,000 bytes) minified. The text generator is a lazily imported chunk.

import { describe, expect, it } from "vitest";
import { pkgDir } from "./ensure-built.js";
// @ts-expect-error plain JS module without types
import { BUDGET, formatSizes, measureSizes } from "../packages/latentkit/size-report.mjs";

type Sizes = { wasmRaw: number; wasmGzip: number; defaultJsMin: number; lazyJsMin: number };

describe("size budget", () => {
  it("wasm <= 250 KB raw / 100 KB gzip, default entry JS <= 30 KB minified (without the inlined wasm)", async () => {
    const s = (await measureSizes(pkgDir)) as Sizes;
    console.log(formatSizes(s));
    const budget = BUDGET as Sizes;
    expect(s.wasmRaw).toBeLessThanOrEqual(budget.wasmRaw);
    expect(s.wasmGzip).toBeLessThanOrEqual(budget.wasmGzip);
    expect(s.defaultJsMin).toBeLessThanOrEqual(budget.defaultJsMin);
    // The text generator is not among what the entry loads up front, but is reachable from it.
    expect(s.lazyJsMin).toBeGreaterThan(10_000);
    expect(budget).toEqual({ wasmRaw: 250 * 1024, wasmGzip: 100 * 1024, defaultJsMin: 30 * 1000 });
  });
});
