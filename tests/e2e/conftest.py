"""Browser fixtures: the real app on 127.0.0.1 over a copy of the small index, and Chromium."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(settings, index_dir: Path, embedder, backend: str):
    """Build and launch the real app without blocking; returns (demo, url)."""
    from ui.app import build_app, launch

    # Follow-ups of the extractive app are rewritten without the model (the LLM tests load it)
    rewrite = "" if backend == "extractive" else settings.answer.rewrite_backend
    s = settings.updated(
        {
            "answer.backend": backend,
            "serve.host": "127.0.0.1",
            "serve.port": free_port(),
            "answer.rewrite_backend": rewrite,
        }
    )
    demo = build_app(s, index_dir, embedder)
    launch(demo, s, block=False)
    return demo, f"http://127.0.0.1:{s.serve.port}/"


@pytest.fixture(scope="session")
def e2e_index(small_index_dir, tmp_path_factory) -> Path:
    """A copy of the small index: the upload test writes to it, the session index stays pristine."""
    dst = tmp_path_factory.mktemp("e2e") / "index"
    shutil.copytree(small_index_dir, dst, symlinks=True)
    return dst


@pytest.fixture(scope="session")
def app_url(settings, embedder, e2e_index) -> Iterator[str]:
    """The app with the extractive backend (fast), served for the whole session."""
    demo, url = start_app(settings, e2e_index, embedder, "extractive")
    yield url
    demo.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is not installed: run `make test` (it installs it) or apt-get install -y chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(request) -> Path:
    """out/e2e/<test name>/ for the step screenshots (gitignored)."""
    folder = ROOT / "out" / "e2e" / re.sub(r"[^\w.-]", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def open_page(browser, url: str):
    """A fresh page on the app, loaded and ready."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return page


@pytest.fixture
def app_factory(settings, embedder):
    """Start another app (index, backend) for one test; closed at the end of the test."""
    started = []

    def start(index_dir: Path, backend: str) -> str:
        demo, url = start_app(settings, index_dir, embedder, backend)
        started.append(demo)
        return url

    yield start
    for demo in started:
        demo.close()


@pytest.fixture
def page_factory(browser):
    """Open pages on any url; their contexts close at the end of the test."""
    pages = []

    def new(url: str):
        pages.append(open_page(browser, url))
        return pages[-1]

    yield new
    for p in pages:
        p.context.close()


@pytest.fixture
def page(browser, app_url):
    p = open_page(browser, app_url)
    yield p
    p.context.close()
