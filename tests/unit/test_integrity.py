"""Load-time integrity checks: every truncation of every file of a version is named."""

from __future__ import annotations

import random
import shutil

import pytest

from index.build import IndexWriter
from index.chunk import ChunkSettings
from index.errors import CorruptIndexError
from index.integrity import find_damage, intact_older, version_table
from index.layout import VERSIONS, switch_to
from index.loaded import load_index
from index.parse import read_statements
from tests.conftest import SMALL_CORPUS
from tests.unit.fakes import BowEmbedder

FILES = [
    "vectors.faiss", "meta.sqlite", "bm25_ids.npy", "manifest.json", "bm25/bm25.json",
    "bm25/bm25s/data.csc.index.npy", "bm25/bm25s/indices.csc.index.npy",
    "bm25/bm25s/indptr.csc.index.npy", "bm25/bm25s/params.index.json",
    "bm25/bm25s/vocab.index.json",
]  # fmt: skip


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """An index of 20 real statements written twice (10, then 20): two versions kept."""
    folder = tmp_path_factory.mktemp("integrity") / "ix"
    writer = IndexWriter(folder, BowEmbedder(), ChunkSettings())
    records = [r for r in read_statements(SMALL_CORPUS)][:20]
    writer.ingest(records[:10])
    writer.ingest(records)
    return folder


def current(folder):
    return folder / VERSIONS / (folder / "CURRENT").read_text().strip()


@pytest.mark.parametrize("name", FILES)
def test_every_truncation_and_removal_is_found(two_versions, tmp_path, name):
    folder = tmp_path / "ix"
    shutil.copytree(two_versions, folder)
    target = current(folder) / name
    data = target.read_bytes()
    rng = random.Random(name)
    cuts = {0, 1, len(data) // 2, len(data) - 2, *(rng.randrange(len(data)) for _ in range(8))}
    for cut in sorted(c for c in cuts if 0 <= c < len(data) - 1):
        target.write_bytes(data[:cut])
        damage = find_damage(current(folder))
        assert damage is not None and damage.file == name, (cut, damage)
    target.unlink()
    assert find_damage(current(folder)).file == name  # type: ignore[union-attr]


def test_load_names_the_file_and_offers_the_older_version(two_versions, tmp_path):
    folder = tmp_path / "ix"
    shutil.copytree(two_versions, folder)
    (current(folder) / "vectors.faiss").write_bytes(b"IxM2")
    older = intact_older(folder, current(folder).name)
    with pytest.raises(CorruptIndexError) as err:
        load_index(folder)
    message = str(err.value)
    assert "vectors.faiss is damaged" in message and "\n" not in message
    assert f"unsc-rag restore --index {folder} --version {older}" in message
    rows = version_table(folder)
    assert [r["in_force"] for r in rows] == [True, False] and rows[1]["state"] == "intact"
    switch_to(folder, older)
    idx = load_index(folder)
    assert idx.meta.count("statements") == 10


def test_intact_versions_pass(two_versions):
    assert all(r["state"] == "intact" for r in version_table(two_versions))
