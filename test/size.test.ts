// The size budget (packages/latentkit/size-report.mjs, also printed by every build):
// wasm <= 250 KB raw and <= 100 KB gzip; the default entry's JavaScript without the inlined
// base64 wasm <= 52 KB minified (the runtimes issue's 30 KB is not met since the text API
// joined the main entry: see size-report.mjs).

import { describe, expect, it } from "vitest";
import { pkgDir } from "./ensure-built.js";
// @ts-expect-error plain JS module without types
import { BUDGET, formatSizes, measureSizes } from "../packages/latentkit/size-report.mjs";

type Sizes = { wasmRaw: number; wasmGzip: number; defaultJsMin: number };

describe("size budget", () => {
  it("wasm <= 250 KB raw / 100 KB gzip, default entry JS <= 52 KB minified (without the inlined wasm)", async () => {
    const s = (await measureSizes(pkgDir)) as Sizes;
    console.log(formatSizes(s));
    const budget = BUDGET as Sizes;
    expect(s.wasmRaw).toBeLessThanOrEqual(budget.wasmRaw);
    expect(s.wasmGzip).toBeLessThanOrEqual(budget.wasmGzip);
    expect(s.defaultJsMin).toBeLessThanOrEqual(budget.defaultJsMin);
    expect(budget).toEqual({ wasmRaw: 250 * 1024, wasmGzip: 100 * 1024, defaultJsMin: 52 * 1024 });
  });
});
