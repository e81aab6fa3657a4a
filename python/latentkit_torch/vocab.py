"""Texts <-> token ids with a text model's vocabulary (its meta's `text`), as latentkit's
tokenizer does it (packages/latentkit/src/text/tokenizer.ts): character-level models only.

A row is maxLength + 1 ids: the text's tokens (the first maxLength of a longer text; a token
not in the vocabulary is <unk>), the end id, then padding. Back to text: the first maxLength
positions up to the first end or pad id, the mask id dropped, <unk> written as U+FFFD.
Word-level models need latentkit's Unicode word splitting, which is not mirrored here.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import torch

from .errors import LatentkitTorchError

PAD_ID, END_ID, MASK_ID, UNK_ID = 0, 1, 2, 3
SPECIALS = 4


class Vocabulary:
    """A character-level text model's vocabulary, from the meta latentkit saved."""

    def __init__(self, meta: Dict[str, Any]):
        t = meta.get("text") if isinstance(meta, dict) else None
        if not isinstance(t, dict) or not isinstance(t.get("vocabulary"), list):
            raise LatentkitTorchError("this meta has no text model's vocabulary: load a text model's file with from_latentkit()")
        if t.get("level") != "char":
            raise LatentkitTorchError(f"texts of a '{t.get('level')}'-level model: only character-level models are tokenised here; pass token ids")
        self.tokens: List[str] = list(t["vocabulary"])
        self.lowercase = bool(t.get("lowercase", False))
        self.max_length = int(t["maxLength"])
        # ids below 4 are the special tokens, never looked up by name
        self._ids = {tok: i for i, tok in enumerate(self.tokens) if i >= SPECIALS}

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """Texts -> (rows, maxLength + 1) token ids."""
        rows = torch.full((len(texts), self.max_length + 1), PAD_ID, dtype=torch.long)
        for r, text in enumerate(texts):
            chars = list(text.lower() if self.lowercase else text)[: self.max_length]
            for i, ch in enumerate(chars):
                rows[r, i] = self._ids.get(ch, UNK_ID)
            rows[r, len(chars)] = END_ID
        return rows

    def decode(self, ids: torch.Tensor) -> List[str]:
        """(rows, maxLength + 1) ids -> texts (the last position can only end a text)."""
        out = []
        for row in ids.tolist():
            chars = []
            for i in row[: self.max_length]:
                if i in (END_ID, PAD_ID):
                    break
                if i != MASK_ID:
                    chars.append("\ufffd" if i == UNK_ID else self.tokens[i])
            out.append("".join(chars))
        return out
