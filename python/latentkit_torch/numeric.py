"""latentkit's dense autoencoder for numeric rows, as a `torch.nn.Module`.

Forward as the core computes it (crates/latentkit-core/src/autoencoder.rs): hidden layers take
`activation`, the encoder's last `latentActivation`, the output layer `outputActivation`; a VAE's
encoder emits [mean | log-variance], `encode` is the mean (as latentkit's encode), and training
draws z = mean + exp(logvar / 2)·eps. The loss is the core's (layers/loss.rs, variational.rs).
"""

from __future__ import annotations

from typing import Optional, Union

import torch
import torch.nn.functional as F

from .config import Config, parse_config
from .dense import DenseLayers
from .errors import LatentkitTorchError


class Autoencoder(DenseLayers):
    """A numeric latentkit model: `encode`, `decode`, `reconstruct`, and `loss` for training."""

    def __init__(self, config: Union[Config, dict, str]):
        super().__init__()
        self.config = config if isinstance(config, Config) else parse_config(config)
        if self.config.tokens is not None:
            raise LatentkitTorchError("this config is a text model's (it has 'tokens'): use TextAutoencoder")
        self._build_dense(self.config, self.config.input_size, self.config.input_size, self.config.output_activation)
        self._init_dense(self.config)

    def _rows(self, x: torch.Tensor, cols: int, what: str) -> torch.Tensor:
        x = torch.as_tensor(x, dtype=self.decoder[0].weight.dtype)
        if x.dim() != 2 or x.shape[1] != cols:
            raise LatentkitTorchError(f"{what} must be a (rows, {cols}) matrix; got shape {tuple(x.shape)}")
        return x

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Rows (B, inputSize) -> codes (B, latentSize); a VAE's posterior mean."""
        h = self._run_encoder(self._rows(x, self.config.input_size, "data"))
        return self._split(h)[0] if self.variational else h

    def encode_distribution(self, x: torch.Tensor):
        """A VAE's (mean, log-variance) of each row."""
        if not self.variational:
            raise LatentkitTorchError("the encoder's distribution exists only for a variational model")
        return self._split(self._run_encoder(self._rows(x, self.config.input_size, "data")))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Codes (B, latentSize) -> outputs (B, inputSize)."""
        return self._run_decoder(self._rows(z, self.config.latent_size, "codes"))[1]

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """decode(encode(x)): through the mean for a VAE, as latentkit's reconstruct."""
        return self.decode(self.encode(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.reconstruct(x)

    def loss(self, x: torch.Tensor, kl_weight: float = 1.0, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """latentkit's training loss of a batch: MSE, or BCE from the logits (sigmoid output);
        mean over every element, or for a VAE summed over a row's elements and averaged over rows,
        plus kl_weight·beta·KL with each latent dimension's KL floored at freeBits."""
        x = self._rows(x, self.config.input_size, "data")
        h = self._run_encoder(x)
        if self.variational:
            mu, logvar = self._split(h)
            eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
            z = mu + torch.exp(0.5 * logvar) * eps
        else:
            z = h
        pre, out = self._run_decoder(z)
        if self.config.loss == "bce":
            per = F.binary_cross_entropy_with_logits(pre, x, reduction="none")
        else:
            per = (out - x) ** 2
        if not self.variational:
            return per.mean()
        v = self.config.variational or {}
        kl_dims = (0.5 * (mu * mu + torch.exp(logvar) - 1.0 - logvar)).mean(dim=0)
        kl = torch.clamp(kl_dims, min=float(v.get("freeBits", 0.0))).sum()
        return per.sum(dim=1).mean() + kl_weight * float(v.get("beta", 1.0)) * kl
