// The SDK's size limits (src/limits.ts) are constants because options are validated before the
// WebAssembly is loaded; the core owns them. This pins them to what the core's limits() says,
// and the parameter count to the core's plan (planJson), so a change on either side fails here.

import { beforeAll, expect, it } from "vitest";
import { create, init, text } from "../src/index.js";
import { MAX_BATCH, MAX_ELEMENTS, MAX_EPOCHS, MAX_LAYER, MAX_OUTPUT, TEXT_LIMITS } from "../src/limits.js";
import { SEED } from "../src/validate.js";
import { wasmLimits, wasmPlanJson } from "../src/wasm.js";

beforeAll(() => init());

it("every limit the SDK checks is the core's (limits())", () => {
  const core = JSON.parse(wasmLimits()) as Record<string, number>;
  expect(Object.keys(core)).toEqual(expect.arrayContaining(["maxBatch", "maxContext", "maxDataValues", "maxEpochs", "maxLayers", "maxOutputValues", "maxParams", "maxSeed", "maxTokenTable", "maxTokenWidth", "maxUnits"]));
  expect(MAX_LAYER).toBe(core.maxUnits);
  expect(MAX_BATCH).toBe(core.maxBatch);
  expect(MAX_EPOCHS).toBe(core.maxEpochs);
  expect(MAX_ELEMENTS).toBe(core.maxDataValues);
  expect(MAX_OUTPUT).toBe(core.maxOutputValues);
  expect(TEXT_LIMITS.context).toBe(core.maxContext);
  expect(TEXT_LIMITS.width).toBe(core.maxTokenWidth);
  expect(TEXT_LIMITS.embedding).toBe(core.maxTokenTable);
  expect(SEED.max).toBeLessThanOrEqual(core.maxSeed!);
});

it("a model's parameter count is the core's plan: create() and text models agree with planJson", async () => {
  const m = create(7, { encoder: [5, 3], variational: true });
  const plan = JSON.parse(wasmPlanJson(JSON.stringify(m.config))) as { paramCount: number; layers: unknown[] };
  expect(m.paramCount).toBe(plan.paramCount);
  expect(plan.layers.length).toBeGreaterThan(0);
  m.dispose();
  const g = await text.train(["ab", "cd", "abc"], { epochs: 1, latent: 2, hidden: [6], context: 2 });
  expect(g.paramCount).toBeGreaterThan(0);
  g.dispose();
});

it("over the core's parameter limit: TOO_LARGE from the core's plan, in text terms for text models", async () => {
  const core = JSON.parse(wasmLimits()) as { maxParams: number };
  let code = "";
  try {
    create(512, { encoder: [Math.ceil(core.maxParams / 1024) + 1] });
  } catch (e) {
    code = (e as { code: string }).code;
  }
  expect(code).toBe("TOO_LARGE");
  const e = (await text.train(["abcdefgh", "ijklmnop"], { epochs: 1, hidden: [65536, 65536] }).catch((x: unknown) => x)) as { code: string; message: string };
  expect(e.code).toBe("TOO_LARGE");
  expect(e.message).toMatch(/parameters.*narrower hidden layers/);
});
