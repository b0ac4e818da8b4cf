"""Answers and search results in formats a researcher can paste or import (pure): Markdown with
footnotes, CSL-JSON, BibTeX, RIS, and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date

from index.records import Record, meeting_number, record_kind, record_of
from index.types import Statement
from rag.errors import InputError
from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer, Citation, Passage

FORMATS = ("md", "csljson", "bibtex", "ris")
INSTITUTION = "United Nations Security Council"
PLACE = "New York"
_MEDIA = {
    "md": ("text/markdown", "md"),
    "csljson": ("application/vnd.citationstyles.csl+json", "json"),
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csv": ("text/csv", "csv"),
}


@dataclass(frozen=True)
class Source:
    """What a citation needs: who spoke, in which record, when, where, and the exact words."""

    n: int
    statement: Statement
    record: Record
    quote: str  # exactly statement.text[start:end]
    start: int
    end: int

    @property
    def who(self) -> str:
        """The delegation (or the speaker when no delegation is known)."""
        return self.statement.country or self.statement.speaker or "Unnamed speaker"

    @property
    def title(self) -> str:
        """ "Statement by Kazakhstan (Mr. Kabentayev), Security Council, 7606th meeting"."""
        st = self.statement
        speaker = f" ({st.speaker})" if st.country and st.speaker else ""
        return f"Statement by {self.who}{speaker}, {event(self.record)}"


def sources(answer: Answer) -> list[Source]:
    """One source per citation label, in label order."""
    return [source(c) for c in answer.citations()]


def source(c: Citation) -> Source:
    """A citation with its record resolved."""
    st = c.passage.statement
    return Source(c.n, st, record_of(st), c.quote, c.start, c.end)


def event(record: Record) -> str:
    """ "Security Council, 7606th meeting" (or "Security Council videoconference")."""
    number = meeting_number(record.symbol)
    if number:
        return f"Security Council, {number}"
    return "Security Council videoconference" if record.symbol else "Security Council meeting"


def long_date(iso: str) -> str:
    """ "2016-01-19" → "19 January 2016" ("" stays "")."""
    try:
        d = Date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B} {d.year}"


def one_line(text: str) -> str:
    """Whitespace runs collapsed to one space (records keep their line breaks)."""
    return " ".join(text.split())


# --- Markdown ----------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LABEL = re.compile(r"\s*\[\d+\]")


def md_escape(text: str) -> str:
    """Backslash-escape the characters Markdown would read as markup."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(answer: Answer) -> str:
    """The answer with footnotes: each quote attributed and footnoted with speaker, country,
    symbol, date, page, link and the exact words."""
    lines = [f"**Question:** {md_escape(answer.question)}", ""]
    if answer.refused:
        lines += [REFUSAL_TEXT, *(f"*{md_escape(n)}*" for n in answer.notes), ""]
        lines += [f"- {_md_passage(p)}" for p in answer.passages[:3]]
        return "\n".join(lines).rstrip() + "\n"
    for s in answer.sentences:
        refs = "".join(f"[^{c.n}]" for c in s.citations)
        if s.kind == "quote" and s.citations:
            src = source(s.citations[0])
            st = src.statement
            where = ", ".join(x for x in (st.speaker, src.record.label, long_date(st.date)) if x)
            lines += [f"**{md_escape(src.who)}** ({md_escape(where)}):", ""]
            lines += [f"> “{md_escape(s.text)}”{refs}", ""]
        else:
            lines += [md_escape(_LABEL.sub("", s.text)) + refs, ""]
    lines += [f"*{md_escape(n)}*" for n in answer.notes]
    lines += ["", *(_md_footnote(src) for src in sources(answer))]
    return "\n".join(lines).rstrip() + "\n"


def _md_footnote(src: Source) -> str:
    st, rec = src.statement, src.record
    parts = [
        st.speaker,
        st.country,
        rec.label,
        long_date(st.date),
        f"p. {rec.page}" if rec.page else "",
        f"<{rec.url}>" if rec.url else "",
    ]
    head = ", ".join(md_escape(p) if not p.startswith("<") else p for p in parts if p)
    return f"[^{src.n}]: {head}. “{md_escape(one_line(src.quote))}”"


def _md_passage(p: Passage) -> str:
    rec = record_of(p.statement)
    label = p.label() if p.statement.symbol else f"{p.label()} ({rec.label})"
    return md_escape(label) + (f" <{rec.url}>" if rec.url else "")


# --- CSL-JSON ----------------------------------------------------------------------------------
def to_csl_json(answer: Answer) -> list[dict[str, object]]:
    """CSL-JSON items (type `report`, number = symbol), one per citation; Zotero imports them."""
    return [csl_item(src) for src in sources(answer)]


def csl_item(src: Source) -> dict[str, object]:
    """One CSL-JSON item; only fields of the CSL data schema."""
    st, rec = src.statement, src.record
    item: dict[str, object] = {
        "id": f"{st.id}-{src.n}",
        "type": "report",
        "title": src.title,
        "author": [{"literal": src.who}],
        "genre": record_kind(st, rec.symbol),
        "event": event(rec),
        "publisher": INSTITUTION,
        "publisher-place": PLACE,
        "language": "en",
        "note": _note(src),
    }
    if rec.symbol:
        item["number"] = rec.symbol
    if st.date:
        y, m, d = (int(x) for x in st.date.split("-"))
        item["issued"] = {"date-parts": [[y, m, d]]}
    if rec.page:
        item["page"] = str(rec.page)
    if rec.url:
        item["URL"] = rec.url
    return item


def _note(src: Source) -> str:
    st, rec = src.statement, src.record
    parts = [f"Speaker: {st.speaker}" if st.speaker else ""]
    if rec.inferred:
        parts.append(f"Symbol {rec.symbol} found in the Council's meeting list by date and agenda")
    elif not rec.symbol:
        parts.append(rec.label[:1].upper() + rec.label[1:])
    parts.append(
        f"Quoted: “{one_line(src.quote)}” (statement {st.id}, characters {src.start}–{src.end})"
    )
    return ". ".join(p for p in parts if p)


def csl_json_text(answer: Answer) -> str:
    """CSL-JSON as text."""
    return json.dumps(to_csl_json(answer), indent=2, ensure_ascii=False) + "\n"


# --- BibTeX ------------------------------------------------------------------------------------
_BIB_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


_BIB_RAW = ("title", "author", "url")  # escaped already, or verbatim (url)


def bib_escape(text: str) -> str:
    """Characters TeX would read as commands escaped."""
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in one_line(text))


def bib_key(src: Source) -> str:
    """A citation key of letters, digits and underscores: `unsc_SPV7606_Kazakhstan_1`."""
    sym = re.sub(r"[^A-Za-z0-9]", "", src.record.symbol) or "nosymbol"
    who = re.sub(r"[^A-Za-z0-9]", "", src.who)[:24] or "speaker"
    return f"unsc_{sym}_{who}_{src.n}"


def to_bibtex(answer: Answer) -> str:
    """One `@techreport` per citation (institution, number = symbol, type, url)."""
    return "\n".join(bibtex_entry(src) for src in sources(answer))


def bibtex_entry(src: Source) -> str:
    """One BibTeX entry; corporate names braced so they are not split into persons."""
    st, rec = src.statement, src.record
    fields = [
        ("title", f"{{{bib_escape(src.title)}}}"),
        ("author", f"{{{bib_escape(src.who)}}}"),
        ("institution", INSTITUTION),
        ("address", PLACE),
        ("type", record_kind(st, rec.symbol)),
        ("number", rec.symbol),
        ("year", st.date[:4]),
        ("month", str(int(st.date[5:7])) if len(st.date) >= 7 else ""),
        ("date", st.date),
        ("pages", str(rec.page or "")),
        ("url", rec.url),
        ("note", _note(src)),
    ]
    body = ",\n".join(
        f"  {k} = {{{v if k in _BIB_RAW else bib_escape(v)}}}" for k, v in fields if v
    )
    return f"@techreport{{{bib_key(src)},\n{body}\n}}\n"


# --- RIS ---------------------------------------------------------------------------------------
def to_ris(answer: Answer) -> str:
    """One `TY  - RPRT` record per citation (SN = symbol, UR = link, N1 = the exact words)."""
    return "".join(ris_record(src) for src in sources(answer))


def ris_record(src: Source) -> str:
    """One RIS record."""
    st, rec = src.statement, src.record
    tags = [
        ("TY", "RPRT"),
        ("TI", src.title),
        ("AU", src.who),
        ("PY", st.date[:4]),
        ("DA", st.date.replace("-", "/")),
        ("PB", INSTITUTION),
        ("CY", PLACE),
        ("SN", rec.symbol),
        ("M3", record_kind(st, rec.symbol)),
        ("SP", str(rec.page or "")),
        ("UR", rec.url),
        ("LA", "en"),
        ("N1", _note(src)),
    ]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags if value]
    return "\n".join([*lines, "ER  - ", ""])


# --- CSV of search results -----------------------------------------------------------------
CSV_COLUMNS = (
    "rank", "score", "statement_id", "chunk_id", "symbol", "record", "date", "country",
    "speaker", "spoken_language", "agenda", "page", "url", "start", "end", "text",
)  # fmt: skip


def passages_csv(passages: Sequence[Passage]) -> str:
    """Ranked passages as CSV with the record link and the exact passage text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, p in enumerate(passages, start=1):
        st, rec = p.statement, record_of(p.statement)
        writer.writerow(
            [
                rank, f"{p.score:.6f}", st.id, p.chunk_id, st.symbol, rec.label, st.date,
                st.country, st.speaker, st.spoken_language, st.agenda, rec.page or "", rec.url,
                p.start, p.end, p.text,
            ]
        )  # fmt: skip
    return out.getvalue()


def export_answer(answer: Answer, fmt: str) -> str:
    """The answer in one of FORMATS."""
    writers = {"md": to_markdown, "csljson": csl_json_text, "bibtex": to_bibtex, "ris": to_ris}
    if fmt not in writers:
        raise InputError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return writers[fmt](answer)


def media_type(fmt: str) -> tuple[str, str]:
    """(MIME type, file extension) of a format."""
    return _MEDIA[fmt]
