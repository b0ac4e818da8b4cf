"""Pure rendering: Answer → chat HTML, evidence cards, statement viewer (every text escaped)."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape

from index.records import record_of
from index.types import Statement
from rag.export import export_answer, media_type, passages_csv
from rag.filters import describe
from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer, AnswerSentence, Citation, Passage, Retrieval, attribution

_LABEL = re.compile(r"\s*\[(\d+)\]")
EXPORTS = (("md", "Markdown"), ("csljson", "CSL-JSON"), ("bibtex", "BibTeX"), ("ris", "RIS"))


def card_id(turn: int, n: int) -> str:
    """DOM id of the evidence card of label [n] in chat turn `turn`."""
    return f"cite-{turn}-{n}"


def chip(turn: int, n: int) -> str:
    """A clickable [n] that focuses its evidence card (handled by the page script)."""
    target = card_id(turn, n)
    return f'<a class="cite-chip" href="#{target}" data-card="{target}">[{n}]</a>'


def filters_banner(description: str) -> str:
    """The filters in force, shown above the answer ("" when none)."""
    if not description:
        return ""
    return f'<div class="filters-banner">Filters: {escape(description)}</div>'


def searched_banner(answer_or_retrievals: Answer | Sequence[Retrieval]) -> str:
    """What was really searched: each search's filters, the named ones marked ("" when none)."""
    retrievals = (
        answer_or_retrievals.retrievals
        if isinstance(answer_or_retrievals, Answer)
        else answer_or_retrievals
    )
    parts = list(dict.fromkeys(describe(r.filters, r.given) for r in retrievals))
    return filters_banner(" | ".join(p for p in parts if p))


def streaming_html(raw: str, banner: str = "", quotes: str = "") -> str:
    """The lead sentence while its tokens arrive (escaped raw text), above the quotes."""
    lead = f'<div class="lead">{escape(raw)}<span class="cursor">▍</span></div>'
    return f'{banner}<div class="answer streaming">{lead}{quotes}</div>'


def answer_html(answer: Answer, turn: int, banner: str = "") -> str:
    """The checked answer: the lead (if kept), each quote with who said it and its chip, and
    the notes about named parties; or the refusal. Download links for the answer follow."""
    downloads = answer_downloads(answer, turn)
    if answer.refused:
        return banner + refusal_html(answer, turn) + downloads
    lead = "".join(_lead_html(s, turn) for s in answer.sentences if s.kind != "quote")
    body = f"{lead}{quotes_html(answer, turn)}{_notes(answer)}"
    return f'{banner}<div class="answer">{body}</div>{downloads}'


def quotes_html(answer: Answer, turn: int) -> str:
    """The quotes of an answer, each attributed and cited."""
    return "".join(_quote_html(s, turn) for s in answer.sentences if s.kind == "quote")


def _lead_html(s: AnswerSentence, turn: int) -> str:
    text = escape(_LABEL.sub("", s.text).strip())
    chips = "".join(chip(turn, c.n) for c in s.citations)
    return f'<div class="lead"><span class="sent">{text} {chips}</span></div>'


def _quote_html(s: AnswerSentence, turn: int) -> str:
    c = s.citations[0]
    who = escape(attribution(c.passage.statement))
    return (
        f'<blockquote class="quote"><div class="who">{who} {chip(turn, c.n)}</div>'
        f"“{escape(s.text)}”</blockquote>"
    )


def _notes(answer: Answer) -> str:
    return "".join(f'<div class="note">{escape(n)}</div>' for n in answer.notes)


def refusal_html(answer: Answer, turn: int) -> str:
    """ "Not found in the indexed statements.", why, and the closest matches as chips."""
    closest = answer.passages
    items = "".join(
        f"<li>{chip(turn, i)} {escape(p.label())}</li>" for i, p in enumerate(closest[:3], 1)
    )
    more = f'<div class="closest">Closest matches:<ul>{items}</ul></div>' if items else ""
    return (
        f'<div class="answer refused"><strong>{REFUSAL_TEXT}</strong>{_notes(answer)}</div>{more}'
    )


def evidence_cards(answer: Answer, turn: int) -> str:
    """One card per cited passage (or per closest match of a refusal)."""
    if answer.refused:
        return "".join(
            passage_card(p, card_id(turn, i), None) for i, p in enumerate(answer.passages[:3], 1)
        )
    return "".join(
        passage_card(c.passage, card_id(turn, c.n), c, label=f"[{c.n}]") for c in answer.citations()
    )


def evidence_panel(turns: Sequence[tuple[str, str]]) -> str:
    """The evidence of every chat turn, newest first: (question, cards html) pairs."""
    if not turns:
        return '<div class="ev-empty">Ask a question: the evidence appears here.</div>'
    parts = []
    for i in range(len(turns) - 1, -1, -1):
        question, cards = turns[i]
        cards = cards or '<div class="ev-empty">No passage cited.</div>'
        head = f"<h4>Q{i + 1}: {escape(question)}</h4>"
        parts.append(f'<section class="ev-turn">{head}{cards}</section>')
    return "".join(parts)


def passage_card(p: Passage, dom_id: str, cite: Citation | None, label: str = "") -> str:
    """A card: who, where, when, agenda, language; the passage with the cited span marked."""
    st = p.statement
    start, end = (cite.start, cite.end) if cite else (-1, -1)
    return (
        f'<div class="ev-card" id="{escape(dom_id)}" tabindex="-1">'
        f'<div class="ev-head"><span class="ev-label">{escape(label)}</span> '
        f"{_who(st)}</div>"
        f"{_meta_line(st)}"
        f'<div class="ev-text">{highlight(st.text, p.start, p.end, start, end)}</div>'
        f"{open_button(st.id, start, end, 'Open statement')}</div>"
    )


def _who(st: Statement) -> str:
    who = f"<strong>{escape(st.speaker or 'Unnamed speaker')}</strong>"
    return who + (f" ({escape(st.country)})" if st.country else "")


def _meta_line(st: Statement) -> str:
    parts = [
        st.date,
        st.agenda,
        f"spoke in {st.spoken_language}" if st.spoken_language else "",
    ]
    meta = " · ".join([record_link(st), *(escape(x) for x in parts if x)])
    return f'<div class="ev-meta">{meta}</div>'


def record_link(st: Statement) -> str:
    """The record's symbol (and page) linked to the official record; the label alone when
    nothing can be linked ("record symbol unknown")."""
    rec = record_of(st)
    text = escape(rec.label + (f", p. {rec.page}" if rec.page else ""))
    if not rec.url:
        return f'<span class="rec-unknown">{text}</span>'
    return (
        f'<a class="rec-link" href="{escape(rec.url)}" target="_blank" rel="noopener" '
        f'title="Open the official record">{text} ↗</a>'
    )


def download_link(content: str, fmt: str, name: str, text: str) -> str:
    """A link that downloads `content` as a file (a data: URL, so no server round trip)."""
    mime, ext = media_type(fmt)
    data = base64.b64encode(content.encode("utf-8")).decode("ascii")
    return (
        f'<a class="dl-link" data-format="{fmt}" download="{escape(name)}.{ext}" '
        f'href="data:{mime};charset=utf-8;base64,{data}">{escape(text)}</a>'
    )


def answer_downloads(answer: Answer, turn: int) -> str:
    """ "Download: Markdown · CSL-JSON · BibTeX · RIS" under an answer (Markdown alone for a refusal)."""
    name = f"unsc-answer-{turn}"
    formats = (("md", "Markdown"),) if answer.refused else EXPORTS
    links = " · ".join(download_link(export_answer(answer, f), f, name, t) for f, t in formats)
    return f'<div class="downloads">Download: {links}</div>'


def search_downloads(passages: Sequence[Passage]) -> str:
    """ "Download results: CSV" under the search results ("" when none)."""
    if not passages:
        return ""
    link = download_link(passages_csv(passages), "csv", "unsc-search", "CSV")
    return f'<div class="downloads">Download results: {link}</div>'


def open_button(statement_id: str, start: int, end: int, text: str) -> str:
    """A button the page script turns into an 'open statement' event."""
    return (
        f'<button class="open-stmt" data-sid="{escape(statement_id)}" data-start="{start}" '
        f'data-end="{end}">{escape(text)}</button>'
    )


def highlight(text: str, lo: int, hi: int, start: int, end: int, mark_id: str = "") -> str:
    """text[lo:hi] escaped, with its overlap with [start, end) in a <mark>."""
    a, b = max(lo, start), min(hi, end)
    if start < 0 or a >= b:
        return escape(text[lo:hi])
    attr = f' id="{mark_id}"' if mark_id else ""
    return (
        f'{escape(text[lo:a])}<mark class="cited"{attr}>{escape(text[a:b])}</mark>'
        f"{escape(text[b:hi])}"
    )


def statement_html(
    st: Statement, start: int, end: int, prev: Statement | None, nxt: Statement | None
) -> str:
    """The whole statement, the cited span marked (id="cited-span"), with its neighbours."""
    nav = (
        "".join(
            f'<div class="nb">{label}: {_who(n)} {open_button(n.id, -1, -1, "Open")}</div>'
            for label, n in (("Previous speaker", prev), ("Next speaker", nxt))
            if n is not None
        )
        or '<div class="nb">No other speaker of this meeting is indexed.</div>'
    )
    body = highlight(st.text, 0, len(st.text), start, end, mark_id="cited-span")
    return (
        f'<div class="viewer" data-sid="{escape(st.id)}">'
        f'<div class="ev-head">{_who(st)}</div>{_meta_line(st)}'
        f'<div class="nav">{nav}</div>'
        f'<div class="viewer-text">{body}</div></div>'
    )


def search_results(passages: Sequence[Passage]) -> str:
    """Retrieval-only results as cards, ranked."""
    if not passages:
        return '<div class="ev-empty">No passage matches.</div>'
    cards = "".join(
        passage_card(p, f"hit-{i}", None, label=f"#{i} · {p.score:.3f}")
        for i, p in enumerate(passages, 1)
    )
    return cards + search_downloads(passages)


def counts_rows(counts: dict[str, int], limit: int = 200) -> list[list[object]]:
    """{value: count} → table rows, unknown values named."""
    return [[k or "(unknown)", v] for k, v in list(counts.items())[:limit]]
