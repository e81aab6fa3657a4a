// An ONNX graph being built (onnx.proto's field numbers), and the model file around it: opset 17,
// IR version 8, float32 tensors. Only what latentkit's exports use.

import { Message } from "./protobuf.js";

const FLOAT = 1;
const INT64 = 7;
/** AttributeProto.AttributeType */
const ATTRIBUTE = { float: 1, int: 2, ints: 7 } as const;
export const OPSET = 17;
const IR_VERSION = 8;

/** An attribute of a node: a float, an int or a list of ints. @internal */
export type Attribute = number | { int: number } | { ints: readonly number[] };

/** A graph input or output: its element type and shape (a string is a named, free dimension). @internal */
export interface ValueInfo {
  name: string;
  type: "float" | "int64";
  shape: readonly (number | string)[];
}

/** Builds the nodes and initializers of one graph; names are made unique as they are asked for. @internal */
export class Graph {
  readonly #nodes: Message[] = [];
  readonly #initializers: Message[] = [];
  readonly #named = new Set<string>();
  #count = 0;

  /** A fresh value name starting with `hint`. */
  name(hint: string): string {
    return `${hint}_${this.#count++}`;
  }

  /** A float32 initializer (a weight or a constant) named `name`; once, however often it is asked for. */
  tensor(name: string, dims: readonly number[], values: Float32Array | readonly number[]): string {
    if (this.#named.has(name)) return name;
    this.#named.add(name);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    const t = new Message();
    for (const d of dims) t.int(1, d);
    this.#initializers.push(t.int(2, FLOAT).bytes(8, name).bytes(9, raw));
    return name;
  }

  /** An int64 initializer (shapes, indices). */
  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    const t = new Message();
    for (const d of dims) t.int(1, d);
    this.#initializers.push(t.int(2, INT64).bytes(8, name).bytes(9, raw));
    return name;
  }

  /** A float scalar constant. */
  scalar(value: number): string {
    return this.tensor(this.name("const"), [], [value]);
  }

  /** Adds a node `op(inputs) -> output`; returns the output's name. */
  op(op: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, output = this.name(op.toLowerCase())): string {
    const node = new Message();
    for (const i of inputs) node.bytes(1, i);
    node.bytes(2, output).bytes(3, this.name(`node_${op}`)).bytes(4, op);
    for (const [name, value] of Object.entries(attributes)) node.bytes(5, attribute(name, value));
    this.#nodes.push(node);
    return output;
  }

  /** The ONNX model file of this graph. */
  model(name: string, inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], doc: string): Uint8Array {
    const graph = new Message();
    for (const n of this.#nodes) graph.bytes(1, n);
    graph.bytes(2, name);
    for (const t of this.#initializers) graph.bytes(5, t);
    for (const v of inputs) graph.bytes(11, valueInfo(v));
    for (const v of outputs) graph.bytes(12, valueInfo(v));
    return new Message()
      .int(1, IR_VERSION)
      .bytes(2, "latentkit")
      .bytes(6, doc)
      .bytes(7, graph)
      .bytes(8, new Message().bytes(1, "").int(2, OPSET))
      .finish();
  }
}

function attribute(name: string, value: Attribute): Message {
  const a = new Message().bytes(1, name);
  if (typeof value === "number") return a.float(2, value).int(20, ATTRIBUTE.float);
  if ("int" in value) return a.int(3, value.int).int(20, ATTRIBUTE.int);
  for (const i of value.ints) a.int(8, i);
  return a.int(20, ATTRIBUTE.ints);
}

function valueInfo(v: ValueInfo): Message {
  const shape = new Message();
  for (const d of v.shape) shape.bytes(1, typeof d === "number" ? new Message().int(1, d) : new Message().bytes(2, d));
  const tensor = new Message().int(1, v.type === "float" ? FLOAT : INT64).bytes(2, shape);
  return new Message().bytes(1, v.name).bytes(2, new Message().bytes(1, tensor));
}
