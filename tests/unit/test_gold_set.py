"""Checks of the gold sets (data/eval/dev.jsonl and the held-out data/eval/test.jsonl) against the
bundled corpus."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "data" / "eval"
GOLD_FILES = (
    "dev.jsonl",
    "test.jsonl",
    "fresh.jsonl",
    "fresh2.jsonl",
    "fresh3.jsonl",
    "fresh4.jsonl",
    "fresh5.jsonl",
    "fresh6.jsonl",
)
# per-file thresholds: minimum number of questions, minimum questions per type (seed aside)
MIN_QUESTIONS = {
    "dev.jsonl": 80,
    "test.jsonl": 40,
    "fresh.jsonl": 60,
    "fresh2.jsonl": 60,
    "fresh3.jsonl": 60,
    "fresh4.jsonl": 60,
    "fresh5.jsonl": 60,
    "fresh6.jsonl": 60,
}
MIN_PER_TYPE = {
    "dev.jsonl": 8,
    "test.jsonl": 5,
    "fresh.jsonl": 4,
    "fresh2.jsonl": 4,
    "fresh3.jsonl": 3,
    "fresh4.jsonl": 3,
    "fresh5.jsonl": 3,
    "fresh6.jsonl": 3,
}
CORPUS_DIR = ROOT / "data" / "corpus"
SEED_ID = "UNSC_2016_SPV.7606_Kazakhstan"

TYPES = {"paraphrase", "who_said", "multi_statement", "filter", "typo", "unanswerable"}
TYPES_FRESH = TYPES | {"comparison", "foreign"}  # the fresh set adds these two kinds
FILTER_KEYS = {
    "country",
    "symbol",
    "date_from",
    "date_to",
    "speaker",
    "spoken_language",
    "participant_type",
    "collection",
}
COUNTRY_ALIASES = {
    "united kingdom": "united kingdom",
    "united kingdom of great britain and northern ireland": "united kingdom",
    "uk": "united kingdom",
    "united states": "united states",
    "united states of america": "united states",
    "us": "united states",
    "usa": "united states",
    "united states ofamerica": "united states",  # OCR spelling in the corpus
    "u.s.": "united states",
    "russia": "russia",
    "russian federation": "russia",
    "iran": "iran",
    "islamic republic of iran": "iran",
    "syria": "syria",
    "syrian arab republic": "syria",
    "venezuela": "venezuela",
    "venezuela (bolivarian republic of)": "venezuela",
    "croatia": "croatia",
    "republic of croatia": "croatia",
    "micronesia": "micronesia",
    "federated states of micronesia": "micronesia",
    "viet nam": "viet nam",
    "vietnam": "viet nam",
    "south korea": "republic of korea",
    "korea": "republic of korea",
    "eu": "eu",
    "european union": "eu",
    "un": "un",
    "united nations": "un",
    "icc": "international criminal court",
    "icrc": "international committee of the red cross",
}
ANSWER_TYPES = {"who", "number", "date", "place", "list", "yesno", "position"}
# curly quotes, primes and dashes -> ASCII, before fact variants are looked up in a text
_PUNCT = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _load_corpus() -> dict[str, dict]:
    rows: list[dict] = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    assert any(CORPUS_DIR.glob("*.jsonl*")), f"no corpus files in {CORPUS_DIR}"
    return _load_corpus()


@pytest.fixture(scope="module", params=GOLD_FILES)
def gold_file(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def gold(gold_file: str) -> list[dict]:
    with (EVAL_DIR / gold_file).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _norm_country(name: str) -> str:
    key = re.sub(r"\s+", " ", name).strip().lower()
    return COUNTRY_ALIASES.get(key, key)


def _norm_text(text: str) -> str:
    """Lower case, whitespace collapsed, curly quotes and dashes made ASCII, accents folded."""
    text = unicodedata.normalize("NFKD", text.translate(_PUNCT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().lower()


def _has_phrase(text: str, variant: str) -> bool:
    """True when the normalised variant occurs in the normalised text as whole words."""
    v = _norm_text(variant)
    head = r"(?<![0-9a-z])" if v[:1].isalnum() else ""
    tail = r"(?![0-9a-z])" if v[-1:].isalnum() else ""
    return re.search(head + re.escape(v) + tail, _norm_text(text)) is not None


def _symbol_matches(wanted: str, actual: str | None) -> bool:
    if not actual:
        return False
    return (
        actual == wanted
        or re.fullmatch(re.escape(wanted) + r" \(Resumption \d+\)", actual) is not None
    )


def _is_seed_question(q: dict) -> bool:
    return SEED_ID in q["gold_ids"]


def test_size_and_unique_qids(gold: list[dict], gold_file: str) -> None:
    assert len(gold) >= MIN_QUESTIONS[gold_file]
    qids = [q["qid"] for q in gold]
    assert len(qids) == len(set(qids)), [k for k, n in Counter(qids).items() if n > 1]


def test_required_fields_and_types(gold: list[dict], gold_file: str) -> None:
    allowed = TYPES_FRESH if gold_file.startswith("fresh") else TYPES
    for q in gold:
        assert q["type"] in allowed, q["qid"]
        assert isinstance(q["question"], str) and q["question"].strip(), q["qid"]
        assert isinstance(q["answer"], str) and q["answer"].strip(), q["qid"]
        assert isinstance(q["gold_ids"], list), q["qid"]
        assert len(q["gold_ids"]) == len(set(q["gold_ids"])), q["qid"]
        assert isinstance(q["evidence"], list), q["qid"]


def test_each_type_has_enough_questions(gold: list[dict], gold_file: str) -> None:
    counts = Counter(q["type"] for q in gold if not _is_seed_question(q))
    for qtype in TYPES:
        assert counts[qtype] >= MIN_PER_TYPE[gold_file], (qtype, counts[qtype])


def test_seed_statement_is_covered_by_the_dev_set() -> None:
    with (EVAL_DIR / "dev.jsonl").open(encoding="utf-8") as fh:
        dev = [json.loads(line) for line in fh if line.strip()]
    assert sum(_is_seed_question(q) for q in dev) >= 3


def test_dev_and_test_qids_do_not_collide() -> None:
    qids: list[str] = []
    for name in GOLD_FILES:
        with (EVAL_DIR / name).open(encoding="utf-8") as fh:
            qids.extend(json.loads(line)["qid"] for line in fh if line.strip())
    assert len(qids) == len(set(qids)), [k for k, n in Counter(qids).items() if n > 1]


def test_filters_are_well_formed(gold: list[dict]) -> None:
    for q in gold:
        filters = q.get("filters") or {}
        assert isinstance(filters, dict), q["qid"]
        assert set(filters) <= FILTER_KEYS, (q["qid"], set(filters) - FILTER_KEYS)
        for key, value in filters.items():
            assert isinstance(value, str) and value.strip(), (q["qid"], key)
        for key in ("date_from", "date_to"):
            if key in filters:
                assert ISO_DATE.match(filters[key]), (q["qid"], filters[key])
                date.fromisoformat(filters[key])
        if "date_from" in filters and "date_to" in filters:
            assert filters["date_from"] <= filters["date_to"], q["qid"]


def test_unanswerable_have_no_gold(gold: list[dict]) -> None:
    for q in gold:
        if q["type"] == "unanswerable":
            assert q["gold_ids"] == [] and q["evidence"] == [], q["qid"]
        else:
            assert q["gold_ids"], q["qid"]


def test_gold_ids_exist(gold: list[dict], corpus: dict[str, dict]) -> None:
    missing = [(q["qid"], sid) for q in gold for sid in q["gold_ids"] if sid not in corpus]
    assert not missing


def test_evidence_quotes_are_exact_substrings(gold: list[dict], corpus: dict[str, dict]) -> None:
    for q in gold:
        for ev in q["evidence"]:
            sid = ev["statement_id"]
            assert sid in q["gold_ids"], (q["qid"], sid)
            assert sid in corpus, (q["qid"], sid)
            assert 40 <= len(ev["quote"]) <= 300, (q["qid"], sid, len(ev["quote"]))
            assert ev["quote"] in corpus[sid]["text"], (q["qid"], sid, ev["quote"][:60])


def test_every_gold_id_has_evidence(gold: list[dict]) -> None:
    for q in gold:
        cited = {ev["statement_id"] for ev in q["evidence"]}
        assert set(q["gold_ids"]) <= cited, (q["qid"], set(q["gold_ids"]) - cited)


def test_gold_statements_satisfy_filters(gold: list[dict], corpus: dict[str, dict]) -> None:
    for q in gold:
        filters = q.get("filters") or {}
        for sid in q["gold_ids"]:
            row = corpus[sid]
            if "country" in filters:
                assert _norm_country(row.get("country") or "") == _norm_country(
                    filters["country"]
                ), (q["qid"], sid, row.get("country"))
            if "symbol" in filters:
                assert _symbol_matches(filters["symbol"], row.get("symbol")), (q["qid"], sid)
            if "date_from" in filters:
                assert row["date"] >= filters["date_from"], (q["qid"], sid)
            if "date_to" in filters:
                assert row["date"] <= filters["date_to"], (q["qid"], sid)
            for key in ("speaker", "spoken_language", "participant_type", "collection"):
                if key in filters:
                    assert (row.get(key) or "").lower() == filters[key].lower(), (q["qid"], sid)


def test_answer_annotations_are_well_formed(gold: list[dict]) -> None:
    for q in gold:
        assert q.get("answer_type") in ANSWER_TYPES, (q["qid"], q.get("answer_type"))
        party = q.get("party")
        most = 5 if q["type"] == "multi_statement" else 3  # a "which delegations" list names more
        assert isinstance(party, list) and len(party) <= most, q["qid"]
        assert all(isinstance(p, str) and p.strip() for p in party), q["qid"]
        facts = q.get("facts")
        assert isinstance(facts, list), q["qid"]
        if not q["gold_ids"]:
            assert facts == [], q["qid"]
            continue
        # a list names each member it asks for, so it may carry one fact more
        assert 1 <= len(facts) <= (4 if q["answer_type"] == "list" else 3), (q["qid"], len(facts))
        for fact in facts:
            assert isinstance(fact, list) and fact, q["qid"]
            assert all(isinstance(v, str) and v.strip() for v in fact), (q["qid"], fact)


def _shown_text(row: dict) -> str:
    """A statement's text plus its "speaker (country)" label, which is shown with every quote."""
    return f"{row['text']} {row.get('speaker') or ''} ({row.get('country') or ''})"


def test_every_fact_is_stated_by_a_gold_statement(
    gold: list[dict], corpus: dict[str, dict]
) -> None:
    # the label counts because a few statements (the US at S/PV.7167) never name their delegation
    missing = [
        (q["qid"], fact)
        for q in gold
        for fact in q.get("facts", [])
        if not any(_has_phrase(_shown_text(corpus[sid]), v) for v in fact for sid in q["gold_ids"])
    ]
    assert not missing


def test_every_party_spoke_a_gold_statement(gold: list[dict], corpus: dict[str, dict]) -> None:
    for q in gold:
        if not q["gold_ids"]:
            continue
        countries = {_norm_country(corpus[sid].get("country") or "") for sid in q["gold_ids"]}
        for name in q["party"]:
            assert _norm_country(name) in countries, (q["qid"], name, countries)


def test_fact_variants_are_matched_normalised() -> None:
    text = "Kazakhstan served in Côte d\u2019Ivoire \u2013 and  in\nWestern Sahara; thus."
    assert _has_phrase(text, "Cote d'Ivoire") and _has_phrase(text, "western sahara")
    assert _has_phrase(text, "- and")
    assert not _has_phrase(text, "US") and not _has_phrase(text, "Sahar")
