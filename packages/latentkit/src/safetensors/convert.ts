// latentkit's own model file ↔ safetensors, the lazily imported chunk behind
// `model.toSafetensors()`, `gen.toSafetensors()`, and `load()` / `text.load()` of a safetensors
// file. A safetensors file is read by building the own file's bytes (CRC included) and loading
// those, so the core stays the one place that checks a config against its weights.
//
// `__metadata__`: `latentkit` (this layout's version, "1"), `config` (the core's config JSON) and
// `meta` (the own file's meta JSON: format tag, history; a text model's vocabulary, settings,
// prior, labels). Weights only: the optimiser's state of a `save({ optimizer: true })` file is
// not carried.

import { LatentkitError } from "../errors.js";
import { wasmCall, wasmPlanJson } from "../wasm.js";
import type { WireModelConfig } from "../wire.js";
import { crc32 } from "./crc32.js";
import { corrupt, parseSafetensors, writeSafetensors } from "./format.js";
import { tensorLayout, type Plan, type TensorSpec } from "./layout.js";

/** The version of the layout written in `__metadata__.latentkit`. */
const LAYOUT_VERSION = "1";
/** A text model's own-format version (numeric: 1); the optimiser's state is never carried. */
const TEXT_FORMAT_VERSION = 3;
const MAX_ABS_WEIGHT = 2 ** 64;

/** The core's plan of `config` (a JSON string) and its tensors; the core's error if it is invalid. */
function layoutOf(configJson: string): { plan: Plan; tensors: TensorSpec[] } {
  const plan = JSON.parse(wasmCall(() => wasmPlanJson(configJson))) as Plan;
  return { plan, tensors: tensorLayout(JSON.parse(configJson) as WireModelConfig, plan) };
}

/** Calls `visit(k, index)` for each element k (row-major in its shape) of a tensor and its index in the buffer. */
function eachElement(t: TensorSpec, visit: (k: number, index: number) => void): void {
  const [rows = 1, cols = 1] = t.shape;
  for (let r = 0, k = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, k++) visit(k, t.offset + (t.stride ? c * t.stride + r : k));
  }
}

/** A model file's bytes (made by the core's `toBytes`) as a safetensors file. @internal */
export function ownToSafetensors(own: Uint8Array): Uint8Array {
  const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
  const headerLength = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(own.subarray(16, 16 + headerLength))) as { config: unknown; meta: unknown };
  const weights = 16 + headerLength + 4;
  const config = JSON.stringify(header.config);
  const { tensors } = layoutOf(config);
  const metadata = { latentkit: LAYOUT_VERSION, config, meta: JSON.stringify(header.meta) };
  return writeSafetensors(metadata, tensors, (i, out) => eachElement(tensors[i]!, (k, index) => (out[k] = view.getFloat32(weights + 4 * index, true))));
}

/** The `__metadata__` entries latentkit needs: the layout version checked, config and meta parsed. */
function readMetadata(metadata: Record<string, string>): { config: string; meta: string } {
  const version = metadata.latentkit;
  if (version === undefined) throw corrupt("its __metadata__ has no 'latentkit' entry (the layout version), so it was not written in latentkit's layout");
  if (version !== LAYOUT_VERSION) {
    throw new LatentkitError("UNSUPPORTED_VERSION", `This safetensors file has latentkit layout version ${version}; this latentkit reads version ${LAYOUT_VERSION}: upgrade latentkit to load it.`);
  }
  const parsed: string[] = [];
  for (const key of ["config", "meta"]) {
    let value: unknown;
    try {
      value = JSON.parse(metadata[key] ?? "");
    } catch {
      // said below
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw corrupt(`its __metadata__.${key} is not a JSON object`);
    parsed.push(JSON.stringify(value));
  }
  const [config = "", meta = ""] = parsed;
  return { config, meta };
}

/** The core's plan and tensors of a file's config; CORRUPT_MODEL (with the core's reason) if it is invalid. */
function checkedLayout(config: string): { plan: Plan; tensors: TensorSpec[] } {
  try {
    return layoutOf(config);
  } catch (e) {
    if (e instanceof LatentkitError && e.code !== "INTERNAL") throw corrupt(`its config is invalid (${e.message})`);
    throw e;
  }
}

/**
 * A safetensors file in latentkit's layout as the own model file's bytes, for `load()` and
 * `text.load()`: CORRUPT_MODEL saying what is wrong with the container, a missing, extra or
 * misshapen tensor, or a weight that is NaN, infinite or beyond ±2^64. @internal
 */
export function safetensorsToOwn(bytes: Uint8Array): Uint8Array {
  const file = parseSafetensors(bytes);
  const { config, meta } = readMetadata(file.metadata);
  const { plan, tensors } = checkedLayout(config);
  const expected = new Set(tensors.map((t) => t.name));
  for (const name of file.tensors.keys()) if (!expected.has(name)) throw corrupt(`tensor '${name}' is not part of this model (its config has ${[...expected].join(", ")})`);
  const layers = plan.layers.map((l) => `[${l.inputs},${l.outputs}]`).join(",");
  const header = new TextEncoder().encode(`{"config":${config},"layers":[${layers}],"paramCount":${plan.paramCount},"meta":${meta}}`);
  const out = new Uint8Array(16 + header.length + 4 + 4 * plan.paramCount + 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode("LATENTKT"));
  view.setUint32(8, JSON.parse(config).tokens ? TEXT_FORMAT_VERSION : 1, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  const weights = 16 + header.length + 4;
  view.setUint32(weights - 4, plan.paramCount, true);
  const data = new DataView(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  for (const t of tensors) {
    const stored = file.tensors.get(t.name);
    if (!stored) throw corrupt(`tensor '${t.name}' is missing`);
    if (stored.shape.join() !== t.shape.join() || stored.shape.length !== t.shape.length) {
      throw corrupt(`tensor '${t.name}' has shape [${stored.shape.join(", ")}], but the config needs [${t.shape.join(", ")}]`);
    }
    eachElement(t, (k, index) => {
      const v = data.getFloat32(stored.begin + 4 * k, true);
      if (!(Math.abs(v) <= MAX_ABS_WEIGHT)) throw corrupt(`tensor '${t.name}' holds NaN, an infinity or a value beyond ±2^64 (element ${k})`);
      view.setFloat32(weights + 4 * index, v, true);
    });
  }
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}
