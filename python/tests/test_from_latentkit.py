"""latentkit -> twin: models latentkit trained and wrote (safetensors) give latentkit's outputs in
the twin, within 1e-5 relative (f32) on 100 rows; text models give identical greedy texts."""

from __future__ import annotations

import pytest
import torch

from agreement import TOLERANCE, relative_error
from conftest import load_json, record
from latentkit_torch import Autoencoder, TextAutoencoder, from_latentkit
from latentkit_torch.vocab import Vocabulary

NUMERIC = ["relu-mse", "leaky-tanh-latent", "elu-bce", "gelu-sigmoid-latent-tanh-out", "vae-tanh", "vae-sigmoid-one-layer"]
TEXT = ["text-context", "text-vae-labels", "text-no-context", "text-vae-labels-no-hidden"]


def rows(values, cols):
    return torch.tensor(values, dtype=torch.float32).reshape(-1, cols)


@pytest.mark.parametrize("kind", NUMERIC)
def test_numeric_outputs_match_latentkit(latentkit_files, kind):
    model = from_latentkit(latentkit_files / f"{kind}.safetensors")
    assert isinstance(model, Autoencoder)
    assert model.variational == kind.startswith("vae")
    out = load_json(latentkit_files / f"{kind}.json")
    x = rows(out["data"], model.config.input_size)
    z = rows(out["codes"], model.config.latent_size)
    assert x.shape[0] == 100
    with torch.no_grad():
        ours = {"encode": model.encode(x), "decode": model.decode(z), "reconstruct": model.reconstruct(x)}
    for what, value in ours.items():
        err = relative_error(value, out[what])
        record("latentkit -> twin", "numeric" if not model.variational else "numeric VAE", what, err)
        assert err <= TOLERANCE, f"{kind} {what}: relative error {err:.3g}"


def label_ids(model, out):
    if out["labels"] is None:
        return None
    names = model.latentkit_meta["text"]["labels"]
    return torch.tensor([names.index(label) for label in out["labels"]])


@pytest.mark.parametrize("kind", TEXT)
def test_text_outputs_match_latentkit(latentkit_files, kind):
    model = from_latentkit(latentkit_files / f"{kind}.safetensors")
    assert isinstance(model, TextAutoencoder)
    out = load_json(latentkit_files / f"{kind}.json")
    vocab = Vocabulary(model.latentkit_meta)
    ids, labels = vocab.encode(out["texts"]), label_ids(model, out)
    codes = rows(out["codes"], model.config.latent_size)
    with torch.no_grad():
        encoded = model.encode(ids, labels)
        err = relative_error(encoded, out["encode"])
        record("latentkit -> twin", "text", "encode", err)
        assert err <= TOLERANCE, f"{kind} encode: relative error {err:.3g}"
        reconstructed = vocab.decode(model.reconstruct_ids(ids, labels))
        decoded = vocab.decode(model.decode_ids(codes, labels))
    same = sum(a == b for a, b in zip(reconstructed, out["reconstruct"]))
    assert reconstructed == out["reconstruct"], f"{kind}: {100 - same} of 100 greedy reconstructions differ"
    assert decoded == out["decode"], f"{kind}: greedy decodes of the codes differ"
    # the check has teeth: a model that reconstructs nothing would pass on empty strings only
    assert any(len(t) > 0 for t in decoded)


@pytest.mark.parametrize("kind", [k for k in NUMERIC + TEXT if "vae" not in k])
def test_the_training_loss_is_latentkits(latentkit_files, kind):
    """The loss the twin trains on (Autoencoder.loss, TextAutoencoder.loss) is latentkit's
    evaluate() loss of the same rows (no noise; a VAE's loss samples, so VAEs are left out)."""
    model = from_latentkit(latentkit_files / f"{kind}.safetensors")
    out = load_json(latentkit_files / f"{kind}.json")
    with torch.no_grad():
        if isinstance(model, TextAutoencoder):
            ours = model.loss(Vocabulary(model.latentkit_meta).encode(out["texts"]), label_ids(model, out))
        else:
            ours = model.loss(rows(out["data"], model.config.input_size))
    err = abs(ours.item() - out["evaluate"]) / abs(out["evaluate"])
    record("latentkit -> twin", "text" if isinstance(model, TextAutoencoder) else "numeric", "training loss", err)
    assert err <= TOLERANCE, f"{kind} loss: {ours.item()} vs latentkit's {out['evaluate']}"


@pytest.mark.parametrize("kind", TEXT)
def test_text_training_makes_latentkits_vocabulary_and_classes(latentkit_files, kind):
    """The twin's text training builds the vocabulary, rows and token classes text.train built."""
    from latentkit_torch.text_data import encode_texts, options_of, text_config

    model = from_latentkit(latentkit_files / f"{kind}.safetensors")
    out = load_json(latentkit_files / f"{kind}.json")
    o = options_of({"maxLength": 8}, 10)
    vocabulary, ids, stats = encode_texts(out["texts"], o)
    assert vocabulary == model.latentkit_meta["text"]["vocabulary"]
    assert stats == model.latentkit_meta["text"]["stats"]
    assert torch.equal(ids, Vocabulary(model.latentkit_meta).encode(out["texts"]))
    assert text_config(o, ids, len(vocabulary))["tokens"]["classes"] == model.config.tokens.classes
