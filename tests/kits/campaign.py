"""The fuzz campaign of bench/reliability.py: families of generated and mutated files, counted.

Each family writes cases to a scratch folder and checks them with `fuzz.check_file` (or, for
filters, `fuzz.check_filters`); hypothesis drives the generated families, seeded random
mutations the real-file ones. A watchdog ends the run with a traceback if one case hangs.
"""

from __future__ import annotations

import faulthandler
import gzip
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.pdf import pdf_time_limit
from tests.kits import fuzz

TEXT_LIMIT_S = 10.0  # a text or JSON-lines case must finish within this
HANG_S = 900.0  # the watchdog: one case this long is a hang (the PDF child stops at 60 s+)


@dataclass
class Family:
    """The outcome of one family of cases."""

    name: str
    cases: int = 0
    rejected: int = 0  # records rejected, counted (not failures)
    typed_errors: int = 0  # whole files refused with one sentence (not failures)
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def add(self, out: fuzz.Outcome) -> None:
        """Count one checked file."""
        self.cases += 1
        self.rejected += out.rejected
        self.typed_errors += bool(out.typed_error)
        if out.failure:
            self.failures.append(f"{out.name}: {out.failure}")
        self.slowest = max(self.slowest, (out.seconds, out.name))


def _check(family: Family, folder: Path, name: str, data: bytes | str, limit: float) -> None:
    path = fuzz.write_case(folder, name, data)
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    try:
        family.add(fuzz.check_file(path, limit))
    finally:
        faulthandler.cancel_dump_traceback_later()
        path.unlink(missing_ok=True)


def with_hypothesis(strategy: Any, n: int, each: Callable[[Any], None]) -> None:
    """Run `each` on `n` examples drawn by hypothesis (generation only: failures are counted
    by `each`, not raised, so the campaign sees every case)."""
    from hypothesis import HealthCheck, Phase, given, settings

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: Any) -> None:
        each(value)

    run()


def families(work: Path, scale: float, seed: int) -> Iterator[Family]:
    """Every family, sized by `scale` (1.0: thousands of cases)."""
    rng = random.Random(seed)
    strat = fuzz.strategies()

    def n(base: int) -> int:
        return max(1, int(base * scale))

    yield from _jsonl_families(work, rng, n, strat)
    yield from _text_families(work, rng, n, strat)
    yield _pdf_family(work, rng, n(100))
    yield _huge_family(work)

    fam = Family("filters generated (hypothesis)")

    def check_filter(raw: Any) -> None:
        fam.cases += 1
        if failure := fuzz.check_filters(raw):
            fam.failures.append(f"{raw!r:.120}: {failure}")

    with_hypothesis(strat["filters"], n(3000), check_filter)
    yield fam


def _jsonl_families(
    work: Path, rng: random.Random, n: Callable[[int], int], strat: dict[str, Any]
) -> Iterator[Family]:
    corpus = fuzz.SMALL_CORPUS.read_text(encoding="utf-8").splitlines()
    fam = Family("jsonl generated (hypothesis)")
    with_hypothesis(
        strat["jsonl"], n(2000), lambda t: _check(fam, work, "g.jsonl", t, TEXT_LIMIT_S)
    )
    yield fam

    fam = Family("jsonl real records, mutated")
    for i in range(n(1000)):
        lines = "\n".join(rng.sample(corpus, rng.randint(1, 12))).encode()
        data = fuzz.reencode(lines.decode(), rng) if i % 10 == 0 else fuzz.mutate(lines, rng)
        _check(fam, work, "m.jsonl.gz" if i % 25 == 0 else "m.jsonl", data, TEXT_LIMIT_S)
    yield fam

    fam = Family("jsonl.gz real records, gzipped then mutated")
    packed = gzip.compress("\n".join(corpus).encode())
    for i in range(n(300)):
        data = fuzz.truncate(packed, rng) if i % 2 else fuzz.bit_flips(packed, rng)
        _check(fam, work, "z.jsonl.gz", data, TEXT_LIMIT_S)
    yield fam

    fam = Family("jsonl hostile lines")
    for _ in range(n(50)):
        _check(fam, work, "h.jsonl", "\n".join(fuzz.hostile_jsonl_lines(rng)), TEXT_LIMIT_S)
    yield fam


def _text_families(
    work: Path, rng: random.Random, n: Callable[[int], int], strat: dict[str, Any]
) -> Iterator[Family]:
    texts = [p.read_text(encoding="utf-8") for p in fuzz.real_texts()]
    fam = Family("txt/md real records, mutated or re-encoded")
    for i in range(n(600)):
        text = rng.choice(texts)
        data = fuzz.reencode(text, rng) if i % 4 == 0 else fuzz.mutate(text.encode(), rng)
        _check(fam, work, rng.choice(["r.txt", "r.md"]), data, TEXT_LIMIT_S)
    yield fam

    fam = Family("txt speaker-line soup (hypothesis)")
    each = lambda t: _check(fam, work, "s.txt", t, TEXT_LIMIT_S)  # noqa: E731
    with_hypothesis(strat["record_text"], n(1500), each)
    for _ in range(n(200)):
        _check(fam, work, "s.txt", fuzz.speaker_soup(rng, rng.randint(1, 400)), TEXT_LIMIT_S)
    yield fam


def _pdf_family(work: Path, rng: random.Random, count: int) -> Family:
    fam = Family("pdf real records, truncated/bit-flipped/spliced")
    pdfs = fuzz.real_pdfs()
    for i in range(count):
        src = pdfs[i % len(pdfs)]
        data = src.read_bytes()
        if i % 3 == 0:
            data = fuzz.truncate(data, rng)
        elif i % 3 == 1:
            data = fuzz.bit_flips(data, rng)
        else:
            data = fuzz.mutate(data, rng)
        _check(fam, work, src.name, data, pdf_time_limit(src) + 5)
    return fam


def _huge_family(work: Path) -> Family:
    fam = Family("huge and odd files")
    ten_mb = 10_000_000
    cases: list[tuple[str, bytes | str]] = [
        ("big.jsonl", fuzz.big_statement_jsonl(ten_mb)),
        ("line.jsonl", fuzz.huge_line(ten_mb)),
        ("line.txt", fuzz.huge_line(ten_mb)),
        ("nul.txt", b"\x00" * ten_mb),
        ("nul.jsonl", b"\x00" * ten_mb),
        ("empty.jsonl", b""),
        ("empty.pdf", b""),
        ("deep.jsonl", '{"text": "x", "a": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}"),
        ("huge.txt", b"Mr. A (B): peace.\n" * 3_000_000),  # 54 MB: refused by size
        ("noise.pdf", random.Random(1).randbytes(2_000_000)),
    ]
    for name, data in cases:
        _check(fam, work, name, data, 60.0)
    return fam
