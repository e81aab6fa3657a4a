// Removes the custom sections named on the command line (e.g. `name`, `producers`) from a
// .wasm file, in place. wasm-pack has no flag for what `wasm-bindgen --remove-name-section
// --remove-producers-section` does, and stripping in the linker (`strip = true`) would also
// drop the `target_features` section that tells wasm-bindgen it may use multi-value returns,
// which makes the glue larger. Usage: node strip-wasm-sections.mjs file.wasm name producers
import { readFileSync, writeFileSync } from "node:fs";

const [file, ...names] = process.argv.slice(2);
const wasm = readFileSync(file);
if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a wasm module`);

/** Reads an unsigned LEB128 at `pos`: [value, next position]. */
function leb(pos) {
  let value = 0, shift = 0, byte;
  do {
    byte = wasm[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

const kept = [wasm.subarray(0, 8)];
let pos = 8;
while (pos < wasm.length) {
  const start = pos;
  const id = wasm[pos];
  const [size, body] = leb(pos + 1);
  const end = body + size;
  let drop = false;
  if (id === 0) {
    const [len, at] = leb(body);
    drop = names.includes(wasm.toString("utf8", at, at + len));
  }
  if (!drop) kept.push(wasm.subarray(start, end));
  pos = end;
}
writeFileSync(file, Buffer.concat(kept));
