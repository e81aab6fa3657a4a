// The ONNX files checked by the reference tools (issue #15): onnx.checker (full check) accepts them
// and ONNX Runtime's native CPU build (the PyPI wheel) reproduces latentkit's outputs, through
// scripts/check-onnx.py. It needs a Python with `onnx` and `onnxruntime`: the venv that
// scripts/setup-torch.sh makes (CI runs it; $LATENTKIT_TORCH_VENV or .venv-torch/), or
// $LATENTKIT_ONNX_PYTHON. Without one this file says it skipped; test/onnx.test.ts runs the same
// graphs in onnxruntime-web either way.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { text, train } from "../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const candidates = [process.env.LATENTKIT_ONNX_PYTHON, path.join(process.env.LATENTKIT_TORCH_VENV ?? path.join(root, ".venv-torch"), "bin", "python")];
const python = candidates.find((p) => p && existsSync(p) && spawnSync(p, ["-c", "import onnx, onnxruntime"]).status === 0);
if (!python) console.warn("onnx-reference.test.ts: SKIPPED: no Python with onnx and onnxruntime (run bash scripts/setup-torch.sh, or set LATENTKIT_ONNX_PYTHON)");

const floats = (data: Float32Array, shape: number[]) => ({ dtype: "float32", shape, data: Array.from(data) });
const ints = (data: number[], shape: number[]) => ({ dtype: "int64", shape, data });

describe.skipIf(!python)("ONNX files in the reference tools", () => {
  it("onnx.checker accepts every part and ONNX Runtime (CPU) gives latentkit's outputs within 1e-5", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "latentkit-onnx-"));
    try {
      const rows = 50;
      const x = { data: Float32Array.from({ length: rows * 10 }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.61)), rows, cols: 10 };
      const model = await train(x, { encoder: [8, 3], activation: "gelu", latentActivation: "tanh", outputActivation: "sigmoid", epochs: 2, seed: 1 });
      const codes = model.encode(x);
      const words = ["garden", "window", "river", "mother", "table", "bread"];
      const gen = await text.train(words, { epochs: 5, seed: 2 });
      const L = 7;
      const id = new Map(gen.vocabulary.map((t, i) => [t, i]));
      const ids = words.flatMap((w) => Array.from({ length: L }, (_, i) => (i < w.length ? id.get(w[i]!)! : i === w.length ? 1 : 0)));
      const file = async (name: string, bytes: Promise<Uint8Array>) => {
        const p = path.join(dir, `${name}.onnx`);
        writeFileSync(p, await bytes);
        return p;
      };
      const cases = [
        { model: await file("encoder", model.toOnnx({ part: "encoder" })), feeds: { data: floats(x.data, [rows, 10]) }, expected: { code: Array.from(codes.data) } },
        { model: await file("decoder", model.toOnnx({ part: "decoder" })), feeds: { code: floats(codes.data, [rows, 3]) }, expected: { output: Array.from(model.decode(codes).data) } },
        { model: await file("autoencoder", model.toOnnx()), feeds: { data: floats(x.data, [rows, 10]) }, expected: { output: Array.from(model.reconstruct(x).data) } },
        { model: await file("text-encoder", gen.toOnnx({ part: "encoder" })), feeds: { ids: ints(ids, [words.length, L]) }, expected: { code: Array.from(gen.encode(words).data) } },
      ];
      const decoder = await file("text-decoder", gen.toOnnx());
      writeFileSync(path.join(dir, "cases.json"), JSON.stringify(cases));
      const run = spawnSync(python!, [path.join(root, "scripts/check-onnx.py"), path.join(dir, "cases.json")], { encoding: "utf8" });
      const report = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { errors?: number[]; failed?: string };
      expect(report.failed, run.stderr).toBeUndefined();
      console.log(`onnx-reference: onnx.checker and ONNX Runtime CPU, max relative errors ${report.errors!.map((e) => e.toExponential(2)).join(", ")}`);
      for (const e of report.errors!) expect(e).toBeLessThan(1e-5);
      // the decoder step: the checker accepts it (its outputs are held to score() in onnx.test.ts)
      const check = spawnSync(python!, ["-c", `import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)`, decoder], { encoding: "utf8" });
      expect(check.status, check.stderr).toBe(0);
      model.dispose();
      gen.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
