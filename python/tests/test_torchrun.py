"""twin -> latentkit: `torchrun --nproc_per_node=2` (gloo, CPU) trains a tiny numeric model a few
steps and writes it; latentkit's load() reads the file in Node, and its encode, decode and
reconstruct match the twin's within 1e-5 relative (f32) on 100 rows. The same for a
character-level text model from a text file: text.load(), the same codes and greedy texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from agreement import TOLERANCE, relative_error
import latentkit_torch
from conftest import record, run_node
from latentkit_torch import from_latentkit
from latentkit_torch.vocab import Vocabulary

# torchrun's processes import the twin from where this test did (installed, or python/)
TWIN_PATH = os.path.dirname(os.path.dirname(os.path.abspath(latentkit_torch.__file__)))

CONFIGS = {
    "mse-elu": {"encoder": [6, 3], "activation": "elu", "seed": 3},
    "vae-bce-tanh": {"encoder": [6, 3], "activation": "tanh", "loss": "bce", "variational": {"beta": 0.5, "klWarmupEpochs": 2}},
}


def torchrun(csv, out, options, epochs=3, source="--data", batch=8):
    env = dict(os.environ, PYTHONPATH=TWIN_PATH, OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "latentkit_torch.train",
           source, str(csv), "--out", str(out), "--config", json.dumps(options), "--epochs", str(epochs), "--batch-size", str(batch), "--lr", "0.01"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, f"torchrun failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def torchrun_text(lines, out, options):
    return torchrun(lines, out, options, epochs=40, source="--text", batch=16)


@pytest.mark.parametrize("kind", list(CONFIGS))
def test_torchrun_model_loads_in_latentkit_with_the_same_outputs(tmp_path, kind):
    rng = np.random.default_rng(5)
    data = rng.random((100, 8), dtype=np.float32)
    csv = tmp_path / "rows.csv"
    csv.write_text("a,b,c,d,e,f,g,h\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in data) + "\n")
    out = tmp_path / "model.safetensors"
    log = torchrun(csv, out, CONFIGS[kind])
    assert "(2 processes)" in log and "epoch 3/3" in log
    model = from_latentkit(out)
    codes = rng.uniform(-1.5, 1.5, (100, model.config.latent_size)).astype(np.float32)
    x, z = torch.from_numpy(data), torch.from_numpy(codes)
    with torch.no_grad():
        ours = {"encode": model.encode(x), "decode": model.decode(z), "reconstruct": model.reconstruct(x)}
    inputs = tmp_path / "outputs.json"
    inputs.write_text(json.dumps({"data": data.ravel().tolist(), "codes": codes.ravel().tolist()}))
    run_node("outputs", str(out), str(inputs))
    theirs = json.loads(inputs.read_text())
    assert [r["epoch"] for r in theirs["history"]] == [1, 2, 3], "latentkit reads the history torchrun wrote"
    for what, value in ours.items():
        err = relative_error(value, theirs[what])
        record("twin (torchrun) -> latentkit", "numeric VAE" if model.variational else "numeric", what, err)
        assert err <= TOLERANCE, f"{kind} {what}: relative error {err:.3g}"


def test_torchrun_text_model_loads_in_latentkit_with_the_same_texts(tmp_path):
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo"]
    rng = np.random.default_rng(6)
    texts = ["".join(rng.choice(syllables, size=rng.integers(1, 4))) for _ in range(100)]
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join(texts) + "\n", encoding="utf-8")
    out = tmp_path / "gen.safetensors"
    options = {"maxLength": 8, "latent": 4, "hidden": [16], "context": 2, "seed": 3}
    log = torchrun_text(lines, out, options)
    assert "(2 processes)" in log
    model = from_latentkit(out)
    vocab = Vocabulary(model.latentkit_meta)
    codes = rng.uniform(-1.5, 1.5, (100, 4)).astype(np.float32)
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"texts": texts, "labels": None, "codes": codes.ravel().tolist()}))
    run_node("text-outputs", str(out), str(inputs))
    theirs = json.loads(inputs.read_text())
    ids = vocab.encode(texts)
    with torch.no_grad():
        err = relative_error(model.encode(ids), theirs["encode"])
        reconstructed = vocab.decode(model.reconstruct_ids(ids))
        decoded = vocab.decode(model.decode_ids(torch.from_numpy(codes)))
    record("twin (torchrun) -> latentkit", "text", "encode", err)
    assert err <= TOLERANCE, f"text encode: relative error {err:.3g}"
    assert reconstructed == theirs["reconstruct"]
    assert decoded == theirs["decode"]
    # trained, not noise: many texts come back
    assert sum(a == b for a, b in zip(texts, reconstructed)) >= 30
