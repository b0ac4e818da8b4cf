"""Who may do what: visitors read (chat, search, statements, counts); maintainers also ingest,
remove and evaluate.

With a credentials file (`serve.auth_file`, written by `unsc-rag passwd`) everyone logs in and
the file says who is a maintainer; passwords are kept as salted scrypt hashes, never stored or
logged in clear. Without one nobody logs in, and only browsers on this machine may write
(`serve.loopback_writes`). The write events check the role on the server, whatever the page shows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import InputError
from rag.settings_models import ServeSettings

MAINTAINER, VISITOR = "maintainer", "visitor"
ROLES = (VISITOR, MAINTAINER)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 8
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MiB and ~50 ms per check
HEADER = "# unsc-rag credentials (written by `unsc-rag passwd`): name:role:salted scrypt hash\n"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash: 'scrypt$N$r$p$salt$digest' (base64 parts)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
        p=SCRYPT_P, dklen=32,
    )  # fmt: skip
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a stored hash (digests compared in constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        want = base64.b64decode(digest, validate=True)
        bounded = 1 < int(n) <= 2**20 and 0 < int(r) <= 32 and 0 < int(p) <= 4
        if kind != "scrypt" or not bounded or len(want) != 32:
            return False
        got = hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"), salt=base64.b64decode(salt, validate=True),
            n=int(n), r=int(r), p=int(p), dklen=32, maxmem=2**28,
        )  # fmt: skip
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(got, want)


_DUMMY = hash_password(secrets.token_urlsafe(16))  # checked for unknown names: same time taken


@dataclass(frozen=True)
class User:
    """One line of the credentials file."""

    name: str
    role: str
    hash: str


def check_name(name: str) -> str:
    """The name, or an InputError saying which names are allowed."""
    if not NAME.fullmatch(name or ""):
        raise InputError(
            f"{name[:40]!r} cannot be a user name: use 1-64 letters, digits and . _ @ - "
            "(starting with a letter or digit)."
        )
    return name


def read_users(path: Path) -> dict[str, User]:
    """The users of a credentials file; a missing file or a malformed line is one InputError."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or "not UTF-8 text"
        raise InputError(
            f"Cannot read the credentials file {path} ({reason}): create it with "
            "`unsc-rag passwd NAME --file FILE`."
        ) from None
    users: dict[str, User] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, rest = line.strip().partition(":")
        role, _, stored = rest.partition(":")
        if not NAME.fullmatch(name) or role not in ROLES or not stored.startswith("scrypt$"):
            raise InputError(
                f"{path} line {n} is not 'name:role:hash' (role visitor or maintainer): "
                "fix it or write it again with `unsc-rag passwd`."
            )
        users[name] = User(name, role, stored)
    return users


def write_users(path: Path, users: dict[str, User]) -> None:
    """Write the file atomically, readable and writable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = HEADER + "".join(f"{u.name}:{u.role}:{u.hash}\n" for u in users.values())
    fd, tmp = tempfile.mkstemp(prefix=".credentials-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class CredentialFile:
    """A credentials file, read again when it changes: users added or removed while the app
    runs count from their next login or event (a file made unreadable keeps the last good one)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users = read_users(self.path)
        if not self._users:
            raise InputError(
                f"{self.path} lists no user: add one with `unsc-rag passwd NAME --file {self.path}`."
            )

    def users(self) -> dict[str, User]:
        """The users as the file says now."""
        with self._lock:
            try:
                st = self.path.stat()
                stamp = (st.st_mtime_ns, st.st_size)
                if stamp != self._stamp:
                    self._users, self._stamp = read_users(self.path), stamp
            except (OSError, InputError):
                pass  # keep the last good list rather than lock everyone out mid-edit
            return self._users

    def check(self, name: str, password: str) -> bool:
        """Whether the name and password match a user (unknown names take as long)."""
        user = self.users().get(name)
        ok = verify_password(password, user.hash if user else _DUMMY)
        return ok and user is not None

    def role(self, name: str | None) -> str:
        """The user's role; visitor for a name the file no longer lists."""
        user = self.users().get(name or "")
        return user.role if user else VISITOR


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine (127.0.0.0/8, ::1, ::ffff:127.x)."""
    try:
        ip = ipaddress.ip_address((host or "").strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped and mapped.is_loopback))


class Access:
    """The role of each request: from the credentials file, or by where it comes from."""

    def __init__(
        self, credentials: CredentialFile | None, loopback_writes: bool = True, banner: str = ""
    ) -> None:
        self.credentials = credentials
        self.loopback_writes = loopback_writes and credentials is None
        self.banner = banner  # shown to maintainers: the app is open to others without a login

    @classmethod
    def from_settings(cls, serve: ServeSettings, share: bool = False) -> Access:
        """From `serve.auth_file` and `serve.loopback_writes` (a public share link is never
        'this machine': with one and no file, nobody may write)."""
        credentials = CredentialFile(serve.auth_file) if serve.auth_file else None
        return cls(credentials, serve.loopback_writes and not share, exposure(serve, share))

    def auth(self) -> Callable[[str, str], bool] | None:
        """What Gradio's `launch(auth=…)` takes: a check of name and password, or None."""
        return self.credentials.check if self.credentials else None

    def role(self, request: Any) -> str:
        """maintainer or visitor for a gr.Request (None, as in a direct call: visitor)."""
        if request is None:
            return VISITOR
        if self.credentials is not None:
            return self.credentials.role(getattr(request, "username", None))
        client = getattr(request, "client", None)
        local = self.loopback_writes and is_loopback(getattr(client, "host", None))
        return MAINTAINER if local else VISITOR

    def may_write(self, request: Any) -> bool:
        """Whether this request may ingest, remove or evaluate."""
        return self.role(request) == MAINTAINER

    def refusal(self, what: str) -> str:
        """The sentence a visitor is told when an event that writes refuses."""
        if self.credentials is not None:
            return f"Only maintainers may {what}: log in as one (a maintainer adds you with `unsc-rag passwd NAME --role maintainer`)."
        if self.loopback_writes:
            return f"Only a browser on the server's own machine may {what}: open the app there, or set UNSC_RAG_AUTH_FILE to log in as a maintainer."
        return f"Nobody may {what} here: the app runs without a credentials file and with writes from this machine turned off."


def exposure(serve: ServeSettings, share: bool = False) -> str:
    """A warning when others can reach the app and nobody logs in ("" otherwise)."""
    if serve.auth_file or (is_loopback(serve.host) and not share) or serve.host == "localhost":
        return ""
    where = "a public share link" if share else f"{serve.host}:{serve.port}"
    writes = (
        "only browsers on this machine may ingest, remove or evaluate"
        if serve.loopback_writes and not share
        else "nobody may ingest, remove or evaluate"
    )
    return (
        f"The app is served on {where} without a login: anyone who can reach it may read and "
        f"ask; {writes}. Set UNSC_RAG_AUTH_FILE (see `unsc-rag passwd`) to require one."
    )
