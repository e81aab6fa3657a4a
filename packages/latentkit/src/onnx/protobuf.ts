// The few protocol-buffer encodings an ONNX file needs (varints, 32-bit floats, length-delimited
// fields), written by hand: a protobuf library would cost more than the ONNX writer itself, and
// ONNX files are only ever written here, never read.

/** A protobuf message being written: its fields in the order they are added. @internal */
export class Message {
  #parts: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  #key(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  #varint(value: number | bigint): void {
    // int64 fields: negative numbers are 10-byte two's complement varints
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? byte | 0x80 : byte);
    } while (v > 0n);
    this.#push(Uint8Array.from(out));
  }

  /** A varint field (int32, int64, enum). */
  int(field: number, value: number): this {
    this.#key(field, 0);
    this.#varint(value);
    return this;
  }

  /** A 32-bit float field. */
  float(field: number, value: number): this {
    this.#key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#push(b);
    return this;
  }

  /** A length-delimited field: bytes, a UTF-8 string or a nested message. */
  bytes(field: number, value: Uint8Array | string | Message): this {
    const b = typeof value === "string" ? new TextEncoder().encode(value) : value instanceof Message ? value.finish() : value;
    this.#key(field, 2);
    this.#varint(b.length);
    this.#push(b);
    return this;
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
