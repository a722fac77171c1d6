"""Template context shared by every portal page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    return {"provider_name": settings.PROVIDER_NAME, "support_address": settings.SUPPORT_ADDRESS}
