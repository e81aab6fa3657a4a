import { describe, expect, it, vi } from "vitest";

describe("before init", () => {
  it("synchronous functions throw NOT_INITIALIZED telling to await init()", async () => {
    vi.resetModules();
    const fresh = await import("../src/index.js");
    expect(fresh.isInitialized()).toBe(false);
    for (const call of [() => fresh.buildInfo(), () => fresh.kernelParityReport(), () => fresh.create(4)]) {
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
  it("has SIMD128 and its SIMD kernels match the scalar ones", async () => {
    const { init, buildInfo, kernelParityReport } = await import("../src/index.js");
    await init();
    const info = buildInfo();
    expect(info.simd128).toBe(true);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    const report = kernelParityReport();
    expect(report.simd).toBe(true);
    expect(report.cases.length).toBeGreaterThan(0);
    for (const c of report.cases) {
      expect(typeof c.name).toBe("string");
      expect(c.maxAbsDiff, c.name).toBeGreaterThanOrEqual(0);
      expect(c.maxAbsDiff, c.name).toBeLessThan(1e-5);
    }
  });
});
