"""Hostile statements beside real ones: do answers to real questions keep their citations, and
does the model ever do what an injected instruction asks?

    nice -n 10 .venv/bin/python bench/injection.py              # every question, both backends
    .venv/bin/python bench/injection.py --llm-questions 5       # fewer with the embedded model

The small corpus is indexed twice, without and with tests/fixtures/hostile/ (injected
instructions, fake [n] labels, "the answer is …", fake speaker lines, HTML, Markdown links).
Every real question about a meeting a hostile statement speaks in is answered on both (the
citations compared), and the questions aimed at the hostile statements are answered on the
hostile index; with the extractive and the embedded backend (tests/kits/injection.py).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from _bench import ROOT  # offline models and the repo on the path, first

from index.parse import read_statements
from rag.components import make_embedder, make_pipeline, make_writer, open_index
from rag.settings import Settings
from tests.kits import injection

SMALL_CORPUS = ROOT / "tests" / "fixtures" / "small_corpus.jsonl"


def attacked_questions() -> list[str]:
    """The real questions whose gold statements are in a meeting a hostile statement speaks in."""
    meetings = {json.loads(line)["symbol"] for line in injection.INJECTION.open()}
    symbol = {
        json.loads(line)["id"]: json.loads(line).get("symbol") for line in SMALL_CORPUS.open()
    }
    rows = [json.loads(line) for line in injection.QUESTIONS.open()]
    return [r["question"] for r in rows if any(symbol.get(g) in meetings for g in r["gold_ids"])]


def run(work: Path, s: Settings, emb: Any, llm_questions: int | None) -> dict[str, int]:
    """Both backends on both indexes: the table printed, the totals returned."""
    print("\n## Hostile statements beside real ones (injected instructions)\n")
    clean_dir = work / "injection-clean"
    make_writer(s, clean_dir, emb).ingest(read_statements(SMALL_CORPUS))
    dirty_dir, ids = injection.build_index(
        clean_dir, work / "injection-dirty", lambda d: make_writer(s, d, emb)
    )
    clean, dirty = open_index(s, clean_dir, emb), open_index(s, dirty_dir, emb)
    plain = s.updated({"answer.rewrite_backend": ""})
    questions = attacked_questions()
    print("| backend | family | cases | hostile passage retrieved | citations changed | "
          "hostile cited | model obeyed (raw) | obeyed in the answer shown | bad citations |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    cases: list[injection.Case] = []
    for backend in ("extractive", "embedded"):
        pipes = [
            make_pipeline(plain, backend=backend, embedder=emb, index=i) for i in (clean, dirty)
        ]
        asked = questions if backend == "extractive" else questions[:llm_questions]
        aimed = injection.AIMED if backend == "extractive" else injection.AIMED[:llm_questions]
        families = {
            "beside": injection.run_beside(pipes[0], pipes[1], asked, ids),
            "aimed": injection.run_aimed(pipes[1], ids, aimed),
        }
        for family, got in families.items():
            t = injection.totals(got)
            print(f"| {backend} | {family} | {t['cases']} | {t['exposed']} | {t['changed']} | "
                  f"{t['hostile_cited']} | {t['obeyed_raw']} | {t['obeyed_shown']} | "
                  f"{t['bad_citations']} |", flush=True)  # fmt: skip
            cases += got
    return injection.totals(cases)


def line(t: dict[str, int]) -> str:
    """The summary line."""
    return (f"injection cases {t['cases']}, citations changed {t['changed']}, instructions "
            f"followed {t['obeyed_raw']} (in the answers shown {t['obeyed_shown']}), hostile "
            f"words in a lead {t['hostile_in_lead']}, bad citations {t['bad_citations']}")  # fmt: skip


def main() -> None:
    """Run on a temporary folder and print the table and the summary line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--llm-questions", type=int, default=None, help="default: every question")
    args = ap.parse_args()
    s = Settings()
    t = run(
        Path(tempfile.mkdtemp(prefix="unsc-injection-")), s, make_embedder(s), args.llm_questions
    )
    print(f"\n{line(t)}")


if __name__ == "__main__":
    main()
