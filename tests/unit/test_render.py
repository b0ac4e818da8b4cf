"""ui.render: escaping, chips, flags, refusal, highlights (pure; fake statements)."""

from __future__ import annotations

from index.types import Statement
from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer, AnswerSentence, Citation, Passage
from ui import render

TEXT = "Mr. X (France): We <b>condemn</b> the attack & call for restraint. Peace is needed."
ST = Statement(id="s1", text=TEXT, symbol="S/PV.1", date="2020-01-01", speaker="Mr. X <i>",
               country="France", spoken_language="French", agenda="Syria")  # fmt: skip
PASSAGE = Passage("c1", ST, 16, len(TEXT), 0.9)
SPAN = (TEXT.index("We"), TEXT.index("restraint.") + len("restraint."))


def answer(refused: bool = False, lead: str = "") -> Answer:
    cite = Citation(1, PASSAGE, SPAN[0], SPAN[1], 1.0, True)
    quote = AnswerSentence(TEXT[SPAN[0] : SPAN[1]], (cite,), True, kind="quote")
    lead_sentences = (AnswerSentence(lead, (cite,), True, kind="lead"),) if lead else ()
    return Answer(
        "q?",
        () if refused else (*lead_sentences, quote),
        (PASSAGE,),
        refused=refused,
        notes=("No statement by <Chad> is in the index.",),
    )


def test_answer_quotes_with_attribution_and_chips_all_escaped():
    html = render.answer_html(answer(lead="France condemned the attack <script>. [1]"), turn=2)
    assert '<a class="cite-chip" href="#cite-2-1" data-card="cite-2-1">[1]</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert " [1]" not in html.replace(">[1]<", "")  # the raw label became a chip
    assert '<blockquote class="quote">' in html and "&lt;b&gt;condemn&lt;/b&gt;" in html
    assert "France (Mr. X &lt;i&gt;, S/PV.1, 2020-01-01)" in html
    assert html.index('class="lead"') < html.index("blockquote")
    assert "No statement by &lt;Chad&gt; is in the index." in html


def test_the_plain_text_answer_says_who_said_each_quote():
    text = answer().text
    assert text.startswith("France (Mr. X <i>, S/PV.1, 2020-01-01): “We <b>condemn</b>")
    assert text.endswith("[1] No statement by <Chad> is in the index.")


def test_refusal_shows_message_and_closest():
    html = render.answer_html(answer(refused=True), turn=1, banner=render.filters_banner("x"))
    assert REFUSAL_TEXT in html and "Closest matches" in html and "cite-1-1" in html
    cards = render.evidence_cards(answer(refused=True), turn=1)
    assert 'id="cite-1-1"' in cards and "<mark" not in cards


def test_evidence_card_escapes_statement_and_marks_span():
    card = render.evidence_cards(answer(), turn=3)
    assert 'id="cite-3-1"' in card and 'data-sid="s1"' in card
    assert "<b>" not in card and "&lt;b&gt;condemn&lt;/b&gt;" in card
    assert "Mr. X &lt;i&gt;" in card and "spoke in French" in card and "S/PV.1" in card
    marked = card.split('<mark class="cited">')[1].split("</mark>")[0]
    assert marked == "We &lt;b&gt;condemn&lt;/b&gt; the attack &amp; call for restraint."


def test_highlight_clips_to_passage_and_ignores_missing_span():
    assert render.highlight(TEXT, 0, 10, 5, 50) == 'Mr. X<mark class="cited"> (Fra</mark>'
    assert render.highlight(TEXT, 0, 10, 20, 30) == "Mr. X (Fra"
    assert render.highlight("a<b", 0, 3, -1, -1) == "a&lt;b"


def test_statement_viewer_marks_span_with_id_and_lists_neighbours():
    nxt = Statement(id="s2", text="...", speaker="Ms. Y", country="Chile")
    html = render.statement_html(ST, SPAN[0], SPAN[1], None, nxt)
    assert '<mark class="cited" id="cited-span">We &lt;b&gt;' in html
    assert "Next speaker" in html and 'data-sid="s2"' in html and "Previous" not in html
    alone = render.statement_html(ST, -1, -1, None, None)
    assert "<mark" not in alone and "No other speaker" in alone


def test_panels_and_banner():
    assert render.filters_banner("") == ""
    assert "country: France" in render.filters_banner("country: France")
    panel = render.evidence_panel([("first <q>", "A"), ("second", "B")])
    assert panel.index("Q2: second") < panel.index("Q1: first &lt;q&gt;")
    assert "No passage matches" in render.search_results([])
    assert 'id="hit-1"' in render.search_results([PASSAGE])
    assert render.streaming_html("a<b").count("a&lt;b") == 1
    assert "record symbol unknown" in render.passage_card(
        Passage("c", Statement(id="x", text="t", country="Chad"), 0, 1, 1.0), "d", None
    )
    assert render.counts_rows({"": 2, "France": 1}) == [["(unknown)", 2], ["France", 1]]


def test_cards_link_the_official_record_and_say_when_the_symbol_is_unknown():
    html = render.passage_card(PASSAGE, "cite-1-1", None)
    assert 'href="https://undocs.org/en/S/PV.1"' in html and 'target="_blank"' in html
    draft = Statement(
        id="s2", text="x", date="2024-11-01", extra={"related_document": "S/2024/788"}
    )
    html = render.passage_card(Passage("c2", draft, 0, 1, 0.5), "cite-1-2", None)
    assert "record symbol unknown; draft S/2024/788" in html
    assert 'href="https://undocs.org/en/S/2024/788"' in html
    bare = render.statement_html(Statement(id="s3", text="x"), -1, -1, None, None)
    assert '<span class="rec-unknown">record symbol unknown</span>' in bare


def test_each_answer_has_download_links_and_search_results_a_csv():
    import base64
    import re

    html = render.answer_html(answer(), turn=3)
    links = re.findall(r'download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)"', html)
    assert [n for n, _, _ in links] == [
        "unsc-answer-3.md", "unsc-answer-3.json", "unsc-answer-3.bib", "unsc-answer-3.ris",
    ]  # fmt: skip
    md = base64.b64decode(links[0][2]).decode()
    assert "[^1]:" in md and "https://undocs.org/en/S/PV.1" in md
    refused = render.answer_html(answer(refused=True), turn=4)
    assert refused.count('class="dl-link"') == 1
    csv_html = render.search_results([PASSAGE])
    assert 'download="unsc-search.csv"' in csv_html
