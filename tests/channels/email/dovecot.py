"""A real IMAP server for the poller's tests: Debian's dovecot, started from a temporary directory on
127.0.0.1 and a free port, with one user and a maildir of its own, stopped (and waited for) afterwards.

Messages are put in by IMAP APPEND, as any mail client would. Without /usr/sbin/dovecot (Debian packages
dovecot-core and dovecot-imapd) the tests skip, unless SUPPORTAL_REQUIRE_DOVECOT=1 (CI) makes that a
failure. As root, dovecot's login and mail processes run as `nobody` (dovecot refuses root for both);
as another user, everything runs as that user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.notifications.smtp_sink import free_port

DOVECOT = Path("/usr/sbin/dovecot")
USER = "support@example.test"
PASSWORD = "imap-test-secret"
START_SECONDS = 20.0
STOP_SECONDS = 20.0

CONFIG = """\
protocols = imap
listen = 127.0.0.1
instance_name = supportal-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = {uid}
first_valid_gid = {gid}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{unprivileged}"""
# chroot needs root: run as another user, dovecot runs these services in place (tried as `nobody`)
UNPRIVILEGED = "service imap-login {\n  chroot =\n}\nservice anvil {\n  chroot =\n}\n"


@dataclass
class Dovecot:
    """The running server, and a plain IMAP client's view of its one mailbox."""

    port: int
    root: Path
    user: str = USER
    password: str = PASSWORD
    host: str = "127.0.0.1"

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            typ, data = client.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def create_folder(self, folder: str) -> None:
        self._run("create", folder)

    def delete_folder(self, folder: str) -> None:
        self._run("delete", folder)

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """Every message in the folder: UID → its flags."""
        client = self.client()
        try:
            typ, _ = client.select(folder, readonly=True)
            assert typ == "OK", folder
            typ, data = client.uid("FETCH", "1:*", "(UID FLAGS)")
            found: dict[int, set[str]] = {}
            for item in data:
                if isinstance(item, bytes) and b"UID" in item:
                    words = item.decode().replace("(", " ").replace(")", " ").split()
                    uid = int(words[words.index("UID") + 1])
                    found[uid] = {flag.decode() for flag in imaplib.ParseFlags(item)}
            return found
        finally:
            client.logout()

    def _run(self, command: str, folder: str) -> None:
        client = self.client()
        try:
            typ, data = getattr(client, command)(folder)
            assert typ == "OK", data
        finally:
            client.logout()


@dataclass
class Identity:
    """Who dovecot's processes run as: `nobody` when we are root, else ourselves."""

    uid: int
    gid: int
    user: str
    group: str
    unprivileged: str

    @classmethod
    def for_this_process(cls) -> Identity:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            return cls(nobody.pw_uid, nobody.pw_gid, "nobody", grp.getgrgid(nobody.pw_gid).gr_name, "")
        me = pwd.getpwuid(os.geteuid())
        return cls(me.pw_uid, me.pw_gid, me.pw_name, grp.getgrgid(me.pw_gid).gr_name, UNPRIVILEGED)


def _wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    text = log.read_text(errors="replace") if log.exists() else "(no log)"
    raise RuntimeError(f"dovecot did not start on 127.0.0.1:{port}:\n{text}")


@pytest.fixture(name="dovecot")
def dovecot_server() -> Iterator[Dovecot]:
    """The running server; test modules import this name, and their tests ask for `dovecot`."""
    if not DOVECOT.exists():
        if os.environ.get("SUPPORTAL_REQUIRE_DOVECOT") == "1":
            pytest.fail(f"{DOVECOT} is missing (install dovecot-core and dovecot-imapd)")
        pytest.skip(f"{DOVECOT} is not installed (CI sets SUPPORTAL_REQUIRE_DOVECOT=1 to fail instead)")
    # Not pytest's tmp_path: dovecot's unprivileged processes must reach the directory.
    root = Path(tempfile.mkdtemp(prefix="supportal-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    who = Identity.for_this_process()
    (root / "mail").mkdir()
    os.chown(root / "mail", who.uid, who.gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, **vars(who)))
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_serving(port, process, root / "dovecot.log")
        yield Dovecot(port=port, root=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)
        shutil.rmtree(root, ignore_errors=True)
