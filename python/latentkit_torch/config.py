"""latentkit's model config (the core's JSON, as `__metadata__.config` holds it) and its activations.

The config is read, not re-validated: latentkit's core checks it when it loads a file, and
`to_latentkit` writes it back as it came. What a module needs is read here with the core's
defaults (crates/latentkit-core/src/config.rs), so a hand-written config works too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import torch
import torch.nn.functional as F

from .errors import LatentkitTorchError

# Each activation as latentkit computes it (crates/latentkit-kernels/src/math.rs): leaky relu's
# slope is 0.01, ELU's alpha 1, GELU the tanh form.
ACTIVATIONS: Dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": F.relu,
    "leakyRelu": lambda z: F.leaky_relu(z, 0.01),
    "elu": lambda z: F.elu(z, 1.0),
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "linear": lambda z: z,
}


def activation(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The function latentkit's activation `name` computes."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise LatentkitTorchError(f"unknown activation '{name}': use one of {', '.join(ACTIVATIONS)}") from None


@dataclass
class Tokens:
    """A text model's `tokens`: sequence length L, vocabulary V, table width d, context k."""

    length: int
    vocab: int
    table: int
    classes: List[int]
    context: int = 0
    labels: int = 0
    pad_id: int = 0
    end_id: int = 1
    start_id: int = 2  # the core's "maskId": the id standing before a text in the head's context


@dataclass
class Config:
    """The parts of latentkit's config that decide the forward pass and the loss."""

    input_size: int
    encoder: List[int]
    decoder: List[int]
    activation: str = "relu"
    latent_activation: str = "linear"
    output_activation: str = "linear"
    loss: str = "mse"
    variational: Optional[Dict[str, float]] = None
    tokens: Optional[Tokens] = None
    raw: Dict[str, Any] = field(default_factory=dict)

    @property
    def latent_size(self) -> int:
        return self.encoder[-1]

    def to_json(self) -> str:
        """The config as latentkit reads it (the dict it was made from)."""
        return json.dumps(self.raw, separators=(",", ":"))


def _positive_list(raw: Dict[str, Any], key: str) -> List[int]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(w, int) and w > 0 for w in value):
        raise LatentkitTorchError(f"config '{key}' must be a list of positive layer widths")
    return value


def _tokens(t: Dict[str, Any]) -> Tokens:
    classes = t.get("classes")
    if not isinstance(classes, list) or len(classes) != t.get("vocab"):
        raise LatentkitTorchError("config 'tokens.classes' must give each token's class (latentkit writes it when it saves)")
    return Tokens(
        length=int(t["length"]), vocab=int(t["vocab"]), table=int(t["table"]), classes=[int(c) for c in classes],
        context=int(t.get("context", 0)), labels=int(t.get("labels", 0)), pad_id=int(t.get("padId", 0)),
        end_id=int(t.get("endId", 1)), start_id=int(t.get("maskId", 2)),
    )


def parse_config(raw: Any) -> Config:
    """A Config from latentkit's config (a dict or its JSON text)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as e:
            raise LatentkitTorchError(f"the config is not JSON ({e})") from None
    if not isinstance(raw, dict):
        raise LatentkitTorchError("the config must be a JSON object")
    encoder = _positive_list(raw, "encoder")
    decoder = raw.get("decoder")
    # the core's default decoder: the encoder's hidden widths reversed
    decoder = list(reversed(encoder[:-1])) if decoder is None else _positive_list(raw, "decoder")
    variational = raw.get("variational")
    if variational is True:
        variational = {}
    elif not isinstance(variational, dict):
        variational = None
    tokens = _tokens(raw["tokens"]) if isinstance(raw.get("tokens"), dict) else None
    input_size = raw.get("inputSize")
    if not isinstance(input_size, int) or input_size <= 0:
        raise LatentkitTorchError("config 'inputSize' must be a positive integer")
    config = Config(
        input_size=input_size, encoder=encoder, decoder=decoder,
        activation=raw.get("activation", "relu"), latent_activation=raw.get("latentActivation", "linear"),
        output_activation=raw.get("outputActivation", "linear"), loss=raw.get("loss", "mse"),
        variational=variational, tokens=tokens, raw=dict(raw, decoder=decoder),
    )
    for name in (config.activation, config.latent_activation, config.output_activation):
        activation(name)
    return config
