"""Statement files → Statement records: .jsonl/.jsonl.gz, .txt/.md verbatim records, .pdf."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path
from typing import IO, Any

from index.errors import ParseError
from index.types import Rejected, Statement
from index.verbatim import Turn, parse_header, split_record

SUFFIXES = (".jsonl", ".jsonl.gz", ".txt", ".md", ".pdf")
_SYMBOL_IN_NAME = re.compile(r"(S|A)_((?:\d+_)?PV)\.(\d+)")
_DATE_IN_NAME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
_STR_FIELDS = ("symbol", "date", "speaker", "country", "spoken_language", "participant_type")
# Bounds on what one file may hold: far above any real record (the longest statement of the
# bundled corpus has 26,433 characters, the largest real PDF record is 1.9 MB), so a hostile or
# broken file is refused with a sentence instead of filling memory or running for hours.
MAX_STATEMENT_CHARS = 1_000_000
MAX_LINE_BYTES = 16_000_000
MAX_TEXT_BYTES = 50_000_000
MAX_PDF_BYTES = 200_000_000
MAX_SPEECH_NO = 2**31 - 1
MAX_ID_CHARS = 500


def iso_date(text: str) -> bool:
    """True when `text` is a real calendar date written YYYY-MM-DD (ASCII digits)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        _date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class RecordDefaults:
    """Metadata the user supplies for records whose header does not give it."""

    symbol: str = ""
    date: str = ""
    agenda: str = ""
    collection: str = "user"


def read_statements(
    path: Path, defaults: RecordDefaults = RecordDefaults()
) -> Iterator[Statement | Rejected]:
    """Yield the statements of one file, and a Rejected for each record that cannot be used."""
    path = Path(path)
    name = path.name.lower()
    check_file(path)
    if name.endswith((".jsonl", ".jsonl.gz")):
        records: Iterator[Statement | Rejected] = _read_jsonl(path, defaults)
    elif name.endswith((".txt", ".md")):
        records = _from_record(path, _read_text(path), defaults, page_starts=None)
    elif name.endswith(".pdf"):
        from index.pdf import PdfError, extract_pdf_limited, pdf_time_limit

        try:
            pdf = extract_pdf_limited(path, pdf_time_limit(path))
        except PdfError as err:
            raise ParseError(str(err)) from err
        records = _from_record(path, pdf.text, defaults, page_starts=pdf.page_starts)
    else:  # pragma: no cover - check_file refuses other extensions
        raise AssertionError(name)
    for rec in records:
        yield rec if isinstance(rec, Rejected) else _checked(rec)


def check_file(path: Path) -> None:
    """Cheap checks before any parsing (or model loading): a readable file of a known type,
    not larger than a statement file may be. Raises ParseError naming the file and the fix."""
    path = Path(path)
    name = path.name.lower()
    if not path.is_file():
        raise ParseError(f"{path} does not exist or is not a file: check the path.")
    if not name.endswith(SUFFIXES):
        raise ParseError(f"{path.name} has an unknown extension: use one of {', '.join(SUFFIXES)}.")
    try:
        with open(path, "rb"):
            size = path.stat().st_size
    except OSError as err:
        raise ParseError(f"{path} cannot be read ({err.strerror}): check its permissions.") from err
    limit = MAX_PDF_BYTES if name.endswith(".pdf") else MAX_TEXT_BYTES
    if size > limit and not name.endswith((".jsonl", ".jsonl.gz")):  # JSON lines stream
        raise ParseError(
            f"{path.name} is {size:,} bytes, more than the {limit:,} a statement file may have: "
            "split it into smaller files."
        )


def _checked(st: Statement) -> Statement | Rejected:
    """The statement, or a Rejected when it is too long or holds text that cannot be stored."""
    where = f"{st.source_file} statement {st.id[:80]!r}"
    if len(st.id) > MAX_ID_CHARS:
        return Rejected(where, f"its id has {len(st.id):,} characters, more than {MAX_ID_CHARS}")
    if len(st.text) > MAX_STATEMENT_CHARS:
        return Rejected(
            where, f"{len(st.text):,} characters, more than {MAX_STATEMENT_CHARS:,}: split it"
        )
    if not any(c.isalnum() for c in st.text):
        return Rejected(where, "no word in the text (only spaces, marks or control characters)")
    values = [st.id, st.text, st.symbol, st.date, st.speaker, st.country, st.spoken_language]
    values += [st.agenda, st.participant_type, st.collection, *st.extra.keys(), *st.extra.values()]
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError as err:
        return Rejected(where, f"holds an invalid character (U+{ord(err.object[err.start]):04X})")
    return st


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a byte-order mark is not text
    except UnicodeDecodeError as err:
        raise ParseError(f"{path} is not UTF-8 text (byte {err.start}): save it as UTF-8.") from err
    except OSError as err:
        raise ParseError(f"{path} cannot be read ({err.strerror}).") from err


def _read_jsonl(path: Path, defaults: RecordDefaults) -> Iterator[Statement | Rejected]:
    """Records line by line: a line that is not UTF-8 or JSON is one rejected record, and the
    lines after it are still read."""
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            for n, raw in enumerate(_lines(fh), start=1):
                if n == 1 and raw is not None and raw.startswith(_WIDE_BOMS):
                    raise ParseError(f"{path.name} is UTF-16 or UTF-32 text: save it as UTF-8.")
                record = _line_record(path, n, raw, defaults)
                if record is not None:
                    yield record
    except (OSError, EOFError, zlib.error) as err:  # zlib.error: a damaged .gz
        raise ParseError(
            f"{path} cannot be read as {'gzip ' if 'gz' in path.suffix else ''}"
            f"JSON lines ({_reason(err)})."
        ) from err


def _line_record(
    path: Path, n: int, raw: bytes | None, defaults: RecordDefaults
) -> Statement | Rejected | None:
    where = f"{path.name} line {n}"
    if raw is None:
        return Rejected(where, f"longer than {MAX_LINE_BYTES:,} bytes")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return Rejected(where, f"not UTF-8 text (byte {err.start + 1} of the line)")
    line = line.removeprefix("\ufeff") if n == 1 else line  # a byte-order mark is not text
    return _json_record(path, n, line, defaults) if line.strip() else None


def _lines(fh: IO[bytes]) -> Iterator[bytes | None]:
    """The file's lines; None for a line over MAX_LINE_BYTES (skipped without holding it)."""
    while line := fh.readline(MAX_LINE_BYTES + 1):
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass
        yield None


def _reason(err: BaseException) -> str:
    """The first line of an exception's message, or its type when it has none."""
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else type(err).__name__


def _json_object(where: str, line: str) -> dict[str, Any] | Rejected:
    """The line's JSON object with a non-empty 'text', or why not."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return Rejected(where, f"not valid JSON ({err.msg} at column {err.colno})")
    except RecursionError:
        return Rejected(where, "JSON nested too deeply")
    if not isinstance(obj, dict):
        return Rejected(where, "not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Rejected(where, "the required field 'text' is missing or empty")
    return obj


def _json_record(path: Path, n: int, line: str, defaults: RecordDefaults) -> Statement | Rejected:
    where = f"{path.name} line {n}"
    obj = _json_object(where, line)
    if isinstance(obj, Rejected):
        return obj
    text = obj["text"]
    fields = {k: str(obj.get(k) or "") for k in _STR_FIELDS}
    fields["symbol"] = fields["symbol"] or defaults.symbol
    fields["date"] = fields["date"] or defaults.date
    if fields["date"] and not iso_date(fields["date"]):
        return Rejected(where, f"date {fields['date'][:40]!r} is not an ISO date (YYYY-MM-DD)")
    speech_no = obj.get("speech_no")
    if isinstance(speech_no, bool) or (
        isinstance(speech_no, int) and not 0 <= speech_no <= MAX_SPEECH_NO
    ):
        return Rejected(where, f"speech_no {str(speech_no)[:20]} is not a speech number")
    sid = str(obj.get("id") or "") or _make_id(fields["symbol"], speech_no, text)
    extra = {
        k: str(obj[k])
        for k in ("meeting_id", "record_type", "speaker_header", "text_quality", "related_document")
        if obj.get(k)
    }
    return Statement(
        id=sid,
        text=text,
        agenda=str(
            obj.get("agenda_title") or obj.get("topic") or obj.get("agenda") or defaults.agenda
        ),
        collection=str(obj.get("source") or obj.get("collection") or defaults.collection),
        source_file=path.name,
        speech_no=speech_no if isinstance(speech_no, int) else None,
        extra=extra,
        symbol=fields["symbol"],
        date=fields["date"],
        speaker=fields["speaker"],
        country=fields["country"],
        spoken_language=fields["spoken_language"],
        participant_type=fields["participant_type"],
    )


def _make_id(symbol: str, speech_no: object, text: str) -> str:
    if symbol and isinstance(speech_no, int):
        return f"{symbol}#{speech_no:03d}"
    return "stmt-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _from_record(
    path: Path, text: str, defaults: RecordDefaults, page_starts: list[int] | None
) -> Iterator[Statement | Rejected]:
    if not text.strip():
        yield Rejected(path.name, "the file has no text")
        return
    header = parse_header(text)
    symbol = header.symbol or defaults.symbol or _symbol_from_name(path.name)
    date = header.date or defaults.date or _date_from_name(path.name)
    if date and not iso_date(date):
        raise ParseError(f"{date[:40]!r} is not an ISO date (YYYY-MM-DD): fix --date.")
    agenda = header.agenda or defaults.agenda
    turns = split_record(text)
    if not turns:  # a single statement without a speaker line
        turns = [Turn("", "", "", "", 0, len(text.rstrip()))]
    base = symbol or path.stem
    for n, t in enumerate(turns, start=1):
        body = text[t.start : t.end]
        if not body.strip():
            yield Rejected(f"{path.name} turn {n}", "empty statement text")
            continue
        yield Statement(
            id=f"{base}#{n:03d}" if len(turns) > 1 or symbol else path.stem,
            text=body,
            symbol=symbol,
            date=date,
            speaker=t.speaker,
            country=t.country,
            spoken_language=t.spoken_language,
            agenda=agenda,
            participant_type="The President" if t.speaker.lower() == "the president" else "",
            collection=defaults.collection,
            source_file=path.name,
            page=_page(page_starts, t.start),
            speech_no=n,
            extra={"speaker_header": t.header} if t.header else {},
        )


def _page(page_starts: list[int] | None, offset: int) -> int | None:
    if page_starts is None:
        return None
    return max(i for i, s in enumerate(page_starts, start=1) if s <= offset or i == 1)


def _symbol_from_name(name: str) -> str:
    m = _SYMBOL_IN_NAME.search(name)
    return f"{m.group(1)}/{m.group(2).replace('_', '/')}.{m.group(3)}" if m else ""


def _date_from_name(name: str) -> str:
    m = _DATE_IN_NAME.search(name)
    return m.group(1) if m and iso_date(m.group(1)) else ""
