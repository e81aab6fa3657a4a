"""What the training script needs to make a character-level text model latentkit loads: the
vocabulary, each token's class, the core's config and the file's meta, as `text.train` makes
them (packages/latentkit/src/text/train.ts, options.ts, tokenizer.ts and the core's
class_softmax.rs). Options follow text.train's, with its defaults.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Sequence, Tuple

import torch

from .errors import LatentkitTorchError
from .vocab import END_ID, PAD_ID, SPECIALS, UNK_ID

SPECIAL_TOKENS = ["<pad>", "<end>", "<mask>", "<unk>"]
# text.train's options the twin trains with (no labels, noise, mmd or adversary: see the README)
TEXT_OPTIONS = {"level", "lowercase", "minCount", "maxLength", "latent", "hidden", "activation", "embedding", "classes", "context", "variational", "seed"}
DEFAULTS = {"lowercase": False, "minCount": 1, "latent": 32, "hidden": [256], "activation": "relu", "context": 3, "seed": 42}
MAX_LENGTH = 4096
WIDEST_TABLE = 96


def tokenize(texts: Sequence[str], lowercase: bool) -> List[List[str]]:
    """Character-level tokens (Unicode code points, as Array.from)."""
    return [list(t.lower() if lowercase else t) for t in texts]


def build_vocabulary(tokenized: Sequence[Sequence[str]], min_count: int) -> List[str]:
    """The special tokens, then every token seen at least min_count times by descending count,
    ties in code-point order (Python compares strings by code points)."""
    counts: Dict[str, int] = {}
    for toks in tokenized:
        for t in toks:
            counts[t] = counts.get(t, 0) + 1
    kept = sorted(((t, c) for t, c in counts.items() if c >= min_count), key=lambda tc: (-tc[1], tc[0]))
    return SPECIAL_TOKENS + [t for t, _ in kept]


def target_counts(ids: torch.Tensor, vocab: int) -> List[int]:
    """Each token's count among the trained targets: each row's positions up to its end."""
    counts = [0] * vocab
    for row in ids.tolist():
        for i in row:
            counts[i] += 1
            if i in (END_ID, PAD_ID):
                break
    return counts


def classes_from_counts(counts: Sequence[int], classes: int) -> List[int]:
    """Frequency binning as the core's ClassSoftmax::from_counts: tokens by descending count
    (ties by id) cut into `classes` classes of about equal total count, none empty."""
    vocab, total = len(counts), sum(counts)
    order = sorted(range(vocab), key=lambda i: (-counts[i], i))
    class_of = [0] * vocab
    c, before = 0, 0
    for i, tok in enumerate(order):
        past_share = before * classes >= (c + 1) * total
        must = vocab - i <= classes - 1 - c
        if i > 0 and c + 1 < classes and (past_share or must):
            c += 1
        class_of[tok] = c
        before += counts[tok]
    return class_of


def options_of(raw: Dict[str, Any], epochs: int) -> Dict[str, Any]:
    """text.train's options with its defaults (a VAE's KL warm-up over a quarter of the epochs)."""
    unknown = set(raw) - TEXT_OPTIONS
    if unknown:
        raise LatentkitTorchError(f"--config: unknown text options {sorted(unknown)}; use {sorted(TEXT_OPTIONS)}")
    if raw.get("level", "char") != "char":
        raise LatentkitTorchError("--config: the twin trains character-level text models only (level 'char'); train word-level models with latentkit")
    o = dict(DEFAULTS, **raw)
    v = o.get("variational")
    if v:
        v = v if isinstance(v, dict) else {}
        o["variational"] = {"beta": v.get("beta", 1), "klWarmupEpochs": v.get("klWarmupEpochs", math.ceil(min(epochs, 30) / 4)), "freeBits": v.get("freeBits", 0.1)}
    else:
        o["variational"] = None
    return o


def encode_texts(texts: Sequence[str], o: Dict[str, Any]) -> Tuple[List[str], torch.Tensor, Dict[str, int]]:
    """(vocabulary, rows of maxLength + 1 ids, stats) of the training texts."""
    toks = tokenize(texts, o["lowercase"])
    lengths = sorted(len(t) for t in toks)
    # the 99th percentile of the lengths (nearest rank), as text.train's default maxLength
    max_length = o.get("maxLength") or min(MAX_LENGTH, max(1, lengths[max(1, math.ceil(0.99 * len(lengths))) - 1]))
    vocabulary = build_vocabulary(toks, o["minCount"])
    index = {t: i for i, t in enumerate(vocabulary) if i >= SPECIALS}
    ids = torch.full((len(toks), max_length + 1), PAD_ID, dtype=torch.long)
    unknown = total = 0
    for r, t in enumerate(toks):
        kept = t[:max_length]
        for i, ch in enumerate(kept):
            ids[r, i] = index.get(ch, UNK_ID)
            unknown += ids[r, i].item() == UNK_ID
        ids[r, len(kept)] = END_ID
        total += len(kept)
    stats = {"texts": len(toks), "truncated": sum(len(t) > max_length for t in toks), "longest": lengths[-1], "unknownTokens": unknown, "tokens": total}
    return vocabulary, ids, stats


def text_config(o: Dict[str, Any], ids: torch.Tensor, vocab: int) -> Dict[str, Any]:
    """The core's config of a text model on these rows (text.train's coreConfig)."""
    length = ids.shape[1]
    classes = o.get("classes") or math.ceil(math.sqrt(vocab))
    table = o.get("embedding") or min(WIDEST_TABLE, math.ceil(vocab / 16) * 16)
    tokens = {"length": length, "vocab": vocab, "padId": 0, "endId": 1, "maskId": 2, "context": o["context"], "table": table,
              "classes": classes_from_counts(target_counts(ids, vocab), min(classes, vocab))}
    config = {
        "inputSize": length * vocab, "encoder": list(o["hidden"]) + [o["latent"]], "decoder": list(reversed(o["hidden"])),
        "activation": o["activation"], "latentActivation": "linear", "outputActivation": "linear", "loss": "cce",
        "init": "heUniform" if o["activation"] in ("relu", "leakyRelu") else "glorotUniform", "seed": o["seed"], "tokens": tokens,
    }
    if o["variational"]:
        config["variational"] = o["variational"]
    return config


def text_meta(o: Dict[str, Any], vocabulary: List[str], max_length: int, stats: Dict[str, int], codes: torch.Tensor, history) -> Dict[str, Any]:
    """The file's meta: text.train's `text` object with a prior fitted on the texts' codes
    (N(0, I) for a VAE; the codes' mean and covariance otherwise, as latentkit fits them)."""
    codes = codes.double()
    latent = codes.shape[1]
    std = codes.std(dim=0, unbiased=False).clamp(min=1e-6) if codes.shape[0] > 1 else torch.ones(latent, dtype=torch.float64)
    if o["variational"]:
        prior = {"mean": [0.0] * latent, "chol": None, "mixture": None}
    else:
        centred = codes - codes.mean(dim=0)
        cov = centred.T @ centred / max(1, codes.shape[0]) + 1e-6 * torch.eye(latent, dtype=torch.float64)
        prior = {"mean": codes.mean(dim=0).tolist(), "chol": torch.linalg.cholesky(cov).tril().reshape(-1).tolist(), "mixture": None}
    text = {
        "version": 1, "level": "char", "lowercase": o["lowercase"], "minCount": o["minCount"], "maxLength": max_length,
        "vocabulary": vocabulary, "latent": latent, "hidden": list(o["hidden"]), "activation": o["activation"],
        "variational": o["variational"], "seed": o["seed"], "prior": prior, "codeStd": std.tolist(), "stats": stats,
    }
    return {"format": "latentkit", "kind": "text", "history": history, "text": text}
