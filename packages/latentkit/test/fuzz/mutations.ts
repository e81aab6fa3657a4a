// The mutations of the model-file fuzzer. Case i of a run is a pure function of (seed, i) and
// the base files, so any case can be replayed alone. The first cases are systematic (every
// numeric field of the header and meta set to every absurd value, every key deleted, renamed
// and retyped, every array emptied and blown up, the binary fields, chosen weights); the rest
// are seeded random edits (bit flips, truncations, insertions, header text edits, combinations).
// Safetensors files (model.toSafetensors()) get the same header edits (their tensors' dtype,
// shape and offsets, their __metadata__) and their own random edits (stRandomCase).

import { rng } from "../helpers.js";
import { assemble, fixCrc, split, withCrc, type ModelParts } from "./model-bytes.js";
import { readSt, writeSt } from "../safetensors-bytes.js";

/** The seed of a run unless LATENTKIT_FUZZ_SEED says otherwise. */
export const DEFAULT_SEED = 20261201;

/** One mutated file and what was done to it. */
export interface Mutation {
  base: number;
  what: string;
  bytes: Uint8Array;
}

type Path = (string | number)[];
type Edit = { what: string; apply(h: any): void };

// Written into the header as a sentinel string, then substituted as a raw JSON token, so the
// file can hold what JSON.stringify cannot write (1e999 overflows to Infinity, NaN is not JSON).
const RAW = (token: string) => `@@RAW@@${token}@@`;
const ABSURD: unknown[] = [
  1e300, -1, RAW("1e999"), RAW("-1e999"), RAW("NaN"), 2 ** 53, 2 ** 32, 2 ** 31, 0, RAW("-0"), 0.5, 1e-45, 3.5e38, -3.5e38,
];
const RETYPED: unknown[] = [null, "x", [], {}, true];

function render(h: unknown): string {
  return JSON.stringify(h).replace(/"@@RAW@@(.*?)@@"/g, "$1");
}

const label = (p: Path) => p.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("").slice(1);

function parentOf(h: any, p: Path): any {
  let o = h;
  for (const k of p.slice(0, -1)) o = o[k];
  return o;
}

/** Every path in `v`: numbers (leaves), keys of objects, arrays. Long arrays: first and last item only. */
function walk(v: any, p: Path, out: { numbers: Path[]; keys: Path[]; arrays: Path[] }): void {
  if (typeof v === "number") out.numbers.push(p);
  if (Array.isArray(v)) {
    if (p.length) out.arrays.push(p);
    const idx = v.length > 3 ? [0, v.length - 1] : v.map((_, i) => i);
    for (const i of idx) walk(v[i], [...p, i], out);
  } else if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) {
      out.keys.push([...p, k]);
      walk(v[k], [...p, k], out);
    }
  }
}

/** The systematic header edits of one base file. */
function headerEdits(header: unknown): Edit[] {
  const found = { numbers: [] as Path[], keys: [] as Path[], arrays: [] as Path[] };
  walk(header, [], found);
  const edits: Edit[] = [];
  for (const p of found.numbers) {
    for (const v of ABSURD) edits.push({ what: `${label(p)} = ${String(v).replace(/@/g, "")}`, apply: (h) => void (parentOf(h, p)[p[p.length - 1]!] = v) });
  }
  for (const p of found.keys) {
    const k = p[p.length - 1] as string;
    edits.push({ what: `delete ${label(p)}`, apply: (h) => void delete parentOf(h, p)[k] });
    edits.push({
      what: `rename ${label(p)} to ${k}_`,
      apply: (h) => {
        const o = parentOf(h, p);
        o[`${k}_`] = o[k];
        delete o[k];
      },
    });
    // a fresh copy each time: combined edits must not share (and then link) one object
    for (const v of RETYPED) edits.push({ what: `${label(p)} = ${JSON.stringify(v)}`, apply: (h) => void (parentOf(h, p)[k] = structuredClone(v)) });
  }
  for (const p of found.arrays) {
    const last = p[p.length - 1]!;
    edits.push({ what: `${label(p)} = []`, apply: (h) => void (parentOf(h, p)[last] = []) });
    edits.push({ what: `${label(p)} one item more`, apply: (h) => void parentOf(h, p)[last].push(parentOf(h, p)[last][0] ?? 1) });
    edits.push({ what: `${label(p)} one item less`, apply: (h) => void parentOf(h, p)[last].pop() });
    edits.push({ what: `${label(p)} × 100,000 items`, apply: (h) => void (parentOf(h, p)[last] = new Array(100_000).fill(parentOf(h, p)[last][0] ?? 1)) });
  }
  return edits;
}

/** Edits of the binary fields and of chosen weights (all with a correct CRC). */
function binaryEdits(parts: ModelParts): { what: string; make(): Uint8Array }[] {
  const out: { what: string; make(): Uint8Array }[] = [];
  for (const version of [0, 2, 0xffffffff]) out.push({ what: `version = ${version}`, make: () => assemble({ ...parts, version }) });
  for (const count of [0, parts.count - 1, parts.count + 1, 2 ** 30, 0xffffffff]) {
    out.push({ what: `N = ${count}`, make: () => assemble({ ...parts, count }) });
  }
  const whole = assemble(parts);
  for (const h of [0, 1, 0xffffffff]) {
    out.push({ what: `H = ${h}`, make: () => { const b = whole.slice(); new DataView(b.buffer).setUint32(12, h, true); return fixCrc(b); } });
  }
  const n = parts.weights.length / 4;
  for (const i of [0, n >> 1, n - 1]) {
    for (const v of [NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, 1e30]) {
      out.push({
        what: `weight[${i}] = ${v}`,
        make: () => {
          const w = parts.weights.slice();
          new DataView(w.buffer).setFloat32(4 * i, v, true);
          return assemble({ ...parts, weights: w });
        },
      });
    }
  }
  return out;
}

/** The systematic cases of every base, in a fixed order. */
export function systematicCases(bases: readonly Uint8Array[]): { base: number; what: string; make(): Uint8Array }[] {
  const cases: { base: number; what: string; make(): Uint8Array }[] = [];
  bases.forEach((bytes, base) => {
    const parts = split(bytes);
    for (const e of headerEdits(JSON.parse(parts.headerText))) {
      cases.push({
        base,
        what: e.what,
        make: () => {
          const h = JSON.parse(parts.headerText);
          e.apply(h);
          return assemble({ ...parts, headerText: render(h) });
        },
      });
    }
    for (const e of binaryEdits(parts)) cases.push({ base, ...e });
  });
  return cases;
}

/** Seeded random case: one of the random mutation kinds applied to a random base. */
export function randomCase(bases: readonly Uint8Array[], seed: number, index: number): Mutation {
  const u = rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const int = (n: number) => Math.floor(u() * n);
  const base = int(bases.length);
  const src = bases[base]!;
  const kind = int(8);
  const flip = (b: Uint8Array, from: number, to: number, bits: number) => {
    for (let k = 0; k < bits; k++) {
      const i = from + int(Math.max(1, to - from));
      b[i]! ^= 1 << int(8);
    }
    return b;
  };
  const parts = split(src);
  const h = 16 + new TextEncoder().encode(parts.headerText).length;
  switch (kind) {
    case 0:
      return { base, what: "bit flips", bytes: flip(src.slice(), 0, src.length, 1 + int(8)) };
    case 1:
      return { base, what: "bit flips in the header, CRC fixed", bytes: fixCrc(flip(src.slice(), 8, h, 1 + int(3))) };
    case 2:
      return { base, what: "bit flips in the weights, CRC fixed", bytes: fixCrc(flip(src.slice(), h + 4, src.length - 4, 1 + int(3))) };
    case 3: {
      const n = int(src.length);
      return u() < 0.5 ? { base, what: `truncated to ${n}`, bytes: src.slice(0, n) } : { base, what: `truncated to ${n}, CRC fixed`, bytes: withCrc(src.subarray(0, Math.max(0, n - 4))) };
    }
    case 4: {
      const at = int(src.length);
      const ins = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
      const b = new Uint8Array(src.length + ins.length);
      b.set(src.subarray(0, at), 0);
      b.set(ins, at);
      b.set(src.subarray(at), at + ins.length);
      return u() < 0.5 ? { base, what: `${ins.length} bytes inserted at ${at}`, bytes: b } : { base, what: `${ins.length} bytes inserted at ${at}, CRC fixed`, bytes: fixCrc(b) };
    }
    case 5: {
      const t = parts.headerText;
      const at = int(t.length);
      const c = `{}[]",:0-9.eE \\n`[int(17)]!;
      const text = t.slice(0, at) + c + t.slice(at + int(2));
      return { base, what: `header text: ${JSON.stringify(c)} at ${at}`, bytes: assemble({ ...parts, headerText: text }) };
    }
    default: {
      // 1-3 systematic header edits at once
      const edits = headerEdits(JSON.parse(parts.headerText));
      const header = JSON.parse(parts.headerText);
      const chosen = Array.from({ length: 1 + int(3) }, () => edits[int(edits.length)]!);
      for (const e of chosen) {
        try {
          e.apply(header);
        } catch {
          // an earlier edit removed what this one edits
        }
      }
      return { base, what: chosen.map((e) => e.what).join("; "), bytes: assemble({ ...parts, headerText: render(header) }) };
    }
  }
}

/** The systematic cases of safetensors bases (numbered from `first`): every header edit, its length field, chosen weights. */
export function stSystematicCases(bases: readonly Uint8Array[], first: number): { base: number; what: string; make(): Uint8Array }[] {
  const cases: { base: number; what: string; make(): Uint8Array }[] = [];
  bases.forEach((bytes, i) => {
    const { header, data } = readSt(bytes);
    const text = JSON.stringify(header);
    for (const e of headerEdits(header)) {
      cases.push({ base: first + i, what: `safetensors ${e.what}`, make: () => { const h = JSON.parse(text); e.apply(h); return writeSt(render(h), data); } });
    }
    for (const length of [0, 1, text.length - 1, text.length + 1, 2 ** 32, 2 ** 53]) {
      cases.push({ base: first + i, what: `safetensors header length = ${length}`, make: () => writeSt(text, data, length) });
    }
    for (const v of [NaN, Infinity, 3.4e38]) {
      cases.push({ base: first + i, what: `safetensors last weight = ${v}`, make: () => { const d = data.slice(); new DataView(d.buffer).setFloat32(d.length - 4, v, true); return writeSt(text, d); } });
    }
  });
  return cases;
}

/** Seeded random edit of a safetensors base (numbered from `first`): bit flips, truncations, insertions, header text edits. */
export function stRandomCase(bases: readonly Uint8Array[], seed: number, index: number, first: number): Mutation {
  const u = rng((seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const int = (n: number) => Math.floor(u() * n);
  const i = int(bases.length);
  const src = bases[i]!;
  const base = first + i;
  const { header, data } = readSt(src);
  const end = src.length - data.length;
  const b = src.slice();
  switch (int(4)) {
    case 0:
      for (let k = 0, n = 1 + int(4); k < n; k++) b[8 + int(end - 8)]! ^= 1 << int(8);
      return { base, what: "safetensors: bit flips in the header", bytes: b };
    case 1: {
      const n = int(src.length);
      return { base, what: `safetensors: truncated to ${n}`, bytes: src.slice(0, n) };
    }
    case 2: {
      for (let k = 0, n = 1 + int(8); k < n; k++) b[int(src.length)]! ^= 1 << int(8);
      return { base, what: "safetensors: bit flips", bytes: b };
    }
    default: {
      const t = JSON.stringify(header);
      const at = int(t.length);
      const c = `{}[]",:0-9.eE \\n`[int(17)]!;
      return { base, what: `safetensors header text: ${JSON.stringify(c)} at ${at}`, bytes: writeSt(t.slice(0, at) + c + t.slice(at + int(2)), data) };
    }
  }
}
