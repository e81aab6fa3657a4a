// The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON header `{ "__metadata__": { string: string }, name: { dtype,
// shape, data_offsets: [begin, end) } }` (offsets relative to the data after the header), then
// the data. Reading checks everything the header claims against the bytes, so a lying file is a
// CORRUPT_MODEL that says what is wrong, never a RangeError or a wrong weight. No latentkit
// specifics here: convert.ts maps tensors to the model.

import { LatentkitError } from "../errors.js";

/** A tensor the header declares: offsets already checked against the data. @internal */
export interface StoredTensor {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed safetensors file. @internal */
export interface Safetensors {
  metadata: Record<string, string>;
  tensors: Map<string, StoredTensor>;
  /** The data section (what `begin`/`end` index). */
  data: Uint8Array;
}

/** CORRUPT_MODEL for a safetensors file, `why` saying what is wrong. @internal */
export function corrupt(why: string): LatentkitError {
  return new LatentkitError(
    "CORRUPT_MODEL",
    `This safetensors file cannot be loaded: ${why}. Write it with model.toSafetensors() (or in the same layout, see the README's safetensors section).`,
  );
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The header's entry `name`, checked for form (dtype a string, shape and offsets counts). */
function readEntry(name: string, entry: unknown, dataLength: number): StoredTensor {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (typeof e !== "object" || e === null || Array.isArray(e)) throw corrupt(`the header's entry for tensor '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = e;
  if (typeof dtype !== "string") throw corrupt(`tensor '${name}' has no dtype`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw corrupt(`tensor '${name}' has no shape (a list of counts)`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) throw corrupt(`tensor '${name}' has no data_offsets (two byte offsets)`);
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw corrupt(`tensor '${name}' has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) throw corrupt(`tensor '${name}' has data_offsets [${begin}, ${end}] beyond the ${dataLength} bytes of data`);
  if (dtype !== "F32") throw corrupt(`tensor '${name}' has dtype ${dtype}; latentkit reads F32 only (save float32 tensors)`);
  const bytes = 4 * shape.reduce((a: number, b: number) => a * b, 1);
  if (bytes !== end - begin) throw corrupt(`tensor '${name}' of shape [${shape.join(", ")}] needs ${bytes} bytes, but its data_offsets hold ${end - begin}`);
  return { name, dtype, shape, begin, end };
}

/** The tensors must cover the data exactly once: no gap, no overlap, nothing after the last. */
function checkTiling(tensors: StoredTensor[], dataLength: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let last = "";
  for (const t of sorted) {
    if (t.begin > at) throw corrupt(`${t.begin - at} bytes before tensor '${t.name}' belong to no tensor`);
    if (t.begin < at) throw corrupt(`tensors '${last}' and '${t.name}' overlap`);
    at = t.end;
    last = t.name;
  }
  if (at !== dataLength) throw corrupt(`${dataLength - at} bytes after the last tensor belong to no tensor`);
}

/** Reads and checks a safetensors file (not what its tensors mean). @internal */
export function parseSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) throw corrupt("it is shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (length > bytes.length - 8) throw corrupt(`its header length (${length} bytes) is larger than the ${bytes.length - 8} bytes after it`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch (e) {
    throw corrupt(`its header is not UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw corrupt("its header is not a JSON object");
  const data = bytes.subarray(8 + length);
  const { __metadata__: meta, ...entries } = header as Record<string, unknown>;
  if (meta === undefined) throw corrupt("its header has no __metadata__ (latentkit keeps the model's config there)");
  if (typeof meta !== "object" || meta === null || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === "string")) {
    throw corrupt("its __metadata__ is not an object of strings");
  }
  const tensors = new Map<string, StoredTensor>();
  for (const [name, entry] of Object.entries(entries)) tensors.set(name, readEntry(name, entry, data.length));
  checkTiling([...tensors.values()], data.length);
  return { metadata: meta as Record<string, string>, tensors, data };
}

/**
 * A safetensors file of F32 tensors, packed in the order given; `fill(i, out)` writes tensor
 * i's values (row-major in its shape) into `out`. The header is padded with spaces to a
 * multiple of 8 bytes, as the format allows, so the data is aligned. @internal
 */
export function writeSafetensors(metadata: Record<string, string>, specs: { name: string; shape: number[] }[], fill: (i: number, out: Float32Array) => void): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let at = 0;
  for (const { name, shape } of specs) {
    const end = at + 4 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: "F32", shape, data_offsets: [at, end] };
    at = end;
  }
  const text = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + padded + at);
  out.fill(0x20, 8, 8 + padded);
  out.set(text, 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  let offset = 8 + padded;
  specs.forEach((spec, i) => {
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    fill(i, values);
    values.forEach((v, k) => view.setFloat32(offset + 4 * k, v, true));
    offset += 4 * values.length;
  });
  return out;
}
