"""Call a Gradio event the way the browser does: upload, queue/join, then read the SSE stream.

gradio_client refuses private endpoints and cannot send event data (the statement viewer's
'open' event carries the statement id in it); a visitor with curl can do both, so the access
tests and the load bench call events this way too. Shared by tests/ and bench/.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


@dataclass
class Outcome:
    """What one call returned: its output data or error, and the queue positions it was told."""

    data: list[Any] | None = None
    error: str | None = None
    ranks: list[int] = field(default_factory=list)  # 0-based positions from 'estimation' messages
    messages: list[str] = field(default_factory=list)


def dependency_index(config: dict[str, Any], api_name: str) -> tuple[int, int]:
    """(fn_index, trigger id) of the event named `api_name` in the app's config."""
    for i, dep in enumerate(config["dependencies"]):
        if dep.get("api_name") == api_name:
            targets = dep.get("targets") or [[None]]
            return dep.get("id", i), targets[0][0]
    raise KeyError(f"no event named {api_name!r}")


def login(http: httpx.Client, base: str, user: str, password: str) -> bool:
    """Log in as Gradio's login page does; the session cookie stays in `http`."""
    r = http.post(f"{base}login", data={"username": user, "password": password})
    return r.is_success


def upload(http: httpx.Client, base: str, path: Path) -> dict[str, Any]:
    """Upload one file; the FileData dict an event takes."""
    with open(path, "rb") as handle:
        r = http.post(f"{base}gradio_api/upload", files={"files": (path.name, handle)})
    r.raise_for_status()
    server_path = r.json()[0]
    return {"path": server_path, "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


def call(
    http: httpx.Client,
    base: str,
    api_name: str,
    data: list[Any],
    event_data: Any = None,
    timeout: float = 300.0,
    session: str = "",
) -> Outcome:
    """Join the queue with `data` and read the stream until this event completes (in the
    given session, as one browser tab; a new one by default)."""
    config = http.get(f"{base}config").json()
    fn_index, trigger = dependency_index(config, api_name)
    session = session or uuid.uuid4().hex
    body = {"data": data, "event_data": event_data, "fn_index": fn_index,
            "trigger_id": trigger, "session_hash": session}  # fmt: skip
    r = http.post(f"{base}gradio_api/queue/join", json=body)
    r.raise_for_status()
    out = Outcome()
    url = f"{base}gradio_api/queue/data"
    with http.stream("GET", url, params={"session_hash": session}, timeout=timeout) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            kind = msg.get("msg", "")
            out.messages.append(kind)
            if kind == "estimation" and msg.get("rank") is not None:
                out.ranks.append(int(msg["rank"]))
            elif kind == "process_completed":
                output = msg.get("output") or {}
                out.data, out.error = output.get("data"), output.get("error")
                if not msg.get("success", True) and out.error is None:
                    out.error = "failed"
                return out
            elif kind == "unexpected_error":
                out.error = str(msg.get("message"))
                return out
    out.error = out.error or "the stream ended before the event completed"
    return out
