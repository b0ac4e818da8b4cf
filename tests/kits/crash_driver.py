"""Test-only ingest driver that stops at a named moment, so a test can SIGKILL it right there.

    python -m tests.kits.crash_driver POINT MODE HIT MARKER INDEX FILE [CHECKPOINT_CHUNKS]

The production code has no hook: this driver wraps one function (at its use site) and, on
its HIT-th call, writes MARKER and then, by MODE:
  pause     sleep before the call (the test kills it there)
  after     make the call, then sleep
  truncate  make the call, cut the file it wrote to a random length, then sleep (a kill in the
            middle of that write)
  go        carry on (the test kills it after a random delay: somewhere in that phase)
"""

from __future__ import annotations

import functools
import importlib
import random
import sys
import time
from pathlib import Path
from typing import Any

# point → (module, attribute path) of the function wrapped; build.py imports `publish` by name,
# so it is wrapped where build.py looks it up.
POINTS = {
    "parse": ("index.parse", "_json_record"),
    "embed": ("index.embed", "SentenceTransformerEmbedder.embed"),
    "faiss_write": ("index.faiss_store", "FaissStore.save"),
    "sqlite_commit": ("index.meta", "MetaStore.commit"),
    "bm25_save": ("index.lexical", "BM25Index.save"),
    "current_swap": ("index.layout", "_point_to"),
    "prune": ("index.layout", "_prune"),
    "publish": ("index.build", "publish"),  # with checkpoints: the k-th version published
}
SMALL_BATCH = 16  # chunks per write step, so a small corpus passes several checkpoints


def _written(args: tuple[Any, ...]) -> Path | None:
    """The file or folder a wrapped save wrote (its path argument)."""
    paths = [a for a in args if isinstance(a, Path)]
    return paths[-1] if paths else None


def _cut(target: Path | None, rng: random.Random) -> None:
    if target is None:
        return
    files = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
    if files:
        f = rng.choice(files)
        data = f.read_bytes()
        f.write_bytes(data[: rng.randrange(len(data) + 1)])


def install(point: str, mode: str, hit: int, marker: Path, seed: int = 0) -> None:
    """Wrap the function of `point`; on call number `hit`, mark and act as `mode` says."""
    module_name, attr = POINTS[point]
    owner: Any = importlib.import_module(module_name)
    *parents, name = attr.split(".")
    for p in parents:
        owner = getattr(owner, p)
    original = getattr(owner, name)
    calls = [0]
    rng = random.Random(seed)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] != hit:
            return original(*args, **kwargs)
        if mode == "pause":
            marker.write_text(point)
            time.sleep(3600)
        result = original(*args, **kwargs)
        if mode == "truncate":
            _cut(_written(args), rng)
        marker.write_text(point)
        if mode in ("after", "truncate"):
            time.sleep(3600)
        return result

    setattr(owner, name, wrapper)


def main(argv: list[str]) -> None:
    point, mode, hit, marker, folder, data = argv[:6]
    checkpoint = int(argv[6]) if len(argv) > 6 else 0
    from index import build
    from index.parse import read_statements
    from rag.components import make_writer
    from rag.settings import Settings

    build.BATCH = SMALL_BATCH
    install(point, mode, int(hit), Path(marker), seed=int(hit))
    settings = Settings().updated({"index.checkpoint_chunks": checkpoint})
    make_writer(settings, Path(folder)).ingest(read_statements(Path(data)))
    Path(marker + ".done").write_text("done")


if __name__ == "__main__":
    main(sys.argv[1:])
