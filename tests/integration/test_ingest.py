"""Ingest, re-ingest, replace, remove, stats and bad input on a real index (real embedder)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import ManifestMismatchError
from index.parse import read_statements
from rag.cli import main
from rag.components import make_writer, open_index
from tests.conftest import FIXTURES, SMALL_CORPUS

SEED_TXT = FIXTURES / "records" / "kazakhstan_S_PV.7606_2016-01-19.txt"


def first_lines(n: int, dest: Path) -> Path:
    lines = SMALL_CORPUS.read_text(encoding="utf-8").splitlines()[:n]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def stats_json(capsys, index: Path) -> dict:
    capsys.readouterr()
    assert main(["stats", "--index", str(index), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_is_incremental(tmp_path, capsys):
    data = first_lines(6, tmp_path / "six.jsonl")
    index = tmp_path / "ix"
    assert main(["ingest", str(data), "--index", str(index)]) == 0
    assert "added 6, unchanged 0" in capsys.readouterr().out
    st = stats_json(capsys, index)
    assert st["statements"] == 6 and st["chunks"] >= 6
    assert main(["ingest", str(data), "--index", str(index)]) == 0
    assert "added 0, unchanged 6" in capsys.readouterr().out
    # same id, new text: replaced, chunk count follows the new text
    rows = [json.loads(x) for x in data.read_text().splitlines()]
    rows[0]["text"] = "Mr. X (France): A short new text about the Nile dam."
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["ingest", str(data), "--index", str(index)]) == 0
    assert "added 0, unchanged 5, replaced 1" in capsys.readouterr().out
    assert stats_json(capsys, index)["statements"] == 6
    assert main(["remove", "--index", str(index), "--id", rows[1]["id"]]) == 0
    assert main(["remove", "--index", str(index), "--symbol", rows[2]["symbol"]]) == 0
    left = stats_json(capsys, index)["statements"]
    same_meeting = sum(
        r["symbol"].split(" (")[0] == rows[2]["symbol"].split(" (")[0] for r in rows[2:]
    )
    assert left == 6 - 1 - same_meeting


def test_seed_text_record_parses_speaker_country_language(tmp_path, capsys):
    index = tmp_path / "ix"
    assert main(["ingest", str(SEED_TXT), "--index", str(index)]) == 0
    idx = open_index(__import__("rag.settings").settings.Settings(), index)
    rows = idx.meta.db.execute(
        "SELECT speaker, country, spoken_language, symbol, date FROM statements"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("Mr. Kabentayev", "Kazakhstan", "Spanish", "S/PV.7606", "2016-01-19")
    ]


def test_bad_records_are_counted_and_reported(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    good = json.loads(SMALL_CORPUS.read_text().splitlines()[0])
    bad.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({"id": "e", "text": " "}) + "\n")
    index = tmp_path / "ix"
    assert main(["ingest", str(bad), str(tmp_path / "x.docx"), "--index", str(index)]) == 1
    out = capsys.readouterr()
    assert "added 1" in out.out and "rejected 3" in out.out
    assert "bad.jsonl line 2: not valid JSON" in out.err
    assert "bad.jsonl line 3: the required field 'text' is missing or empty" in out.err
    assert "x.docx" in out.err
    assert "Traceback" not in out.err


def test_unwritable_index_and_missing_index_give_one_sentence(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    data = first_lines(1, tmp_path / "one.jsonl")
    try:
        code = main(["ingest", str(data), "--index", str(ro / "ix")])
    finally:
        ro.chmod(0o700)
    err = capsys.readouterr().err
    if code != 0:  # root ignores permissions; the message is checked where it applies
        assert err.startswith("error: Cannot write the index folder") and err.count("\n") == 1
    assert main(["stats", "--index", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No index at") and err[-1] == "\n" and err.count("\n") == 1


def test_manifest_mismatch_is_a_clear_error(settings, embedder, small_index_dir):
    other = settings.updated({"index.chunk.max_tokens": 120})
    with pytest.raises(ManifestMismatchError, match="chunk_max_tokens is 200 there but 120 now"):
        open_index(other, small_index_dir, embedder)


KILLER = """
import sys
from index.parse import read_statements
from rag.components import make_writer
from rag.settings import Settings
make_writer(Settings(), sys.argv[2]).ingest(read_statements(sys.argv[1]))
"""


@pytest.mark.parametrize("delay", [9.0, 16.0])
def test_killing_an_ingest_leaves_the_previous_index_loadable(tmp_path, settings, embedder, delay):
    index = tmp_path / "ix"
    make_writer(settings, index, embedder).ingest(
        read_statements(first_lines(3, tmp_path / "a.jsonl"))
    )
    before = open_index(settings, index, embedder).meta.count("statements")
    more = first_lines(15, tmp_path / "b.jsonl")
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(more), str(index)])
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL: no cleanup code runs
        proc.wait()
    after = open_index(settings, index, embedder)
    assert after.meta.count("statements") in (before, 15)
    assert after.store.ntotal == after.meta.count("chunks") == len(after.bm25_ids)
    # and the next writer recovers: finishing the ingest works
    summary = make_writer(settings, index, embedder).ingest(read_statements(more))
    assert summary.added + summary.unchanged == 15
    shutil.rmtree(index)
