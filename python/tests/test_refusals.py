"""What the twin refuses, each with a LatentkitTorchError that says why: files latentkit did not
write (or that do not fit their config), weights latentkit would refuse, and bad inputs."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import save_file

from latentkit_torch import Autoencoder, LatentkitTorchError, TextAutoencoder, from_latentkit, to_latentkit
from latentkit_torch.train import model_config, read_csv

CONFIG = {"inputSize": 8, "encoder": [6, 3], "activation": "relu"}
TEXT = {"inputSize": 9 * 12, "encoder": [10, 4], "tokens": {"length": 9, "vocab": 12, "table": 5, "context": 2, "labels": 2, "classes": [0] * 6 + [1] * 6}}


def written(tmp_path, tensors=None, **metadata):
    model = Autoencoder(CONFIG)
    tensors = tensors if tensors is not None else {k: v.contiguous() for k, v in model.state_dict().items()}
    meta = {"latentkit": "1", "config": json.dumps(CONFIG), "meta": "{}"}
    meta.update(metadata)
    path = tmp_path / "m.safetensors"
    save_file(tensors, str(path), metadata={k: v for k, v in meta.items() if v is not None})
    return path


def refused(path, words):
    with pytest.raises(LatentkitTorchError, match=words):
        from_latentkit(path)


def test_a_file_that_is_not_safetensors_is_refused(tmp_path):
    path = tmp_path / "junk.safetensors"
    path.write_bytes(b"LATENTKT" + bytes(64))
    refused(path, "cannot be read as a safetensors file")


def test_a_safetensors_file_latentkit_did_not_write_is_refused(tmp_path):
    refused(written(tmp_path, latentkit=None), "no 'latentkit' entry")
    refused(written(tmp_path, latentkit="2"), "layout version is 2")
    refused(written(tmp_path, config="{not json"), "not JSON")


def test_tensors_that_do_not_fit_the_config_are_refused(tmp_path):
    tensors = {k: v.contiguous() for k, v in Autoencoder(CONFIG).state_dict().items()}
    missing = dict(tensors)
    del missing["decoder.0.bias"]
    refused(written(tmp_path, missing), "do not fit its config")
    wrong = dict(tensors, **{"encoder.0.weight": torch.zeros(6, 7)})
    refused(written(tmp_path, wrong), "do not fit its config")
    double = dict(tensors, **{"encoder.0.weight": tensors["encoder.0.weight"].double()})
    refused(written(tmp_path, double), "not float32")


def test_a_written_model_loads_back_to_the_same_outputs(tmp_path):
    model = Autoencoder(dict(CONFIG, variational=True))
    to_latentkit(model, tmp_path / "v.safetensors")
    again = from_latentkit(tmp_path / "v.safetensors")
    x = torch.rand(5, 8)
    assert torch.equal(model.reconstruct(x), again.reconstruct(x))
    assert again.latentkit_meta == {"format": "latentkit", "history": []}


def test_weights_latentkit_would_refuse_are_not_written(tmp_path):
    model = Autoencoder(CONFIG)
    with torch.no_grad():
        model.decoder[0].weight[0, 0] = float("nan")
    with pytest.raises(LatentkitTorchError, match="NaN"):
        to_latentkit(model, tmp_path / "nan.safetensors")
    with pytest.raises(LatentkitTorchError, match="needs its meta"):
        to_latentkit(TextAutoencoder(TEXT), tmp_path / "text.safetensors")


def test_bad_inputs_are_refused():
    model, text = Autoencoder(CONFIG), TextAutoencoder(TEXT)
    with pytest.raises(LatentkitTorchError, match=r"\(rows, 8\)"):
        model.encode(torch.zeros(3, 7))
    with pytest.raises(LatentkitTorchError, match=r"\(rows, 3\)"):
        model.decode(torch.zeros(3, 4))
    with pytest.raises(LatentkitTorchError, match="from 0 to 11"):
        text.encode(torch.full((2, 9), 12), torch.tensor([0, 1]))
    with pytest.raises(LatentkitTorchError, match="one label id a row"):
        text.encode(torch.zeros(2, 9, dtype=torch.long))
    with pytest.raises(LatentkitTorchError, match="use TextAutoencoder"):
        Autoencoder(TEXT)
    with pytest.raises(LatentkitTorchError, match="unknown activation"):
        Autoencoder(dict(CONFIG, activation="swish"))


def test_the_training_script_refuses_bad_data_and_options(tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text("a,b\n1,2\n3\n")
    with pytest.raises(LatentkitTorchError, match="same number"):
        read_csv(str(csv))
    csv.write_text("1,2\nx,4\n")
    with pytest.raises(LatentkitTorchError, match="line 2"):
        read_csv(str(csv))
    with pytest.raises(LatentkitTorchError, match="unknown model options"):
        model_config({"epochs": 3}, 2)
    with pytest.raises(LatentkitTorchError, match="sigmoid"):
        model_config({"loss": "bce", "outputActivation": "linear"}, 2)
    assert model_config({"loss": "bce"}, 8)["outputActivation"] == "sigmoid"
    assert model_config({}, 100)["encoder"] == [25]


def test_text_training_refuses_what_it_does_not_mirror():
    from latentkit_torch.text_data import classes_from_counts, options_of

    with pytest.raises(LatentkitTorchError, match="character-level"):
        options_of({"level": "word"}, 10)
    with pytest.raises(LatentkitTorchError, match="unknown text options"):
        options_of({"labels": ["a"], "noise": 0.1}, 10)
    # text.train's defaults: a VAE's KL warm-up over a quarter of the epochs (of at most 30)
    assert options_of({"variational": True}, 100)["variational"] == {"beta": 1, "klWarmupEpochs": 8, "freeBits": 0.1}
    # frequency binning as the core's: the heavy token alone, then equal shares, none empty
    assert classes_from_counts([50, 10, 10, 10, 10, 10], 3) == [0, 1, 1, 2, 2, 2]
    assert sorted(set(classes_from_counts([1] * 7, 7))) == list(range(7))
