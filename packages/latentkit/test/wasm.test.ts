import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { diagnosticsWasmBytes, kernelParityReport } from "./diagnostics.js";

describe("before init", () => {
  it("synchronous functions throw NOT_INITIALIZED telling to await init()", async () => {
    vi.resetModules();
    const fresh = await import("../src/index.js");
    expect(fresh.isInitialized()).toBe(false);
    for (const call of [() => fresh.buildInfo(), () => fresh.create(4)]) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(fresh.LatentkitError);
      expect((err as { code: string }).code).toBe("NOT_INITIALIZED");
      expect((err as Error).message).toContain("await init()");
    }
    await fresh.init();
    expect(fresh.isInitialized()).toBe(true);
    expect(fresh.create(4).inputSize).toBe(4);
  });

  it("initSync() loads the core synchronously", async () => {
    vi.resetModules();
    const fresh = await import("../src/index.js");
    expect(fresh.isInitialized()).toBe(false);
    fresh.initSync();
    fresh.initSync();
    expect(fresh.buildInfo().simd128).toBe(true);
  });

  it("train() and load() initialise by themselves", async () => {
    vi.resetModules();
    const fresh = await import("../src/index.js");
    const model = await fresh.train([[0, 1], [1, 0], [0.5, 0.5]], { epochs: 1 });
    vi.resetModules();
    const other = await import("../src/index.js");
    const again = await other.load(model.save());
    expect(again.weightsDigest()).toBe(model.weightsDigest());
  });
});

describe("the built wasm", () => {
  it("has SIMD128 and its SIMD kernels match the scalar ones (in the diagnostics wasm)", async () => {
    const { init, buildInfo } = await import("../src/index.js");
    await init();
    const info = buildInfo();
    expect(info.simd128).toBe(true);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    const report = kernelParityReport();
    expect(report.simd).toBe(true);
    // 9 shapes x 3 products x (= and +=), adam, bias_sigmoid: a case that stops running is noticed
    expect(report.cases.length).toBeGreaterThanOrEqual(56);
    for (const c of report.cases) {
      expect(typeof c.name).toBe("string");
      expect(c.maxAbsDiff, c.name).toBe(0);
    }
  });

  it("ships without the diagnostics (parity report, kernel timings), which only the test-only wasm has", async () => {
    const exportsOf = (bytes: Uint8Array<ArrayBuffer>) => WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    const shipped = exportsOf(readFileSync(new URL("../src/generated/latentkit_wasm_bg.wasm", import.meta.url)));
    const diagnostics = exportsOf(diagnosticsWasmBytes());
    for (const name of ["kernelParityReport", "benchKernel"]) {
      expect(shipped).not.toContain(name);
      expect(diagnostics).toContain(name);
    }
    // the same core otherwise: every shipped export is in the diagnostics build too
    expect(diagnostics).toEqual(expect.arrayContaining(shipped));
    const sdk = (await import("../src/index.js")) as Record<string, unknown>;
    expect(sdk.kernelParityReport).toBeUndefined();
  });
});

describe("init(source) and initSync(source)", () => {
  it("accept the module's bytes, an ArrayBuffer or a compiled WebAssembly.Module", async () => {
    const { readFileSync } = await import("node:fs");
    const bytes = readFileSync(new URL("../src/generated/latentkit_wasm_bg.wasm", import.meta.url));
    const sources: unknown[] = [
      bytes,
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      new WebAssembly.Module(bytes),
      Promise.resolve(bytes),
    ];
    for (const source of sources) {
      vi.resetModules();
      const fresh = await import("../src/index.js");
      await fresh.init(source as Uint8Array);
      expect(fresh.buildInfo().simd128).toBe(true);
    }
    vi.resetModules();
    const sync = await import("../src/index.js");
    sync.initSync(new WebAssembly.Module(bytes));
    expect(sync.create(3).inputSize).toBe(3);
  });

  it("refuse what is not a source with INVALID_OPTION, and a retry then works", async () => {
    vi.resetModules();
    const fresh = await import("../src/index.js");
    for (const bad of [42, {}, true]) {
      await expect(fresh.init(bad as unknown as Uint8Array)).rejects.toMatchObject({ code: "INVALID_OPTION" });
      expect(() => fresh.initSync(bad as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    }
    await expect(fresh.init(new Uint8Array([0, 1, 2, 3]))).rejects.toMatchObject({ code: "INTERNAL" });
    expect(fresh.isInitialized()).toBe(false);
    await fresh.init();
    expect(fresh.isInitialized()).toBe(true);
  });

  it("an init() in flight and a synchronous initSync() share one instance", async () => {
    vi.resetModules();
    const fresh = await import("../src/index.js");
    const pending = fresh.init();
    fresh.initSync();
    const model = fresh.create(4, { encoder: [2], seed: 1 });
    await pending;
    expect(model.encode([[1, 2, 3, 4]]).cols).toBe(2);
    expect(fresh.create(4, { encoder: [2], seed: 1 }).weightsDigest()).toBe(model.weightsDigest());
  });
});
