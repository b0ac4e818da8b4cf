"""Time to first token and generation speed of the bundled GGUF, in-process and over HTTP.

Run: .venv/bin/python bench/llm.py [--runs 3] [--max-tokens 64]
Each run changes the first words of the prompt, so llama.cpp's prompt cache cannot skip the
prompt and the time to first token includes reading all ~300 prompt tokens.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from rag.backends import Backend, GenerationParams
from rag.backends.embedded import EmbeddedBackend
from rag.backends.gguf import default_model_path
from rag.backends.openai_http import OpenAIBackend

PASSAGE = (
    "The Security Council met to consider the situation in the region. The representative "
    "of France said that the protection of civilians must remain the priority of all "
    "parties, that humanitarian access must be granted without delay, and that those "
    "responsible for violations of international humanitarian law must be held to account. "
)


def prompt(run: int) -> list[dict[str, str]]:
    """A ~300-token question over numbered passages; `run` makes its start unique."""
    passages = "\n".join(f"[{i}] {PASSAGE}" for i in range(1, 6))
    content = (
        f"Request {run}.\n{passages}\n"
        "Using only the passages above, what did France say? Cite passages like [1]."
    )
    return [{"role": "user", "content": content}]


def measure(backend: Backend, run: int, max_tokens: int) -> tuple[float, float, int]:
    """Seconds to the first delta, decode deltas per second after it, and the delta count."""
    start = time.perf_counter()
    stamps = [time.perf_counter() for _ in backend.stream(prompt(run), _params(max_tokens))]
    first = stamps[0] - start
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return first, rate, len(stamps)


def _params(max_tokens: int) -> GenerationParams:
    return GenerationParams(max_tokens=max_tokens, timeout_s=600)


def report(label: str, backend: Backend, runs: int, max_tokens: int) -> None:
    """Print the medians of `runs` measurements (one extra warm-up run is not counted)."""
    measure(backend, 0, 4)
    results = [measure(backend, run, max_tokens) for run in range(1, runs + 1)]
    first = statistics.median(r[0] for r in results)
    rate = statistics.median(r[1] for r in results)
    deltas = statistics.median(r[2] for r in results)
    print(f"{label:<10} first token {first:6.2f} s   {rate:5.1f} tokens/s   ({deltas:.0f} tokens)")


def start_server(n_ctx: int, threads: int) -> tuple[Any, float]:
    """xllamacpp's OpenAI-compatible server on the bundled model, and its start-up time."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(default_model_path())
    params.n_ctx = n_ctx
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.verbosity = 0
    start = time.perf_counter()
    server = xllamacpp.Server(params)
    return server, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    start = time.perf_counter()
    path = default_model_path()
    print(f"model      {path} (ready in {time.perf_counter() - start:.2f} s)")

    embedded = EmbeddedBackend(model_path=path, n_ctx=2048, n_threads=args.threads)
    start = time.perf_counter()
    embedded.load()
    print(f"embedded   loaded in {time.perf_counter() - start:.2f} s")
    report("embedded", embedded, args.runs, args.max_tokens)

    server, startup = start_server(2048, args.threads)
    print(f"http       server started in {startup:.2f} s at {server.listening_address}")
    http = OpenAIBackend(server.listening_address, "bundled")
    report("http", http, args.runs, args.max_tokens)


if __name__ == "__main__":
    main()
