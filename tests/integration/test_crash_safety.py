"""Crash safety, in the way SQLite tests its atomic commit: inject the fault, prove nothing lost.

The real ingest (real embedder) is killed with SIGKILL at named moments; then the index must
load, hold exactly the old or the new statements (by id and text), and the next ingest must
complete with every statement. Also a full disk, a read-only folder and truncated files.
Small sizes here (4 kill points); `bench/reliability.py` runs 20.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.parse import read_statements
from rag.components import make_writer, open_index
from tests.conftest import SMALL_CORPUS
from tests.kits import crash, faults
from tests.kits.crash import KillPoint

KILLS = [
    (KillPoint("embed", "go", hit=1, delay_s=0.5), {"old"}),
    (KillPoint("faiss_write", "truncate"), {"old"}),
    (KillPoint("current_swap", "pause"), {"old"}),
    (KillPoint("publish", "pause", hit=2, checkpoint=16), {"checkpoint"}),
]


@pytest.fixture(scope="module")
def crash_env(tmp_path_factory, settings, embedder):
    """A base index with two versions (3, then 6 statements) and a file of 4 new statements
    plus 2 changed ones; an opener and a writer that use the session's embedder."""
    work = tmp_path_factory.mktemp("crash")
    old, new = crash.make_data(SMALL_CORPUS, work, 6, 4)
    lines = old.read_text(encoding="utf-8").splitlines()
    base = work / "base"

    def writer(d: Path):
        return make_writer(settings, d, embedder)

    writer(base).ingest(read_statements(crash.write_jsonl(lines[:3], work / "half.jsonl")))
    writer(base).ingest(read_statements(old))
    return {"work": work, "base": base, "new": new, "writer": writer,
            "opener": lambda d: open_index(settings, d, embedder)}  # fmt: skip


@pytest.mark.parametrize(("kill", "states"), KILLS, ids=[k.label() for k, _ in KILLS])
def test_kill_leaves_old_or_new_and_the_next_ingest_completes(crash_env, kill, states):
    e = crash_env
    trial = crash.kill_trial(kill, e["base"], e["work"], e["new"], e["opener"], e["writer"])
    assert trial.reached, f"the ingest never reached {kill.label()}"
    assert trial.state in states and not trial.problems, (trial.state, trial.problems)


@pytest.mark.parametrize("leave", [0, 300_000])
def test_disk_full_is_one_sentence_and_loses_nothing(crash_env, leave):
    e = crash_env
    try:
        fault = faults.disk_full(e["base"], e["work"], e["new"], leave, e["opener"], e["writer"])
    except faults.Unavailable:  # no mount rights: a file-size limit on a child ingest instead
        fault = faults.disk_full_by_rlimit(e["base"], e["work"], e["new"], 200_000, e["opener"])
    assert "full" in fault.message or "unchanged" in fault.message, fault.message
    assert not fault.problems, fault.problems


def test_read_only_folder_searches_and_refuses_writes(crash_env):
    e = crash_env
    try:
        fault = faults.read_only(e["base"], e["work"], e["new"], e["opener"], e["writer"])
    except faults.Unavailable as err:
        pytest.skip(f"no way to make a folder read-only here: {err}")
    assert "Read-only" in fault.message or "Permission" in fault.message, fault.message
    assert not fault.problems, fault.problems


@pytest.mark.parametrize(
    ("file", "older"),
    [
        ("vectors.faiss", True),
        ("meta.sqlite", True),
        ("bm25_ids.npy", True),
        ("meta.sqlite", False),
    ],
)
def test_truncated_file_names_it_and_offers_the_older_version(crash_env, file, older):
    e = crash_env
    fault = faults.truncated(e["base"], e["work"], file, older, e["opener"])
    assert file in fault.message and not fault.problems, (fault.message, fault.problems)
