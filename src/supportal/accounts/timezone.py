"""Showing times in the signed-in person's time zone.

`UserTimeZoneMiddleware` activates the user's `time_zone` (Django's current time zone) for the request,
so `{{ value|date }}` and forms render local times; anonymous visitors and people without a zone of
their own see the site's (settings.TIME_ZONE). It must come after AuthenticationMiddleware.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


@cache
def available_time_zones() -> frozenset[str]:
    """Every IANA zone name this system knows (the choices of the profile's time zone)."""
    return frozenset(zoneinfo.available_timezones())


def zone_of(user: object) -> zoneinfo.ZoneInfo | None:
    """The user's own time zone, or None for the site's (anonymous, not set, or no longer known)."""
    name = getattr(user, "time_zone", "") if getattr(user, "is_authenticated", False) else ""
    if not name or name not in available_time_zones():
        return None
    return zoneinfo.ZoneInfo(name)


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = zone_of(getattr(request, "user", None))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
