"""LangChain adapter: the Retriever as a `langchain_core` BaseRetriever (sole langchain importer)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from rag.retrieve import Retriever
from rag.types import Passage


def to_document(p: Passage, rank: int) -> Document:
    """A passage as a LangChain Document: its exact text, metadata for citing it."""
    row = p.to_json(rank)
    text = row.pop("text")
    return Document(page_content=str(text), metadata=row)


class UnscRetriever(BaseRetriever):
    """Drops the hybrid, filtered retriever into LangChain chains."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # rag.retrieve.Retriever (Any: pydantic cannot validate it)
    k: int | None = None  # None: the retriever's configured k
    filters: dict[str, Any] = Field(default_factory=dict)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        r: Retriever = self.retriever
        found = r.search(query, self.k, self.filters).passages
        return [to_document(p, n) for n, p in enumerate(found, 1)]
