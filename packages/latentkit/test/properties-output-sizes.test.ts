// Issue #11, cause 1: results are bounded like inputs. decode() of rows × inputSize above
// the documented 2^28-value limit (maxOutputValues) is TOO_LARGE before any allocation, and
// harms no other model (it used to allocate, wrap around 2^32 into an empty result, or trap).
// Each case runs in its own process, so that a regression to a trap cannot poison the run.

import fc from "fast-check";
import { expect, it } from "vitest";
import { runIsolated } from "./isolated.js";
import { PROPERTY_SEED } from "./properties/common.js";

it("decode() of more than 2^28 output values: TOO_LARGE, other models unharmed", async () => {
  // seeded row counts over the limit for 65,536 columns: just over 2^28, around 2^32 and past it
  const rows = [4097, 65535, 65536, 65537, ...fc.sample(fc.integer({ min: 4097, max: 200_000 }), { seed: PROPERTY_SEED, numRuns: 3 })];
  const bad: string[] = [];
  for (const n of rows) {
    const r = await runIsolated(
      `await lk.init();
       const m = lk.create(65536, { encoder: [1] });
       const other = lk.create(2, { encoder: [1] });
       const before = Array.from(other.encode([[1, 2]]).data);
       const out = {};
       try { const y = lk.decode(m, { data: new Float32Array(${n}), rows: ${n}, cols: 1 }); out.decode = { len: y.data.length, rows: y.rows, cols: y.cols }; } catch (e) { out.decode = caught(e); }
       try { out.other = JSON.stringify(Array.from(other.encode([[1, 2]]).data)) === JSON.stringify(before); } catch (e) { out.other = caught(e); }
       done(out);`,
      60_000,
    );
    const v = r.value as { decode: { code?: string; len?: number }; other: unknown } | undefined;
    if (r.timedOut || !v) bad.push(`${n} rows: ${r.timedOut ? "hung" : `no result (exit ${r.code})`}`);
    else if (v.decode.code !== "TOO_LARGE" || v.other !== true) bad.push(`${n} rows: decode ${JSON.stringify(v.decode).slice(0, 160)}, other model ${JSON.stringify(v.other).slice(0, 120)}`);
  }
  expect(bad, `seed ${PROPERTY_SEED}:\n${bad.join("\n")}`).toEqual([]);
}, 300_000);
