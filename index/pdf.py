"""Text of a UN verbatim-record PDF in reading order, following its two columns (pdfplumber)."""

from __future__ import annotations

import bisect
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A word gap above this (points) starts a new word. pdfplumber's default of 3 glues words
# together in 1990s Distiller files, whose justified lines have gaps of about 2 pt.
_X_TOLERANCE = 1.5
# Rows in these top/bottom bands of the page are running headers and footers.
_HEAD_BAND, _FOOT_BAND = 0.085, 0.895
# Words either side of a candidate gutter closer than this belong to one line.
_MIN_GUTTER = 7.0
# A line indented this much beyond its column's margin starts a paragraph.
_INDENT_MIN, _INDENT_MAX = 8.0, 60.0
_MIN_SIDE_ROWS = 3
_ROW_TOLERANCE = 2.5
_CLOSERS = (".", "?", "!", ":", ";", ")", "”", '"')

Word = dict[str, Any]
_ROOT = str(Path(__file__).resolve().parents[1])  # the folder holding the `index` package
_CHILD_MEMORY = 3 * 2**30  # address space of the child that reads one PDF


class PdfError(ValueError):
    """A PDF that cannot be read as a verbatim record; the message names the file."""


@dataclass(frozen=True)
class PdfText:
    """The whole record in reading order; page_starts[i] is where page i+1 begins in text."""

    text: str
    page_starts: list[int]


@dataclass
class _Row:
    top: float
    bottom: float
    words: list[Word]


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    column: int  # 0 full width or left, 1 right


def extract_pdf(path: Path) -> PdfText:
    """Extract a record's text, columns followed, pages joined with a blank line."""
    try:
        import pdfplumber
        from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
    except ImportError as exc:  # pragma: no cover - pdfplumber is a pinned dependency
        raise PdfError(f"{path.name} cannot be read: install pdfplumber ({exc})") from exc
    try:
        with pdfplumber.open(path) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(_page_text(page))
                page.close()  # drop the page's parsed objects: long records hold hundreds
    except (PdfminerException, MalformedPDFException, OSError, KeyError, TypeError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"{path.name} is not a readable PDF: {reason}") from exc
    if not any(p.strip() for p in pages):
        raise PdfError(
            f"{path.name} is not a readable PDF: it has no text layer (a scan; OCR is out of scope)"
        )
    return _join_pages(pages)


def pdf_time_limit(path: Path) -> float:
    """Seconds one PDF may take to read: a minute, plus 30 s per MB (real records: ~4 s/MB)."""
    return 60.0 + 30.0 * path.stat().st_size / 1e6


def extract_pdf_limited(path: Path, timeout_s: float) -> PdfText:
    """`extract_pdf` in a child process that is killed after `timeout_s` seconds.

    pdfminer is third-party code fed untrusted bytes: a damaged file can make it loop, recurse
    or allocate without end. In a child, a hang becomes a PdfError and a crash cannot take the
    ingest (or the web app) down with it.
    """
    env = os.environ | {"PYTHONPATH": os.pathsep.join([_ROOT, os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "index.pdf", str(path)],
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except OSError as err:  # the child could not start (no memory, no process slots)
        raise PdfError(
            f"{path.name} could not be read: no reader process ({err.strerror})."
        ) from err
    except subprocess.TimeoutExpired:
        raise PdfError(
            f"{path.name} took more than {timeout_s:.0f} s to read, so it was stopped: "
            "check that it is an intact PDF."
        ) from None
    try:
        data = json.loads(done.stdout)
    except ValueError:
        why = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [
            f"exit code {done.returncode}"
        ]
        raise PdfError(
            f"{path.name} is not a readable PDF: the reader stopped ({why[0][:200]})"
        ) from None
    if "error" in data:
        raise PdfError(data["error"])
    return PdfText(data["text"], data["page_starts"])


def page_of(pdf: PdfText, offset: int) -> int:
    """The 1-based page holding the character at `offset`."""
    return max(1, bisect.bisect_right(pdf.page_starts, offset))


def _join_pages(pages: list[str]) -> PdfText:
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for i, page in enumerate(pages):
        if i:
            parts.append("\n\n")
            pos += 2
        starts.append(pos)
        parts.append(page)
        pos += len(page)
    return PdfText("".join(parts), starts)


def _page_text(page: Any) -> str:
    words = page.extract_words(x_tolerance=_X_TOLERANCE, y_tolerance=3)
    rows = _rows(words)
    head = [r for r in rows if r.top < page.height * _HEAD_BAND]
    foot = [r for r in rows if r.top > page.height * _FOOT_BAND]
    body = [r for r in rows if r not in head and r not in foot]
    lines = [_full_line(r) for r in head]
    lines += _body_lines(body, page.width)
    lines += [_full_line(r) for r in foot]
    return _lines_to_text(lines)


def _rows(words: list[Word]) -> list[_Row]:
    """Group words into rows of (nearly) equal top.

    Bold names sit a fraction of a point off the roman text, while the other column's
    lines can be half a line off, so a row is matched on its top, not on overlap.
    """
    rows: list[_Row] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and w["top"] - rows[-1].top <= _ROW_TOLERANCE:
            rows[-1].words.append(w)
        else:
            rows.append(_Row(w["top"], w["bottom"], [w]))
    for r in rows:
        r.words.sort(key=lambda w: w["x0"])
    return rows


def _bridges(row: _Row, x: float) -> bool:
    """True when the row reads across x: a word covers x or the gap at x is a word gap."""
    if _has_leader(row):
        return True
    left = [w["x1"] for w in row.words if w["x1"] <= x]
    right = [w["x0"] for w in row.words if w["x0"] >= x]
    if len(left) + len(right) < len(row.words):
        return True
    return bool(left and right) and min(right) - max(left) < _MIN_GUTTER


def _has_leader(row: _Row) -> bool:
    """Dot leaders (cover-page member lists) tie a row's two ends into one line."""
    dots = "".join(w["text"] for w in row.words if set(w["text"]) <= {"."})
    return len(dots) >= 4 or any("...." in w["text"] for w in row.words)


def _find_gutter(rows: list[_Row], width: float) -> float | None:
    """The x of the column gutter, or None for a single-column page."""
    best_x, best_score = 0.0, len(rows) + 1
    centre = width / 2
    candidates = sorted(range(int(width * 0.3), int(width * 0.7), 2), key=lambda x: abs(x - centre))
    for x in candidates:
        score = sum(_bridges(r, x) for r in rows)
        if score < best_score:
            best_x, best_score = float(x), score
    split = [r for r in rows if not _bridges(r, best_x)]
    n_left = sum(any(w["x1"] <= best_x for w in r.words) for r in split)
    n_right = sum(any(w["x0"] >= best_x for w in r.words) for r in split)
    if n_left < _MIN_SIDE_ROWS or n_right < _MIN_SIDE_ROWS:
        return None
    return best_x


def _body_lines(rows: list[_Row], width: float) -> list[_Line]:
    """Full-width rows in place; each run of split rows read left column, then right."""
    gutter = _find_gutter(rows, width)
    if gutter is None:
        return [_full_line(r) for r in rows]
    lines: list[_Line] = []
    run: list[_Row] = []
    for row in [*rows, None]:
        if row is not None and not _bridges(row, gutter):
            run.append(row)
            continue
        lines += _column_lines(run, gutter)
        run = []
        if row is not None:
            lines.append(_full_line(row))
    return lines


def _column_lines(run: list[_Row], gutter: float) -> list[_Line]:
    # Rows are regrouped per column: a row of the page can mix two half-offset lines.
    left = _rows([w for r in run for w in r.words if w["x1"] <= gutter])
    right = _rows([w for r in run for w in r.words if w["x0"] >= gutter])
    out = [_Line(_join(r.words), r.words[0]["x0"], 0) for r in left]
    return out + [_Line(_join(r.words), r.words[0]["x0"], 1) for r in right]


def _full_line(row: _Row) -> _Line:
    return _Line(_join(row.words), row.words[0]["x0"], 0)


def _join(words: list[Word]) -> str:
    return " ".join(w["text"] for w in words)


def _margin(xs: list[float]) -> float:
    """A column's left margin: the smallest x0 shared by several lines (not a stray mark)."""
    counts = Counter(round(x) for x in xs)
    common = [x for x, n in counts.items() if n >= _MIN_SIDE_ROWS]
    return float(min(common or counts or [0]))


def _lines_to_text(lines: list[_Line]) -> str:
    """Join lines, with a blank line before each indented (paragraph-opening) line."""
    margins = {col: _margin([ln.x0 for ln in lines if ln.column == col]) for col in (0, 1)}
    parts: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        indented = _INDENT_MIN <= ln.x0 - margins[ln.column] <= _INDENT_MAX
        # Lines at one indent that run on (no closing punctuation) are a list, not paragraphs.
        same_block = (
            prev is not None
            and prev.column == ln.column
            and abs(prev.x0 - ln.x0) < 2
            and not prev.text.endswith(_CLOSERS)
        )
        if parts and indented and not same_block:
            parts.append("")
        parts.append(ln.text)
        prev = ln
    return "\n".join(parts)


def _child(path: str) -> None:
    """Read one PDF and print it as JSON; any failure of the reader becomes an error message."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (_CHILD_MEMORY, _CHILD_MEMORY))
    try:
        pdf = extract_pdf(Path(path))
        out: dict[str, Any] = {"text": pdf.text, "page_starts": pdf.page_starts}
    except PdfError as err:
        out = {"error": str(err)}
    # The one broad catch: whatever pdfminer raises on damaged bytes (struct.error, zlib.error,
    # RecursionError, MemoryError, AssertionError, ...) means "not a readable PDF".
    except Exception as err:
        reason = str(err).splitlines()[0][:200] if str(err).strip() else type(err).__name__
        out = {"error": f"{Path(path).name} is not a readable PDF: {reason}"}
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    _child(sys.argv[1])
