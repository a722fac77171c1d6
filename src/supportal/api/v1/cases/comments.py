"""/api/v1/cases/{number}/comments: the conversation (customers see the public part) and adding to it."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import ValidationError

from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases.output import comment_out, with_attachments
from supportal.api.v1.cases.schemas import CommentIn, CommentOut
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.cases import access, selectors, services
from supportal.cases.models import Channel
from supportal.cases.services.comments import BODY_MAX
from supportal.core.files import CheckedFile, check_upload

router = Router(tags=["comments"])

MAX_FILES = 20

# The body is JSON or a form with files; ninja declares one or the other, so both are spelt out here.
REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CommentIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "body": {"type": "string", "maxLength": BODY_MAX, "default": ""},
                        "public": {"type": "boolean", "default": True},
                        "files": {
                            "type": "array",
                            "maxItems": MAX_FILES,
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                }
            },
        },
    }
}


@router.get("/{number}/comments", response={200: Page[CommentOut], **errors(404)}, summary="List comments")
def list_comments(request: HttpRequest, number: str, page: Query[PageParams]) -> Page[CommentOut]:
    """Oldest first, with their attachments. Customers see public replies only, never internal notes."""
    actor = actor_of(request)
    case = access.case_for(actor, number)
    result = paginate(with_attachments(selectors.comments_visible_to(actor, case), actor), page)
    return Page[CommentOut](
        items=[comment_out(c, case.number) for c in result.items], next_cursor=result.next_cursor
    )


@router.post(
    "/{number}/comments",
    response={201: CommentOut, **errors(404, 409)},
    summary="Add a comment",
    openapi_extra=REQUEST_BODY,
)
def add_comment(request: HttpRequest, number: str) -> Status[CommentOut]:
    """A public reply, or with `public: false` an internal note (agents only). Send JSON, or
    multipart/form-data with `body`, `public` and any number of `files`. A customer's reply to a Closed
    case opens a follow-up case: the comment answered then names the follow-up's number in `case`."""
    actor = actor_of(request)
    payload, uploads = _parsed(request)
    case = access.case_for(actor, number)
    files = _checked(uploads)
    comment = services.comment_add(
        actor=actor, case=case, body=payload.body, public=payload.public, channel=Channel.API, files=files
    )
    row = with_attachments(selectors.comments_visible_to(actor, comment.case), actor).get(pk=comment.pk)
    return Status(201, comment_out(row, comment.case.number))


def _parsed(request: HttpRequest) -> tuple[CommentIn, list[UploadedFile]]:
    if request.content_type == "multipart/form-data":
        data: Any = {k: request.POST[k] for k in ("body", "public") if k in request.POST}
        uploads = request.FILES.getlist("files")
        if len(uploads) > MAX_FILES:
            raise NinjaValidationError([{"loc": ["form", "files"], "msg": f"At most {MAX_FILES} files."}])
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "The request body is not valid JSON.") from None
        uploads = []
    try:
        return CommentIn.model_validate(data), uploads
    except ValidationError as error:
        loc_errors = [{**e, "loc": ["body", "payload", *e["loc"]]} for e in error.errors(include_url=False)]
        raise NinjaValidationError(loc_errors) from None


def _checked(uploads: list[UploadedFile]) -> list[CheckedFile]:
    return [check_upload(name=u.name or "", stream=u, field="files") for u in uploads]
