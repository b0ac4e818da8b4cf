"""Extractive backend (no LLM): answers with the passages' most relevant sentences, each cited."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from index.chunk import sentence_spans
from rag.backends.base import GenerationParams, Message
from rag.prompt import NOT_FOUND, parse_passages, question_of

EmbedFn = Callable[[list[str]], np.ndarray]


class ExtractiveBackend:
    """Reads the numbered passages back from our prompt and quotes the best sentences."""

    name = "extractive"
    context_tokens = 100_000  # no model window: the pipeline's passage count is the limit

    def __init__(self, embed: EmbedFn, max_sentences: int = 3, min_score: float = 0.35) -> None:
        self.embed = embed
        self.max_sentences = max_sentences
        self.min_score = min_score

    def stream(self, messages: list[Message], params: GenerationParams) -> Iterator[str]:
        """Yield the answer sentence by sentence."""
        content = messages[-1]["content"] if messages else ""
        question = question_of(content)
        candidates = [
            (n, src, body[a:b])
            for n, src, body in parse_passages(content)
            for a, b in sentence_spans(body)
            if len(body[a:b].split()) >= 5
        ]
        if not question or not candidates:
            yield NOT_FOUND
            return
        vecs = self.embed([question] + [c[2] for c in candidates])
        scores = vecs[1:] @ vecs[0]
        order = [i for i in np.argsort(-scores) if scores[i] >= self.min_score][
            : self.max_sentences
        ]
        if not order:
            yield NOT_FOUND
            return
        for i in sorted(order, key=lambda i: (candidates[i][0], i)):
            n, src, sentence = candidates[i]
            who = src.split(",")[0].strip() or "A speaker"
            yield f'{who} said: "{sentence.strip().rstrip(".")}." [{n}] '
