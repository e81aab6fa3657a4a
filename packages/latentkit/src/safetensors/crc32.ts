// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the trailer of latentkit's own model
// file (crates/latentkit-core/src/io/crc32.rs), which convert.ts builds from a safetensors file.

let table: Uint32Array | undefined;

/** CRC-32 of `bytes`. @internal */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = table[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
