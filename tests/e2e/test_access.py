"""Visitors read, maintainers write: in Chromium and through gradio_client, with a credentials
file and without one (then only this machine's browsers may write); upload limits."""

from __future__ import annotations

import json
import re
import shutil
import socket

import httpx
import pytest
from gradio_client import Client

from tests.e2e.conftest import free_port, start_app
from tests.kits import gradio_raw, load
from ui.access import MAINTAINER, VISITOR, User, hash_password, write_users
from ui.app import build_app, launch

USERS = {"alice": ("alice-secret", MAINTAINER), "bob": ("bob-secret", VISITOR)}
WRITE_EVENTS = ("ingest_files", "remove_statements", "evaluate_questions")
QUESTION = "Which city did Kazakhstan offer as the site of a UN regional centre?"


@pytest.fixture(scope="module")
def auth_app(settings, embedder, small_index_dir, tmp_path_factory):
    """The app over a copy of the small index, with a credentials file and small upload limits."""
    folder = tmp_path_factory.mktemp("access")
    creds = folder / "credentials"
    write_users(creds, {n: User(n, role, hash_password(pw)) for n, (pw, role) in USERS.items()})
    index = folder / "index"
    shutil.copytree(small_index_dir, index, symlinks=True)
    s = settings.updated(
        {"serve.auth_file": creds, "serve.max_upload_files": 2, "serve.max_upload_mb": 1}
    )
    demo, url = start_app(s, index, embedder, "extractive")
    yield url
    demo.close()


def logged_in(browser, url: str, user: str, password: str):
    """A page past Gradio's login form."""
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.locator("input[type=text]").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    return page


def statements(page) -> int:
    text = page.locator("#library-summary").inner_text()
    return int(re.search(r"(\d+) statements", text).group(1))


def test_a_visitor_reads_but_is_shown_no_write_part(browser, auth_app, shots):
    page = logged_in(browser, auth_app, "bob", "bob-secret")
    page.wait_for_selector("#question textarea")
    page.wait_for_timeout(1500)  # the role arrives with the page's load event
    tabs = page.get_by_role("tab").all_inner_texts()
    assert tabs[:2] == ["Chat", "Search"] and "Library" in tabs and "Evaluate" not in tabs, tabs
    page.fill("#question textarea", QUESTION)
    page.click("#ask")
    page.locator("#chat .answer:not(.streaming)").wait_for()
    assert "Almaty" in page.locator("#chat").inner_text()
    page.get_by_role("tab", name="Library").click()
    assert statements(page) == 89
    assert not page.locator("#ingest-files").is_visible() and not page.locator("#remove-go").count()
    page.screenshot(path=shots / "visitor.png", full_page=True)
    page.context.close()


def test_a_maintainer_removes_and_meets_the_upload_limits(browser, auth_app, shots, tmp_path):
    page = logged_in(browser, auth_app, "alice", "alice-secret")
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="Evaluate").wait_for()
    page.get_by_role("tab", name="Library").click()
    before = statements(page)
    page.fill("#remove-ids textarea", "UNSC_2016_SPV.7606_Kazakhstan")
    page.click("#remove-go")
    page.locator("#remove-result", has_text="Removed 1 statement(s)").wait_for()
    page.locator("#library-summary", has_text=f"{before - 1} statements").wait_for()
    files = []
    for n in range(3):
        files.append(tmp_path / f"f{n}.jsonl")
        files[-1].write_text(json.dumps({"id": f"F{n}", "text": "We support the mission."}) + "\n")
    page.locator("#ingest-files input[type=file]").set_input_files([str(f) for f in files])
    page.wait_for_timeout(500)
    page.click("#ingest-go")
    toast = page.get_by_text("3 files were uploaded, more than the 2 one upload may hold")
    toast.wait_for()
    big = tmp_path / "big.jsonl"
    big.write_bytes(b" " * 1_100_000)
    page.locator("#ingest-files input[type=file]").set_input_files([str(big)])
    page.get_by_text(re.compile("exceed the maximum allowed size")).wait_for()  # Gradio's own
    page.screenshot(path=shots / "maintainer.png", full_page=True)
    page.context.close()


def test_a_wrong_password_is_refused(browser, auth_app):
    page = logged_in(browser, auth_app, "alice", "bob-secret")
    page.get_by_text(re.compile("Incorrect credentials", re.I)).wait_for()
    assert not page.locator("#question").count()
    page.context.close()


def test_through_gradio_client_a_visitor_reads_and_cannot_write(auth_app, tmp_path):
    with pytest.raises(Exception, match=r"(?i)login|credentials|401"):
        Client(auth_app, verbose=False)  # no login: nothing
    bob = Client(auth_app, auth=("bob", "bob-secret"), verbose=False)
    api = bob.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert not any(name.strip("/") in WRITE_EVENTS for name in api)  # never public API
    found, _ = load.Actions(bob, auth_app).search("Moscow could block the text, not the truth")
    assert "S/PV.7138" in json.dumps(found)  # (the maintainer's test removed Kazakhstan's)
    with pytest.raises(ValueError):
        bob.predict([], "", "", "", api_name="/ingest_files")
    upload = tmp_path / "one.jsonl"
    upload.write_text(json.dumps({"id": "VISITOR_1", "text": "We support the mission."}) + "\n")
    for user, allowed in (("bob", False), ("alice", True)):
        with httpx.Client(timeout=120) as http:  # a visitor with curl gets no further
            assert gradio_raw.login(http, auth_app, user, USERS[user][0])
            f = gradio_raw.upload(http, auth_app, upload)
            out = gradio_raw.call(http, auth_app, "ingest_files", [[f], "", "", ""])
            refused = gradio_raw.call(http, auth_app, "remove_statements", ["VISITOR_1", ""])
        if allowed:
            assert out.error is None and "Added 1 statement(s)" in out.data[0], out
            assert refused.error is None and "Removed 1" in refused.data[0]
        else:
            assert "Only maintainers may ingest files" in (out.error or ""), out
            assert "Only maintainers may remove statements" in (refused.error or "")


def outside_address() -> str | None:
    """An address of this machine that is not loopback (its browsers count as visitors)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the interface
            host = sock.getsockname()[0]
        except OSError:
            return None
    return None if host.startswith("127.") else host


def test_without_a_login_only_this_machine_writes(
    browser, settings, embedder, small_index_dir, tmp_path
):
    host = outside_address()
    if host is None:
        pytest.skip("this machine has no address besides loopback")
    index = tmp_path / "index"
    shutil.copytree(small_index_dir, index, symlinks=True)
    s = settings.updated(
        {"serve.host": host, "serve.port": free_port(), "answer.rewrite_backend": ""}
    )
    demo = build_app(s.updated({"answer.backend": "extractive"}), index, embedder)
    launch(demo, s, block=False)
    url = f"http://{host}:{s.serve.port}/"
    try:
        page = browser.new_context().new_page()
        page.goto(url)
        page.wait_for_selector("#question textarea")
        page.wait_for_timeout(1500)
        assert "Evaluate" not in page.get_by_role("tab").all_inner_texts()
        page.context.close()
        with httpx.Client(timeout=120) as http:
            out = gradio_raw.call(
                http, url, "remove_statements", ["UNSC_2016_SPV.7606_Kazakhstan", ""]
            )
        assert "Only a browser on the server's own machine may remove statements" in (
            out.error or ""
        )
    finally:
        demo.close()
