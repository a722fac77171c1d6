"""Broken and random messages through the whole pipeline: nothing crashes it, and the raw bytes are
always stored, byte for byte, with a final outcome."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportal.channels.email.inbound import inbound_receive, inbound_store
from supportal.channels.email.models import InboundMessage, Source, Status
from tests.channels.email.mail import mail
from tests.conftest import Story

SEED = mail(body="Hello,\n\nthe VPN drops.\n\nAlice", attachments=(("log.txt", "text/plain", b"drop\n"),))
HEADERS = st.sampled_from(
    [
        b"From: ",
        b"Subject: ",
        b"Content-Type: multipart/mixed; boundary=",
        b"Content-Transfer-Encoding: base64",
        b"In-Reply-To: <",
        b"References: ",
        b"=?utf-8?B?",
        b"=?x-unknown?Q?",
        b"\r\n\r\n",
        b"--",
        b"\x00",
        b"\xff",
    ]
)


@st.composite
def broken_messages(draw: st.DrawFn) -> bytes:
    raw = bytearray(SEED)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        choice = draw(st.integers(0, 2))
        if choice == 0:
            raw[at:at] = draw(HEADERS) + draw(st.binary(max_size=40))
        elif choice == 1:
            del raw[at : at + draw(st.integers(1, 60))]
        else:
            raw[at:at] = draw(st.binary(min_size=1, max_size=80))
    return bytes(raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=400), broken_messages()))
def test_any_bytes_are_stored_and_decided(story: Story, raw: bytes) -> None:
    receipt = inbound_receive(raw, source=Source.PIPE)
    row = InboundMessage.objects.get(pk=receipt.message)
    assert bytes(row.raw) == raw
    assert row.status not in (Status.RECEIVED, Status.FAILED), row.last_error
    assert receipt.outcome in {"created", "commented", "held", "ignored"}


def test_a_nul_in_the_message_id_is_stored_without_it(story: Story) -> None:
    """Hypothesis found it on PostgreSQL, whose text columns refuse NUL: the header's NUL made a 500-like
    temporary failure, so the mail server would have retried the message for ever."""
    raw = b"From: \x00bob@acme.example\r\nMessage-ID: <a\x00b@client.example>\r\nSubject: x\r\n\r\nbody\r\n"
    row, new = inbound_store(raw, source=Source.PIPE, envelope_from="bob\x00@acme.example")
    assert new and row.message_id == "<ab@client.example>" and bytes(row.raw) == raw
    assert inbound_store(raw, source=Source.PIPE)[1] is False  # the same message again adds nothing
