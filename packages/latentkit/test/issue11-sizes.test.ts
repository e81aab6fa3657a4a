// Issue #11, cause 1 (output sizes were not checked, so valid-looking calls trapped or returned
// wrong results), the reproductions word for word. Each runs in a child process with a time limit
// (test/isolated.ts), so that a regression to a trap cannot poison the other tests' instance.

import { describe, expect, it } from "vitest";
import { expectRefused, isolated } from "./isolated.js";



describe("cause 1: output sizes are checked before allocation", () => {
  it("decode() of 65,536 rows of a 65,536-column model: a right result or TOO_LARGE; 65,537 rows: TOO_LARGE; other models unharmed", async () => {
    const v = await isolated(`
      await lk.init();
      const m = lk.create(65536, { encoder: [1] });
      const other = await lk.train([[1, 2], [3, 4]], { epochs: 1 });
      const before = Array.from(other.encode([[1, 2]]).data);
      const r = {};
      try { const out = lk.decode(m, { data: new Float32Array(65536), rows: 65536, cols: 1 }); r.a = { len: out.data.length, rows: out.rows, cols: out.cols }; } catch (e) { r.a = caught(e); }
      try { lk.decode(m, { data: new Float32Array(65537), rows: 65537, cols: 1 }); r.b = "returned"; } catch (e) { r.b = caught(e); }
      try { r.c = Array.from(other.encode([[1, 2]]).data); r.before = before; } catch (e) { r.c = caught(e); }
      done(r);`);
    if (v.a.threw) expectRefused(v.a, ["TOO_LARGE"], "65536 rows");
    else expect(v.a.len, "65536 rows: data.length must be rows × cols").toBe(v.a.rows * v.a.cols);
    expectRefused(v.b, ["TOO_LARGE"], "65537 rows");
    expect(v.c, "encode() of another model after the failed decode").toEqual(v.before);
  });

  it("256 texts of 4,096 characters over 1,024 characters, every option in range: trains or is refused (TOO_LARGE), no trap", async () => {
    const v = await isolated(`
      const chars = Array.from({ length: 1024 }, (_, i) => String.fromCodePoint(0x4e00 + i));
      const texts = Array.from({ length: 256 }, (_, t) => Array.from({ length: 4096 }, (_, i) => chars[(i * 7 + t * 13) % 1024]).join(""));
      try { const g = await lk.text.train(texts, { maxLength: 4096, hidden: [1], latent: 1, epochs: 1, batchSize: 256 }); done({ trained: true, sample: g.sample(1).length }); } catch (e) { done(caught(e)); }`, 120_000);
    if (!v.trained) expectRefused(v, ["TOO_LARGE", "INVALID_OPTION"], "text.train");
    else expect(v.sample).toBe(1);
  });
});
