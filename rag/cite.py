"""Strict support check (pure): a written sentence counts as supported only when every number,
proper name and quoted phrase in it occurs in the words it cites or in their speaker, country
and meeting (the meeting's date only as the attribution). A similarity score alone never passes
a sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.countries import ALIASES, aliases_of, demonym_country
from rag.answer_text import (
    content_words,
    echoes,
    fold,
    is_complete,
    labels_of,
    names_in,
    numbers_in,
    quoted_in,
    strip_labels,
)
from rag.relevance import spelled_date
from rag.types import AnswerSentence, Citation, Evidence

_MIN_PREFIX = 4  # "Russia" is in "Russian Federation"; "Ger" would match too much


def evidence_text(e: Evidence) -> str:
    """The quote with who said it and where: what a sentence may say about it. The meeting's
    date supports only an attribution (`attribution_removed`), never an event: "99,000
    families benefited … on July 14, 2020" put the meeting's date on the programme (fresh4)."""
    st = e.passage.statement
    who = " ".join([st.speaker, st.country, *aliases_of(st.country), st.symbol])
    return f"{who} {e.quote}"


def attribution_removed(claim: str, cited: Sequence[Evidence]) -> str:
    """The claim without the meeting's date or reference where they only say when and where it
    was said: "On 19 January 2016, …", "(Mr. Shearer, S/PV.8741, 2020-03-04)"."""
    for e in cited:
        st = e.passage.statement
        dates = [d for d in (spelled_date(st.date), _us_date(st.date), st.date) if d]
        for d in dates:
            claim = re.sub(
                rf"^\s*(?:On|At the|In its statement of)\s+{re.escape(d)},?\s*", "", claim
            )
        if st.symbol:
            claim = re.sub(rf"\s*\([^()]*{re.escape(st.symbol)}[^()]*\)", "", claim)
    return claim


def _us_date(iso: str) -> str:
    """ "2020-07-14" → "July 14, 2020" (how the model writes dates)."""
    spelled = spelled_date(iso)  # "14 July 2020"
    if not spelled:
        return ""
    day, month, year = spelled.split()
    return f"{month} {day}, {year}"


def missing_terms(claim: str, evidence: str) -> tuple[str, ...]:
    """The claim's numbers, names and quoted phrases that the evidence lacks."""
    have_numbers = numbers_in(evidence)
    folded = fold(evidence)
    words = set(re.findall(r"[\w'-]+", folded))
    missing = [n for n in sorted(numbers_in(claim)) if n not in have_numbers]
    missing += [n for n in dict.fromkeys(names_in(claim)) if not _name_found(n, words, folded)]
    missing += [q for q in quoted_in(claim) if fold(q) not in folded]
    return tuple(missing)


def _name_found(name: str, words: set[str], folded: str) -> bool:
    """A name is found as a word, a word's prefix ("Russia" → "Russian"), or as the country
    its adjective or short form stands for ("British", "UK" → "United Kingdom")."""
    low = fold(name)
    if low in words or (len(low) >= _MIN_PREFIX and any(w.startswith(low) for w in words)):
        return True
    country = demonym_country(low) or ALIASES.get(low, "")
    return bool(country) and fold(country) in folded


def check_sentence(sentence: str, evidence: Sequence[Evidence], question: str) -> AnswerSentence:
    """A model-written sentence with its labels resolved to the quotes they name, checked.

    Supported only when it is a whole sentence, says something the question did not, cites at
    least one quote, and every number, name and quoted phrase is in what it cites."""
    claim = strip_labels(sentence)
    labels = [n for n in labels_of(sentence) if 1 <= n <= len(evidence)]
    cited = [evidence[n - 1] for n in labels]
    support_text = " ".join(evidence_text(e) for e in cited)
    said = attribution_removed(claim, cited)
    missing = missing_terms(said, support_text) if cited else ("[no citation]",)
    ok = (
        bool(cited)
        and not missing
        and is_complete(sentence)
        and not echoes(claim, question)
        and not _copies_quote(claim, cited)
        and not _claims_for_itself(said, cited)
        and _overlaps(said, support_text)
    )
    cites = tuple(
        Citation(n, e.passage, e.start, e.end, 1.0 if ok else 0.0, ok)
        for n, e in zip(labels, cited, strict=True)
    )
    return AnswerSentence(claim, cites, supported=ok, kind="lead", missing=missing)


# "Viet Nam said it has the largest number of IDPs" over Viet Nam's quote about the Congo,
# "Kuwait said it burned 700 oil wells" over a quote saying Iraq burned them (fresh5)
_SAID_IT = re.compile(r"\bsaid(?:\s+that)?\s+(?:it|its)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|i|my|me)\b", re.I)
_QUOTE_START_WORDS = 8


def _claims_for_itself(claim: str, cited: Sequence[Evidence]) -> bool:
    """The claim has the speaker say something of itself ("X said it …") that no cited quote
    says of its speaker: none speaks in the first person or names its own delegation, or the
    quote gives the act to another name ("Iraq burned" for "Kuwait said it burned")."""
    said = _SAID_IT.search(claim)
    if not said:
        return False
    if any(_done_by_another(claim[said.end() :], e) for e in cited):
        return True
    for e in cited:
        quote = fold(e.quote)
        own = [n for n in _own_names(e) if len(n) > 2]
        if _FIRST_PERSON.search(quote) or any(_as_subject(n, quote) for n in own):
            return False
    return True


def _own_names(e: Evidence) -> list[str]:
    """The quote's delegation by its names, folded ("united kingdom", "uk", …)."""
    country = e.passage.statement.country
    return [fold(n) for n in (country, *aliases_of(country))]


_AUXILIARY = frozenset(["has", "had", "have", "was", "were", "is", "would", "will", "could"])
# Words between an actor and its verb: "Iraq has also burned"
_BETWEEN = _AUXILIARY | {"been", "also", "not"}


def _done_by_another(rest: str, e: Evidence) -> bool:
    """The claim's verb ("burned") is in the quote right after a name that is not the
    speaker's own ("Iraq burned more than 700 oil wells")."""
    words = re.findall(r"[A-Za-z][\w'-]*", rest)
    verbs = [w for w in words[:2] if w.lower() not in _AUXILIARY][:1]
    if not verbs or len(verbs[0]) < 4:
        return False
    own = {w for n in _own_names(e) for w in n.split()}
    stem = re.escape(verbs[0][:5])
    quote = " ".join(e.quote.split())  # one text for the search and the names before it
    for m in re.finditer(rf"\b{stem}\w*", quote, re.I):
        before = re.findall(r"[\w'-]+", quote[: m.start()])[-4:]
        while before and before[-1].lower() in _BETWEEN:
            before.pop()
        actor = names_in(before[-1]) if before else []
        if actor and fold(actor[0]) not in own and not demonym_country(actor[0]):
            return True
    return False


# "in Kuwait", "against Ukraine": the delegation's name as the place or object of another's act
_OBJECT_OF = re.compile(r"(?:\b(?:in|to|from|of|against|on|at|with|by|for|into|towards)\s+)$")


def _as_subject(name: str, folded: str) -> bool:
    """The delegation's own name in its quote, not after a preposition ("Pakistan agrees")."""
    return any(
        not _OBJECT_OF.search(folded[: m.start()])
        for m in re.finditer(rf"\b{re.escape(name)}\b", folded)
    )


def _copies_quote(claim: str, cited: Sequence[Evidence]) -> bool:
    """The lead repeats a quote in quotation marks (often under its attribution header, as the
    answer prints it): it adds nothing the quote below it does not show. "Norway said that
    <its words>" is a lead; "Norway (Ms. Berg, …): “<its words>”" is a copy."""
    if not re.search(r"[“\"]", claim):
        return False
    said = " ".join(re.findall(r"[\w'-]+", fold(claim)))
    for e in cited:
        start = re.findall(r"[\w'-]+", fold(e.quote))[:_QUOTE_START_WORDS]
        if len(start) == _QUOTE_START_WORDS and " ".join(start) in said:
            return True
    return False


# What the claim says of a stance must be in the words it cites: "voted against", "was
# unhappy" written over a quote that says neither is the worst kind of wrong answer.
_STANCE = re.compile(
    r"\b(?:not|no|never|against|oppos\w*|reject\w*|unhapp\w*|disappoint\w*|regret\w*|"
    r"condemn\w*|deplor\w*|welcom\w*|support\w*|favou?r\w*|abstain\w*|veto\w*|"
    r"critici\w*|concern\w*|refus\w*|denie\w*|deny\w*|vot\w*)\b",
    re.I,
)
_REPORTING = frozenset(["said", "says", "say", "stated", "noted", "added", "told", "also"])
MIN_WORDS_FOUND = 0.6  # share of the claim's content words its cited words must hold


def _overlaps(claim: str, evidence: str) -> bool:
    """Most content words of the claim are in the evidence (a sentence about nothing the
    quotes say is not an answer), and every stance word it uses is there too."""
    folded = fold(evidence)
    words = [w for w in content_words(claim) if w.lower() not in _REPORTING]
    if not words:
        return False
    found = sum(fold(w)[:5] in folded for w in words)
    stance = all(fold(m.group(0))[:5] in folded for m in _STANCE.finditer(claim))
    return stance and found / len(words) >= MIN_WORDS_FOUND


@dataclass(frozen=True)
class Checked:
    """What the strict check made of a written lead: kept, or dropped and why."""

    sentence: AnswerSentence | None
    reason: str = ""


def check_lead(raw: str, evidence: Sequence[Evidence], question: str) -> Checked:
    """Keep a lead sentence only when the strict check supports it; otherwise say why not."""
    if not raw.strip():
        return Checked(None, "empty")
    labels = labels_of(raw)
    if not labels:
        return Checked(None, "no citation")
    if any(not 1 <= n <= len(evidence) for n in labels):
        return Checked(None, f"cites a quote that does not exist ({labels})")
    checked = check_sentence(raw, evidence, question)
    if checked.supported:
        return Checked(checked)
    why = ", ".join(checked.missing) if checked.missing else "not a whole sentence or an echo"
    return Checked(None, f"unsupported: {why}")
