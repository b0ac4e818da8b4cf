"""Evidence first (pure; the embedder and term functions are passed in): which sentences of
the retrieved passages answer the question, per party, ranked for the answer type.

Chunks average a whole paragraph, but users cite a sentence: each sentence is scored against
the question, and speaker lines, thanks and page furniture never become evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from index.chunk import normalise, sentence_spans
from index.countries import demonym_country
from index.verbatim import furniture_spans
from rag.answer_text import fold, names_in, numbers_in
from rag.injection import clean_end, forged_turn, instruction_like
from rag.question import Analysis, same_delegation
from rag.relevance import GENERIC, about, specific_terms
from rag.settings_models import EvidenceSettings
from rag.types import Evidence, Passage

EmbedFn = Callable[[list[str]], np.ndarray]
Terms = Callable[[str], list[str]]
Weight = Callable[[str], float]


# Sentences that answer nothing: thanks, greetings, procedure (the President's turns).
_COURTESY = re.compile(
    r"^(?:I|We)\s+(?:would\s+(?:also\s+)?like\s+to\s+|wish\s+to\s+|also\s+|too\s+)?(?:thank|"
    r"congratulate|commend|join\s+others)|^(?:Let\s+me|Allow\s+me)\s+(?:also\s+)?(?:begin|start|"
    r"first|thank|to\s+thank|congratulate)|^Thank\s+you|^At\s+the\s+outset|^I\s+now\s+(?:give|"
    r"call|invite|resume)|^I\s+give\s+the\s+floor|^I\s+shall\s+now|^The\s+meeting\s+(?:rose|was)|"
    r"^There\s+are\s+no\s+more\s+names|^The\s+Security\s+Council\s+will\s+now|"
    r"\bgive\s+the\s+floor\b|\bin\s+accordance\s+with\s+rule\s+3[79]\b|"
    r"\bhas\s+been\s+adopted\s+(?:unanimously\s+)?as\s+resolution\b|^I\s+have\s+the\s+honour\s+to|"
    r"\bthe\s+result\s+of\s+the\s+voting\b|\bI\s+shall\s+put\b|\bproceed\s+to\s+vote\b",
    re.I,
)
_ENDS = re.compile(r"[.!?;:][\"”’')\]]*$")
_GAINS = ("similarity", "sentence_terms", "passage_terms", "answer_type", "mention")
_SPEAKER_LINE = re.compile(
    r"^\s*(?:The\s+(?:President|Secretary-General|Chair\w*)|(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)"
    r"\.?\s+[^:\n]{1,80}?)(?:\s*\([^()]*(?:\([^()]*\))?[^()]*\)){0,3}\s*:\s*"
)
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|yesterday|today|last\s+(?:week|month|year))\b|\b(?:19|20)\d\d\b"
)
_PLACE = re.compile(r"\b(?:in|at|to|from|near|of)\s+(?:the\s+)?[A-Z][a-z]{2,}")
_STANCE = re.compile(
    r"\b(?:support|supports|welcome|welcomes|oppose|opposes|reject|rejects|condemn|condemns|"
    r"favour|favor|against|abstain\w*|agree\w*|disagree\w*|cannot|will\s+not|did\s+not|must|"
    r"should|call\s+(?:on|for|upon)|urge|believe|regret|concern\w*|voted)\b",
    re.I,
)
_YEARS_AND_SYMBOLS = re.compile(r"\b(?:19|20)\d\d\b|\b\d{3,4}\s*\((?:19|20)\d\d\)|S/\S+")


def answer_type_feature(kind: str, sentence: str) -> float:
    """1 when the sentence holds what this kind of answer needs, 0 when it cannot answer it."""
    if kind == "number":
        plain = _YEARS_AND_SYMBOLS.sub(" ", sentence)  # "in 2014" and "resolution 2334 (2016)"
        return 1.0 if numbers_in(plain) or re.search(r"per\s?cent|%|half|third", plain) else 0.0
    if kind == "date":
        return 1.0 if _MONTH.search(sentence) else 0.0
    if kind == "place":
        return 1.0 if _PLACE.search(sentence) else 0.0
    if kind == "yesno":
        return 1.0 if _STANCE.search(sentence) else 0.0
    if kind == "list":
        return min(1.0, sentence.count(",") / 3)
    return 0.0


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage (offsets into the statement), with its passage rank."""

    passage: Passage
    start: int
    end: int
    rank: int

    @property
    def text(self) -> str:
        """The sentence, whitespace and line-break hyphens normalised."""
        return normalise(self.passage.statement.text[self.start : self.end])


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of the passages that could be evidence, each once, in passage order."""
    out, seen = [], set()
    furniture: dict[str, list[tuple[int, int]]] = {}
    for rank, p in enumerate(passages):
        text = p.statement.text
        if p.statement_id not in furniture:
            furniture[p.statement_id] = furniture_spans(text)
        for a, b in sentence_spans(p.text):
            start, end = p.start + a, p.start + b
            if forged_turn(text, start):
                continue  # a speaker's line inside a statement: forged, never a quote
            if m := _SPEAKER_LINE.match(text, start, end):  # the line that opens a statement
                start = m.end()
            key = (p.statement_id, start)
            if key in seen or _in_furniture(start, end, furniture[p.statement_id]):
                continue
            end = start + clean_end(text[start:end])  # words to the reader are never quoted
            if len(text[start:end].split()) >= 4:
                seen.add(key)
                out.append(Candidate(p, start, end, rank))
    return out


def _in_furniture(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Mostly a page head, foot or job number."""
    covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return covered > (end - start) / 2


class EvidenceFinder:
    """Scores every sentence of the retrieved passages and keeps the best per party."""

    def __init__(
        self, embed: EmbedFn, terms: Terms, weight: Weight, config: EvidenceSettings | None = None
    ) -> None:
        self.embed, self.terms, self.weight = embed, terms, weight
        self.config = config or EvidenceSettings()
        self._generic = set(terms(GENERIC))

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
        wanted = specific_terms(question, self.terms, self._generic)
        cands = self._shortlist(candidates(passages), wanted)
        if not cands:
            return []
        vecs = self.embed([question, *(c.text for c in cands)])
        sims = vecs[1:] @ vecs[0]
        # What the top passages cover together (with who, when, agenda): the refusal feature
        top = passages if whole else passages[: self.config.top_passages]
        context = " ".join(about(p) for p in top)
        retrieved = self._coverage(wanted, context, typos=True)
        named = names_found(analysis, context)
        by_passage: dict[str, float] = {}
        w = self.config.weights
        # A country the question names as a topic marks its speaker only when nobody is asked
        # about: "which delegation warned about the tanker off Yemen" is rarely Yemen.
        boost = not analysis.speaking and analysis.answer_type not in ("who", "list")
        many = lists_speakers(analysis)
        scored = []
        for c, sim in zip(cands, sims, strict=True):
            f = {
                "similarity": float(sim),
                "sentence_terms": self._coverage(wanted, c.text),
                "passage_terms": by_passage.setdefault(
                    c.passage.chunk_id, self._coverage(wanted, about(c.passage))
                ),
                "answer_type": answer_type_feature(analysis.answer_type, c.text),
                "mention": float(boost and _mentioned(c.passage, analysis)),
                "courtesy": float(bool(_COURTESY.search(c.text))),
                "fragment": float(not _ENDS.search(c.text)),
                "sentence_names": names_found(analysis, c.text) if many else 0.0,
                "rank": float(c.rank),
            }
            score = sum(getattr(w, k) * f[k] for k in _GAINS)
            score -= w.courtesy * f["courtesy"] + w.fragment * f["fragment"] + w.rank * f["rank"]
            f["retrieved_terms"], f["retrieved_names"] = retrieved, named
            scored.append(Evidence(c.passage, c.start, c.end, round(score, 6), party, f))
        return sorted(scored, key=lambda e: -e.score)

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
        if whole and best["similarity"] >= c.trusted_similarity:
            return True
        return best["retrieved_terms"] >= (c.min_coverage_whole if whole else c.min_coverage)

    def select(self, analysis: Analysis, ranked: Sequence[Evidence]) -> list[Evidence]:
        """The quotes to show: the best, and for lists the best of several statements."""
        if not ranked:
            return []
        if lists_speakers(analysis):
            return [self._extended(e, analysis) for e in self._listed(analysis, ranked)]
        top, margin = ranked[0].score, self.config.margin
        chosen: list[Evidence] = []
        for e in ranked:
            if len(chosen) == self.config.per_party or e.score < top - margin:
                break
            quote = self._extended(e, analysis)
            if not any(_overlap(quote, c) for c in chosen):  # spread the quotes: more facts
                chosen.append(quote)
        return chosen

    def _listed(self, analysis: Analysis, ranked: Sequence[Evidence]) -> list[Evidence]:
        """ "Which delegations said X": the best sentence of each statement that says X (it
        holds the names the question uses, or enough of its words), best first."""
        names = names_found(analysis, "") < 1.0  # the question uses names at all
        key = "sentence_names" if names else "sentence_terms"
        chosen: list[Evidence] = []
        seen: set[str] = set()
        for e in ranked:
            sid = e.passage.statement_id
            if sid in seen or e.features["courtesy"]:
                continue
            seen.add(sid)
            if e.features[key] >= self.config.list_terms:
                chosen.append(e)
        return (chosen or list(ranked[:1]))[: self.config.list_size]

    def _extended(self, e: Evidence, analysis: Analysis) -> Evidence:
        """The sentence with the next one added when only the next holds what is asked
        ("how many" answered one sentence later) or when it is very short."""
        text = e.passage.statement.text
        nxt = [s for s in candidates([e.passage]) if s.start >= e.end]
        if not nxt:
            return e
        after = nxt[0]
        if instruction_like(text[e.end : after.start]):
            return e  # a sentence set aside lies between: the quote stays as it is
        need = analysis.answer_type in ("number", "date", "place")
        lacks = need and not answer_type_feature(
            analysis.answer_type, normalise(text[e.start : e.end])
        )
        short = len(text[e.start : e.end].split()) < 12
        fits = after.end - e.start <= self.config.max_quote_chars
        if fits and (short or (lacks and answer_type_feature(analysis.answer_type, after.text))):
            return Evidence(e.passage, e.start, after.end, e.score, e.party, e.features)
        return e

    def _coverage(self, wanted: list[str], text: str, typos: bool = False) -> float:
        """Idf-weighted share of `wanted` in the text; with `typos`, a close spelling counts
        ("kazakstan", "securty": users type fast)."""
        if not wanted:
            return 1.0
        have = set(self.terms(text))
        total = sum(self.weight(t) for t in wanted)
        found = [t for t in wanted if t in have or (typos and get_close_matches(t, have, 1, 0.8))]
        return sum(self.weight(t) for t in found) / total if total else 0.0


def _overlap(a: Evidence, b: Evidence) -> bool:
    """Two quotes share words of one statement."""
    same = a.passage.statement_id == b.passage.statement_id
    return same and a.start < b.end and b.start < a.end


def lists_speakers(analysis: Analysis) -> bool:
    """ "Which delegations / speakers said …": the answer is a list of who spoke."""
    asks = _WHO_MANY.search(analysis.question)
    return analysis.answer_type == "list" and not analysis.speaking and bool(asks)


_WHO_MANY = re.compile(
    r"\b(?:delegations|speakers|members|participants|statements|countries|states|representatives)\b",
    re.I,
)


def names_found(analysis: Analysis, context: str) -> float:
    """Share of the names the question uses ("Tigray", "Nord Stream", "AUKUS") found in the
    context; the parties it names are filters, not names to find. 1 when it uses none."""
    parties = {fold(w) for p in analysis.parties for w in p.mention.split()}
    body = analysis.question.split(" ", 1)[-1]  # its first word is capitalised anyway
    names = [re.sub(r"['’]s$", "", n) for n in dict.fromkeys(names_in(body))]
    names = [n for n in names if fold(n) not in parties and not demonym_country(n)]
    if not names:
        return 1.0
    words = set(re.findall(r"[\w'-]+", fold(context)))
    found = [n for n in names if fold(n) in words or get_close_matches(fold(n), words, 1, 0.85)]
    return len(found) / len(names)


def _mentioned(p: Passage, analysis: Analysis) -> bool:
    return any(same_delegation(p.statement.country, m) for m in analysis.mentions)
