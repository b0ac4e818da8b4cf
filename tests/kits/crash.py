"""Kill an ingest at a chosen moment, then prove nothing was lost and nothing was mixed.

In the way SQLite tests its atomic commit: inject the fault (SIGKILL at a named moment, a full
disk, a read-only folder, a truncated file), then check the index on disk against the two
states it may be in. Shared by tests/integration/test_crash_safety.py and bench/reliability.py.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.layout import VERSIONS

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class KillPoint:
    """Where to stop the ingest: the wrapped function, how, on which call, and the delay."""

    point: str
    mode: str = "pause"
    hit: int = 1
    delay_s: float = 0.0  # after the marker, before SIGKILL ("go" mode: a random moment)
    checkpoint: int = 0  # checkpoint_chunks of the killed ingest

    def label(self) -> str:
        """Short description for reports."""
        extra = f" +{self.delay_s:.2f}s" if self.delay_s else ""
        ck = f" checkpoint={self.checkpoint}" if self.checkpoint else ""
        return f"{self.point}#{self.hit} {self.mode}{extra}{ck}"


@dataclass
class Trial:
    """What one kill did to the index, and whether the next ingest made it whole."""

    kill: KillPoint
    reached: bool = False
    state: str = ""  # "old", "new", "checkpoint" (a prefix of the new file), or a problem
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def write_jsonl(lines: list[str], path: Path) -> Path:
    """A JSON-lines file of the given lines."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records_of(path: Path) -> list[tuple[str, str]]:
    """(statement id, text hash) of each record of a JSON-lines file, in file order."""
    from index.meta import text_hash

    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
    return [(r["id"], text_hash(r["text"])) for r in rows]


def make_data(corpus: Path, folder: Path, old: int, new: int) -> tuple[Path, Path]:
    """`old` statements for the base index; then `new` others plus two of the old ones with a
    changed text (a replace must not leave old and new texts side by side)."""
    lines = corpus.read_text(encoding="utf-8").splitlines()
    changed = []
    for line in lines[:2]:
        row = json.loads(line)
        row["text"] += " (Text revised for the crash test.)"
        changed.append(json.dumps(row))
    base = write_jsonl(lines[:old], folder / "old.jsonl")
    return base, write_jsonl(lines[old : old + new] + changed, folder / "new.jsonl")


def run_killed(kill: KillPoint, index: Path, data: Path, timeout_s: float = 240.0) -> bool:
    """Run the real ingest in a child and SIGKILL it at `kill`; True when the moment came."""
    marker = index.parent / f"marker-{os.getpid()}-{time.monotonic_ns()}"
    cmd = [sys.executable, "-m", "tests.kits.crash_driver", kill.point, kill.mode]
    cmd += [str(kill.hit), str(marker), str(index), str(data), str(kill.checkpoint)]
    env = os.environ | {"PYTHONPATH": str(ROOT), "TOKENIZERS_PARALLELISM": "false"}
    log_path = Path(str(marker) + ".log")
    with open(log_path, "w") as log:  # a file, not a pipe: a full pipe would block the child
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            reached = _wait_for(marker, proc, timeout_s)
            if reached and kill.delay_s:
                time.sleep(kill.delay_s)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)  # no cleanup code runs in the child
            proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
    for m in (marker, Path(str(marker) + ".done"), log_path):
        m.unlink(missing_ok=True)
    if not reached and proc.returncode not in (0, -signal.SIGKILL):
        raise RuntimeError(f"the crash driver failed: {tail}")
    return reached


def _wait_for(marker: Path, proc: subprocess.Popen, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return marker.exists()


def consistency(idx: Any) -> list[str]:
    """Problems inside one loaded version: every chunk in FAISS and BM25, counts agree."""
    meta = idx.meta
    chunk_ids = {int(r[0]) for r in meta.db.execute("SELECT faiss_id FROM chunks")}
    stored = set(idx.store.all_ids().tolist()) if hasattr(idx.store, "all_ids") else chunk_ids
    problems = []
    if stored != chunk_ids:
        problems.append(f"{len(stored ^ chunk_ids)} chunk ids differ between FAISS and SQLite")
    if set(np.asarray(idx.bm25_ids).tolist()) != chunk_ids or idx.bm25.n_docs != len(chunk_ids):
        problems.append("BM25 documents differ from the chunks")
    orphans = meta.db.execute(
        "SELECT COUNT(*) FROM statements s WHERE NOT EXISTS "
        "(SELECT 1 FROM chunks c WHERE c.statement_id = s.id)"
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} statements without chunks")
    m = idx.manifest
    if (m.statements, m.chunks) != (meta.count("statements"), len(chunk_ids)):
        problems.append("manifest counts differ from the SQLite counts")
    return problems


def classify(
    pairs: set[tuple[str, str]], old: set[tuple[str, str]], new: list[tuple[str, str]]
) -> str:
    """'old', 'new', 'checkpoint' (the old ones with a prefix of the new file applied) or a
    description of the mix; records are (id, text hash), so a half-done replace shows."""
    state = dict(old)
    seen = [dict(state)]
    for sid, h in new:
        state[sid] = h
        seen.append(dict(state))
    got = dict(pairs)
    if got == seen[0]:
        return "old"
    if got == seen[-1]:
        return "new"
    if any(got == s for s in seen[1:-1]):
        return "checkpoint"
    lost = len(set(seen[0]) - set(got))
    return f"mixed: {lost} old statements lost, {len(set(got) - set(seen[0]))} new present"


def statement_pairs(idx: Any) -> set[tuple[str, str]]:
    """(id, text hash) of every statement of a loaded index."""
    return {(r[0], r[1]) for r in idx.meta.db.execute("SELECT id, text_hash FROM statements")}


def kill_trial(
    kill: KillPoint, base: Path, work: Path, data: Path, opener: Any, writer: Any
) -> Trial:
    """Copy the base index, kill an ingest of `data` into it, check, then finish the ingest.

    `opener(index_dir)` loads an index; `writer(index_dir)` returns an IndexWriter with the
    session's embedder (the next ingest runs in this process).
    """
    t0 = time.perf_counter()
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    if base.exists():
        shutil.copytree(base, index)
    trial = Trial(kill)
    old = pairs_or_empty(base, opener)
    new = records_of(data)
    trial.reached = run_killed(kill, index, data)
    trial.state, trial.problems = _state_after(index, old, new, kill, opener)
    from index.parse import read_statements

    summary = writer(index).ingest(read_statements(data))
    if summary.rejected:
        trial.problems.append(f"next ingest rejected {summary.rejected}")
    after = opener(index)
    if classify(statement_pairs(after), old, new) != "new":
        trial.problems.append("after the next ingest, statements are missing or stale")
    trial.problems += [f"after the next ingest: {p}" for p in consistency(after)]
    after.meta.close()
    leftovers = [p.name for p in (index / VERSIONS).iterdir() if p.name.startswith(".")]
    if leftovers:
        trial.problems.append(f"staging folders left: {leftovers}")
    trial.seconds = time.perf_counter() - t0
    return trial


def _state_after(
    index: Path, old: set[tuple[str, str]], new: list[tuple[str, str]], kill: KillPoint, opener: Any
) -> tuple[str, list[str]]:
    from index.errors import IndexMissingError

    try:
        idx = opener(index)
    except IndexMissingError:
        return ("old" if not old else "mixed: the index vanished"), []
    except Exception as err:  # the guarantee under test: the index loads after any kill
        return "unloadable", [f"{type(err).__name__}: {str(err)[:200]}"]
    state = classify(statement_pairs(idx), old, new)
    problems = consistency(idx)
    idx.meta.close()
    if state == "checkpoint" and not kill.checkpoint:
        problems.append("a partial ingest was published without checkpoints")
    if state.startswith("mixed"):
        problems.append(state)
    return state, problems


def pairs_or_empty(index: Path, opener: Any) -> set[tuple[str, str]]:
    """(id, text hash) of the statements of an index folder; none when there is no index."""
    if not (index / "CURRENT").exists():
        return set()
    idx = opener(index)
    pairs = statement_pairs(idx)
    idx.meta.close()
    return pairs


def campaign_points(n: int, seed: int) -> list[KillPoint]:
    """`n` kill moments covering every phase; past the fixed ones, random moments in phases."""
    fixed = [
        KillPoint("parse", "pause", hit=5),
        KillPoint("embed", "go", hit=1, delay_s=0.3),
        KillPoint("faiss_write", "truncate"),
        KillPoint("sqlite_commit", "pause"),
        KillPoint("bm25_save", "truncate"),
        KillPoint("current_swap", "pause"),
        KillPoint("current_swap", "after"),
        KillPoint("prune", "pause"),
        KillPoint("publish", "pause", hit=2, checkpoint=16),
        KillPoint("publish", "after", hit=1, checkpoint=16),
    ]
    rng = random.Random(seed)
    phases = [
        ("parse", "go", 1, 0.5),
        ("embed", "go", 1, 3.0),
        ("embed", "pause", 2, 0.0),
        ("faiss_write", "go", 1, 0.05),
        ("faiss_write", "truncate", 1, 0.0),
        ("sqlite_commit", "go", 1, 0.05),
        ("bm25_save", "go", 1, 0.05),
        ("current_swap", "go", 1, 0.01),
        ("prune", "go", 1, 0.01),
        ("publish", "go", 3, 0.2),
    ]
    out = fixed[:n]
    while len(out) < n:
        point, mode, hit, spread = rng.choice(phases)
        ck = 16 if point == "publish" or rng.random() < 0.3 else 0
        out.append(KillPoint(point, mode, hit, round(rng.uniform(0, spread), 3), ck))
    return out
