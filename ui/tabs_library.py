"""Library tab: what is indexed; for maintainers, ingest of uploaded files and removal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from index.build import IndexWriter
from index.countries import KINDS, kind_of
from index.errors import UnscRagError
from index.parse import SUFFIXES, RecordDefaults, read_statements
from index.types import Rejected, Statement
from rag.components import make_writer
from ui import render, uploads
from ui.access import Access
from ui.engine import Engine
from ui.tabs_chat import FilterControls
from ui.uploads import Limits

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


def build_library(engine: Engine, fc: FilterControls, access: Access) -> gr.Column:
    """Counts tables for everyone; for maintainers, the upload box with record defaults, the
    ingest report and removal (returned: the part to show maintainers only)."""
    first = tables(engine)
    summary = gr.Markdown(first[0], elem_id="library-summary")
    with gr.Row():
        years = gr.Dataframe(first[1], label="By year", interactive=False, max_height=300)
        countries = gr.Dataframe(first[2], label="By country", interactive=False, max_height=300)
        meetings = gr.Dataframe(first[3], label="By meeting", interactive=False, max_height=300)
    limits = Limits.from_settings(engine.settings.serve, SUFFIXES)
    with gr.Column(visible=False, elem_id="library-write") as writes:
        if access.banner:
            gr.Markdown(f"⚠ {access.banner}", elem_id="exposed-banner")
        gr.Markdown("### Add statement files (.jsonl, .jsonl.gz, .txt verbatim records, .pdf)")
        files = gr.File(
            file_count="multiple",
            label=f"Statement files: {limits.describe()}",
            elem_id="ingest-files",
        )
        with gr.Row():
            symbol = gr.Textbox(label="Meeting symbol (records without a header)")
            date = gr.Textbox(label="Meeting date YYYY-MM-DD (records without one)")
            agenda = gr.Textbox(label="Agenda item (records without one)")
        go = gr.Button("Ingest", variant="primary", elem_id="ingest-go")
        result = gr.Markdown(elem_id="ingest-result")
        report = gr.Dataframe(
            label="Per file", headers=INGEST_HEADERS, interactive=False, elem_id="ingest-report"
        )
        gr.Markdown("### Remove statements")
        with gr.Row():
            ids = gr.Textbox(
                label="Statement ids (separated by spaces or commas)", elem_id="remove-ids"
            )
            meeting = gr.Textbox(
                label="…or every statement of a meeting symbol", elem_id="remove-symbol"
            )
        remove = gr.Button("Remove", variant="stop", elem_id="remove-go")
        removed = gr.Markdown(elem_id="remove-result")
    refreshed = [
        summary,
        years,
        countries,
        meetings,
        fc.country,
        fc.symbol,
        fc.language,
        fc.participant,
    ]

    def ingest_files(
        files: list[str] | None, symbol: str, date: str, agenda: str, request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> tuple:  # fmt: skip
        refuse_visitors(access, request, "ingest files")
        return ingest(engine, limits, files, symbol, date, agenda, progress)

    def remove_statements(ids: str, meeting: str, request: gr.Request) -> tuple:
        refuse_visitors(access, request, "remove statements")
        return remove_from(engine, ids, meeting)

    go.click(
        ingest_files, [files, symbol, date, agenda], [result, report, *refreshed],
        api_visibility="private", concurrency_limit=1, concurrency_id="write",
    )  # fmt: skip
    remove.click(
        remove_statements, [ids, meeting], [removed, *refreshed],
        api_visibility="private", concurrency_limit=1, concurrency_id="write",
    )  # fmt: skip
    return writes


def refuse_visitors(access: Access, request: gr.Request, what: str) -> None:
    """A gr.Error for a request that may not write (checked on the server, whatever it shows)."""
    if not access.may_write(request):
        raise gr.Error(access.refusal(what))


def show_writes(demo: gr.Blocks, access: Access, parts: list[Any]) -> None:
    """When a page loads, show the write parts (ingest, removal, Evaluate) to maintainers."""

    def role_view(request: gr.Request) -> list[Any]:
        shown = access.may_write(request)
        return [gr.update(visible=shown) for _ in parts]

    demo.load(role_view, None, parts, api_visibility="private", show_progress="hidden")


def refreshed_choices(engine: Engine) -> tuple:
    """The counts tables and the filter choices after the index changed."""
    choices = [gr.update(choices=engine.country_choices())] + [
        gr.update(choices=engine.choices(c))
        for c in ("symbol_base", "spoken_language", "participant_type")
    ]
    return (*tables(engine), *choices)


def ingest(
    engine: Engine,
    limits: Limits,
    files: list[str] | None,
    symbol: str,
    date: str,
    agenda: str,
    progress: Any,
) -> tuple:
    """Ingest each file as one atomic index version; report per file; reload the index."""
    uploaded = [Path(f) for f in files or []]
    if not uploaded:
        raise gr.Error("Choose one or more statement files first.")
    try:
        uploads.check(uploaded, limits)
    except UnscRagError as err:
        raise gr.Error(escape(str(err))) from None
    defaults = RecordDefaults(symbol.strip(), date.strip(), agenda.strip())
    rows = ingest_rows(engine, uploaded, limits, defaults, progress)
    progress((len(uploaded), len(uploaded)), desc="Reloading the index", unit="files")
    engine.reload()
    table = {"headers": INGEST_HEADERS, "data": rows}
    return (ingest_line(rows), table, *refreshed_choices(engine))


def ingest_rows(
    engine: Engine, uploaded: list[Path], limits: Limits, defaults: RecordDefaults, progress: Any
) -> list[list[Any]]:
    """One report row per uploaded file: private copies of those of a known type are ingested."""
    writer = make_writer(engine.settings, engine.index_dir, engine.embedder)
    known = [p for p in uploaded if uploads.known_type(p.name, limits)]
    rows: list[list[Any]] = []
    with uploads.staged(known) as copies:
        copy_of = dict(zip(known, copies, strict=True))
        for i, path in enumerate(uploaded):
            name = uploads.display_name(path.name)
            progress((i, len(uploaded)), desc=f"Ingesting {name}", unit="files")
            if path in copy_of:
                rows.append(ingest_one(writer, copy_of[path], defaults))
            else:
                rows.append([name, 0, 0, 0, 1, uploads.type_message(path.name, limits)])
    return rows


def ingest_line(rows: list[list[Any]]) -> str:
    """'Added N statement(s) from M file(s).', with a warning toast when some had problems."""
    added = sum(int(r[1]) for r in rows)
    bad = [r for r in rows if r[4] or r[5]]
    line = f"Added {added} statement(s) from {len(rows)} file(s)."
    if bad:
        line += f" ⚠ {len(bad)} file(s) had problems: see the messages below."
        messages = " ".join(str(r[5]) for r in bad)[:300]  # toasts render HTML: quote it
        gr.Warning(f"{len(bad)} file(s) had problems: " + escape(messages))
    return line


def remove_from(engine: Engine, ids: str, meeting: str) -> tuple:
    """Remove statements by id or meeting symbol (one atomic version); reload the index."""
    wanted = [i for i in re.split(r"[\s,]+", ids or "") if i]
    meeting = (meeting or "").strip()
    if bool(wanted) == bool(meeting):
        raise gr.Error("Give either statement ids or one meeting symbol to remove.")
    try:
        summary = make_writer(engine.settings, engine.index_dir, engine.embedder).remove(
            wanted, meeting
        )
    except UnscRagError as err:
        raise gr.Error(escape(str(err))) from None
    engine.reload()
    what = f"meeting {meeting}" if meeting else f"{len(wanted)} id(s)"
    line = f"Removed {summary.removed} statement(s) ({what})."
    if not summary.removed:
        line += " None of them was in the index."
    return (escape(line), *refreshed_choices(engine))


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
