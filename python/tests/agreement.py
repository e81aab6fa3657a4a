"""How far apart two float32 results are, the measure every agreement test uses."""

from __future__ import annotations

import numpy as np
import torch


def relative_error(ours, theirs) -> float:
    """max |ours - theirs| / max |theirs| over one output matrix (f64 arithmetic).

    Relative to the output's scale rather than element by element: an element near zero is a
    difference of larger terms, and its f32 rounding is the larger terms', not its own."""
    a = np.asarray(ours.detach().numpy() if isinstance(ours, torch.Tensor) else ours, dtype=np.float64).ravel()
    b = np.asarray(theirs, dtype=np.float64).ravel()
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    assert np.isfinite(a).all() and np.isfinite(b).all(), "a NaN or infinity in the outputs"
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))


TOLERANCE = 1e-5
