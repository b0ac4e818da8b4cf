"""Plots (the one matplotlib importer of rag): the timeline of a topic, one colour per
delegation, each mark numbered as in the list of its quotes. Figures only; no pyplot state."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rag.timeline import Timeline


def timeline_figure(tl: Timeline) -> Any:
    """A matplotlib Figure: x the statement's date, y its relevance, colour its delegation."""
    from matplotlib.figure import Figure  # Agg canvas: no display needed

    fig = Figure(figsize=(10, 4.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    for name in tl.delegations:
        marks = [m for m in tl.marks if m.delegation == name]
        if not marks:
            continue
        xs: list[Any] = [date.fromisoformat(m.date) for m in marks]
        ys = [m.score for m in marks]
        ax.scatter(xs, ys, s=46, color=tl.colour(name), label=f"{name} ({len(marks)})", zorder=3)
        for m, x, y in zip(marks, xs, ys, strict=True):
            ax.annotate(str(m.n), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set_xlabel("date of the statement")
    ax.set_ylabel("relevance to the topic")
    ax.set_title(_short(tl.topic), fontsize=11)
    ax.grid(True, alpha=0.3)
    if tl.marks:
        ax.legend(loc="best", fontsize=8)
    else:
        ax.text(0.5, 0.5, "No statement on this topic", ha="center", transform=ax.transAxes)
    fig.autofmt_xdate()
    return fig


def save_png(fig: Any, path: Path) -> Path:
    """Write a figure as PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
