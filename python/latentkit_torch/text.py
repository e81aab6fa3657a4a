"""latentkit's text model as a `torch.nn.Module` (crates/latentkit-core/src/autoencoder.rs,
layers/token_embedding.rs, label_table.rs, decode.rs).

Encode: token ids (B, L) -> E[id_t] + P[t] side by side (B, L*d) -> the dense encoder (a
conditional model adds its label's row of `encoder_label` to the first layer's pre-activation)
-> the code (a VAE's mean). Decode: code -> the dense decoder (`decoder_label` joins its first
layer) -> a query base per position (linear) -> the head, position by position, greedy: each
position's most likely token (ties to the lower id) is the context of the next, as decode.rs.
"""

from __future__ import annotations

from typing import Optional, Union

import torch
from torch import nn

from .config import Config, parse_config
from .dense import DenseLayers
from .errors import LatentkitTorchError
from .head import TextHead


class TextAutoencoder(DenseLayers):
    """A text latentkit model on token ids: `encode`, `decode_ids` (greedy), `reconstruct_ids`."""

    def __init__(self, config: Union[Config, dict, str]):
        super().__init__()
        self.config = config if isinstance(config, Config) else parse_config(config)
        t = self.config.tokens
        if t is None:
            raise LatentkitTorchError("this config is a numeric model's (no 'tokens'): use Autoencoder")
        self.token_embedding = nn.Embedding(t.vocab, t.table)
        self.position_embedding = nn.Embedding(t.length, t.table)
        width = t.length * t.table
        self._build_dense(self.config, width, width, "linear")
        if t.labels > 0:
            # the first dense layer of each side gets a row a label (a VAE's single encoder layer: 2 x latent)
            enc = self.config.encoder[0] * (2 if self.variational and len(self.config.encoder) == 1 else 1)
            self.encoder_label = nn.Embedding(t.labels, enc)
            self.decoder_label = nn.Embedding(t.labels, self.decoder[0].out_features)
        self.head = TextHead(t.length, t.vocab, t.table, t.context, t.classes, t.start_id, self.config.activation)
        self._init_text()

    def _init_text(self) -> None:
        """latentkit's kind of initialisation (autoencoder.rs, text_head.rs): E Glorot-uniform
        over (V, d), P and the label tables 0, the dense layers by `init`, the head's lags 1,
        Wc and C Glorot-uniform, its biases 0."""
        self._init_dense(self.config)

        def glorot(w: torch.Tensor, fan: int) -> None:
            nn.init.uniform_(w, -((6.0 / fan) ** 0.5), (6.0 / fan) ** 0.5)

        with torch.no_grad():
            v, d = self.token_embedding.weight.shape
            glorot(self.token_embedding.weight, v + d)
            self.position_embedding.weight.zero_()
            for name in ("encoder_label", "decoder_label"):
                if hasattr(self, name):
                    getattr(self, name).weight.zero_()
            head = self.head
            if head.k > 0:
                glorot(head.context.weight, 2 * d)
            cls = getattr(head, "class")
            glorot(cls.weight, cls.out_features + d)
            cls.bias.zero_()

    def _ids(self, ids: torch.Tensor) -> torch.Tensor:
        t = self.config.tokens
        ids = torch.as_tensor(ids).long()
        if ids.dim() != 2 or ids.shape[1] != t.length:
            raise LatentkitTorchError(f"token ids must be a (rows, {t.length}) matrix; got shape {tuple(ids.shape)}")
        if ids.numel() and (ids.min() < 0 or ids.max() >= t.vocab):
            raise LatentkitTorchError(f"token ids must be from 0 to {t.vocab - 1}")
        return ids

    def _label_rows(self, table: Optional[nn.Embedding], labels: Optional[torch.Tensor], rows: int) -> Optional[torch.Tensor]:
        """A conditional model's label rows for the first layer of a side; None otherwise."""
        if table is None:
            if labels is not None:
                raise LatentkitTorchError("labels are for a conditional model (trained with labels)")
            return None
        labels = torch.as_tensor(labels).long() if labels is not None else None
        if labels is None or labels.shape != (rows,):
            raise LatentkitTorchError(f"a conditional model needs one label id a row ({rows} labels)")
        return table(labels)

    def encode(self, ids: torch.Tensor, labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Token ids (B, L) -> codes (B, latentSize); a VAE's posterior mean."""
        ids = self._ids(ids)
        x = (self.token_embedding(ids) + self.position_embedding.weight).reshape(ids.shape[0], -1)
        h = self._run_encoder(x, self._label_rows(getattr(self, "encoder_label", None), labels, ids.shape[0]))
        return self._split(h)[0] if self.variational else h

    def query_base(self, codes: torch.Tensor, labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Codes (B, latentSize) -> each position's query base (B, L, d)."""
        codes = torch.as_tensor(codes, dtype=self.token_embedding.weight.dtype)
        if codes.dim() != 2 or codes.shape[1] != self.config.latent_size:
            raise LatentkitTorchError(f"codes must be a (rows, {self.config.latent_size}) matrix; got shape {tuple(codes.shape)}")
        add = self._label_rows(getattr(self, "decoder_label", None), labels, codes.shape[0])
        t = self.config.tokens
        return self._run_decoder(codes, add)[1].reshape(codes.shape[0], t.length, t.table)

    def decode_log_probs(self, codes: torch.Tensor, labels: Optional[torch.Tensor] = None):
        """Greedy decoding: (ids (B, L), ln p (B, L, V) of each position along that path)."""
        base = self.query_base(codes, labels)
        b, l, _ = base.shape
        table = self.token_embedding.weight
        ids = torch.zeros(b, l, dtype=torch.long, device=base.device)
        out = []
        for t in range(l):
            log_p = self.head.log_probs(self.head.query_at(base[:, t], ids, t, table), table)
            ids[:, t] = torch.argmax(log_p, dim=-1)  # the first of equal maxima: the lower id
            out.append(log_p)
        return ids, torch.stack(out, dim=1)

    def decode_ids(self, codes: torch.Tensor, labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Codes -> greedy token ids (B, L), all L positions (the text ends at the first end id)."""
        return self.decode_log_probs(codes, labels)[0]

    def reconstruct_ids(self, ids: torch.Tensor, labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        """decode_ids(encode(ids)), each row decoded with its own label."""
        return self.decode_ids(self.encode(ids, labels), labels)

    def forward(self, ids: torch.Tensor, labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.reconstruct_ids(ids, labels)

    def loss(self, ids: torch.Tensor, labels: Optional[torch.Tensor] = None, kl_weight: float = 1.0, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """latentkit's training loss of a batch without noise: each row's sum of -ln p(target)
        over its positions up to and including its end (the head seeing the true tokens before
        each position), averaged over rows; a VAE adds kl_weight*beta*KL (freeBits a dimension)."""
        ids = self._ids(ids)
        x = (self.token_embedding(ids) + self.position_embedding.weight).reshape(ids.shape[0], -1)
        h = self._run_encoder(x, self._label_rows(getattr(self, "encoder_label", None), labels, ids.shape[0]))
        z = h
        if self.variational:
            mu, logvar = self._split(h)
            z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        base = self.query_base(z, labels)
        table = self.token_embedding.weight
        log_p = self.head.log_probs(self.head.queries(base, ids, table), table)
        nll = -log_p.gather(-1, ids.unsqueeze(-1)).squeeze(-1)
        t = self.config.tokens
        stop = ((ids == t.end_id) | (ids == t.pad_id)).long()
        trained = (stop.cumsum(dim=1) - stop) == 0  # up to and including the first end (or pad)
        loss = (nll * trained).sum(dim=1).mean()
        if not self.variational:
            return loss
        v = self.config.variational or {}
        kl_dims = (0.5 * (mu * mu + torch.exp(logvar) - 1.0 - logvar)).mean(dim=0)
        return loss + kl_weight * float(v.get("beta", 1.0)) * torch.clamp(kl_dims, min=float(v.get("freeBits", 0.0))).sum()
