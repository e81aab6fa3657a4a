// What `workers` does where a runtime cannot start workers (workerd, edge-runtime): "auto" trains
// in the calling thread, with the same bytes as `workers: 1`, and an explicit 2 is INVALID_OPTION
// saying so. NO_WORKERS is JavaScript source defining `async function latentkitNoWorkers(lk)`,
// run inside those runtimes by their test apps.

import { expect } from "vitest";

export const NO_WORKERS = `
async function latentkitNoWorkers(lk) {
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
  const rows = Array.from({ length: 64 }, (_, i) => Array.from({ length: 6 }, (_, j) => ((i * 7 + j * 3) % 11) / 11));
  const bytes = [];
  for (const workers of ["auto", 1]) bytes.push(hex(await crypto.subtle.digest("SHA-256", (await lk.train(rows, { epochs: 2, seed: 1, workers })).save())));
  let two = null;
  try { await lk.train(rows, { epochs: 1, workers: 2 }); } catch (e) { two = { code: e.code, message: e.message }; }
  return { bytes, two };
}
`;

/** Checks what latentkitNoWorkers returned. */
export function expectNoWorkers(result: Record<string, unknown>): void {
  const r = result as { bytes: string[]; two: { code: string; message: string } | null };
  expect(r.bytes[0]).toBe(r.bytes[1]);
  expect(r.two?.code).toBe("INVALID_OPTION");
  expect(r.two?.message).toMatch(/workers: 2 needs training workers, but this runtime .*cannot start workers.*Use workers: 1 or "auto"/);
}
