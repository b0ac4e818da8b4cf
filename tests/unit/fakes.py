"""Deterministic stand-ins for the embedder and the stemmer, for tests of pure logic only."""

import re

import numpy as np

_VOCAB: dict[str, int] = {}


def bow(texts: list[str]) -> np.ndarray:
    """Normalised bag-of-words vectors: shared words make texts similar."""
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in terms(t):
            out[i, _VOCAB.setdefault(w, len(_VOCAB) % 512)] += 1
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def terms(text: str) -> list[str]:
    """Lower-cased words and numbers, unstemmed."""
    return re.findall(r"[a-z0-9]+", text.lower())


class BowEmbedder:
    """An Embedder over `bow` vectors with a word-count tokenizer (index writer tests)."""

    name = "bow-fake"
    dim = 512
    max_tokens = 256

    def embed(self, texts: list[str]) -> np.ndarray:
        return bow(texts)

    def count_tokens(self, text: str) -> int:
        return len(text.split())
