"""latentkit's safetensors files in and out (packages/latentkit/src/safetensors/convert.ts).

A file latentkit writes holds F32 tensors named as the modules' `state_dict()` names them, and
`__metadata__` with `latentkit` (the layout's version, "1"), `config` (the core's config JSON)
and `meta` (the model file's meta JSON: format tag, history; a text model's vocabulary,
settings, prior and labels). `from_latentkit` builds the module the config describes and loads
the tensors strictly; `to_latentkit` writes the same names, shapes and metadata back.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Union

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from .config import parse_config
from .errors import LatentkitTorchError
from .numeric import Autoencoder
from .text import TextAutoencoder

LAYOUT_VERSION = "1"

Model = Union[Autoencoder, TextAutoencoder]


def _refuse(path: str, why: str) -> LatentkitTorchError:
    return LatentkitTorchError(f"{path} is not a model latentkit wrote: {why}. Write it with latentkit's model.toSafetensors() or to_latentkit().")


def _read(path: str):
    """The metadata and tensors of a safetensors file; a clear error for anything else."""
    try:
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {name: f.get_tensor(name) for name in f.keys()}
    except (SafetensorError, OSError, ValueError) as e:
        raise _refuse(path, f"it cannot be read as a safetensors file ({e})") from None
    return metadata, tensors


def model_from_config(config: Any) -> Model:
    """The twin of a latentkit config (a dict or JSON text): TextAutoencoder when it has `tokens`."""
    parsed = parse_config(config)
    return TextAutoencoder(parsed) if parsed.tokens is not None else Autoencoder(parsed)


def from_latentkit(path: Union[str, os.PathLike]) -> Model:
    """The module of a safetensors file latentkit wrote (`model.toSafetensors()`), its weights
    loaded; its meta (history, a text model's vocabulary) kept as `model.latentkit_meta`."""
    path = os.fspath(path)
    metadata, tensors = _read(path)
    version = metadata.get("latentkit")
    if version is None:
        raise _refuse(path, "its __metadata__ has no 'latentkit' entry (the layout version)")
    if version != LAYOUT_VERSION:
        raise _refuse(path, f"its layout version is {version}; this twin reads version {LAYOUT_VERSION}: upgrade latentkit-torch")
    try:
        config = json.loads(metadata.get("config", ""))
        meta = json.loads(metadata.get("meta", "{}"))
    except json.JSONDecodeError as e:
        raise _refuse(path, f"its __metadata__ config or meta is not JSON ({e})") from None
    model = model_from_config(config)
    bad = [n for n, t in tensors.items() if t.dtype != torch.float32]
    if bad:
        raise _refuse(path, f"tensors {', '.join(bad)} are not float32")
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as e:
        raise _refuse(path, f"its tensors do not fit its config ({e})") from None
    model.latentkit_meta = meta
    return model


def default_meta(history: Optional[List[Dict[str, float]]] = None) -> Dict[str, Any]:
    """A numeric model's meta: the format tag and the epochs' history ({epoch, loss})."""
    return {"format": "latentkit", "history": list(history or [])}


def to_latentkit(model: Model, path: Union[str, os.PathLike], meta: Optional[Dict[str, Any]] = None) -> None:
    """Writes `model` as a safetensors file latentkit's `load()` (numeric) or `text.load()`
    (text) accepts. `meta` defaults to the one it was loaded with, or for a numeric model to
    `default_meta()`; a text model needs its meta (vocabulary and settings) from latentkit."""
    module = getattr(model, "module", model)  # a DistributedDataParallel wrapper's model
    if meta is None:
        meta = getattr(module, "latentkit_meta", None)
    if meta is None:
        if isinstance(module, TextAutoencoder):
            raise LatentkitTorchError("a text model needs its meta (vocabulary, settings): load it with from_latentkit() or pass meta=")
        meta = default_meta()
    tensors = {name: t.detach().to("cpu", torch.float32).contiguous() for name, t in module.state_dict().items()}
    for name, t in tensors.items():
        if not torch.isfinite(t).all() or t.abs().max().item() > 2.0 ** 64:
            raise LatentkitTorchError(f"tensor '{name}' holds NaN, an infinity or a value beyond ±2^64: latentkit refuses such weights; train with a lower learning rate")
    metadata = {"latentkit": LAYOUT_VERSION, "config": module.config.to_json(), "meta": json.dumps(meta, separators=(",", ":"))}
    save_file(tensors, os.fspath(path), metadata=metadata)
