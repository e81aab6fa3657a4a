"""twin -> latentkit for text models: a text model the twin changed (every weight moved, so the
file is not latentkit's own bytes) and wrote with to_latentkit loads in latentkit's text.load(),
which then encodes like the twin (1e-5 relative) and decodes the same greedy texts."""

from __future__ import annotations

import json

import pytest
import torch

from agreement import TOLERANCE, relative_error
from conftest import load_json, record, run_node
from latentkit_torch import from_latentkit, to_latentkit
from latentkit_torch.vocab import Vocabulary
from test_from_latentkit import TEXT, label_ids, rows


@pytest.mark.parametrize("kind", TEXT)
def test_a_text_model_the_twin_wrote_loads_in_latentkit(latentkit_files, tmp_path, kind):
    model = from_latentkit(latentkit_files / f"{kind}.safetensors")
    g = torch.Generator().manual_seed(9)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * p.std().nan_to_num(1.0) * torch.randn(p.shape, generator=g))
    out = tmp_path / "changed.safetensors"
    to_latentkit(model, out)
    fixture = load_json(latentkit_files / f"{kind}.json")
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({k: fixture[k] for k in ("texts", "labels", "codes")}))
    run_node("text-outputs", str(out), str(inputs))
    theirs = json.loads(inputs.read_text())
    vocab = Vocabulary(model.latentkit_meta)
    ids, labels = vocab.encode(fixture["texts"]), label_ids(model, fixture)
    with torch.no_grad():
        err = relative_error(model.encode(ids, labels), theirs["encode"])
        reconstructed = vocab.decode(model.reconstruct_ids(ids, labels))
        decoded = vocab.decode(model.decode_ids(rows(fixture["codes"], model.config.latent_size), labels))
    record("twin -> latentkit", "text", "encode", err)
    assert err <= TOLERANCE, f"{kind} encode: relative error {err:.3g}"
    assert reconstructed == theirs["reconstruct"]
    assert decoded == theirs["decode"]
    # the weights moved: latentkit's outputs are not the fixture's any more (the file is the twin's)
    assert theirs["encode"] != fixture["encode"]
