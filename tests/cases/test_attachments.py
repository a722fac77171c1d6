"""Files on cases: checked, stored through Django's storage, hidden from customers when internal."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.storage import default_storage

from supportal.cases import access, services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Attachment, Case, CaseEvent
from supportal.core.errors import Conflict, Forbidden, NotFound
from supportal.core.files import CheckedFile, check_upload
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, valid PNG: signature, IHDR, one IDAT of grey pixels, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(name: str = "screenshot.png", data: bytes | None = None) -> CheckedFile:
    return check_upload(name=name, stream=png() if data is None else data)


def test_a_customer_attaches_a_screenshot(story: Story, cases: CaseMaker) -> None:
    case = cases()
    data = png()
    attachment = services.attachment_add(
        actor=story.alice, case=case, file=upload(data=data), channel="portal"
    )
    saved = Attachment.objects.get(pk=attachment.pk)
    assert (saved.filename, saved.content_type, saved.size, saved.public) == (
        "screenshot.png", "image/png", len(data), True,
    )  # fmt: skip
    assert saved.storage_path.startswith(f"cases/{case.number}/")
    with default_storage.open(saved.storage_path, "rb") as stored:
        assert stored.read() == data
    event = CaseEvent.objects.get(case=case, kind="attachment_added")
    assert event.data["filename"] == "screenshot.png" and event.public
    assert access.attachment_for(story.alice, case.number, attachment.pk) == saved


def test_the_type_comes_from_the_bytes_not_the_name(story: Story, cases: CaseMaker) -> None:
    case = cases()
    disguised = services.attachment_add(
        actor=story.alice, case=case, file=upload("invoice.pdf", b"<html><script>x</script></html>"),
        channel="portal",
    )  # fmt: skip
    assert disguised.content_type == "text/plain"


def test_internal_files_are_hidden_from_customers(story: Story, cases: CaseMaker) -> None:
    case = cases()
    internal = services.attachment_add(
        actor=story.dana, case=case, file=upload("trace.png"), channel="portal", public=False
    )
    with pytest.raises(NotFound):
        access.attachment_for(story.alice, case.number, internal.pk)
    assert access.attachment_for(story.dana, case.number, internal.pk).pk == internal.pk
    event = CaseEvent.objects.get(case=case, kind="attachment_added")
    assert not event.public


def test_files_on_an_internal_note_are_internal(story: Story, cases: CaseMaker) -> None:
    case = cases()
    note = reply(case, story.dana, "Packet capture attached.", public=False, files=[upload("capture.png")])
    attachment = note.attachments.get()
    assert not attachment.public
    with pytest.raises(NotFound):
        access.attachment_for(story.alice, case.number, attachment.pk)


def test_customers_cannot_add_internal_files_nor_to_others_cases(story: Story, cases: CaseMaker) -> None:
    case = cases()
    with pytest.raises(Forbidden):
        services.attachment_add(actor=story.alice, case=case, file=upload(), channel="portal", public=False)
    with pytest.raises(Forbidden):
        services.attachment_add(actor=story.charlie, case=case, file=upload(), channel="portal")
    with pytest.raises(NotFound):
        access.attachment_for(story.charlie, case.number, 1)
    assert not Attachment.objects.exists()


def test_a_closed_case_refuses_files(story: Story, cases: CaseMaker) -> None:
    case = cases()
    move(case, story.alice, Action.CLOSE)
    with pytest.raises(Conflict):
        services.attachment_add(actor=story.dana, case=case, file=upload(), channel="portal")
    assert not Attachment.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_unknown_attachment_ids_are_not_found(story: Story, cases: CaseMaker) -> None:
    case = cases()
    other = cases()
    theirs = services.attachment_add(actor=story.alice, case=other, file=upload(), channel="portal")
    ids: list[int | str] = ["abc", 999_999, theirs.pk]
    for attachment_id in ids:
        with pytest.raises(NotFound):
            access.attachment_for(story.alice, case.number, attachment_id)
