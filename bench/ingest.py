"""Bench mode's email entry point: POST a raw message, get the pipeline's receipt.

`supportal bench run` measures email ingestion through this view so that the load generators, the
concurrency and the report are the same as for every page: each request runs `inbound_receive` (store,
parse, filters, case or comment, emails queued) in the server process, as `supportal lmtp` does for
each delivery. Only bench mode mounts it (bench/urls.py); production never loads this module.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportal.channels.email.inbound import inbound_receive
from supportal.channels.email.models import Source


@csrf_exempt
@require_POST
def ingest(request: HttpRequest) -> JsonResponse:
    receipt = inbound_receive(request.body, source=Source.LMTP, mailbox="bench")
    return JsonResponse(receipt.as_json(), status=200 if receipt.outcome else 500)
