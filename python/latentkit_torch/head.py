"""A text model's output head: each position's query, its context of k previous tokens, and the
two-level class softmax tied to the token table (crates/latentkit-core/src/layers/text_head.rs
and class_softmax.rs):

    c_t = sum_{j<k} a_j * E[x_{t-1-j}]         (the start id stands before the text)
    g_t = act(base_t + c_t @ Wc + bq)
    log p(w | g) = log softmax_c(g @ C^T + bc)[class(w)] + log softmax_{members of class(w)}(g @ E^T + bw)[w]

Parameter names are latentkit's layout: head.lag_weight (k, d), head.context.weight (d, d, an
nn.Linear without bias), head.query_bias (d), head.class.weight (nC, d), head.class.bias (nC),
head.token_bias (V).
"""

from __future__ import annotations

from typing import List

import torch
from torch import nn

from .config import activation


class TextHead(nn.Module):
    def __init__(self, length: int, vocab: int, dim: int, context: int, classes: List[int], start_id: int, act: str):
        super().__init__()
        self.length, self.vocab, self.dim, self.k, self.start_id = length, vocab, dim, context, start_id
        self._act = activation(act)
        classes_count = max(classes) + 1
        if context > 0:
            self.lag_weight = nn.Parameter(torch.ones(context, dim))
            self.context = nn.Linear(dim, dim, bias=False)
        self.query_bias = nn.Parameter(torch.zeros(dim))
        # named `class` as in latentkit's layout (a Python keyword, so not an attribute name)
        self.add_module("class", nn.Linear(dim, classes_count))
        self.token_bias = nn.Parameter(torch.zeros(vocab))
        # not a parameter: the config holds it (tokens.classes), so it stays out of state_dict
        self.register_buffer("class_of", torch.tensor(classes, dtype=torch.long), persistent=False)

    def mix(self, ids: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
        """c_t of every position (B, L, d) given the ids (B, L) the positions come after."""
        b, l = ids.shape
        padded = torch.cat([torch.full((b, self.k), self.start_id, dtype=ids.dtype, device=ids.device), ids], dim=1)
        t = torch.arange(l, device=ids.device).unsqueeze(1)
        j = torch.arange(self.k, device=ids.device).unsqueeze(0)
        lagged = padded[:, self.k + t - 1 - j]  # (B, L, k): lag j of position t
        return (table[lagged] * self.lag_weight).sum(dim=2)

    def queries(self, base: torch.Tensor, ids: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
        """g of every position (B, L, d) from the query bases (B, L, d) and the ids before them."""
        pre = base
        if self.k > 0:
            pre = pre + self.context(self.mix(ids, table))
        return self._act(pre + self.query_bias)

    def query_at(self, base_t: torch.Tensor, ids: torch.Tensor, t: int, table: torch.Tensor) -> torch.Tensor:
        """g of position t alone (B, d), from its query base (B, d) and the ids before it: a
        decoding step, which knows only the positions before t."""
        pre = base_t
        if self.k > 0:
            start = torch.full_like(ids[:, 0], self.start_id)
            lagged = torch.stack([ids[:, t - 1 - j] if t > j else start for j in range(self.k)], dim=1)  # (B, k)
            pre = pre + self.context((table[lagged] * self.lag_weight).sum(dim=1))
        return self._act(pre + self.query_bias)

    def log_probs(self, g: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
        """ln p of every token (..., V) for queries g (..., d): exact and normalised."""
        lc = getattr(self, "class")(g)
        class_part = lc - torch.logsumexp(lc, dim=-1, keepdim=True)
        z = g @ table.T + self.token_bias
        cls = self.class_of.expand_as(z)
        # ln sum exp of z over each class's members, by scatter (no (nC, V) mask)
        peak = torch.full(lc.shape, float("-inf"), dtype=z.dtype, device=z.device).scatter_reduce(-1, cls, z, "amax")
        peak = peak.detach()
        total = torch.zeros_like(lc).scatter_add(-1, cls, torch.exp(z - peak.gather(-1, cls)))
        within = peak + torch.log(total)
        return z + (class_part - within).gather(-1, cls)
