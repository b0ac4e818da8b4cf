"""Answers that are lists of speakers (pure): "which delegations said X", "who raised the case
of Y": every statement that says it, each by its best sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.answer_text import fold
from rag.dates import MONTHS
from rag.names import holds_figures, names_found, question_figures, question_names, uses_name
from rag.question import Analysis
from rag.settings_models import EvidenceSettings
from rag.types import Evidence

Rare = Callable[[str, list[str]], bool]

_WHO_MANY = re.compile(
    r"\b(?:delegations|speakers|members|participants|statements|countries|states|representatives)\b",
    re.I,
)


def lists_speakers(analysis: Analysis) -> bool:
    """ "Which delegations / speakers said …": the answer is a list of who spoke."""
    asks = _WHO_MANY.search(analysis.question)
    return analysis.answer_type == "list" and not analysis.speaking and bool(asks)


def holders(analysis: Analysis, ranked: Sequence[Evidence], rare: Rare) -> list[Evidence]:
    """Each statement's best sentence holding the question's figures and rare names ("370
    incidents", "Sergewa"), best first; none when the question quotes neither."""
    texts = {e.passage.statement_id: e.passage.statement.text for e in ranked}.values()
    folded = [fold(t) for t in texts]  # once: each name is looked for in every statement
    names = [n for n in question_names(analysis) if rare(n, folded)]
    figures = question_figures(analysis)
    if not (names or figures):
        return []
    held: dict[str, Evidence] = {}
    for e in ranked:
        sid, text = e.passage.statement_id, e.quote
        if sid in held or e.features["courtesy"] or not holds_figures(text, figures):
            continue
        if names_found(analysis, text, names) == 1.0:
            held[sid] = e
    return list(held.values())


# "Which speakers mentioned cholera": the question asks who used a word, not who said the most
_MENTIONED = re.compile(
    r"\b(?:mention\w*|rais\w*|brought\s+up|bring\s+up|refer\w*|cit\w*|nam(?:e|ed|ing)|"
    r"spoke\s+of|speak\s+of|talk\w*\s+about)\s+(.+?)(?:\s+(?:at|in|during|on)\s+the\b|[?,]|$)",
    re.I,
)


def mentioned_terms(
    analysis: Analysis,
    terms: Callable[[str], list[str]],
    weight: Callable[[str], float],
    key_idf: float,
) -> list[str]:
    """The rare terms of what a list question asks to be mentioned ("cholera" in "which
    speakers mentioned cholera at …"); none when it does not ask who mentioned something."""
    m = _MENTIONED.search(analysis.question)
    if not (m and lists_speakers(analysis)):
        return []
    return [t for t in terms(m.group(1)) if weight(t) >= key_idf]


def using_terms(
    ranked: Sequence[Evidence], wanted: list[str], terms: Callable[[str], list[str]]
) -> list[Evidence]:
    """Each statement's best sentence holding one of the terms, best first."""
    held: dict[str, Evidence] = {}
    for e in ranked:
        sid = e.passage.statement_id
        if sid not in held and not e.features["courtesy"] and set(wanted) & set(terms(e.quote)):
            held[sid] = e
    return list(held.values())


def rare_name(
    name: str,
    folded: list[str],
    weight: Callable[[str], float],
    terms: Callable[[str], list[str]],
    key_idf: float,
) -> bool:
    """A name few passages of the index use ("Sergewa", not "Council"), or at most half of
    the statements read (`folded`: their texts, folded; a small index's idf says little);
    never a month."""
    if fold(name) in MONTHS:
        return False
    if max((weight(t) for t in terms(name)), default=0.0) >= key_idf:
        return True
    using = sum(uses_name(t, name) for t in folded)
    return len(folded) >= 3 and 0 < using <= len(folded) / 2


def listed(
    analysis: Analysis, ranked: Sequence[Evidence], config: EvidenceSettings
) -> list[Evidence]:
    """ "Which delegations said X": the best sentence of each statement that says X (it
    holds the names the question uses, or enough of its words), best first."""
    names = names_found(analysis, "") < 1.0  # the question uses names at all
    key = "sentence_names" if names else "sentence_terms"
    best: list[Evidence] = []  # each statement's best sentence, best first
    seen: set[str] = set()
    for e in ranked:
        sid = e.passage.statement_id
        if sid not in seen and not e.features["courtesy"]:
            seen.add(sid)
            best.append(e)
    chosen = [e for e in best if e.features[key] >= config.list_terms]
    if len(chosen) < 3:
        # Paraphrased ("no automaticity" for "no automatic trigger"): a list still needs
        # several speakers, so the statements whose best sentence is nearly as good count.
        top = best[0].score if best else 0.0
        near = [e for e in best if e not in chosen and e.score >= top - config.margin]
        chosen = sorted(chosen + near, key=lambda e: -e.score)
    return (chosen or list(ranked[:1]))[: config.list_size]
