"""Attachments: every channel's files go through `core.files.check_upload` and are stored here."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from supportal.cases import policies
from supportal.cases.lifecycle import State
from supportal.cases.models import Attachment, Case, Channel, Comment, EventKind
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.core.files import CheckedFile, store
from supportal.orgs.policies import Actor

MAX_FILES_PER_CASE = 500


def attachment_add(
    *, actor: Actor, case: Case, file: CheckedFile, channel: Channel | str, public: bool = True
) -> Attachment:
    """Attach a checked file to the case itself (not to a comment)."""
    if not policies.can_comment(actor, case) or (
        not public and not policies.can_add_internal_note(actor, case)
    ):
        raise Forbidden("You may not add files to this case.")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == State.CLOSED:
            raise Conflict("This case is closed; nothing more may change.")
        (attachment,) = add_attachment_rows(locked, [file], actor=actor, channel=channel, public=public)
        history.record(
            locked,
            EventKind.ATTACHMENT_ADDED,
            actor=actor,
            channel=channel,
            public=public,
            data={
                "attachment": attachment.pk,
                "filename": attachment.filename,
                "size": attachment.size,
                "content_type": attachment.content_type,
            },
            publish_as="case.attachment_added",
        )
        history.touch(locked)
    return attachment


def add_attachment_rows(
    case: Case,
    files: Sequence[CheckedFile],
    *,
    actor: Actor,
    channel: Channel | str,
    public: bool,
    comment: Comment | None = None,
) -> list[Attachment]:
    if not files:
        return []
    if case.attachments.count() + len(files) > MAX_FILES_PER_CASE:
        raise InvalidInput(
            "Too many files on this case.", fields={"file": [f"At most {MAX_FILES_PER_CASE}."]}
        )
    rows = []
    for file in files:
        try:
            path = store(file, prefix=f"cases/{case.number}")
        finally:
            file.content.close()
        rows.append(
            Attachment(
                case=case,
                comment=comment,
                storage_path=path,
                filename=file.name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                public=public,
                uploaded_by=history.user_of(actor),
                channel=channel,
            )
        )
    return Attachment.objects.bulk_create(rows)
