"""Data-parallel training of a latentkit model, written as a file latentkit loads:

    torchrun --nproc_per_node=N -m latentkit_torch.train --data rows.csv --out model.safetensors \
        [--config '{"encoder": [16, 4], "loss": "bce"}'] [--epochs 10 --batch-size 32 --lr 1e-3]
    torchrun --nproc_per_node=N -m latentkit_torch.train --text lines.txt --out gen.safetensors \
        [--config '{"maxLength": 24, "latent": 16, "hidden": [128]}'] [...]

DistributedDataParallel over a DistributedSampler (each process takes its share of every
epoch's shuffled rows; --batch-size is per process), gloo on CPUs and NCCL on GPUs, Adam, and
the loss latentkit uses for the config (Autoencoder.loss: MSE, or BCE from the logits with a
sigmoid output; a VAE's KL; a text model's -ln p of each text's tokens). Also runs as a single
process without torchrun. Text models are character-level, trained without text.train's
denoising noise, MMD penalty, labels or early stopping (text_data.py makes their vocabulary,
classes, config and meta as text.train does).
"""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Any, Dict, List, Tuple

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from . import text_data
from .config import parse_config
from .errors import LatentkitTorchError
from .io import default_meta, to_latentkit
from .numeric import Autoencoder
from .text import TextAutoencoder

# latentkit's model options (packages/latentkit/src/options.ts) that make up a numeric config
MODEL_OPTIONS = {"encoder", "decoder", "activation", "latentActivation", "outputActivation", "loss", "init", "seed", "variational"}


def read_csv(path: str) -> torch.Tensor:
    """Rows of numbers (a first row that is not numbers is a header and skipped)."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip()]
    rows: List[List[float]] = []
    for n, line in enumerate(lines):
        try:
            rows.append([float(v) for v in line.split(",")])
        except ValueError:
            if n == 0:
                continue
            raise LatentkitTorchError(f"{path} line {n + 1} is not a row of numbers: fix or remove it") from None
    if not rows:
        raise LatentkitTorchError(f"{path} has no rows of numbers")
    cols = {len(r) for r in rows}
    if len(cols) != 1:
        raise LatentkitTorchError(f"{path}: rows have {sorted(cols)} columns; every row must have the same number")
    data = np.asarray(rows, dtype=np.float32)
    if not np.isfinite(data).all():
        raise LatentkitTorchError(f"{path} holds NaN or an infinity (or a number beyond float32): clean the data")
    return torch.from_numpy(data)


def model_config(options: Dict[str, Any], input_size: int) -> Dict[str, Any]:
    """latentkit's config for these model options, with the SDK's defaults (README: Defaults)."""
    unknown = set(options) - MODEL_OPTIONS
    if unknown:
        raise LatentkitTorchError(f"--config: unknown model options {sorted(unknown)}; use {sorted(MODEL_OPTIONS)}")
    loss = options.get("loss", "mse")
    config: Dict[str, Any] = {
        "inputSize": input_size,
        "encoder": options.get("encoder", [min(32, max(2, math.ceil(input_size / 4)))]),
        "activation": options.get("activation", "relu"),
        "latentActivation": options.get("latentActivation", "linear"),
        "outputActivation": options.get("outputActivation", "sigmoid" if loss == "bce" else "linear"),
        "loss": loss,
        "init": options.get("init", "glorotUniform"),
        "seed": options.get("seed", 42),
    }
    if "decoder" in options:
        config["decoder"] = options["decoder"]
    variational = options.get("variational", False)
    if variational:
        v = variational if isinstance(variational, dict) else {}
        config["variational"] = {"beta": v.get("beta", 1.0), "klWarmupEpochs": v.get("klWarmupEpochs", 0), "freeBits": v.get("freeBits", 0.0)}
    if loss not in ("mse", "bce"):
        raise LatentkitTorchError("--config: loss must be 'mse' or 'bce' for numeric data")
    if loss == "bce" and config["outputActivation"] != "sigmoid":
        raise LatentkitTorchError("--config: loss 'bce' needs outputActivation 'sigmoid'")
    return config


class _Loss(nn.Module):
    """The model's training loss as a forward pass, so DistributedDataParallel sees the call."""

    def __init__(self, model: nn.Module, generator: torch.Generator):
        super().__init__()
        self.model, self.generator = model, generator

    def forward(self, x: torch.Tensor, kl_weight: float) -> torch.Tensor:
        return self.model.loss(x, kl_weight=kl_weight, generator=self.generator)


def _args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m latentkit_torch.train", description="Train a latentkit model with PyTorch (data-parallel under torchrun).")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="CSV of numbers, one row a sample (a header row is skipped): a numeric model")
    source.add_argument("--text", help="a UTF-8 text file, one text a line (empty lines skipped): a character-level text model")
    p.add_argument("--out", required=True, help="the safetensors file to write (load it with latentkit's load() or text.load())")
    p.add_argument("--config", default="{}", help="latentkit's model options as JSON: train()'s (encoder, decoder, activation, latentActivation, outputActivation, loss, init, seed, variational) or text.train()'s (maxLength, latent, hidden, activation, embedding, classes, context, variational, lowercase, minCount, seed)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=32, help="rows a step in each process")
    p.add_argument("--lr", type=float, default=1e-3)
    args = p.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or not (args.lr > 0 and math.isfinite(args.lr)):
        p.error("--epochs and --batch-size must be at least 1 and --lr a positive number")
    return args


def _setup():
    """(rank, world size, device), joining the process group when run by torchrun."""
    if "WORLD_SIZE" not in os.environ:
        return 0, 1, torch.device("cpu")
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    return dist.get_rank(), dist.get_world_size(), device


def fit(model, data: torch.Tensor, args: argparse.Namespace, seed: int, warmup: int, place) -> List[Dict[str, float]]:
    """Trains `model` on the rows of `data` with Adam, data-parallel over the processes of
    `place` (rank, world size, device); the epochs' mean losses."""
    rank, world, device = place
    generator = torch.Generator(device=device).manual_seed(seed * 1000 + rank)
    step = _Loss(model, generator)
    wrapped = DistributedDataParallel(step, device_ids=[device.index] if device.type == "cuda" else None) if world > 1 else step
    sampler = DistributedSampler(TensorDataset(data), num_replicas=world, rank=rank, shuffle=True, seed=seed)
    loader = DataLoader(TensorDataset(data), batch_size=args.batch_size, sampler=sampler)
    # latentkit's Adam: beta1 0.9, beta2 0.999, epsilon 1e-7, bias-corrected
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
    history = []
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        kl_weight = min(1.0, (epoch + 1) / warmup) if warmup else 1.0
        total = torch.zeros(2, dtype=torch.float64, device=device)
        for (x,) in loader:
            loss = wrapped(x.to(device), kl_weight)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += torch.tensor([loss.item() * x.shape[0], x.shape[0]], dtype=torch.float64, device=device)
        if world > 1:
            dist.all_reduce(total)
        history.append({"epoch": epoch + 1, "loss": float(total[0] / total[1])})
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {history[-1]['loss']:.6g}", flush=True)
    return history


def _numeric(args: argparse.Namespace, options: Dict[str, Any], place) -> Tuple[Any, Any]:
    """(model, meta) of a numeric model, trained."""
    data = read_csv(args.data)
    config = model_config(options, data.shape[1])
    torch.manual_seed(config["seed"])  # the same weights in every process (DDP also broadcasts rank 0's)
    model = Autoencoder(parse_config(config)).to(place[2])
    history = fit(model, data, args, config["seed"], config.get("variational", {}).get("klWarmupEpochs", 0), place)
    return model, default_meta(history)


def _text(args: argparse.Namespace, options: Dict[str, Any], place) -> Tuple[Any, Any]:
    """(model, meta) of a character-level text model, trained; the prior fitted on its codes."""
    with open(args.text, encoding="utf-8") as f:
        texts = [line.rstrip("\r\n") for line in f if line.strip()]
    if not texts:
        raise LatentkitTorchError(f"{args.text} has no texts (one a line)")
    o = text_data.options_of(options, args.epochs)
    vocabulary, ids, stats = text_data.encode_texts(texts, o)
    config = text_data.text_config(o, ids, len(vocabulary))
    torch.manual_seed(o["seed"])
    model = TextAutoencoder(parse_config(config)).to(place[2])
    history = fit(model, ids, args, o["seed"], (o["variational"] or {}).get("klWarmupEpochs", 0), place)
    with torch.no_grad():
        codes = model.encode(ids.to(place[2])).cpu()
    return model, text_data.text_meta(o, vocabulary, ids.shape[1] - 1, stats, codes, history)


def train(args: argparse.Namespace) -> None:
    place = _setup()
    try:
        options = json.loads(args.config)
    except json.JSONDecodeError as e:
        raise LatentkitTorchError(f"--config is not JSON ({e})") from None
    if not isinstance(options, dict):
        raise LatentkitTorchError("--config must be a JSON object of model options")
    model, meta = (_numeric if args.data else _text)(args, options, place)
    rank, world, _ = place
    if rank == 0:
        to_latentkit(model, args.out, meta)
        print(f"wrote {args.out} ({world} processes)", flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


def main(argv=None) -> None:
    try:
        train(_args(argv))
    except LatentkitTorchError as e:
        raise SystemExit(f"latentkit_torch.train: {e}") from None


if __name__ == "__main__":
    main()
