"""What keeps the server's memory flat under load (issue 12), without a model: llama.cpp's RAM
cache of earlier prompts off, and the memory report bench/memory.py asks for."""

from __future__ import annotations

import json
import signal
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from rag.backends import embedded
from rag.backends.embedded import EmbeddedBackend
from rag.settings import Settings
from ui import memtrace


def test_the_embedded_model_keeps_no_ram_cache_of_earlier_prompts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + bytes(16))
    seen: list[Any] = []

    class Params:  # the few xllamacpp.CommonParams fields the loader sets
        def __init__(self) -> None:
            self.model, self.cpuparams, self.cpuparams_batch = (
                types.SimpleNamespace() for _ in range(3)
            )
            self.cache_ram_mib = 8192  # llama.cpp's own default

    fake = types.SimpleNamespace(CommonParams=Params, Server=seen.append)
    monkeypatch.setitem(sys.modules, "xllamacpp", fake)
    monkeypatch.setattr(embedded, "_LOADED", {})
    EmbeddedBackend(model_path=model).load()
    assert seen[0].cache_ram_mib == 0
    assert Settings().answer.embedded.cache_ram_mb == 0
    EmbeddedBackend(model_path=model, cache_ram_mb=64).load()  # another bound, another model
    assert seen[1].cache_ram_mib == 64 and len(embedded._LOADED) == 2


def test_memory_report_on_a_signal_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(memtrace.ENV, raising=False)
    assert memtrace.trace_from_env() is False
    out = tmp_path / "mem.json"
    monkeypatch.setenv(memtrace.ENV, str(out))
    before = signal.getsignal(signal.SIGUSR1), signal.getsignal(signal.SIGUSR2)
    try:
        assert memtrace.trace_from_env() is True
        kept = [bytearray(1000) for _ in range(100)]
        memtrace.write_report(trim=False)
        kept += [bytearray(1000) for _ in range(2000)]
        report = memtrace.write_report(trim=True)
    finally:
        signal.signal(signal.SIGUSR1, before[0])
        signal.signal(signal.SIGUSR2, before[1])
        memtrace.tracemalloc.stop()
    assert json.loads(out.read_text()) == report
    assert report["traced_kb"] >= 1900 and report["rss_after_trim_kb"] > 0
    assert report["top"][0]["kb"] >= 1900, report["top"][0]
    assert len(kept) == 2100
