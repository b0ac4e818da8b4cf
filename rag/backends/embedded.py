"""Run the bundled GGUF in-process through xllamacpp (prebuilt llama.cpp), streaming tokens."""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.backends.base import GenerationParams, Message, check_messages, request_body
from rag.backends.gguf import DEFAULT_CACHE_DIR, default_model_path
from rag.errors import BackendError, ModelError
from rag.settings_models import EmbeddedSettings

_GGUF_MAGIC = b"GGUF"
_DONE = object()  # end-of-stream marker on the delta queue


@dataclass
class _Loaded:
    """One loaded model and the lock that lets one generation at a time use it."""

    server: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


# One loaded model per (path, n_ctx, n_threads, cache_ram_mb) in the process: loading costs seconds and ~2 GB.
_LOADED: dict[tuple[str, int, int, int], _Loaded] = {}
_LOADING = threading.Lock()
_DEFAULTS = EmbeddedSettings()  # the options' defaults live in the settings tree


class EmbeddedBackend:
    """A GGUF model run in this process: loads on first use, one generation at a time."""

    name = "embedded"
    writes = True

    def __init__(
        self,
        model_path: Path | None = _DEFAULTS.model_path,
        n_ctx: int = _DEFAULTS.n_ctx,
        n_threads: int = _DEFAULTS.n_threads,
        cache_dir: Path | None = _DEFAULTS.cache_dir,
        cache_ram_mb: int = _DEFAULTS.cache_ram_mb,
    ) -> None:
        self._model_path = model_path
        self._cache_dir = cache_dir or DEFAULT_CACHE_DIR
        self.context_tokens = n_ctx
        self.n_threads = n_threads
        self.cache_ram_mb = cache_ram_mb

    @property
    def model_path(self) -> Path:
        """The GGUF file in use; the bundled one is assembled on first access."""
        if self._model_path is None:
            self._model_path = default_model_path(self._cache_dir)
        return self._model_path

    def load(self) -> None:
        """Load the model now instead of on the first question (e.g. at app start)."""
        self._loaded()

    def stream(self, messages: list[Message], params: GenerationParams) -> Iterator[str]:
        """Yield text deltas of the model's chat answer; waits while another generation runs."""
        check_messages(messages)
        loaded = self._loaded()
        request = _request(messages, params)
        with loaded.lock:
            yield from _generate(loaded.server, request, params.timeout_s)

    def _loaded(self) -> _Loaded:
        path = str(Path(self.model_path).resolve())
        key = (path, self.context_tokens, self.n_threads, self.cache_ram_mb)
        with _LOADING:
            if key not in _LOADED:
                _LOADED[key] = _Loaded(_load_server(Path(path), *key[1:]))
            return _LOADED[key]


def _request(messages: list[Message], params: GenerationParams) -> dict[str, Any]:
    """The OpenAI-style body; the server applies the chat template stored in the GGUF."""
    body = request_body(messages, params)
    if params.repeat_penalty != 1.0:
        body["repeat_penalty"] = params.repeat_penalty
    return body


def _load_server(path: Path, n_ctx: int, n_threads: int, cache_ram_mb: int = 0) -> Any:
    """Start an xllamacpp server on `path`; a bad file becomes one ModelError sentence."""
    _check_gguf_file(path)
    try:
        import xllamacpp
    except ImportError as exc:
        raise ModelError(
            "The embedded backend needs the `xllamacpp` package; run `make setup`."
        ) from exc
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.cpuparams.n_threads = n_threads
    params.cpuparams_batch.n_threads = n_threads
    params.n_parallel = 1  # one slot: the whole context goes to the single running generation
    # The slot still reuses its own prompt's prefix; the RAM cache keeps every earlier prompt's
    # state besides (8 GiB by default), which questions with other passages never reuse.
    params.cache_ram_mib = cache_ram_mb
    params.verbosity = 0
    # xllamacpp always serves HTTP too: keep it on loopback, and lock it with a key nobody
    # knows (in-process calls skip the key), so other local users cannot drive our model.
    params.hostnames = ["127.0.0.1"]
    params.api_keys = [secrets.token_urlsafe(24)]
    try:
        return xllamacpp.Server(params)
    except RuntimeError as exc:
        raise _model_error(path, f"llama.cpp refused it ({exc})") from exc


def _check_gguf_file(path: Path) -> None:
    """Fail early with a reason: xllamacpp only says 'Failed to init server'."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise _model_error(path, exc.strerror or type(exc).__name__) from exc
    if magic != _GGUF_MAGIC:
        raise _model_error(path, "it is not a GGUF file")


def _model_error(path: Path, reason: str) -> ModelError:
    return ModelError(
        f"The GGUF model at {path} cannot be loaded: {reason}. "
        "Reinstall with `make setup` or set UNSC_RAG_LLM_MODEL_PATH."
    )


def _generate(server: Any, request: dict[str, Any], timeout_s: float) -> Iterator[str]:
    """Run one blocking streamed request in a thread and hand its deltas over as they come."""
    deltas: queue.Queue[object] = queue.Queue()
    cancel = threading.Event()

    def on_chunk(chunk: dict[str, Any]) -> bool:
        deltas.put(chunk)
        return cancel.is_set()  # True tells llama.cpp to stop generating

    def run() -> None:
        try:
            server.handle_chat_completions(request, on_chunk)
        except Exception as exc:  # handed to the consumer thread, which raises it as BackendError
            deltas.put(exc)
        finally:
            deltas.put(_DONE)

    worker = threading.Thread(target=run, name="embedded-llm", daemon=True)
    worker.start()
    try:
        yield from _drain(deltas, time.monotonic() + timeout_s, timeout_s)
    finally:
        # Reached too when the consumer stops early or times out: llama.cpp sees the cancel at
        # its next token; the caller's lock is released only once the model is idle again.
        cancel.set()
        worker.join()


def _drain(deltas: queue.Queue[object], deadline: float, timeout_s: float) -> Iterator[str]:
    while True:
        try:
            item = deltas.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise BackendError(
                f"The embedded model gave no complete answer within {timeout_s:g} s; "
                "ask for fewer tokens or raise the timeout."
            ) from None
        if item is _DONE:
            return
        if isinstance(item, Exception):
            raise BackendError(f"The embedded model failed: {item}.") from item
        assert isinstance(item, dict)
        if text := _chunk_text(item):
            yield text


def _chunk_text(chunk: dict[str, Any]) -> str:
    """The content delta of one stream chunk; an error chunk raises BackendError."""
    if "error" in chunk:
        raise BackendError(_error_sentence(chunk["error"]))
    choices = chunk.get("choices") or [{}]
    return str((choices[0].get("delta") or {}).get("content") or "")


def _error_sentence(error: Any) -> str:
    if isinstance(error, dict) and error.get("type") == "exceed_context_size_error":
        return (
            f"The prompt ({error.get('n_prompt_tokens')} tokens) does not fit the embedded "
            f"model's context of {error.get('n_ctx')} tokens; use fewer passages."
        )
    message = error.get("message") if isinstance(error, dict) else error
    return f"The embedded model failed: {message}."
