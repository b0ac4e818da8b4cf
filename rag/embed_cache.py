"""A sentence-vector cache in front of an embed function: a delegation's statements are read
again for every table and timeline about them, and their sentences do not change."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np

EmbedFn = Callable[[list[str]], np.ndarray]


class CachedEmbed:
    """`embed(texts)` that encodes only texts it has not seen (least recently used dropped)."""

    def __init__(self, embed: EmbedFn, size: int = 50_000) -> None:
        self.embed, self.size = embed, size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.encoded = 0  # texts actually encoded, for tests and benches

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts`, in order, as the wrapped function gives them."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for t, v in zip(missing, self.embed(missing), strict=True):
                self._vectors[t] = v
            self.encoded += len(missing)
        for t in texts:
            self._vectors.move_to_end(t)
        out = np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 0))
        while len(self._vectors) > self.size:
            self._vectors.popitem(last=False)
        return out
