"""Evaluate tab: the retrieval evaluation (from the `eval` package, via its entry point) on a
question set of data/eval/ or an uploaded file; maintainers only (no server path is typed)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from html import escape
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import gradio as gr

from index.errors import UnscRagError
from rag.errors import InputError
from rag.settings import PROJECT_ROOT
from ui import uploads
from ui.access import Access
from ui.engine import Engine
from ui.uploads import Limits

EVAL_DIR = PROJECT_ROOT / "data" / "eval"
DEFAULT_SET = "dev.jsonl"
MISSING = (
    "The retrieval evaluation is not installed: install the project with its `eval` package "
    "(`pip install -e .`) so the `unsc_rag.evaluators` entry point `retrieval` exists."
)

PROGRESS = gr.Progress()  # gradio injects a tracker where a parameter defaults to one


def load_evaluator() -> Callable[..., dict[str, Any]] | None:
    """run_retrieval_eval from the entry point group, or None when it is absent or broken."""
    for ep in entry_points(group="unsc_rag.evaluators"):
        if ep.name == "retrieval":
            try:
                return ep.load()
            except (ImportError, AttributeError):
                return None
    return None


def question_sets() -> list[str]:
    """The project's own question files: data/eval/*.jsonl, by name."""
    return sorted(p.name for p in EVAL_DIR.glob("*.jsonl") if p.is_file())


def build_eval(engine: Engine, access: Access) -> None:
    """Question file (one of data/eval/ or an upload), modes and ks; metrics table, recall plot,
    JSON download. The evaluation runs for maintainers only."""
    if load_evaluator() is None:
        gr.Markdown(f"**{MISSING}**", elem_id="eval-missing")
    limits = Limits.from_settings(engine.settings.serve, (".jsonl",), max_files=1)
    sets = question_sets()
    with gr.Row():
        chosen = gr.Dropdown(
            sets,
            value=DEFAULT_SET if DEFAULT_SET in sets else (sets[0] if sets else None),
            label="Question set (data/eval/)",
            elem_id="eval-set",
            scale=2,
        )
        upload = gr.File(
            label=f"…or upload a question file: {limits.describe()}",
            file_count="single",
            elem_id="eval-upload",
            scale=3,
        )
    with gr.Row():
        modes = gr.CheckboxGroup(
            ["hybrid", "dense", "bm25"], value=["hybrid", "dense", "bm25"], label="Retrievers"
        )
        ks = gr.Textbox("1,5,10,20", label="k values", elem_id="eval-ks")
        run = gr.Button("Run evaluation", variant="primary", elem_id="eval-run")
    status = gr.Markdown(elem_id="eval-status")
    table = gr.Dataframe(label="Metrics", elem_id="eval-metrics", interactive=False)
    by_type = gr.Dataframe(label="recall@5 by question type", interactive=False)
    plot = gr.Plot(label="recall@k")
    download = gr.File(label="Results (JSON)", elem_id="eval-json")

    def evaluate_questions(
        upload: str | None,
        chosen: str | None,
        modes: list[str],
        ks: str,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> tuple:
        if not access.may_write(request):
            raise gr.Error(access.refusal("run evaluations"))
        return run_eval(engine, limits, upload, chosen, modes, ks, progress)

    run.click(
        evaluate_questions,
        [upload, chosen, modes, ks],
        [status, table, by_type, plot, download],
        api_visibility="private",  # maintainers only, checked above; never an API endpoint
        concurrency_limit=1,
        concurrency_id="write",
    )


def chosen_file(chosen: str | None) -> Path:
    """A question set of data/eval/ by its name (only a name the folder lists)."""
    if not chosen or chosen not in question_sets():
        raise gr.Error("Choose a question set of data/eval/ or upload a .jsonl question file.")
    return EVAL_DIR / chosen


def run_eval(
    engine: Engine,
    limits: Limits,
    upload: str | None,
    chosen: str | None,
    modes: list[str],
    ks: str,
    progress: Any,
) -> tuple:
    """Run the evaluation over the app's index and render its results."""
    evaluate = load_evaluator()
    if evaluate is None:
        raise gr.Error(MISSING)
    if not modes:
        raise gr.Error("Pick at least one retriever.")
    sources = [Path(upload)] if upload else [chosen_file(chosen)]
    name = uploads.display_name(sources[0].name)
    try:
        if upload:
            uploads.check(sources, limits)
            if not uploads.known_type(name, limits):
                raise InputError(uploads.type_message(name, limits))
        progress(0.1, desc="Evaluating retrieval")
        with uploads.staged(sources) as copies:
            result = evaluate(engine.index_dir, copies[0], modes, ks)
    except UnscRagError as err:
        raise gr.Error(escape(str(err))) from None  # toasts render HTML
    runs = result.get("runs") or [result]
    out = Path(tempfile.mkdtemp(prefix="unsc-eval-")) / "retrieval_eval.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    summary = f"{runs[0].get('n', 0)} questions from `{name}`, {len(runs)} retriever(s)."
    return summary, metrics_rows(runs), type_rows(runs), recall_plot(runs), str(out)


def metrics_rows(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row per retriever: every aggregate metric, rounded."""
    keys = [k for k in runs[0].get("metrics", {}) if not k.startswith("latency")]
    keys += [k for k in runs[0].get("metrics", {}) if k.startswith("latency")]
    rows = [
        [r.get("retriever", "?"), r.get("n", "")] + [_cell(r["metrics"].get(k)) for k in keys]
        for r in runs
    ]
    return {"headers": ["retriever", "n", *keys], "data": rows}


def type_rows(runs: list[dict[str, Any]], metric: str = "recall@5") -> dict[str, Any]:
    """recall@5 per question type (rows) and retriever (columns)."""
    types = sorted({t for r in runs for t in r.get("by_type", {})})
    rows = [[t] + [_cell(r.get("by_type", {}).get(t, {}).get(metric)) for r in runs] for t in types]
    return {"headers": ["type"] + [r.get("retriever", "?") for r in runs], "data": rows}


def recall_plot(runs: list[dict[str, Any]]) -> Any:
    """recall@k against k, one line per retriever."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for r in runs:
        pts = sorted(
            (int(k.split("@")[1]), v)
            for k, v in r.get("metrics", {}).items()
            if k.startswith("recall@") and v is not None
        )
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=r.get("retriever"))
    ax.set(xlabel="k", ylabel="recall@k", ylim=(0, 1.02), title="Statement recall@k")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plt.close(fig)  # gradio renders the figure object; keep pyplot's registry empty
    return fig


def _cell(value: object) -> object:
    return round(value, 4) if isinstance(value, float) else ("" if value is None else value)
