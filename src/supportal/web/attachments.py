"""Downloading a case's attachment from the portal: /cases/<number>/attachments/<id>/.

Access first (a file of a case the person may not see is a 404, as is a customer asking for an internal
one); then the file is streamed as a download, or inline with ?inline=1 for images, PDF and plain text.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from supportal.cases.access import attachment_for
from supportal.core.errors import NotFound
from supportal.core.files import file_response

logger = logging.getLogger(__name__)


@login_required
@require_safe
def case_attachment(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    try:
        attachment = attachment_for(request.user, number, attachment_id)
    except NotFound:
        raise Http404("No such attachment.") from None
    try:
        return file_response(
            storage_path=attachment.storage_path,
            filename=attachment.filename,
            content_type=attachment.content_type,
            inline=request.GET.get("inline") == "1",
        )
    except FileNotFoundError:
        logger.error("Attachment %s of %s is missing from storage", attachment.pk, number)
        raise Http404("The file is missing.") from None
