// A safetensors file that lies (issue #15, "Bad input"): about its header, its offsets, its
// dtypes, its tensors or its weights. Each one is CORRUPT_MODEL with a message that says what
// is wrong, from load() and text.load() alike; never a trap, a RangeError or a TypeError.

import { beforeAll, describe, expect, it } from "vitest";
import { init, LatentkitError, load, text, train } from "../src/index.js";
import { randomRows } from "./helpers.js";
import { editSt, readSt, writeSt } from "./safetensors-bytes.js";

let st: Uint8Array;

beforeAll(async () => {
  await init();
  st = await (await train(randomRows(20, 4, 1), { encoder: [3, 2], epochs: 1, seed: 1 })).toSafetensors();
});

async function refusal(bytes: Uint8Array): Promise<LatentkitError> {
  const e = await load(bytes).then(
    () => new Error("load() accepted it"),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LatentkitError);
  // text.load() reads the file the same way before it looks at the kind
  const t = await text.load(bytes).catch((x: unknown) => x);
  expect(t).toMatchObject({ code: (e as LatentkitError).code });
  return e as LatentkitError;
}

async function expectCorrupt(bytes: Uint8Array, says: string | RegExp): Promise<void> {
  const e = await refusal(bytes);
  expect(e.code).toBe("CORRUPT_MODEL");
  expect(e.message).toMatch(says);
}

const entry = (h: any, name: string) => h[name] as { dtype: string; shape: number[]; data_offsets: number[] };

describe("the container", () => {
  it("a header length larger than the file", async () => {
    const { header, data } = readSt(st);
    await expectCorrupt(writeSt(JSON.stringify(header), data, 1e6), /header length \(1000000 bytes\) is larger than/);
    await expectCorrupt(writeSt(JSON.stringify(header), data, 2 ** 40), /header length/);
  });

  it("a header that is not JSON, not UTF-8, not an object", async () => {
    const { data } = readSt(st);
    await expectCorrupt(writeSt("{not json", data), /not UTF-8 JSON/);
    const bad = writeSt('{"a":"  "}', data);
    bad.set([0xff, 0xfe], 14);
    await expectCorrupt(bad, /not UTF-8 JSON/);
    await expectCorrupt(writeSt("{}", new Uint8Array(0)), /no __metadata__/);
    await expectCorrupt(editSt(st, () => "[1]"), /not a latentkit model file/);
    await expectCorrupt(editSt(st, () => "{}  "), /no __metadata__/);
  });

  it("every truncation of the file", async () => {
    for (let n = 0; n < st.length; n += n < 64 ? 1 : 37) {
      const e = await refusal(st.subarray(0, n));
      expect(e.code, `${n} bytes`).toBe("CORRUPT_MODEL");
    }
  });
});

describe("the tensors' offsets", () => {
  it("out of range, reversed, overlapping, with a gap, or bytes after the last", async () => {
    await expectCorrupt(editSt(st, (h) => void (entry(h, "decoder.1.bias").data_offsets = entry(h, "decoder.1.bias").data_offsets.map((o) => o + 4))), /beyond the \d+ bytes of data/);
    await expectCorrupt(
      editSt(st, (h) => {
        const [b, e] = entry(h, "encoder.0.bias").data_offsets as [number, number];
        entry(h, "encoder.0.bias").data_offsets = [e, b];
      }),
      /end before they begin/,
    );
    await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.0.bias").data_offsets = entry(h, "encoder.0.weight").data_offsets.slice(0))), /shape \[3\] needs 12 bytes, but its data_offsets hold 48/);
    // encoder.1.bias moved 4 bytes back: it overlaps encoder.1.weight, and 4 bytes after it are no one's
    await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.1.bias").data_offsets = entry(h, "encoder.1.bias").data_offsets.map((o) => o - 4))), /tensors 'encoder.1.weight' and 'encoder.1.bias' overlap/);
    // every tensor 4 bytes later, the data 4 bytes longer: a gap before the first
    const later = editSt(st, (h) => {
      for (const k of Object.keys(h)) if (k !== "__metadata__") h[k].data_offsets = h[k].data_offsets.map((o: number) => o + 4);
    });
    await expectCorrupt(new Uint8Array([...later, 0, 0, 0, 0]), /4 bytes before tensor 'encoder.0.weight' belong to no tensor/);
    await expectCorrupt(later, /beyond the \d+ bytes of data/);
    const { header, data } = readSt(st);
    await expectCorrupt(writeSt(JSON.stringify(header), new Uint8Array([...data, 0, 0, 0, 0])), /4 bytes after the last tensor belong to no tensor/);
  });

  it("offsets that are not counts", async () => {
    for (const bad of [[-4, 8], [0.5, 8], ["0", 8], [0], null]) {
      await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.0.weight").data_offsets = bad as never)), /has no data_offsets/);
    }
    await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.0.weight").shape = [-1, 2])), /has no shape/);
    await expectCorrupt(editSt(st, (h) => void (h["encoder.0.weight"] = 7)), /entry for tensor 'encoder.0.weight' is not an object/);
  });
});

describe("what the tensors mean", () => {
  it("a dtype other than F32", async () => {
    await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.0.weight").dtype = "F16")), /tensor 'encoder.0.weight' has dtype F16; latentkit reads F32 only/);
    await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.0.weight").dtype = "I32")), /dtype I32/);
  });

  it("a missing tensor, an extra tensor, a renamed tensor", async () => {
    const { header, data } = readSt(st);
    const last = entry(header, "decoder.1.bias");
    const without = { ...header };
    delete without["decoder.1.bias"];
    await expectCorrupt(writeSt(JSON.stringify(without), data.subarray(0, last.data_offsets[0])), /tensor 'decoder.1.bias' is missing/);
    const extra = { ...header, "decoder.2.bias": { dtype: "F32", shape: [1], data_offsets: [data.length, data.length + 4] } };
    await expectCorrupt(writeSt(JSON.stringify(extra), new Uint8Array([...data, 0, 0, 0, 0])), /tensor 'decoder.2.bias' is not part of this model/);
    await expectCorrupt(editSt(st, (h) => JSON.stringify(h).replace('"encoder.0.bias"', '"encoder.0.b"')), /tensor 'encoder.0.b' is not part of this model/);
  });

  it("shapes that do not match the config", async () => {
    // (in, out) where nn.Linear keeps (out, in): the same bytes, the wrong layout
    await expectCorrupt(editSt(st, (h) => void entry(h, "encoder.0.weight").shape.reverse()), /tensor 'encoder.0.weight' has shape \[4, 3\], but the config needs \[3, 4\]/);
    await expectCorrupt(editSt(st, (h) => void (entry(h, "encoder.0.bias").shape = [3, 1])), /has shape \[3, 1\], but the config needs \[3\]/);
  });

  it("a config that does not describe these tensors, or is invalid", async () => {
    const with_ = (edit: (c: any) => void) =>
      editSt(st, (h) => {
        const c = JSON.parse(h.__metadata__.config);
        edit(c);
        h.__metadata__.config = JSON.stringify(c);
      });
    await expectCorrupt(with_((c) => (c.encoder = [3, 3])), /shape|is missing|not part/);
    await expectCorrupt(with_((c) => (c.encoder = [0])), /its config is invalid/);
    await expectCorrupt(with_((c) => (c.inputSize = 1e12)), /its config is invalid/);
    await expectCorrupt(with_((c) => (c.activation = "swish")), /its config is invalid/);
  });

  it("__metadata__ without latentkit's entries, or with a newer layout", async () => {
    await expectCorrupt(editSt(st, (h) => void delete h.__metadata__), /no __metadata__/);
    await expectCorrupt(editSt(st, (h) => void (h.__metadata__ = { format: "pt" })), /no 'latentkit' entry/);
    await expectCorrupt(editSt(st, (h) => void (h.__metadata__.latentkit = 1)), /not an object of strings/);
    await expectCorrupt(editSt(st, (h) => void delete h.__metadata__.config), /__metadata__.config is not a JSON object/);
    await expectCorrupt(editSt(st, (h) => void (h.__metadata__.meta = "[]")), /__metadata__.meta is not a JSON object/);
    const newer = await refusal(editSt(st, (h) => void (h.__metadata__.latentkit = "2")));
    expect(newer.code).toBe("UNSUPPORTED_VERSION");
    expect(newer.message).toMatch(/upgrade latentkit/);
  });

  it("NaN, infinite and huge weights", async () => {
    for (const v of [NaN, Infinity, -Infinity, 3e38]) {
      const bad = editSt(st, (h, data) => {
        const at = entry(h, "decoder.0.weight").data_offsets[0]! + 4;
        new DataView(data.buffer, data.byteOffset).setFloat32(at, v, true);
      });
      await expectCorrupt(bad, /tensor 'decoder.0.weight' holds NaN, an infinity or a value beyond ±2\^64 \(element 1\)/);
    }
  });

  it("a meta that contradicts the kind, as in the own format", async () => {
    const bad = editSt(st, (h) => void (h.__metadata__.meta = JSON.stringify({ format: "latentkit", kind: "text" })));
    await expectCorrupt(bad, /meta.kind/);
  });
});
