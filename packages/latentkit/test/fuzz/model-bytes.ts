// The model file's layout (README.md "Model file"), taken apart and put back together, so
// tests can edit a file's header or numbers and recompute the CRC: such edits get past the
// checksum and test what load() checks about the meaning of the file.
//
//   8 magic "LATENTKT" | 4 version | 4 H | H header JSON | 4 N | 4·N f32 | 4 CRC-32 of all before

import { crc32 } from "../helpers.js";

/** A model file in parts. */
export interface ModelParts {
  version: number;
  /** The header JSON as text (edit it, or `header`, then {@link assemble}). */
  headerText: string;
  /** The parameter count field N. */
  count: number;
  /** The 4·N bytes of weights. */
  weights: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Splits intact model bytes into their parts (throws on anything else: a test bug). */
export function split(bytes: Uint8Array): ModelParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const count = view.getUint32(16 + h, true);
  const weights = bytes.slice(20 + h, 20 + h + 4 * count);
  if (20 + h + 4 * count + 4 !== bytes.length) throw new Error("split(): not an intact model file");
  return { version: view.getUint32(8, true), headerText: dec.decode(bytes.subarray(16, 16 + h)), count, weights };
}

/**
 * Puts parts back together: H from the header text, N as given (it may lie about the weights'
 * length, on purpose), and a correct CRC-32.
 */
export function assemble(p: ModelParts): Uint8Array {
  const header = enc.encode(p.headerText);
  const out = new Uint8Array(8 + 4 + 4 + header.length + 4 + p.weights.length + 4);
  const view = new DataView(out.buffer);
  out.set(enc.encode("LATENTKT"), 0);
  view.setUint32(8, p.version >>> 0, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  view.setUint32(16 + header.length, p.count >>> 0, true);
  out.set(p.weights, 20 + header.length);
  return withCrc(out.subarray(0, out.length - 4));
}

/** `body` followed by its CRC-32 (a file whose checksum is right whatever the body says). */
export function withCrc(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  out.set(body, 0);
  new DataView(out.buffer).setUint32(body.length, crc32(body), true);
  return out;
}

/** Recomputes the last four bytes (the CRC) of a file of at least 4 bytes. */
export function fixCrc(bytes: Uint8Array): Uint8Array {
  return withCrc(bytes.subarray(0, bytes.length - 4));
}

/**
 * The file with its header JSON edited (CRC recomputed): `edit` changes the parsed header in
 * place, or returns the new header text as a string (anything else it returns is ignored).
 */
export function editHeader(bytes: Uint8Array, edit: (header: any) => unknown): Uint8Array {
  const p = split(bytes);
  const h = JSON.parse(p.headerText);
  const out = edit(h);
  return assemble({ ...p, headerText: typeof out === "string" ? out : JSON.stringify(h) });
}
