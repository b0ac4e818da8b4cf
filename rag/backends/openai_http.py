"""Any OpenAI-compatible chat server (Ollama, vLLM, llama.cpp, LM Studio, OpenAI) over SSE."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

from rag.backends.base import GenerationParams, Message, check_messages, request_body
from rag.errors import BackendError
from rag.settings_models import OpenAISettings

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER_S = 30.0
_DEFAULTS = OpenAISettings()  # the options' defaults live in the settings tree


class OpenAIBackend:
    """Streams `/v1/chat/completions`; retries connection failures, 5xx and 429 with backoff."""

    name = "openai"
    writes = True

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = _DEFAULTS.api_key,
        timeout_s: float = _DEFAULTS.timeout_s,
        retries: int = 2,
        context_tokens: int = 8192,
        backoff_s: float = 0.5,
    ) -> None:
        self.base_url = root_url(base_url)
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s  # connecting and listing models; generation uses params
        self.retries = max(0, retries)
        self.context_tokens = context_tokens
        self.backoff_s = backoff_s

    def stream(self, messages: list[Message], params: GenerationParams) -> Iterator[str]:
        """Yield the answer's text deltas; raise BackendError with one sentence on failure."""
        check_messages(messages)
        body = self._body(messages, params)
        timeout = httpx.Timeout(params.timeout_s, connect=self.timeout_s)
        with httpx.Client(timeout=timeout, headers=self._headers()) as client:
            yield from self._stream_with_retries(client, body, params.timeout_s)

    def available_models(self) -> list[str]:
        """The model ids the server lists at /v1/models."""
        try:
            response = httpx.get(
                f"{self.base_url}/v1/models", headers=self._headers(), timeout=self.timeout_s
            )
            response.raise_for_status()
            return [str(item["id"]) for item in response.json().get("data", [])]
        except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackendError(
                f"The server at {self.base_url} does not list its models at /v1/models ({exc})."
            ) from exc

    def _body(self, messages: list[Message], params: GenerationParams) -> dict[str, Any]:
        return {"model": self.model, **request_body(messages, params)}

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _stream_with_retries(
        self, client: httpx.Client, body: dict[str, Any], read_timeout_s: float
    ) -> Iterator[str]:
        url = f"{self.base_url}/v1/chat/completions"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                with client.stream("POST", url, json=body) as response:
                    if response.status_code in _RETRY_STATUS and not last:
                        response.read()
                        time.sleep(self._delay(attempt, response))
                        continue
                    if response.status_code >= 400:
                        response.read()
                        raise self._status_error(response, attempts=attempt + 1)
                    # Once text flows, never retry: the caller already has part of the answer.
                    yield from _response_deltas(response, self.base_url)
                    return
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if last:
                    raise self._unreachable(exc) from exc
                time.sleep(self._delay(attempt, None))
            except httpx.TimeoutException as exc:
                raise BackendError(
                    f"The LLM server at {self.base_url} did not answer within "
                    f"{read_timeout_s:g} s; raise the timeout or ask for fewer tokens."
                ) from exc
            except httpx.TransportError as exc:
                raise BackendError(
                    f"The connection to the LLM server at {self.base_url} broke: {exc}."
                ) from exc

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Exponential backoff, or the server's Retry-After when it sends one (capped)."""
        retry_after = response.headers.get("retry-after") if response is not None else None
        if retry_after is not None:
            try:
                return min(float(retry_after), _MAX_RETRY_AFTER_S)
            except ValueError:
                pass  # an HTTP date: fall back to our own backoff
        return float(self.backoff_s * 2**attempt)

    def _unreachable(self, exc: Exception) -> BackendError:
        reason = "connection refused" if "refused" in str(exc).lower() else str(exc) or "timeout"
        return BackendError(
            f"Cannot reach the LLM server at {self.base_url}: {reason}. "
            "Start it or set UNSC_RAG_OPENAI_BASE_URL."
        )

    def _status_error(self, response: httpx.Response, attempts: int) -> BackendError:
        status, message = response.status_code, _error_message(response)
        if status == 404 or _mentions_model(message, self.model):
            unknown = self._unknown_model_error()
            if unknown is not None:
                return unknown
        if status in (401, 403):
            return BackendError(
                f"The server at {self.base_url} refused the API key (HTTP {status}); "
                "set UNSC_RAG_OPENAI_API_KEY."
            )
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return BackendError(
            f"The LLM server at {self.base_url} answered HTTP {status}{tries}: {message}."
        )

    def _unknown_model_error(self) -> BackendError | None:
        """The 'no such model' error with the server's list, or None if the model is listed."""
        try:
            models = self.available_models()
        except BackendError:
            models = []
        if self.model in models:
            return None
        listed = ", ".join(models) if models else "none listed"
        return BackendError(
            f"The server at {self.base_url} has no model '{self.model}'; available: {listed}."
        )


def root_url(base_url: str) -> str:
    """Normalise 'http://h:p', 'http://h:p/' and 'http://h:p/v1' to 'http://h:p'."""
    url = base_url.strip().rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _response_deltas(response: httpx.Response, base_url: str) -> Iterator[str]:
    """Text deltas from an SSE stream, or from one JSON body when the server ignored `stream`."""
    if response.headers.get("content-type", "").startswith("application/json"):
        response.read()
        yield message_text(_json_or_error(response.text, base_url))
        return
    for event in parse_sse(response.iter_lines(), base_url):
        if text := delta_text(event):
            yield text


def parse_sse(lines: Iterable[str], base_url: str = "the server") -> Iterator[dict[str, Any]]:
    """Parse `data: {...}` lines into JSON events until `data: [DONE]`; errors raise."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(":") or not line.startswith("data:"):
            continue  # blank separators, keep-alive comments, event:/id: fields
        payload = line[len("data:") :].strip()
        if payload == "[DONE]":
            return
        event = _json_or_error(payload, base_url)
        if "error" in event:
            raise BackendError(
                f"The LLM server at {base_url} failed mid-answer: {_message_of(event)}."
            )
        yield event


def delta_text(event: dict[str, Any]) -> str:
    """The text of one streamed chunk (chat `delta.content`, or legacy `text`)."""
    choices = event.get("choices") or [{}]
    first = choices[0] if isinstance(choices[0], dict) else {}
    delta = first.get("delta") or {}
    return str(delta.get("content") or first.get("text") or "")


def message_text(body: dict[str, Any]) -> str:
    """The answer text of a non-streamed chat completion body."""
    choices = body.get("choices") or [{}]
    return str((choices[0].get("message") or {}).get("content") or "")


def _json_or_error(text: str, base_url: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        snippet = " ".join(text.split())[:80]
        raise BackendError(
            f"The server at {base_url} did not answer with OpenAI-style JSON: '{snippet}'; "
            "check UNSC_RAG_OPENAI_BASE_URL."
        )
    return value


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200] or response.reason_phrase
    return _message_of(body) if isinstance(body, dict) else str(body)[:200]


def _message_of(body: dict[str, Any]) -> str:
    """The message inside OpenAI's {"error": {"message": ...}} or Ollama's {"error": "..."}."""
    error = body.get("error", body)
    if isinstance(error, dict):
        return str(error.get("message") or error)[:200]
    return str(error)[:200]


def _mentions_model(message: str, model: str) -> bool:
    """Whether an error names the model as a whole word (so 'm' does not match 'max_tokens')."""
    lowered = message.lower()
    named = re.search(rf"(?<![\w.:/-]){re.escape(model.lower())}(?![\w.:/-])", lowered)
    return "model_not_found" in lowered or (named is not None and "model" in lowered)
