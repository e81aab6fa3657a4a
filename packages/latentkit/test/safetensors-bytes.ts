// A safetensors file taken apart and put back together, so tests can make files that lie:
// the header edited (its length recomputed, or not), the data replaced.

/** The header length field, the parsed header and the data section of a safetensors file. */
export function readSt(bytes: Uint8Array): { length: number; header: any; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  return { length, header, data: bytes.subarray(8 + length) };
}

/** A file of this header text (as is: no padding) and data, its length field `length` (default: right). */
export function writeSt(headerText: string, data: Uint8Array, length?: number): Uint8Array {
  const h = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** The file with its header edited in place by `edit` (or replaced by what it returns), data unchanged. */
export function editSt(bytes: Uint8Array, edit: (header: any, data: Uint8Array) => unknown): Uint8Array {
  const { header, data } = readSt(bytes);
  const copy = data.slice();
  const out = edit(header, copy);
  return writeSt(typeof out === "string" ? out : JSON.stringify(out ?? header), copy);
}
