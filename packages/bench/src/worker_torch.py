"""One benchmark process for PyTorch on the CPU, eager mode, with a fixed thread count.

Run by run.mjs (through torch.mjs) as
    python worker_torch.py --config <json> --out <file>
The config names, per model, a little-endian float32 file of the bench's data (src/data.mjs,
written by the orchestrator), the SHA-256 of that file and the FNV-1a fingerprint the
orchestrator computed of the same rows (the one every JS worker reports); this process checks
the file's SHA-256 and refuses to train on anything else, so the FNV it reports back stands for
the bytes it trained on. (FNV-1a itself takes ~20 s a model in pure Python: SHA-256 is hashlib.) It trains the same
models with the same recipe as worker-latentkit.mjs and worker-tfjs.mjs (glorot-uniform
weights, zero biases, relu hidden and latent layers, sigmoid output, MSE, Adam lr 1e-3, the
same batch sizes, a new shuffle every epoch) in the loop a PyTorch user writes, and prints
the same JSON shape (library, models.<name>.training / finalMse / dataFingerprint).
"""

import argparse
import hashlib
import json
import statistics
import sys
import time
import warnings

# PyPI's torch does not depend on numpy and warns at import when it is missing; nothing here uses it.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
from torch import nn  # noqa: E402

def log(msg):
    sys.stderr.write(f"  {msg}\n")
    sys.stderr.flush()


def load_rows(data, cols):
    """The bench's rows from data["file"] (float32 LE), checked against the orchestrator's SHA-256."""
    with open(data["file"], "rb") as f:
        raw = f.read()
    got = hashlib.sha256(raw).hexdigest()
    if got != data["sha256"] or len(raw) != 4 * cols * data["rows"]:
        raise SystemExit(f"{data['file']}: SHA-256 {got}, {len(raw)} bytes; expected {data['sha256']} (the file is not the bench's data)")
    x = torch.frombuffer(bytearray(raw), dtype=torch.float32)
    if sys.byteorder != "little":
        x = x.view(torch.int32).byteswap().view(torch.float32)  # the file is little-endian
    return x.reshape(data["rows"], cols)


def dense(n_in, n_out):
    # Keras's glorotUniform (torch calls it xavier_uniform_) and zero biases, as the other workers.
    layer = nn.Linear(n_in, n_out)
    nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


def build_model(spec):
    layers = []
    prev = spec["cols"]
    for units in spec["encoder"] + spec["decoder"]:
        layers += [dense(prev, units), nn.ReLU()]
        prev = units
    layers += [dense(prev, spec["cols"]), nn.Sigmoid()]
    return nn.Sequential(*layers)


def train(model, x, batch_size, epochs, generator):
    """Adam + MSE, a fresh permutation each epoch; returns per-epoch wall seconds and mean batch loss."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    rows = x.shape[0]
    seconds, losses = [], []
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(rows, generator=generator)
        total = torch.zeros(())
        batches = 0
        for start in range(0, rows, batch_size):
            xb = x[perm[start : start + batch_size]]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), xb)
            loss.backward()
            opt.step()
            total += loss.detach()
            batches += 1
        losses.append(total.item() / batches)
        seconds.append(time.perf_counter() - t0)
    return seconds, losses


def run_model(name, cfg, S):
    spec = cfg["specs"][name]
    data = cfg["data"][name]
    x = load_rows(data, spec["cols"])
    # The file holds all 8,192 rows (the fingerprint covers them, as in the other workers); train on the first trainRows.
    t = x[: S["trainRows"]].contiguous()
    torch.manual_seed(42)
    model = build_model(spec)
    epochs = S["epochs"][name]
    log(f"torch-{cfg['threads']} {name}: training {epochs} epochs")
    seconds, losses = train(model, t, spec["batchSize"], epochs, torch.Generator().manual_seed(42))
    with torch.no_grad():
        rec = model(t)
        final = torch.mean((rec.double() - t.double()) ** 2).item()
    # Epochs 2..N, as common.mjs's timedEpochs (epoch 1 is the warm-up).
    sps = t.shape[0] / statistics.median(seconds[1:])
    log(f"torch-{cfg['threads']} {name}: {sps:.0f} samples/s, MSE {final:.4e}")
    return {
        "dataFingerprint": data["fingerprint"],
        "dataSha256": data["sha256"],
        "training": {
            "epochs": epochs,
            "paramCount": sum(p.numel() for p in model.parameters()),
            "epochSeconds": seconds,
            "trainRows": t.shape[0],
            "samplesPerSecond": sps,
            "historyLoss": losses,
        },
        "finalMse": {"epochs": epochs, "rows": t.shape[0], "mse": final},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    cfg = json.loads(args.config)
    S = cfg["settings"]
    torch.set_num_threads(int(cfg["threads"]))
    result = {
        "library": f"torch-{cfg['threads']}",
        "python": sys.version.split()[0],
        "torchVersion": torch.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "cpuCapability": torch.backends.cpu.get_cpu_capability(),
        "models": {},
    }
    for name in cfg["models"]:
        result["models"][name] = run_model(name, cfg, S)
    text = json.dumps(result, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
