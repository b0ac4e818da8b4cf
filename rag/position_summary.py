"""One line per delegation by the model, kept only when checked against the row's quotes: the
strict check of any answer sentence (rag.cite: numbers, names, a whole sentence citing [n]),
and two more, since a one-line stance invites the small model to guess: the words it takes
from the question must be in the quotes it cites, and so must a negation ("no automaticity")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer_text import content_words, fold, is_refusal, labels_of, strip_labels
from rag.backends.base import Backend, GenerationParams, Message, complete
from rag.cite import check_lead
from rag.prompt import SYSTEM, format_quotes
from rag.types import AnswerSentence, Evidence

_EXAMPLE = (
    "Example.\nQuotes of Norway:\n[1] Norway (Ms. Berg, S/PV.8500, 5 March 2020): “Norway will "
    "double its funding for polar research by 2030.”\nQuestion: What did delegations say about "
    "climate research?\nSummary: Norway said it would double its funding for polar research by "
    "2030 [1].\n\n"
)
_NEGATION = re.compile(
    r"\b(?:no|not|never|neither|nor|none|without|cannot|can't|won't|don't|doesn't|didn't|"
    r"isn't|wasn't|aren't|no longer|eliminat\w*|disappear\w*|remov\w*|reject\w*|oppos\w*|"
    r"against|nothing|absence)\b"
)


def summary_messages(delegation: str, question: str, quotes: Sequence[Evidence]) -> list[Message]:
    """One sentence on one delegation from its quotes alone (an example first: without one
    the small model copies a quote or gives up)."""
    user = (
        "Summarise what one delegation said, in one short sentence of your own, using only its "
        "quotes. Keep numbers and names exactly. End with the number of the quote, like [1].\n\n"
        f"{_EXAMPLE}Now this one.\nQuotes of {delegation}:\n{format_quotes(quotes, range(len(quotes)))}\n"
        f"Question: {' '.join(question.split())}\nSummary:"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def unfounded(claim: str, question: str, cited: Sequence[Evidence]) -> list[str]:
    """Words the claim takes from the question that its quotes lack, and a negation that one
    side has and the other lacks."""
    quotes = fold(" ".join(e.quote for e in cited))
    asked = {w.lower()[:5] for w in content_words(question)}
    taken = [w for w in content_words(strip_labels(claim)) if w.lower()[:5] in asked]
    missing = [w for w in taken if fold(w)[:5] not in quotes]
    if bool(_NEGATION.search(fold(claim))) != bool(_NEGATION.search(quotes)):
        missing.append("negation")
    return missing


def summarise(
    backend: Backend,
    delegation: str,
    question: str,
    quotes: Sequence[Evidence],
    params: GenerationParams,
) -> tuple[AnswerSentence | None, str]:
    """The model's line and "", or None and why it was dropped."""
    raw = complete(backend, summary_messages(delegation, question, quotes), params).strip()
    if is_refusal(raw):
        return None, "the model found no position in the quotes"
    checked = check_lead(raw, quotes, question)
    if checked.sentence is None:
        return None, checked.reason
    cited = [quotes[n - 1] for n in labels_of(raw) if 1 <= n <= len(quotes)]
    if missing := unfounded(raw, question, cited):
        return None, "not in the quotes: " + ", ".join(missing)
    return checked.sentence, ""
