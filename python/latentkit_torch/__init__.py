"""latentkit-torch: PyTorch twins of latentkit's models (the same forward pass), latentkit's
safetensors files in and out, and data-parallel training (`python -m latentkit_torch.train`)."""

from .config import Config, parse_config
from .errors import LatentkitTorchError
from .io import default_meta, from_latentkit, model_from_config, to_latentkit
from .numeric import Autoencoder
from .text import TextAutoencoder

__all__ = [
    "Autoencoder",
    "Config",
    "LatentkitTorchError",
    "TextAutoencoder",
    "default_meta",
    "from_latentkit",
    "model_from_config",
    "parse_config",
    "to_latentkit",
]
