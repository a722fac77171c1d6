"""The whole corpus through the whole pipeline, stored and processed as a mail server would deliver it:
no message fails, every one is kept byte for byte, no bounce or automatic reply opens a case or gets an
answer, and mail from people becomes cases once its sender is a customer.

Prints (and writes to $SUPPORTAL_ARTEFACTS/email-corpus.txt) the report: outcomes per category, and
the ingest rate.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from django.core import mail as sent_mail

from supportal.cases.models import Case
from supportal.channels.email.inbound import inbound_receive
from supportal.channels.email.models import InboundMessage, Source, Status
from tests.channels.email.corpus import CORPUS_DIR, manifest
from tests.conftest import Story

AUTOMATIC = {"bounce", "auto-reply"}
_FROM = re.compile(rb"^(from|sender|reply-to):.*(\r?\n[ \t].*)*\r?\n", re.IGNORECASE | re.MULTILINE)


def as_from_alice(raw: bytes) -> bytes:
    """The same message, sent by a known customer: its From (and Sender, Reply-To) replaced."""
    head, sep, body = raw.partition(b"\n\n") if b"\r\n\r\n" not in raw[:65536] else raw.partition(b"\r\n\r\n")
    head = _FROM.sub(b"", head + b"\n").rstrip(b"\r\n")
    return b"From: Alice Acme <alice@acme.example>\n" + head + (sep or b"\n\n") + body


def test_every_corpus_message_goes_through_the_pipeline(story: Story) -> None:
    rows = [row for row in manifest() if row["file"].endswith(".eml")]
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    started = time.perf_counter()
    for row in rows:
        raw = (CORPUS_DIR / row["file"]).read_bytes()
        receipt = inbound_receive(raw, source=Source.PIPE)
        outcomes[row["category"]][receipt.outcome or "failed"] += 1
        assert receipt.status not in (Status.FAILED, Status.RECEIVED), (row["file"], receipt.reason)
        if row["category"] in AUTOMATIC:
            assert receipt.outcome == "ignored", (row["file"], receipt.reason)
    elapsed = time.perf_counter() - started
    assert InboundMessage.objects.count() == len({(CORPUS_DIR / r["file"]).read_bytes() for r in rows})
    for stored in InboundMessage.objects.all():
        assert stored.size == len(bytes(stored.raw))
    automatic = set(InboundMessage.objects.filter(status=Status.IGNORED).values_list("message_id", flat=True))
    answered = {message.extra_headers.get("In-Reply-To", "") for message in sent_mail.outbox}
    assert not (automatic - {""}) & answered, "an automatic message got an automatic answer"

    # Second pass: the person-written messages again, as if Alice had sent them.
    people = [r for r in rows if r["category"] not in AUTOMATIC]
    as_customer: Counter[str] = Counter()
    started_again = time.perf_counter()
    for row in people:
        receipt = inbound_receive(as_from_alice((CORPUS_DIR / row["file"]).read_bytes()), source=Source.PIPE)
        as_customer[receipt.outcome or "failed"] += 1
        assert receipt.status not in (Status.FAILED, Status.RECEIVED), (row["file"], receipt.reason)
    elapsed_again = time.perf_counter() - started_again
    assert as_customer["created"] + as_customer["commented"] >= 0.75 * len(people), as_customer
    assert Case.objects.filter(requester=story.alice).exists()

    report = _report(outcomes, as_customer, len(rows), elapsed, len(people), elapsed_again)
    print("\n" + report)
    folder = os.environ.get("SUPPORTAL_ARTEFACTS")
    if folder:
        Path(folder, "email-corpus.txt").write_text(report + "\n", encoding="utf-8")


def _report(
    outcomes: dict[str, Counter[str]],
    as_customer: Counter[str],
    total: int,
    elapsed: float,
    people: int,
    elapsed_again: float,
) -> str:
    names = ["created", "commented", "held", "ignored", "failed"]
    lines = [f"{'category':<14}" + "".join(f"{n:>10}" for n in names)]
    for category in sorted(outcomes):
        lines.append(f"{category:<14}" + "".join(f"{outcomes[category][n]:>10}" for n in names))
    lines.append(f"{'as from alice':<14}" + "".join(f"{as_customer[n]:>10}" for n in names))
    lines.append(
        f"{total} messages as received: {elapsed:.2f} s, {total / elapsed:.1f} messages/s; "
        f"{people} as a customer's: {elapsed_again:.2f} s, {people / elapsed_again:.1f} messages/s "
        "(store + parse + filters + case or comment + emails queued, in one process)"
    )
    return "\n".join(lines)
