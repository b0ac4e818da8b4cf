"""Generated and mutated statement files, and the check every one of them must pass.

Shared by the fuzz tests (small sizes) and `bench/reliability.py` (the full campaign). The
guarantee checked: a file either parses into statements that can be chunked, stored in SQLite
and indexed by BM25, with each unusable record a `Rejected` carrying a one-line reason, or it
raises a typed `UnscRagError` whose message is one line; nothing else escapes, and no file
takes longer than its time limit.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from index.chunk import ChunkSettings, chunk_statement
from index.errors import UnscRagError
from index.lexical import BM25Index
from index.meta import MetaStore
from index.parse import read_statements
from index.types import Rejected, Statement

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "fixtures" / "records"
SMALL_CORPUS = ROOT / "tests" / "fixtures" / "small_corpus.jsonl"
SHARED_PDFS = Path("/work/shared/corpus/pdf")  # the two larger real records, when present
MAX_MESSAGE = 600


def real_pdfs() -> list[Path]:
    """The real UN verbatim-record PDFs available here (3 in the fixtures, up to 5 in all)."""
    found = {p.name: p for p in sorted(RECORDS.glob("*.pdf"))}
    for p in sorted(SHARED_PDFS.glob("*.pdf")) if SHARED_PDFS.is_dir() else []:
        found.setdefault(p.name, p)
    return list(found.values())


def real_texts() -> list[Path]:
    """Real verbatim records as text: the fixture record and the shared pdftotext copies."""
    out = sorted(RECORDS.glob("*.txt"))
    return out + (sorted(SHARED_PDFS.glob("*.txt")) if SHARED_PDFS.is_dir() else [])


@dataclass
class Outcome:
    """What one file did: statements, rejected records, a typed error, or a failure."""

    name: str
    seconds: float = 0.0
    statements: int = 0
    rejected: int = 0
    typed_error: str = ""
    failure: str = ""  # non-empty: the guarantee was broken (traceback, bad message, too slow)
    notes: list[str] = field(default_factory=list)


def one_line(message: str) -> bool:
    """A message a user can read: non-empty, one line, bounded, no traceback."""
    return bool(message.strip()) and "\n" not in message and len(message) <= MAX_MESSAGE


def count_words(text: str) -> int:
    """A stand-in token counter (the chunker's logic does not depend on the tokenizer)."""
    return len(text.split())


def check_file(path: Path, limit_s: float) -> Outcome:
    """Parse one file and prove its statements are usable downstream; never raises."""
    out = Outcome(path.name)
    t0 = time.perf_counter()
    try:
        records = list(read_statements(path))
    except UnscRagError as err:
        out.typed_error = str(err)
        if not one_line(str(err)):
            out.failure = f"typed error without a one-line message: {str(err)[:300]!r}"
    except BaseException as err:  # the guarantee under test: nothing untyped escapes
        if isinstance(err, KeyboardInterrupt):
            raise
        out.failure = _traceback(err)
    else:
        _check_records(records, out)
    out.seconds = time.perf_counter() - t0
    if not out.failure and out.seconds > limit_s:
        out.failure = f"took {out.seconds:.1f} s, more than the {limit_s:.0f} s limit"
    return out


def _check_records(records: list[Statement | Rejected], out: Outcome) -> None:
    statements = [r for r in records if isinstance(r, Statement)]
    rejected = [r for r in records if isinstance(r, Rejected)]
    out.statements, out.rejected = len(statements), len(rejected)
    bad = [r for r in rejected if not one_line(r.reason) or not r.where]
    if bad:
        out.failure = f"rejected record without a one-line reason: {bad[0]!r:.300}"
        return
    try:
        store_statements(statements)
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        out.failure = "parsed statement unusable downstream: " + _traceback(err)


def store_statements(statements: list[Statement]) -> None:
    """Chunk, store and BM25-index statements as an ingest does (without embedding)."""
    meta = MetaStore(Path(":memory:"))
    seen: set[str] = set()
    texts: list[str] = []
    for st in statements:
        chunks = chunk_statement(st, count_words, ChunkSettings())
        assert chunks, f"statement {st.id!r} gave no chunk"
        for c in chunks:
            assert st.text[c.start : c.end].strip(), "a chunk's offsets cover no text"
        if st.id in seen:  # the writer replaces a repeated id; storing twice is not the test
            continue
        seen.add(st.id)
        meta.add(st, chunks)
        texts += [c.text for c in chunks]
    meta.commit()
    BM25Index().build(texts)
    meta.close()


def _traceback(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)[-3:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
    return f"{type(err).__name__}: {str(err)[:200]} at {where}"


# Mutations of bytes: each takes the original and a seeded random source.


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the file at a random point (a partial download, a full disk)."""
    return data[: rng.randrange(len(data) + 1)]


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    """Flip 1 to 64 random bits (a bad disk or transfer)."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def splice(data: bytes, rng: random.Random) -> bytes:
    """Delete, duplicate, zero or overwrite a random range."""
    a = rng.randrange(len(data) + 1)
    b = min(len(data), a + rng.randint(1, 4096))
    choice = rng.randrange(4)
    if choice == 0:
        return data[:a] + data[b:]
    if choice == 1:
        return data[:b] + data[a:b] * rng.randint(1, 50) + data[b:]
    if choice == 2:
        return data[:a] + b"\x00" * (b - a) + data[b:]
    return data[:a] + rng.randbytes(b - a) + data[b:]


MUTATIONS = (truncate, bit_flips, splice)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random mutations."""
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(MUTATIONS)(data, rng) if data else rng.randbytes(64)
    return data


def reencode(text: str, rng: random.Random) -> bytes:
    """The text in an encoding the parsers must refuse or read: UTF-16, Latin-1, BOM, CP1252."""
    enc = rng.choice(["utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig", "utf-32"])
    return text.encode(enc, errors="replace")


# Files that real mistakes and attacks produce.


def hostile_jsonl_lines(rng: random.Random) -> list[str]:
    """JSON lines that stress the record parser: nesting, huge values, odd types, escapes."""
    depth = rng.choice([50, 900, 5000, 100_000])
    return [
        '{"text": "nested", "extra": ' + "[" * depth + "]" * depth + "}",
        "[" * depth,
        '{"text": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"text": ' + "{" * depth,
        json.dumps({"text": "big number", "speech_no": 10 ** rng.randint(10, 400)}),
        json.dumps({"text": "negative", "speech_no": -rng.randint(1, 10**6)}),
        json.dumps({"text": "bool", "speech_no": True, "date": "2020-02-30"}),
        '{"text": "lone \\ud800 surrogate", "id": "\\udfff"}',
        json.dumps({"text": "nul \x00 inside", "speaker": "\x00", "id": "nul\x00id"}),
        json.dumps({"text": 5, "id": ["a"]}),
        json.dumps({"text": "odd fields", "symbol": {"a": [1]}, "country": 3.5, "date": None}),
        json.dumps({"text": "long id", "id": "x" * 100_000}),
        json.dumps({"text": "w " * rng.randint(1, 3000), "agenda": "agenda " * 5000}),
        json.dumps({"text": "date", "date": "２０２０-０１-０１"}),
        json.dumps({"text": "date", "date": "2020-01-01\n"}),
        '{"text": "unterminated',
        "\x00" * rng.randint(1, 1000),
        json.dumps({"text": "\u202e\ufeff\u200b rtl and zero-width"}),
    ]


def big_statement_jsonl(chars: int) -> str:
    """One record whose text has `chars` characters (10 MB in the bench)."""
    words = "Security Council resolution peace "
    return json.dumps({"id": "big", "text": (words * (chars // len(words) + 1))[:chars]}) + "\n"


def huge_line(chars: int) -> str:
    """A line of `chars` characters with no newline (a binary or minified file)."""
    return "x" * chars


_FRAGMENTS = (
    "Mr. ", "Mrs. ", "The President", "The PRESIDENT", "Sir ", "al-", "de ", "Ms. ",
    "(", ")", "(spoke in French)", "(interpretation from Arabic)", ":", ": ", "\n", "\n\n",
    " ", "\t", "Kabentayev", "KABENTAYEV", "Jebb", "中华人民共和国", "بيان", "Ñandú",
    "S/PV.7606", "A/76/PV.102", "Tuesday, 19 January 2016", "31 February 2020", "99/99/2020",
    "Agenda\n", "This record contains", ".", "\x00", "\r\n", "\u2028", "[1]", "<b>", "*",
)  # fmt: skip


def speaker_soup(rng: random.Random, pieces: int) -> str:
    """Text made of the pieces speaker lines, headers and dates are made of, in random order."""
    out = []
    for _ in range(pieces):
        frag = rng.choice(_FRAGMENTS)
        out.append(frag * rng.choice([1, 1, 1, 2, 40, 300]))
    return "".join(out)


def write_case(folder: Path, name: str, data: bytes | str) -> Path:
    """Write one case file (bytes as they are, text as UTF-8)."""
    path = folder / name
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    path.write_bytes(data)
    return path


def strategies():  # type: ignore[no-untyped-def]
    """Hypothesis strategies for JSON-lines files, text records and filter mappings."""
    from hypothesis import strategies as st

    scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40))
    value = st.recursive(
        scalar,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
    fields = ["id", "symbol", "date", "speaker", "country", "spoken_language", "agenda",
              "participant_type", "speech_no", "source", "collection", "meeting_id"]  # fmt: skip
    record = st.fixed_dictionaries(
        {"text": st.one_of(st.text(min_size=0, max_size=300), value)},
        optional={k: st.one_of(value, st.text(max_size=60)) for k in fields},
    )
    line = st.one_of(
        record.map(json.dumps),
        record.map(lambda r: json.dumps(r, ensure_ascii=False)),
        st.text(max_size=200),
    )
    jsonl = st.lists(line, max_size=8).map("\n".join)
    soup = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=12), max_size=120).map("".join)
    filter_value = st.one_of(scalar, st.lists(st.text(max_size=20), max_size=3), st.text())
    filter_keys = st.sampled_from(FILTER_KEYS) | st.text(max_size=10)
    filters = st.dictionaries(filter_keys, filter_value, max_size=5)
    return {"jsonl": jsonl, "record_text": soup, "filters": filters}


FILTER_KEYS = ("country", "speaker", "symbol", "date_from", "date_to", "spoken_language",
               "participant_type", "collection", "statement_id")  # fmt: skip


def check_filters(raw: object) -> str:
    """'' when parse_filters returns usable Filters or a one-line InputError; else the failure."""
    from index.types import Filters
    from rag.errors import InputError
    from rag.filters import parse_filters

    try:
        flt = parse_filters(raw)  # type: ignore[arg-type]
    except InputError as err:
        return "" if one_line(str(err)) else f"InputError without a one-line message: {err!r:.200}"
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        return _traceback(err)
    if not isinstance(flt, Filters):
        return f"parse_filters returned {type(flt).__name__}"
    for d in (flt.date_from, flt.date_to):
        if d and not _is_iso(d):
            return f"date {d!r} passed as a filter"
    try:  # the filters must run inside a search: bound as SQLite parameters
        meta = MetaStore(Path(":memory:"))
        meta.allowed_ids(flt)
        meta.close()
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        return "filters unusable in a search: " + _traceback(err)
    return ""


def _is_iso(text: str) -> bool:
    from index.parse import iso_date

    return iso_date(text)
