"""Library tab: what is indexed, and ingest of uploaded statement files with progress."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from index.build import IndexWriter
from index.countries import KINDS, kind_of
from index.errors import UnscRagError
from index.parse import RecordDefaults, read_statements
from index.types import Rejected, Statement
from rag.components import make_writer
from ui import render
from ui.engine import Engine
from ui.tabs_chat import FilterControls

INGEST_HEADERS = ["file", "added", "unchanged", "replaced", "rejected", "messages"]

PROGRESS = gr.Progress()  # gradio injects a tracker where a parameter defaults to one


def summary_md(engine: Engine) -> str:
    """ "N statements, M chunks, K meetings" for the top of the tab."""
    st = engine.stats()
    return (
        f"**{st['statements']} statements**, {st['chunks']} chunks, "
        f"{len(st['by_meeting'])} meetings indexed. {spellings_md(st)}"
    )


def tables(engine: Engine) -> tuple[str, Any, Any, Any]:
    """The summary and the counts by year, country and meeting."""
    st = engine.stats()
    return (
        summary_md(engine),
        {"headers": ["year", "statements"], "data": render.counts_rows(st["by_year"])},
        {"headers": ["delegation", "kind", "statements"], "data": country_rows(st)},
        {"headers": ["meeting", "statements"], "data": render.counts_rows(st["by_meeting"])},
    )


def country_rows(st: dict[str, Any]) -> list[list[object]]:
    """One row per delegation (its spellings counted together), with its kind."""
    return [
        [name or "(unknown)", KINDS[kind_of(name)] if name else "", n]
        for name, n in st["by_country"].items()
    ]


def spellings_md(st: dict[str, Any]) -> str:
    """How the records' spellings became delegations: repaired and flagged ones named."""
    d = st["delegations"]
    # Spellings come from the records: escaped, so Markdown shows them as text.
    fixed = ", ".join(f"“{escape(r['raw'])}” → {escape(r['name'])}" for r in d["repaired"])
    flagged = ", ".join(f"“{escape(r['raw'])}” ({r['statements']})" for r in d["flagged"])
    return (
        f"{d['delegations']} delegations from {d['spellings']} spellings in the records: "
        f"{len(d['variants'])} other names, {len(d['repaired'])} slips repaired"
        + (f" ({fixed})" if fixed else "")
        + (f", flagged: {flagged}" if flagged else "")
        + "."
    )


def build_library(engine: Engine, fc: FilterControls) -> None:
    """Counts tables, the upload box with record defaults, and the ingest report."""
    first = tables(engine)
    summary = gr.Markdown(first[0], elem_id="library-summary")
    with gr.Row():
        years = gr.Dataframe(first[1], label="By year", interactive=False, max_height=300)
        countries = gr.Dataframe(first[2], label="By country", interactive=False, max_height=300)
        meetings = gr.Dataframe(first[3], label="By meeting", interactive=False, max_height=300)
    gr.Markdown("### Add statement files (.jsonl, .jsonl.gz, .txt verbatim records, .pdf)")
    files = gr.File(file_count="multiple", label="Statement files", elem_id="ingest-files")
    with gr.Row():
        symbol = gr.Textbox(label="Meeting symbol (records without a header)")
        date = gr.Textbox(label="Meeting date YYYY-MM-DD (records without one)")
        agenda = gr.Textbox(label="Agenda item (records without one)")
    go = gr.Button("Ingest", variant="primary", elem_id="ingest-go")
    result = gr.Markdown(elem_id="ingest-result")
    report = gr.Dataframe(
        label="Per file", headers=INGEST_HEADERS, interactive=False, elem_id="ingest-report"
    )
    filters = [fc.country, fc.symbol, fc.language, fc.participant]
    go.click(
        partial(ingest, engine),
        [files, symbol, date, agenda],
        [result, report, summary, years, countries, meetings, *filters],
        api_visibility="private",  # a write: never an API endpoint (see the reliability issue)
    )


def ingest(
    engine: Engine,
    files: list[str] | None,
    symbol: str,
    date: str,
    agenda: str,
    progress: gr.Progress = PROGRESS,
) -> tuple:
    """Ingest each file as one atomic index version; report per file; reload the index."""
    paths = [Path(f) for f in files or []]
    if not paths:
        raise gr.Error("Choose one or more statement files first.")
    defaults = RecordDefaults(symbol.strip(), date.strip(), agenda.strip())
    writer = make_writer(engine.settings, engine.index_dir, engine.embedder)
    rows = []
    for i, path in enumerate(paths):
        progress((i, len(paths)), desc=f"Ingesting {path.name}", unit="files")
        rows.append(ingest_one(writer, path, defaults))
    progress((len(paths), len(paths)), desc="Reloading the index", unit="files")
    engine.reload()
    added = sum(int(r[1]) for r in rows)
    bad = [r for r in rows if r[4] or r[5]]
    line = f"Added {added} statement(s) from {len(paths)} file(s)."
    if bad:
        line += f" ⚠ {len(bad)} file(s) had problems: see the messages below."
        messages = " ".join(str(r[5]) for r in bad)[:300]  # toasts render HTML: quote it
        gr.Warning(f"{len(bad)} file(s) had problems: " + escape(messages))
    choices = [gr.update(choices=engine.country_choices())] + [
        gr.update(choices=engine.choices(c))
        for c in ("symbol_base", "spoken_language", "participant_type")
    ]
    return (line, {"headers": INGEST_HEADERS, "data": rows}, *tables(engine), *choices)


def ingest_one(writer: IndexWriter, path: Path, defaults: RecordDefaults) -> list[Any]:
    """One file → [name, added, unchanged, replaced, rejected, messages], errors as sentences."""
    whole_file: list[str] = []

    def records() -> Iterator[Statement | Rejected]:
        try:
            yield from read_statements(path, defaults)
        except UnscRagError as err:  # the whole file is unusable: say so, keep the others
            whole_file.append(str(err))

    try:
        summary = writer.ingest(records())
    except UnscRagError as err:
        return [path.name, 0, 0, 0, 0, _short(str(err), path)]
    messages = whole_file + summary.errors
    return [
        path.name,
        summary.added,
        summary.unchanged,
        summary.replaced,
        summary.rejected + len(whole_file),
        _short(" | ".join(messages), path),
    ]


def _short(message: str, path: Path) -> str:
    # Uploads live in a temporary folder: show the file name, not the server path.
    return message.replace(str(path.parent) + "/", "")
