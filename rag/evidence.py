"""Evidence first (pure; the embedder and term functions are passed in): which sentences of
the retrieved passages answer the question, per party, ranked for the answer type.

Chunks average a whole paragraph, but users cite a sentence: each sentence is scored against
the question, and speaker lines, thanks and page furniture never become evidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from difflib import get_close_matches

import numpy as np

from index.chunk import normalise
from rag.listing import (
    holders,
    listed,
    lists_speakers,
    mentioned_terms,
    rare_name,
    using_terms,
)
from rag.names import mentions_found, names_found, names_resolution, question_names
from rag.question import Analysis, asked_resolutions, same_delegation
from rag.relevance import GENERIC, about, specific_terms
from rag.sentences import (
    COURTESY,
    ENDS,
    Candidate,
    answer_type_feature,
    candidates,
    figure_near,
    next_sentence,
)
from rag.settings_models import EvidenceSettings
from rag.types import Evidence, Passage

EmbedFn = Callable[[list[str]], np.ndarray]
Terms = Callable[[str], list[str]]
Weight = Callable[[str], float]


_GAINS = (
    "similarity",
    "sentence_terms",
    "passage_terms",
    "answer_type",
    "mention",
    "resolution",
    "sentence_resolution",
    "figure_terms",
)


class EvidenceFinder:
    """Scores every sentence of the retrieved passages and keeps the best per party."""

    def __init__(
        self,
        embed: EmbedFn,
        terms: Terms,
        weight: Weight,
        config: EvidenceSettings | None = None,
        spell: Callable[[str], str] | None = None,
    ) -> None:
        self.embed, self.terms, self.weight = embed, terms, weight
        self.config = config or EvidenceSettings()
        self.spell = spell or (lambda t: t)  # a misspelt question term → the corpus's spelling
        self._generic = set(terms(GENERIC))

    def with_embed(self, embed: EmbedFn) -> EvidenceFinder:
        """The same finder over another embedder (a cached one: positions, timelines)."""
        return EvidenceFinder(embed, self.terms, self.weight, self.config, self.spell)

    def rank(
        self,
        analysis: Analysis,
        passages: Sequence[Passage],
        party: str = "",
        whole: bool = False,
    ) -> list[Evidence]:
        """Every candidate sentence as evidence, best first (`whole`: the passages are all of
        the few statements the filters allow, so their words all count for coverage)."""
        question = analysis.question
        wanted = list(
            dict.fromkeys(map(self.spell, specific_terms(question, self.terms, self._generic)))
        )
        cands = self._shortlist(candidates(passages), wanted)
        if not cands:
            return []
        texts = [c.text for c in cands]  # normalised once: each is read by several features
        words = [set(self.terms(t)) for t in texts]
        local = self._local(wanted, words)
        vecs = self.embed([question, *texts])
        sims = vecs[1:] @ vecs[0]
        # What the top passages cover together (with who, when, agenda): the refusal feature
        top = passages if whole else passages[: self.config.top_passages]
        context = " ".join(about(p) for p in top)
        retrieved = self._coverage(wanted, context, typos=True)
        asked_names = question_names(analysis)  # once: read again for every sentence of a list
        named = names_found(analysis, context, asked_names)
        topic = mentions_found(analysis, context)
        by_passage, by_statement = self._per_passage(analysis, wanted, cands)
        w = self.config.weights
        # A country the question names as a topic marks its speaker only when nobody is asked
        # about: "which delegation warned about the tanker off Yemen" is rarely Yemen.
        boost = not analysis.speaking and analysis.answer_type not in ("who", "list")
        many = lists_speakers(analysis)
        asked = asked_resolutions(analysis)
        # The words a figure of a number question should count ("missing", "protesters")
        counted = (
            {t for t in wanted if not t.isdigit()} if analysis.answer_type == "number" else set()
        )
        scored = []
        for c, text, have, sim in zip(cands, texts, words, sims, strict=True):
            f = {
                "similarity": float(sim),
                "sentence_terms": self._coverage(wanted, text, local=local, have=have),
                "passage_terms": by_passage[c.passage.chunk_id],
                "answer_type": answer_type_feature(analysis.answer_type, text, question),
                "mention": float(boost and _mentioned(c.passage, analysis)),
                "resolution": by_statement[c.passage.statement_id],
                "sentence_resolution": float(any(n in have for n in asked)),
                "figure_terms": figure_near(text, counted, self.terms) if counted else 0.0,
                "courtesy": float(bool(COURTESY.search(text))),
                "fragment": float(not ENDS.search(text)),
                "sentence_names": names_found(analysis, text, asked_names) if many else 0.0,
                "rank": float(c.rank),
            }
            score = sum(getattr(w, k) * f[k] for k in _GAINS)
            score -= w.courtesy * f["courtesy"] + w.fragment * f["fragment"] + w.rank * f["rank"]
            f["retrieved_terms"], f["retrieved_names"] = retrieved, named
            f["retrieved_topic"] = topic
            scored.append(Evidence(c.passage, c.start, c.end, round(score, 6), party, f))
        return sorted(scored, key=lambda e: -e.score)

    def _per_passage(
        self, analysis: Analysis, wanted: list[str], cands: list[Candidate]
    ) -> tuple[dict[str, float], dict[str, float]]:
        """The question's terms in each passage (by chunk id) and the named resolution in each
        statement (by id): once each, not once per sentence (a statement's text is long)."""
        by_passage: dict[str, float] = {}
        by_statement: dict[str, float] = {}
        for c in cands:
            if c.passage.chunk_id not in by_passage:
                by_passage[c.passage.chunk_id] = self._coverage(wanted, about(c.passage))
            if c.passage.statement_id not in by_statement:
                by_statement[c.passage.statement_id] = names_resolution(analysis, c.passage)
        return by_passage, by_statement

    def _shortlist(self, cands: list[Candidate], wanted: list[str]) -> list[Candidate]:
        """At most `max_candidates` sentences to embed: a whole meeting has thousands, and the
        encoder reads ~40 a second here. Those sharing most of the question's words go first,
        then retrieval order."""
        most = self.config.max_candidates
        if len(cands) <= most:
            return cands
        share = [self._coverage(wanted, c.text) for c in cands]
        keep = sorted(range(len(cands)), key=lambda i: (-share[i], cands[i].rank))[:most]
        return [cands[i] for i in sorted(keep)]

    def answers(self, ranked: Sequence[Evidence], whole: bool = False) -> bool:
        """Whether the best evidence is about the question at all (else: say it is not found).

        `whole`: the filters (the user's, or the party the question names) left few statements
        and all of them were read. Such a filter is trusted: a paraphrase need not share the
        statement's words, but the names the question uses must still be there."""
        if not ranked:
            return False
        best, c = ranked[0].features, self.config
        if best["similarity"] < c.min_similarity or best["retrieved_names"] < c.min_names:
            return False
        if best["retrieved_topic"] < c.min_topic:
            return False
        if best["similarity"] < c.weak_similarity and best["sentence_terms"] < c.weak_terms:
            return False  # the best sentence neither reads like the question nor shares its words
        if whole and best["similarity"] >= c.trusted_similarity:
            return True
        return best["retrieved_terms"] >= (c.min_coverage_whole if whole else c.min_coverage)

    def states(self, analysis: Analysis, chosen: Sequence[Evidence]) -> bool:
        """Whether the quotes hold what a number or date question asks for at all: "How much
        did Italy pledge?" answered with Italy's sentences that hold no figure is not found
        (held-out reading: the party spoke at the meeting but never gave the figure)."""
        kind = analysis.answer_type
        if kind not in ("number", "date"):
            return bool(chosen)
        asked = analysis.question
        return any(answer_type_feature(kind, normalise(e.quote), asked) >= 1.0 for e in chosen)

    def select(self, analysis: Analysis, ranked: Sequence[Evidence]) -> list[Evidence]:
        """The quotes to show: the best, and for lists the best of several statements."""
        if not ranked:
            return []
        many = lists_speakers(analysis)
        if many or (analysis.answer_type == "who" and not analysis.speaking):
            held = holders(analysis, ranked, self._rare)
            # "Who raised the case of MP Siham Sergewa?": all who named her, not the best one
            if held and (many or len(held) > 1):
                return [self._extended(e, analysis) for e in held[: self.config.list_size]]
        if many:
            asked = mentioned_terms(analysis, self.terms, self.weight, self.config.key_idf)
            used = using_terms(ranked, asked, self.terms) if asked else []
            rows = used or listed(analysis, ranked, self.config)
            return [self._extended(e, analysis) for e in rows[: self.config.list_size]]
        top, margin = ranked[0].score, self.config.margin
        most = self.config.per_party
        if analysis.answer_type == "position":
            most = self.config.per_party_position
        chosen: list[Evidence] = []
        for e in ranked:
            if len(chosen) == most or e.score < top - margin:
                break
            quote = self._extended(e, analysis)
            if not any(_overlap(quote, c) for c in chosen):  # spread the quotes: more facts
                chosen.append(quote)
        return chosen

    def _rare(self, name: str, folded: list[str]) -> bool:
        return rare_name(name, folded, self.weight, self.terms, self.config.key_idf)

    def _extended(self, e: Evidence, analysis: Analysis) -> Evidence:
        """The sentence with the next one added when only the next holds what is asked
        ("how many" answered one sentence later) or when it is very short."""
        text = e.passage.statement.text
        after = next_sentence(text, e.end, self.config.max_quote_chars)
        if after is None:
            return e
        kind = analysis.answer_type
        need = kind in ("number", "date", "place", "list")
        # A list needs several items: "... and we have done so." is followed by the cities.
        asked = analysis.question
        has = answer_type_feature(kind, normalise(text[e.start : e.end]), asked)
        lacks = need and has < (0.5 if kind == "list" else 1.0)
        short = len(text[e.start : e.end].split()) < 12
        fits = after[1] - e.start <= self.config.max_quote_chars
        more = lacks and answer_type_feature(kind, after[2], asked) > has
        if more and kind in ("list", "place"):
            more = self._on_topic(analysis, after[2])  # commas and capitals alone say little
        if fits and (short or more):
            # The card shows the passage: it grows to hold the sentence the quote adds.
            passage = replace(e.passage, end=max(e.passage.end, after[1]))
            return Evidence(passage, e.start, after[1], e.score, e.party, e.features)
        return e

    def _on_topic(self, analysis: Analysis, sentence: str) -> bool:
        """Whether the sentence shares a specific word of the question other than the names of
        the parties (every sentence of Kazakhstan's statement may say "Kazakhstan")."""
        named = set(self.terms(" ".join(p.mention for p in analysis.parties)))
        topic = set(specific_terms(analysis.question, self.terms, self._generic)) - named
        return bool(topic & set(self.terms(sentence)))

    def _coverage(
        self,
        wanted: list[str],
        text: str,
        typos: bool = False,
        local: dict[str, float] | None = None,
        have: set[str] | None = None,
    ) -> float:
        """Idf-weighted share of `wanted` in the text; with `typos`, a close spelling counts
        ("kazakstan", "securty": users type fast); `local` scales each term's weight; `have`:
        the text's terms when the caller has them already."""
        if not wanted:
            return 1.0
        if have is None:
            have = set(self.terms(text))
        scale = local or {}
        weight = {t: self.weight(t) * scale.get(t, 1.0) for t in wanted}
        total = sum(weight.values())
        found = [
            t
            for t in wanted
            if t in have or _in_parts(t, have) or (typos and get_close_matches(t, have, 1, 0.8))
        ]
        return sum(weight[t] for t in found) / total if total else 0.0

    def _local(self, wanted: list[str], sets: list[set[str]]) -> dict[str, float]:
        """How rare each wanted term is among the candidate sentences (1: in one, → 0: in all).
        Under a party filter "dam" is in every Ethiopian sentence and tells none apart; "rural"
        is the word that finds the answer."""
        n = len(sets)
        if n < self.config.local_min_sentences:
            return {}
        top = math.log((n + 1) / 0.5)
        return {
            t: max(0.1, math.log((n + 1) / (sum(t in s for s in sets) + 0.5)) / top) for t in wanted
        }


def _in_parts(term: str, have: set[str]) -> bool:
    """ "mh17" written "MH-17": its letters and its digits are both there."""
    m = re.fullmatch(r"([a-z]+)(\d+)|(\d+)([a-z]+)", term)
    return m is not None and all(g in have for g in m.groups() if g)


def _overlap(a: Evidence, b: Evidence) -> bool:
    """Two quotes share words of one statement."""
    same = a.passage.statement_id == b.passage.statement_id
    return same and a.start < b.end and b.start < a.end


def _mentioned(p: Passage, analysis: Analysis) -> bool:
    return any(same_delegation(p.statement.country, m) for m in analysis.mentions)
