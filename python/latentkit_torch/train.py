"""Data-parallel training of a numeric latentkit model, written as a file latentkit loads:

    torchrun --nproc_per_node=N -m latentkit_torch.train --data rows.csv --out model.safetensors \
        [--config '{"encoder": [16, 4], "loss": "bce"}'] [--epochs 10 --batch-size 32 --lr 1e-3]

DistributedDataParallel over a DistributedSampler (each process takes its share of every
epoch's shuffled rows; --batch-size is per process), gloo on CPUs and NCCL on GPUs, Adam, and
the loss latentkit uses for the config (Autoencoder.loss: MSE, or BCE from the logits with a
sigmoid output; a VAE's KL). Also runs as a single process without torchrun.
Text models are not trained here: they need latentkit's tokenizer and its text training.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Any, Dict, List

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from .config import parse_config
from .errors import LatentkitTorchError
from .io import default_meta, to_latentkit
from .numeric import Autoencoder

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

    def __init__(self, model: Autoencoder, generator: torch.Generator):
        super().__init__()
        self.model, self.generator = model, generator

    def forward(self, x: torch.Tensor, kl_weight: float) -> torch.Tensor:
        return self.model.loss(x, kl_weight, self.generator)


def _args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m latentkit_torch.train", description="Train a numeric latentkit model with PyTorch (data-parallel under torchrun).")
    p.add_argument("--data", required=True, help="CSV of numbers, one row a sample (a header row is skipped)")
    p.add_argument("--out", required=True, help="the safetensors file to write (load it with latentkit's load())")
    p.add_argument("--config", default="{}", help="latentkit model options as JSON (encoder, decoder, activation, latentActivation, outputActivation, loss, init, seed, variational)")
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


def train(args: argparse.Namespace) -> None:
    rank, world, device = _setup()
    try:
        options = json.loads(args.config)
    except json.JSONDecodeError as e:
        raise LatentkitTorchError(f"--config is not JSON ({e})") from None
    data = read_csv(args.data)
    config = model_config(options, data.shape[1])
    torch.manual_seed(config["seed"])  # the same weights in every process (DDP also broadcasts rank 0's)
    model = Autoencoder(parse_config(config)).to(device)
    generator = torch.Generator(device=device).manual_seed(config["seed"] * 1000 + rank)
    step = _Loss(model, generator)
    wrapped = DistributedDataParallel(step, device_ids=[device.index] if device.type == "cuda" else None) if world > 1 else step
    sampler = DistributedSampler(TensorDataset(data), num_replicas=world, rank=rank, shuffle=True, seed=config["seed"])
    loader = DataLoader(TensorDataset(data), batch_size=args.batch_size, sampler=sampler)
    # latentkit's Adam: beta1 0.9, beta2 0.999, epsilon 1e-7, bias-corrected
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
    warmup = config.get("variational", {}).get("klWarmupEpochs", 0)
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
    if rank == 0:
        to_latentkit(model, args.out, default_meta(history))
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
