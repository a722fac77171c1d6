"""/api/v1/cases/{number}/attachments: a case's files; upload one; read its details; download it."""

from __future__ import annotations

import logging

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases.output import attachment_out, attachments_visible
from supportal.api.v1.cases.schemas import AttachmentOut
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.cases import access, services
from supportal.cases.models import Channel
from supportal.core.errors import NotFound
from supportal.core.files import check_upload, file_response

logger = logging.getLogger("supportal.api")
router = Router(tags=["attachments"])

# The file itself: its type is whatever the file is, served as a download. (ninja keys responses by int.)
DOWNLOAD = {
    "responses": {
        200: {
            "description": "The file, as a download (inline only for images, PDF and text with ?inline=1).",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


# `{attachment_id}`, not `{int:attachment_id}`: any segment reaches the operation, which validates it as an
# integer, so "abc" is the API's JSON 422 rather than a path no route takes.


class DownloadParams(Schema):
    inline: bool = Field(False, description="Show images, PDF and plain text in the browser.")


@router.get(
    "/{number}/attachments", response={200: Page[AttachmentOut], **errors(404)}, summary="List attachments"
)
def list_attachments(request: HttpRequest, number: str, page: Query[PageParams]) -> Page[AttachmentOut]:
    """Every file of the case, its comments' included, oldest first. Customers see public ones only."""
    actor = actor_of(request)
    case = access.case_for(actor, number)
    result = paginate(attachments_visible(actor).filter(case=case), page)
    return Page[AttachmentOut](
        items=[attachment_out(a, case.number) for a in result.items], next_cursor=result.next_cursor
    )


@router.post(
    "/{number}/attachments",
    response={201: AttachmentOut, **errors(404, 409)},
    summary="Upload an attachment",
)
def upload_attachment(
    request: HttpRequest, number: str, file: File[UploadedFile], public: Form[bool] = True
) -> Status[AttachmentOut]:
    """multipart/form-data with `file` and, for agents, `public: false` for a file customers do not see.
    An empty file is a 422; one over the size limit a 413."""
    actor = actor_of(request)
    case = access.case_for(actor, number)
    checked = check_upload(name=file.name or "", stream=file, field="file")
    attachment = services.attachment_add(
        actor=actor, case=case, file=checked, channel=Channel.API, public=public
    )
    return Status(201, attachment_out(attachment, case.number))


@router.get(
    "/{number}/attachments/{attachment_id}",
    response={200: AttachmentOut, **errors(404)},
    summary="Read an attachment's details",
)
def get_attachment(request: HttpRequest, number: str, attachment_id: int) -> AttachmentOut:
    attachment = access.attachment_for(actor_of(request), number, attachment_id)
    return attachment_out(attachment, number)


@router.get(
    "/{number}/attachments/{attachment_id}/content",
    response={200: None, **errors(404)},
    summary="Download an attachment",
    openapi_extra=DOWNLOAD,
)
def download_case_attachment(
    request: HttpRequest, number: str, attachment_id: int, params: Query[DownloadParams]
) -> FileResponse:
    """The file's bytes, with its name in Content-Disposition, never sniffed by the browser."""
    attachment = access.attachment_for(actor_of(request), number, attachment_id)
    try:
        return file_response(
            storage_path=attachment.storage_path,
            filename=attachment.filename,
            content_type=attachment.content_type,
            inline=params.inline,
        )
    except FileNotFoundError:
        logger.error("Attachment %s of %s is missing from storage", attachment.pk, number)
        raise NotFound("The file is missing from storage.") from None
