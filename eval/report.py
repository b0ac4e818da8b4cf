"""Compare retrieval runs: a text table, report.md, report.json and a recall@k plot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.errors import InputError

SUMMARY_COLUMNS = (
    "mrr@10",
    "ndcg@10",
    "evidence@1",
    "evidence@5",
    "latency_ms_p50",
    "latency_ms_p95",
)


def _cell(value: object, column: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and column.startswith("latency"):
        return f"{value:.2f}" if value < 10 else f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def summary_rows(runs: Sequence[dict[str, Any]], ks: Sequence[int]) -> list[list[str]]:
    """Header plus one row per run: retriever, hash, n, recall@k…, full_recall@max k, others."""
    kmax = max(ks)
    cols = [f"recall@{k}" for k in ks] + [f"full_recall@{kmax}", *SUMMARY_COLUMNS]
    header = ["retriever", "settings", "n scored", *cols]
    rows = [header]
    for run in runs:
        scored = run["n"] - run["n_unanswerable"]
        rows.append(
            [
                run["retriever"],
                run["settings_hash"],
                str(scored),
                *(_cell(run["metrics"].get(c), c) for c in cols),
            ]
        )
    return rows


def by_type_rows(runs: Sequence[dict[str, Any]], metric: str) -> list[list[str]]:
    """Header plus one row per question type: `metric` of each run."""
    types = sorted({t for run in runs for t in run["by_type"]})
    rows = [["type", "n", *(run["retriever"] for run in runs)]]
    for t in types:
        n = next(run["by_type"][t]["n"] for run in runs if t in run["by_type"])
        rows.append(
            [t, str(n), *(_cell(run["by_type"].get(t, {}).get(metric), metric) for run in runs)]
        )
    return rows


def text_table(rows: list[list[str]]) -> str:
    """Aligned plain-text table for the terminal."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(rows: list[list[str]]) -> str:
    """GitHub Markdown table."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def render_text(runs: Sequence[dict[str, Any]], ks: Sequence[int]) -> str:
    """What `eval retrieval` prints: overall table, then recall@5 (or nearest k) by type."""
    k = 5 if 5 in ks else max(ks)
    return "\n".join(
        [
            text_table(summary_rows(runs, ks)),
            "",
            f"recall@{k} by question type:",
            text_table(by_type_rows(runs, f"recall@{k}")),
        ]
    )


def write_report(result: dict[str, Any], out_dir: Path | str) -> dict[str, Path]:
    """Write report.md, report.json and recall_at_k.png for a `run_retrieval_eval` result."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"Cannot create report folder {out}: {err.strerror}.") from None
    runs, ks = result["runs"], result["ks"]
    paths = {"md": out / "report.md", "json": out / "report.json", "png": out / "recall_at_k.png"}
    paths["json"].write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["md"].write_text(_markdown(result), encoding="utf-8")
    plot_recall(runs, ks, paths["png"])
    return paths


def _markdown(result: dict[str, Any]) -> str:
    runs, ks = result["runs"], result["ks"]
    n, n_un = runs[0]["n"], runs[0]["n_unanswerable"]
    parts = [
        "# Retrieval evaluation",
        "",
        f"- index: `{result.get('index', '')}`",
        f"- questions: `{result.get('questions', '')}`"
        f" ({n} questions, {n_un} unanswerable and not scored)",
        "- relevance: binary, statement level; a statement retrieved through several chunks "
        "counts once; each question's filters applied; latency over all questions",
        "",
        "## Overall",
        "",
        markdown_table(summary_rows(runs, ks)),
        "",
    ]
    for metric in (f"recall@{5 if 5 in ks else max(ks)}", "ndcg@10", "mrr@10"):
        parts += [
            f"## {metric} by question type",
            "",
            markdown_table(by_type_rows(runs, metric)),
            "",
        ]
    parts += ["![recall@k](recall_at_k.png)", ""]
    return "\n".join(parts)


def plot_recall(runs: Sequence[dict[str, Any]], ks: Sequence[int], path: Path) -> None:
    """recall@k against k, one line per retriever (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for run in runs:
        ys = [run["metrics"].get(f"recall@{k}") for k in ks]
        ax.plot(
            list(ks),
            [y if y is not None else float("nan") for y in ys],
            marker="o",
            label=f"{run['retriever']} ({run['settings_hash']})",
        )
    ax.set_xlabel("k (distinct statements)")
    ax.set_ylabel("recall@k (any gold statement)")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(list(ks))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Retrieval recall@k")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
