"""Fail fast: cheap checks (index present and intact, files readable, port free) run before any
model loads; exit codes stay: 2 for an error, 1 when records were rejected."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from rag.cli import main
from tests.conftest import SMALL_CORPUS


@pytest.fixture
def no_model(monkeypatch):
    """Loading the embedder fails the test: the command must stop before it."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a model was loaded before the cheap checks")

    monkeypatch.setattr("rag.components.make_embedder", forbidden)


def run(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def test_stats_and_remove_on_a_missing_index(no_model, capsys, tmp_path):
    for argv in (["stats"], ["remove", "--id", "x"], ["restore"]):
        code, err = run(capsys, [*argv, "--index", str(tmp_path / "none")])
        assert code == 2 and err.startswith("error: No index at") and err.count("\n") == 1


def test_stats_reads_the_index_without_a_model(no_model, capsys, small_index_dir):
    assert main(["stats", "--index", str(small_index_dir)]) == 0
    assert "89 statements" in capsys.readouterr().out


def test_ingest_checks_files_date_and_folder_first(no_model, capsys, tmp_path):
    code, err = run(
        capsys, ["ingest", str(tmp_path / "none.jsonl"), "--index", str(tmp_path / "ix")]
    )
    assert code == 1 and "rejected: " in err and "does not exist" in err
    code, err = run(capsys, ["ingest", str(SMALL_CORPUS), "--index", str(tmp_path / "ix"),
                             "--date", "2020-02-30"])  # fmt: skip
    assert code == 2 and "--date '2020-02-30' is not a date" in err
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, err = run(capsys, ["ingest", str(SMALL_CORPUS), "--index", str(blocker / "ix")])
    assert code == 2 and err.startswith("error: Cannot write the index folder")


def test_serve_checks_the_index_and_the_port_first(no_model, capsys, small_index_dir, tmp_path):
    code, err = run(capsys, ["serve", "--index", str(tmp_path / "none")])
    assert code == 2 and "No index at" in err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = run(capsys, ["serve", "--index", str(small_index_dir), "--port", str(port)])
    assert code == 2 and f"Cannot listen on 127.0.0.1:{port}" in err and err.count("\n") == 1


def test_stats_on_a_missing_index_is_fast(tmp_path):
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rag", "stats", "--index", str(tmp_path / "x")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    elapsed = time.perf_counter() - t0
    assert done.returncode == 2 and "No index at" in done.stderr
    assert elapsed < 8, f"{elapsed:.1f} s (it was 16 s when the model loaded first)"
