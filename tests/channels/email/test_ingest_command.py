"""`supportal ingest-email`: pipe delivery as a mail server runs it, exit codes per INTERFACES.md."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from supportal.cases.models import Case
from supportal.channels.email.models import InboundMessage
from tests.channels.email.mail import mail
from tests.conftest import Story
from tests.core.subprocesses import SUPPORTAL, supportal_env


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def ingest(monkeypatch: pytest.MonkeyPatch, raw: bytes, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", _Stdin(raw))
    out = io.StringIO()
    with pytest.raises(SystemExit) as done:
        call_command("ingest_email", *args, stdout=out)
    return int(done.value.code or 0), out.getvalue()


def test_a_message_opens_a_case_and_prints_the_outcome(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = ingest(monkeypatch, mail(), "--json", "--sender", "alice@acme.example")
    result: dict[str, Any] = json.loads(out)
    assert code == 0 and result["outcome"] == "created"
    assert Case.objects.filter(number=result["case"]).exists()
    assert InboundMessage.objects.get().envelope_from == "alice@acme.example"


def test_the_same_message_piped_twice_is_one_case(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = mail()
    first = json.loads(ingest(monkeypatch, raw, "--json")[1])
    code, out = ingest(monkeypatch, raw, "--json")
    assert code == 0 and json.loads(out) == {**first, "duplicate": True}
    assert Case.objects.count() == 1


def test_held_and_ignored_mail_exits_0(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = ingest(monkeypatch, mail(sender="nobody@nowhere.example"), "--json")
    assert (code, json.loads(out)["outcome"]) == (0, "held")
    code, out = ingest(monkeypatch, mail(subject="Auto: away", Auto_Submitted="auto-replied"), "--json")
    assert (code, json.loads(out)["outcome"]) == (0, "ignored")


def test_unreadable_input_exits_65_and_is_still_kept(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = ingest(monkeypatch, b"", "--json")
    assert code == 65 and json.loads(out)["outcome"] == "held"
    assert InboundMessage.objects.get().size == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_pipe_delivery_and_a_database_that_is_gone(tmp_path: Path) -> None:
    """The real command in a child process, as an MTA runs it: exit 0 once stored, 75 when it cannot
    store (the MTA keeps the message and retries)."""
    database = tmp_path / "mail.sqlite3"
    env = supportal_env(tmp_path / "data", DATABASE_URL=f"sqlite:///{database}")
    subprocess.run([str(SUPPORTAL), "migrate", "-v0"], env=env, check=True, timeout=120)
    raw = mail(sender="someone@unknown.example")
    done = subprocess.run(
        [str(SUPPORTAL), "ingest-email", "--json"], input=raw, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "held"
    gone = supportal_env(
        tmp_path / "data", DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-dir' / 'x.sqlite3'}"
    )
    done = subprocess.run(
        [str(SUPPORTAL), "ingest-email"], input=raw, env=gone, capture_output=True, timeout=120
    )
    assert done.returncode == 75, (done.stdout, done.stderr)
