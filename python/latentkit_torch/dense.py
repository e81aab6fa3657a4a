"""The dense layers every latentkit model has: the encoder, a VAE's mean and log-variance, the decoder.

The parameter names are latentkit's safetensors layout (packages/latentkit/src/safetensors/layout.ts):
`encoder.i` for the encoder's layers, except that a VAE's last encoder layer is the pair `mean`
and `logvar` (the core's one layer emitting [mean | log-variance], split in two), then
`decoder.j` for the decoder's layers, its last the output layer (a text model's: the query base).
Each is an `nn.Linear`: weight (out, in), bias (out).
"""

from __future__ import annotations

from typing import Optional, Tuple

import torch
from torch import nn

from .config import Config, activation


class DenseLayers(nn.Module):
    """The encoder and decoder stacks of a latentkit model, mixed into a model class.

    Subclasses call `_build_dense(config, inputs, outputs, output_activation)` in `__init__`, so
    the layers are attributes of the model itself and `state_dict()` has latentkit's names.
    """

    def _build_dense(self, config: Config, inputs: int, outputs: int, output_activation: str) -> None:
        self.variational = config.variational is not None
        self._hidden = activation(config.activation)
        self._latent = activation(config.latent_activation)
        self._output = activation(output_activation)
        self.encoder = nn.ModuleList()
        prev, last = inputs, len(config.encoder) - 1
        for i, width in enumerate(config.encoder):
            if i == last and self.variational:
                self.mean = nn.Linear(prev, width)
                self.logvar = nn.Linear(prev, width)
            else:
                self.encoder.append(nn.Linear(prev, width))
            prev = width
        self.decoder = nn.ModuleList()
        for width in list(config.decoder) + [outputs]:
            self.decoder.append(nn.Linear(prev, width))
            prev = width

    def _init_dense(self, config: Config) -> None:
        """latentkit's kind of initialisation (not its draws): weights uniform within
        sqrt(6 / (fan_in + fan_out)) (glorotUniform) or sqrt(6 / fan_in) (heUniform), biases 0.
        A VAE's mean and log-variance are one layer of 2 x latent outputs in latentkit."""
        he = config.raw.get("init") == "heUniform"
        layers = list(self.encoder) + list(self.decoder) + ([self.mean, self.logvar] if self.variational else [])
        for layer in layers:
            fan_in, fan_out = layer.in_features, layer.out_features * (2 if layer in (getattr(self, "mean", None), getattr(self, "logvar", None)) else 1)
            limit = (6.0 / (fan_in if he else fan_in + fan_out)) ** 0.5
            nn.init.uniform_(layer.weight, -limit, limit)
            nn.init.zeros_(layer.bias)

    def _encoder_layers(self):
        """(layer, activation) of each encoder stage; a VAE's last stage emits [mean | log-variance]."""
        stages = [(layer, self._hidden) for layer in self.encoder]
        if self.variational:
            stages.append((lambda x: torch.cat([self.mean(x), self.logvar(x)], dim=-1), self._latent))
        else:
            layer, _ = stages.pop()
            stages.append((layer, self._latent))
        return stages

    def _run_encoder(self, x: torch.Tensor, first_add: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The encoder's output h: the code, or a VAE's [mean | log-variance]. `first_add` (a
        conditional model's label rows) joins the first layer's pre-activation."""
        for i, (layer, act) in enumerate(self._encoder_layers()):
            z = layer(x)
            if i == 0 and first_add is not None:
                z = z + first_add
            x = act(z)
        return x

    def _split(self, h: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """A VAE's encoder output as (mean, log-variance)."""
        half = h.shape[-1] // 2
        return h[..., :half], h[..., half:]

    def _run_decoder(self, z: torch.Tensor, first_add: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """The decoder's (pre-activation, output) of its last layer; `first_add` joins the first
        layer's pre-activation (a conditional model's label rows)."""
        x, pre = z, z
        last = len(self.decoder) - 1
        for i, layer in enumerate(self.decoder):
            pre = layer(x)
            if i == 0 and first_add is not None:
                pre = pre + first_add
            x = (self._output if i == last else self._hidden)(pre)
        return pre, x
