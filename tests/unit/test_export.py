"""rag.export: Markdown footnotes with exact quotes, CSL-JSON valid against the CSL data schema,
BibTeX read back by bibtexparser, RIS tags, CSV of search results (pure; fake statements)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import bibtexparser
import jsonschema
from markdown_it import MarkdownIt

from index.types import Statement
from rag import export
from rag.types import Answer, AnswerSentence, Citation, Passage

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "csl-data.json").read_text())
TEXT_A = (
    "Mr. Kabentayev (Kazakhstan) (spoke in Spanish): We propose\na regional hub in Almaty "
    "for the United Nations_agencies & partners (100% of them) * now. Thank you."
)
TEXT_B = "Mr. Dharmadhikari (spoke in French): France welcomes the renewal of EUFOR Althea."
ST_A = Statement(id="UNSC_2016_SPV.7606_Kazakhstan", text=TEXT_A, symbol="S/PV.7606",
                 date="2016-01-19", speaker="Mr. Kabentayev", country="Kazakhstan", page=3,
                 extra={"record_type": "verbatim_record"})  # fmt: skip
ST_B = Statement(id="UNBENCH_S_2024_788_stmt001", text=TEXT_B, date="2024-11-01",
                 speaker="Mr. Dharmadhikari", country="France",
                 extra={"related_document": "S/2024/788", "record_type": "verbatim_record_excerpt"})  # fmt: skip


def span(text: str, first: str, last: str) -> tuple[int, int]:
    return text.index(first), text.index(last) + len(last)


def sample_answer() -> Answer:
    a, b = span(TEXT_A, "We propose", "now."), span(TEXT_B, "France", "Althea.")
    pa, pb = Passage("ca", ST_A, 0, len(TEXT_A), 0.9), Passage("cb", ST_B, 0, len(TEXT_B), 0.8)
    ca, cb = Citation(1, pa, *a, 1.0, True), Citation(2, pb, *b, 1.0, True)
    quote = lambda c: AnswerSentence(" ".join(c.quote.split()), (c,), True, kind="quote")  # noqa: E731
    lead = AnswerSentence("Kazakhstan proposed Almaty as a hub. [1]", (ca,), True, kind="lead")
    return Answer(
        "Which city did Kazakhstan propose?", (lead, quote(ca), quote(cb)), (pa, pb), False
    )


def test_markdown_quotes_render_as_the_exact_words_with_footnotes():
    answer = sample_answer()
    md = export.to_markdown(answer)
    tokens = MarkdownIt().parse(md)
    quotes = [
        tokens[i + 2].content
        for i, t in enumerate(tokens)
        if t.type == "blockquote_open" and tokens[i + 2].type == "inline"
    ]
    rendered = [MarkdownIt().renderInline(q) for q in quotes]
    words = [re.sub(r"\[\^\d+\]$", "", r).strip("“”") for r in rendered]
    expected = [" ".join(c.quote.split()) for c in answer.citations()]
    assert [html.unescape(w) for w in words] == expected
    assert "[^1]: Mr. Kabentayev, Kazakhstan, S/PV.7606, 19 January 2016, p. 3, " in md
    assert "<https://undocs.org/en/S/PV.7606#page=3>" in md
    assert (
        "record symbol unknown; draft S/2024/788" in md
        and "<https://undocs.org/en/S/2024/788>" in md
    )
    assert md.index("Kazakhstan proposed Almaty") < md.index("> “We propose")


def test_csl_json_validates_against_the_csl_data_schema():
    items = export.to_csl_json(sample_answer())
    jsonschema.validate(items, SCHEMA)
    first = items[0]
    assert first["type"] == "report" and first["number"] == "S/PV.7606"
    assert first["event"] == "Security Council, 7606th meeting"
    assert first["author"] == [{"literal": "Kazakhstan"}]
    assert first["issued"] == {"date-parts": [[2016, 1, 19]]} and first["page"] == "3"
    assert first["URL"] == "https://undocs.org/en/S/PV.7606#page=3"
    assert "number" not in items[1] and "draft S/2024/788" in str(items[1]["note"])
    json.loads(export.csl_json_text(sample_answer()))  # the text form is the same JSON


def test_bibtex_parses_with_bibtexparser_and_keeps_symbol_and_link():
    text = export.to_bibtex(sample_answer())
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 2
    entry = library.entries[0]
    assert entry.entry_type == "techreport" and entry.key == "unsc_SPV7606_Kazakhstan_1"
    assert entry["number"] == "S/PV.7606" and entry["institution"] == export.INSTITUTION
    assert entry["url"] == "https://undocs.org/en/S/PV.7606#page=3"
    assert r"United Nations\_agencies \& partners (100\% of them)" in entry["note"]


def test_ris_records_are_reports_with_two_space_tags():
    text = export.to_ris(sample_answer())
    records = text.strip().split("ER  - ")
    assert len([r for r in records if r.strip()]) == 2
    for line in text.splitlines():
        assert re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    assert text.startswith("TY  - RPRT\n") and "SN  - S/PV.7606" in text
    assert "UR  - https://undocs.org/en/S/PV.7606#page=3" in text


def test_search_results_as_csv_keep_the_exact_text_and_the_link():
    a = sample_answer()
    rows = list(csv.DictReader(io.StringIO(export.passages_csv(a.passages))))
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert rows[0]["text"] == TEXT_A and rows[0]["url"].endswith("S/PV.7606#page=3")
    assert rows[1]["record"] == "record symbol unknown; draft S/2024/788"


def test_refusal_and_unknown_format():
    refused = Answer("q", (), sample_answer().passages, True, notes=("No statement by Chad.",))
    assert "Not found in the indexed statements." in export.to_markdown(refused)
    assert export.to_csl_json(refused) == []
    try:
        export.export_answer(refused, "docx")
    except Exception as err:
        assert "Unknown format" in str(err)
    else:
        raise AssertionError("docx accepted")
