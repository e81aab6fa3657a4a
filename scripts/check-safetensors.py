"""Checks latentkit's safetensors files against the reference implementation (not run in CI).

    python3 -m venv /work/venv-st && /work/venv-st/bin/pip install safetensors numpy
    pnpm build   # the SDK this reads from packages/latentkit/dist
    /work/venv-st/bin/python scripts/check-safetensors.py

1. latentkit writes numeric, VAE, text and conditional text models (scripts/check-safetensors.mjs);
2. safetensors.numpy.load_file reads each: float32 tensors with PyTorch's shapes, the metadata;
   a numeric model's code, recomputed with numpy from the tensors alone (y = act(x @ W.T + b)),
   matches latentkit's encode();
3. safetensors.numpy.save_file writes the same tensors and metadata again (its own order and
   header), and latentkit loads those files back to the very same model files.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parent.parent
ACT = {"linear": lambda x: x, "tanh": np.tanh, "relu": lambda x: np.maximum(x, 0)}


def node(*args):
    subprocess.run(["node", str(ROOT / "scripts/check-safetensors.mjs"), *args], check=True)


def numpy_codes(tensors, config, x):
    """The encoder from the tensors alone: nn.Linear layers, a VAE's mean."""
    h = x
    for i in range(len(config["encoder"])):
        last = i == len(config["encoder"]) - 1
        name = "mean" if last and config.get("variational") else f"encoder.{i}"
        act = ACT[config["latentActivation"] if last else config["activation"]]
        h = act(h @ tensors[f"{name}.weight"].T.astype(np.float64) + tensors[f"{name}.bias"])
    return h


def main():
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        node("write", tmp)
        for name in ["numeric", "vae", "text", "conditional"]:
            path = d / f"{name}.safetensors"
            tensors = load_file(str(path))
            with safe_open(str(path), "np") as f:
                metadata = f.metadata()
            assert all(t.dtype == np.float32 for t in tensors.values())
            config = json.loads(metadata["config"])
            shapes = ", ".join(f"{k} {list(v.shape)}" for k, v in list(tensors.items())[:4])
            print(f"safetensors {name}: {len(tensors)} float32 tensors ({shapes}, ...), metadata {sorted(metadata)}")
            if "tokens" not in config:
                expected = json.loads((d / f"{name}.json").read_text())
                codes = numpy_codes(tensors, config, np.array(expected["rows"], dtype=np.float64))
                want = np.array(expected["codes"]).reshape(codes.shape)
                err = float(np.max(np.abs(codes - want) / np.maximum(1, np.abs(want))))
                print(f"  numpy encode from the tensors vs latentkit encode: max relative error {err:.2e}")
                assert err < 1e-5
            save_file(tensors, str(d / f"{name}.py.safetensors"), metadata=metadata)
        node("verify", tmp)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
