"""The `unsc-rag eval …` subcommands, registered through the `unsc_rag.commands` entry point."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rag.errors import InputError
from rag.settings import Settings


def register(sub: Any) -> None:
    """Add the `eval` command group; each evaluation is one `add_*` function."""
    p = sub.add_parser("eval", help="evaluate retrieval or answers against a gold question set")
    group = p.add_subparsers(dest="eval_command", required=True)
    add_retrieval(group)
    add_answers(group)
    add_calibrate(group)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, default=None, help="index folder (default: bundled)")
    p.add_argument("--questions", type=Path, required=True, help="question file (.jsonl)")
    p.add_argument(
        "--json",
        dest="json_out",
        default=None,
        metavar="OUT",
        help="write the full result as JSON to OUT ('-' for stdout)",
    )


def add_retrieval(group: Any) -> None:
    """`eval retrieval`: recall@k, full recall, MRR, nDCG, latency per retriever."""
    p = group.add_parser("retrieval", help="score retrievers on a question set")
    _common(p)
    p.add_argument("--k", default="1,5,10,20", help="cut-offs, comma list (default 1,5,10,20)")
    p.add_argument(
        "--retriever", default="hybrid", help="bm25, dense, hybrid, a comma list of them, or all"
    )
    p.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="DIR",
        help="write report.md, report.json and recall_at_k.png to DIR",
    )
    p.set_defaults(handler=cmd_retrieval)


def cmd_retrieval(args: argparse.Namespace, s: Settings) -> int:
    """Evaluate, print the comparison table, write JSON and the report if asked."""
    from eval.report import render_text, write_report
    from eval.run import run_retrieval_eval

    result = run_retrieval_eval(args.index or s.index.dir, args.questions, args.retriever, args.k)
    runs = result["runs"]
    if args.json_out:
        write_json(runs[0] if len(runs) == 1 else result, args.json_out)
    if args.json_out != "-":
        print(render_text(runs, result["ks"]))
    if args.report:
        paths = write_report(result, args.report)
        print(f"report: {paths['md']}, {paths['png']}", file=sys.stderr)
    return 0


def add_answers(group: Any) -> None:
    """`eval answers`: citation precision/recall, answered and refused shares, seconds."""
    p = group.add_parser("answers", help="score answers and citations on a question set")
    _common(p)
    p.add_argument("--backend", default=None, help="embedded, openai, extractive or a comma list")
    p.add_argument("--limit", type=int, default=0, help="only the first N questions (0: all)")
    p.add_argument("--types", default="", help="only these question types (comma list)")
    p.set_defaults(handler=cmd_answers)


def cmd_answers(args: argparse.Namespace, s: Settings) -> int:
    """Ask every question with each backend; one table row per backend."""
    from eval.answers import evaluate_answers
    from eval.datasets import load_questions
    from eval.report import text_table
    from rag.components import make_embedder, make_pipeline, open_index

    questions = load_questions(args.questions)
    if args.types:
        questions = [q for q in questions if q.type in args.types.split(",")]
    questions = questions[: args.limit or None]
    emb = make_embedder(s)
    index = open_index(s, args.index, emb)
    runs = {}
    for name in (args.backend or s.answer.backend).split(","):
        pipe = make_pipeline(s, args.index, backend=name, embedder=emb, index=index)
        runs[name] = evaluate_answers(pipe, questions, _text_of(index), _progress(name))
        runs[name] |= {"backend": name, "settings_hash": pipe.settings_hash}
    keys = [
        "accuracy",
        "wrong",
        "refused",
        "refused_unanswerable",
        "citation_precision",
        "citation_precision_first",
        "statement_precision",
        "citation_recall",
        "answered",
        "seconds_p50",
        "removed_label_shown",
    ]
    rows = [["backend", *keys]] + [
        [n, *(str(r["metrics"][k]) for k in keys)] for n, r in runs.items()
    ]
    if args.json_out:
        write_json(
            next(iter(runs.values())) if len(runs) == 1 else {"runs": list(runs.values())},
            args.json_out,
        )
    if args.json_out != "-":
        print(text_table(rows))
    return 0


def add_calibrate(group: Any) -> None:
    """`eval calibrate`: the thresholds of the "nothing answers this" gate on a gold set."""
    p = group.add_parser("calibrate", help="calibrate the refusal gate")
    _common(p)
    p.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace, s: Settings) -> int:
    """Print the gate grid over the evidence features (retrieval and embedder only)."""
    from eval.calibrate import gate_features, gate_grid
    from eval.datasets import load_questions
    from eval.report import text_table
    from rag.components import make_pipeline

    questions = load_questions(args.questions)
    pipeline = make_pipeline(s, args.index, backend="extractive")
    rows = gate_features(pipeline, questions)
    grid = gate_grid(rows, (0.25, 0.3, 0.35), (0.5, 0.55, 0.6, 0.62, 0.65, 0.7), (0.0, 0.5, 1.0))
    keys = list(grid[0])
    print(text_table([keys] + [[str(g[k]) for k in keys] for g in grid]))
    if args.json_out:
        write_json({"gate": grid, "questions": rows}, args.json_out)
    return 0


def _progress(backend: str) -> Any:
    def show(line: str) -> None:
        print(f"{backend}: {line}", file=sys.stderr, flush=True)

    return show


def _text_of(index: Any) -> Any:
    def text_of(statement_id: str) -> str | None:
        st = index.meta.statement(statement_id)
        return st.text if st else None

    return text_of


def write_json(obj: object, dest: str) -> None:
    """Write JSON to a file, or to stdout for '-'."""
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    if dest == "-":
        print(text)
        return
    try:
        Path(dest).write_text(text + "\n", encoding="utf-8")
    except OSError as err:
        raise InputError(f"Cannot write {dest}: {err.strerror}.") from None
