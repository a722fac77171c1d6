"""The signed-in person's in-app notifications (/notifications/): newest first, a page at a time.

GET lists them ("Older" follows ``?before=<id>``, keyset pagination on the (user, -id) index); POST marks
every notification up to the newest one the page showed as read, so one that arrived meanwhile stays new.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from supportal.notifications.inbox import notifications_mark_read, notifications_of

PAGE_SIZE = 25
SHOWN = ("id", "text", "created_at", "read_at", "case__number")


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        count = notifications_mark_read(actor=request.user, up_to=_positive_int(request.POST.get("up_to")))
        if count:
            messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
        return HttpResponseRedirect(reverse("web:notifications"))
    before = _positive_int(request.GET.get("before"))
    # The case's number is all the page needs (its description may be long).
    rows = notifications_of(request.user).select_related("case").only(*SHOWN)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows[: PAGE_SIZE + 1])
    has_older = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    context = {
        "notifications": page,
        "older": page[-1].pk if has_older else None,
        "paged": before is not None,
        "up_to": page[0].pk if page and before is None else None,
    }
    return render(request, "web/notifications/list.html", context)


def _positive_int(raw: str | None) -> int | None:
    """A positive id from the query or form, or None for anything else."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    value = int(raw)
    return value if value > 0 else None
