"""Roles and credentials (ui/access.py), `unsc-rag passwd`, and upload limits (ui/uploads.py)."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from rag.cli import main
from rag.errors import InputError
from rag.settings_models import ServeSettings
from ui import uploads
from ui.access import (
    MAINTAINER,
    VISITOR,
    Access,
    CredentialFile,
    User,
    exposure,
    hash_password,
    is_loopback,
    read_users,
    verify_password,
    write_users,
)
from ui.cli import check_access


def request(host: str = "127.0.0.1", username: str | None = None) -> SimpleNamespace:
    """What the role check reads of a gr.Request."""
    return SimpleNamespace(client=SimpleNamespace(host=host), username=username)


@pytest.fixture
def creds(tmp_path) -> Path:
    path = tmp_path / "credentials"
    write_users(
        path,
        {
            "alice": User("alice", MAINTAINER, hash_password("alice-secret")),
            "bob": User("bob", VISITOR, hash_password("bob-secret")),
        },
    )
    return path


def test_hashes_are_salted_and_checked():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$") and "correct" not in a
    assert verify_password("correct horse", a) and verify_password("correct horse", b)
    assert not verify_password("correct hors", a)
    for broken in ("", "scrypt$1$2", "md5$x$y$z$a$b", a.replace("scrypt", "bcrypt"), a[:-8]):
        assert not verify_password("correct horse", broken)


def test_credentials_file_is_private_and_holds_no_password(creds):
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    text = creds.read_text()
    assert "alice-secret" not in text and "bob-secret" not in text
    users = read_users(creds)
    assert {u.name: u.role for u in users.values()} == {"alice": MAINTAINER, "bob": VISITOR}


def test_a_malformed_credentials_file_is_one_sentence(tmp_path):
    path = tmp_path / "c"
    path.write_text("# comment\nalice:admin:scrypt$x\n")
    with pytest.raises(InputError, match="line 2 is not 'name:role:hash'"):
        read_users(path)
    with pytest.raises(InputError, match="Cannot read the credentials file"):
        read_users(tmp_path / "missing")
    (tmp_path / "empty").write_text("# nobody\n")
    with pytest.raises(InputError, match="lists no user"):
        CredentialFile(tmp_path / "empty")


def test_logins_and_roles_follow_the_file_as_it_changes(creds):
    cf = CredentialFile(creds)
    assert cf.check("alice", "alice-secret") and not cf.check("alice", "bob-secret")
    assert not cf.check("nobody", "alice-secret")
    assert cf.role("alice") == MAINTAINER and cf.role("bob") == VISITOR and cf.role(None) == VISITOR
    users = read_users(creds)
    users["carol"] = User("carol", MAINTAINER, hash_password("carol-secret"))
    del users["alice"]
    write_users(creds, users)
    assert cf.check("carol", "carol-secret") and not cf.check("alice", "alice-secret")
    assert cf.role("alice") == VISITOR  # removed while logged in: reads only from now on
    creds.write_text("garbage\n")  # a broken edit keeps the last good list
    assert cf.role("carol") == MAINTAINER


def test_roles_with_a_credentials_file(creds):
    access = Access.from_settings(ServeSettings(auth_file=creds))
    assert access.auth() is not None
    assert access.role(request("203.0.113.9", "alice")) == MAINTAINER
    assert access.role(request("127.0.0.1", "bob")) == VISITOR  # this machine counts for nothing
    assert access.role(request("127.0.0.1", None)) == VISITOR
    assert access.role(None) == VISITOR
    assert "log in as one" in access.refusal("ingest files")


def test_roles_without_one_go_by_where_the_browser_is():
    access = Access.from_settings(ServeSettings())
    assert access.auth() is None
    for host in ("127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"):
        assert access.may_write(request(host)), host
    for host in ("192.0.2.2", "::ffff:192.0.2.2", "fd00::2", "", "testclient", None):
        assert not access.may_write(request(host)), host
    assert "server's own machine" in access.refusal("ingest files")
    off = Access.from_settings(ServeSettings(loopback_writes=False))
    assert not off.may_write(request("127.0.0.1"))
    shared = Access.from_settings(ServeSettings(), share=True)  # the share tunnel is local
    assert not shared.may_write(request("127.0.0.1")) and "Nobody may" in shared.refusal("x")


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("localhost") and not is_loopback(None)


def test_a_warning_when_others_can_reach_an_app_without_a_login(creds, capsys):
    assert exposure(ServeSettings()) == ""
    assert exposure(ServeSettings(host="0.0.0.0", auth_file=creds)) == ""
    warning = exposure(ServeSettings(host="0.0.0.0"))
    assert "0.0.0.0:7860 without a login" in warning and "only browsers on this machine" in warning
    assert "public share link" in exposure(ServeSettings(), share=True)
    s = SimpleNamespace(serve=ServeSettings(host="0.0.0.0"))
    check_access(s, False)  # type: ignore[arg-type]
    assert capsys.readouterr().err.startswith("warning: The app is served on 0.0.0.0:7860")
    with pytest.raises(InputError, match="no longer read"):
        check_access(SimpleNamespace(serve=ServeSettings(auth="u:p")), False)  # type: ignore[arg-type]


def passwd(monkeypatch, *args: str, password: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["passwd", *args, "--password-stdin"])


def test_passwd_adds_changes_and_removes_users(tmp_path, monkeypatch, capsys):
    path = tmp_path / "sub" / "credentials"
    assert (
        passwd(
            monkeypatch, "ann", "--file", str(path), "--role", "maintainer", password="s3cret-ann"
        )
        == 0
    )
    assert passwd(monkeypatch, "ben", "--file", str(path), password="s3cret-ben") == 0
    out = capsys.readouterr()
    assert "s3cret" not in out.out + out.err + path.read_text()
    cf = CredentialFile(path)
    assert cf.role("ann") == MAINTAINER and cf.role("ben") == VISITOR
    monkeypatch.setenv("UNSC_RAG_AUTH_FILE", str(path))  # the file from the setting
    assert passwd(monkeypatch, "ann", password="new-password") == 0  # role kept
    assert cf.check("ann", "new-password") and cf.role("ann") == MAINTAINER
    assert main(["passwd", "ben", "--remove"]) == 0 and cf.role("ben") == VISITOR
    assert passwd(monkeypatch, "cat", password="short") == 2
    assert passwd(monkeypatch, "../etc", password="long enough") == 2
    assert main(["passwd", "ben", "--remove"]) == 2
    err = capsys.readouterr().err
    assert "shorter than 8" in err and "cannot be a user name" in err and "no user 'ben'" in err
    monkeypatch.delenv("UNSC_RAG_AUTH_FILE")
    assert passwd(monkeypatch, "dan", password="long enough") == 2
    assert "Say which credentials file" in capsys.readouterr().err


def test_uploaded_names_never_become_paths(tmp_path):
    for sent, kept in [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".bashrc", "bashrc"),
        ("S_PV.8422 (1).txt", "S_PV.8422_1_.txt"),
        ("<img src=x onerror=alert(1)>.jsonl", "_img_src_x_onerror_alert_1_.jsonl"),
        ("..", "upload"),
        ("", "unnamed"),
    ]:
        assert uploads.safe_name(sent) == kept, sent
    assert uploads.display_name("a/b\x00c\n.jsonl") == "bc.jsonl"
    a, b = tmp_path / "a" / "same.jsonl", tmp_path / "b" / "same.jsonl"
    for p, text in ((a, "1"), (b, "2")):
        p.parent.mkdir()
        p.write_text(text)
    with uploads.staged([a, b]) as copies:
        assert [c.read_text() for c in copies] == ["1", "2"]
        folder = copies[0].parents[1]
        assert all(c.is_relative_to(folder) for c in copies)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not folder.exists()


def test_upload_limits_are_one_sentence(tmp_path):
    limits = uploads.Limits(max_files=2, max_bytes=uploads.MB, suffixes=(".jsonl", ".pdf"))
    assert limits.describe() == "up to 2 files of at most 1 MB each (.jsonl, .pdf)"
    small = tmp_path / "small.jsonl"
    small.write_text("{}\n")
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"x" * 1_500_000)
    uploads.check([small, small], limits)
    with pytest.raises(InputError, match="3 files were uploaded, more than the 2"):
        uploads.check([small] * 3, limits)
    with pytest.raises(InputError, match=r"big.jsonl is 1.4 MB, more than the 1 MB"):
        uploads.check([small, big], limits)
    assert not uploads.known_type("notes.docx", limits) and uploads.known_type("A.PDF", limits)
    assert uploads.type_message("notes.docx", limits) == (
        "notes.docx has an unknown extension: use one of .jsonl, .pdf."
    )
