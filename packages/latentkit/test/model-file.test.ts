import { beforeAll, describe, expect, it } from "vitest";
import { init, LatentkitError, load, text, train, type Autoencoder } from "../src/index.js";
import { modelFileKind, modelKind } from "../src/model-file.js";
import { WasmModel } from "../src/wasm.js";
import { crc32, randomRows } from "./helpers.js";

const X = randomRows(30, 7, 5);
let model: Autoencoder;
let bytes: Uint8Array;

beforeAll(async () => {
  model = await train(X, { encoder: [5, 3], epochs: 2 });
  bytes = model.save();
});

async function loadError(b: Uint8Array): Promise<LatentkitError> {
  try {
    await load(b);
  } catch (e) {
    expect(e).toBeInstanceOf(LatentkitError);
    return e as LatentkitError;
  }
  throw new Error("load() should have failed");
}

describe("model file layout", () => {
  it("starts with the magic, version 1, and ends with the CRC-32 of all preceding bytes", () => {
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("LATENTKT");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(8, true)).toBe(1);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
  });
  it("stores the history without timings", () => {
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('"format":"latentkit"');
    expect(text).toContain('"history"');
    expect(text).not.toContain("seconds");
  });
});

describe("CORRUPT_MODEL", () => {
  it("truncated files", async () => {
    for (const n of [0, 4, 8, 20, bytes.length - 1, Math.floor(bytes.length / 2)]) {
      const e = await loadError(bytes.slice(0, n));
      expect(e.code, `truncated to ${n}`).toBe("CORRUPT_MODEL");
    }
  });
  it("a flipped bit anywhere", async () => {
    for (const i of [9, 14, 30, bytes.length - 40, bytes.length - 2]) {
      const b = bytes.slice();
      b[i]! ^= 0x10;
      const e = await loadError(b);
      expect(e.code, `bit flipped at ${i}`).toBe("CORRUPT_MODEL");
    }
  });
  it("foreign bytes", async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
    const e = await loadError(png);
    expect(e.code).toBe("CORRUPT_MODEL");
    expect(e.message).toMatch(/model\.save\(\)/);
    expect((await loadError(new TextEncoder().encode(JSON.stringify({ hello: "world" })))).code).toBe("CORRUPT_MODEL");
  });
});

describe("UNSUPPORTED_VERSION", () => {
  it("a file from a newer format version (valid CRC)", async () => {
    const b = bytes.slice();
    const view = new DataView(b.buffer);
    view.setUint32(8, 5, true); // 1 and 2 are numeric models (2 with the optimiser's state), 3 and 4 text models
    view.setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
    const e = await loadError(b);
    expect(e.code).toBe("UNSUPPORTED_VERSION");
    // Without the CRC fix the same edit is just corruption.
    const c = bytes.slice();
    new DataView(c.buffer).setUint32(8, 5, true);
    expect((await loadError(c)).code).toBe("CORRUPT_MODEL");
  });
});

describe("the original model", () => {
  it("is untouched by all these failed loads", async () => {
    const again = await load(bytes);
    expect(again.weightsDigest()).toBe(model.weightsDigest());
    again.dispose();
  });
});

describe("model kind: decided from the structure (a config with tokens is a text model)", () => {
  let textBytes: Uint8Array;
  beforeAll(async () => {
    const gen = await text.train(["abc", "abd", "bcd", "cde"], { latent: 2, hidden: [4], epochs: 1, context: 0 });
    textBytes = gen.save();
    gen.dispose();
  });

  /** `model`'s weights saved with another meta object. */
  function withMeta(m: Uint8Array, meta: object): Promise<Uint8Array> {
    return (async () => {
      await init();
      const h = WasmModel.fromBytes(m);
      try {
        return h.toBytes(JSON.stringify(meta));
      } finally {
        h.free();
      }
    })();
  }

  it("reads the kind of numeric and text files, and null for bytes that are no model file", () => {
    expect(modelFileKind(bytes)).toBe("numeric");
    expect(modelFileKind(textBytes)).toBe("text");
    expect(modelFileKind(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(modelFileKind(bytes.slice(0, 20))).toBeNull();
  });

  it("load() and text.load() agree: each refuses the other kind with INVALID_OPTION naming the right loader", async () => {
    const e = await loadError(textBytes);
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/text\.load\(\)/);
    const e2 = (await text.load(bytes).catch((x: unknown) => x)) as LatentkitError;
    expect(e2.code).toBe("INVALID_OPTION");
    expect(e2.message).toMatch(/load\(\)/);
  });

  it("the config decides, not meta.kind: a text model's weights are a text model whatever its meta says (#11 cause 5)", async () => {
    const textMeta = JSON.parse(new TextDecoder().decode(textBytes.subarray(16, 16 + new DataView(textBytes.buffer, textBytes.byteOffset).getUint32(12, true)))).meta;
    const textWithoutKind = await withMeta(textBytes, { ...textMeta, kind: undefined });
    expect(modelFileKind(textWithoutKind)).toBe("text");
    const e = await loadError(textWithoutKind);
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/text\.load\(\)/);
    const gen = await text.load(textWithoutKind);
    expect(gen.sample(2)).toHaveLength(2);
    gen.dispose();
  });

  it("a meta that contradicts the config is CORRUPT_MODEL naming the field, from both loaders alike (#11 cause 5)", async () => {
    const textMeta = JSON.parse(new TextDecoder().decode(textBytes.subarray(16, 16 + new DataView(textBytes.buffer, textBytes.byteOffset).getUint32(12, true)))).meta;
    const cases: [Uint8Array, RegExp][] = [
      [await withMeta(bytes, { format: "latentkit", kind: "text", history: [] }), /meta\.kind is "text" but the config declares no tokens/],
      [await withMeta(textBytes, { ...textMeta, kind: "numeric" }), /meta\.kind is "numeric" but the config declares tokens/],
      [await withMeta(textBytes, { format: "latentkit", kind: "text", history: [] }), /meta\.text is missing but the config declares tokens/],
      [await withMeta(textBytes, { format: "latentkit", history: [] }), /meta\.text is missing/],
      [await withMeta(bytes, { format: "latentkit", text: textMeta.text, history: [] }), /meta\.text is there but the config declares no tokens/],
    ];
    for (const [file, message] of cases) {
      for (const e of [await loadError(file), (await text.load(file).catch((x: unknown) => x)) as LatentkitError]) {
        expect(e.code).toBe("CORRUPT_MODEL");
        expect(e.message).toMatch(message);
      }
    }
  });

  it("modelKind() looks at the config's tokens", () => {
    expect(modelKind({ inputSize: 3, encoder: [2] })).toBe("numeric");
    expect(modelKind({ inputSize: 10, tokens: { length: 2, vocab: 5 } })).toBe("text");
    expect(modelKind(null)).toBe("numeric");
  });
});
