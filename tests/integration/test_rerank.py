"""Reranking plumbing: a CrossEncoder from a local folder reorders the fused candidates.

No cross-encoder ships inside a package that installs here, so the test builds one from the
packaged MiniLM weights with a fresh (random) classification head: the scores mean nothing,
but the stage must load from a path, score every candidate, and decide the final order.
"""

from __future__ import annotations

import pytest

from rag.errors import ModelError
from rag.rerank import CrossEncoderReranker
from rag.retrieve import Retriever


@pytest.fixture(scope="module")
def cross_encoder_dir(tmp_path_factory):
    from sentence_transformers import CrossEncoder

    from index.embed import default_model_path

    folder = tmp_path_factory.mktemp("ce") / "minilm-ce"
    CrossEncoder(str(default_model_path()), num_labels=1, device="cpu").save(str(folder))
    return folder


def test_cross_encoder_decides_the_order(cross_encoder_dir, small_index, embedder, retriever):
    reranker = CrossEncoderReranker(cross_encoder_dir)
    r = Retriever(small_index, embedder, retriever.config, reranker=reranker)
    query = "sexual exploitation and abuse by peacekeepers"
    hits = r.search(query, k=5).passages
    assert len(hits) == 5 and all("rerank" in h.scores for h in hits)
    scores = [h.scores["rerank"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    expected = reranker.rank(query, [h.text for h in hits])
    assert [round(s, 4) for s in expected] == [round(s, 4) for s in scores]


def test_missing_cross_encoder_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="No cross-encoder folder"):
        CrossEncoderReranker(tmp_path / "nothing")
