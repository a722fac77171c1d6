"""The collision notice: which other agents have a case open, and whether they are writing.

The case page posts a heartbeat on load and every ~15 s (with `replying=1` while its composer holds
text); each heartbeat upserts the agent's `CaseViewer` row in one statement and answers with the
others seen in the last `PRESENCE_WINDOW`. Rows are not case data, so no service or event is involved:
they only say who is looking right now, and older ones are simply ignored.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supportal.accounts.models import User
from supportal.agent.guards import agent_required
from supportal.agent.models import CaseViewer
from supportal.cases.models import Case
from supportal.web.cases.case_http import case_or_404

PRESENCE_WINDOW = timedelta(seconds=45)
HEARTBEAT_SECONDS = 15
SHOWN_AT_MOST = 10


def presence_touch(case: Case, user: User, *, replying: bool) -> None:
    """Upsert the agent's row (one INSERT … ON CONFLICT DO UPDATE on SQLite and PostgreSQL alike)."""
    CaseViewer.objects.bulk_create(
        [CaseViewer(case=case, user=user, replying=replying, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["case", "user"],
        update_fields=["replying", "seen_at"],
    )


def other_viewers(case: Case, user: User) -> list[CaseViewer]:
    """The other agents seen on the case lately, those writing first."""
    since = timezone.now() - PRESENCE_WINDOW
    return list(
        CaseViewer.objects.filter(case=case, seen_at__gte=since, user__is_active=True)
        .exclude(user_id=user.pk)
        .select_related("user")
        .order_by("-replying", "user__name", "user_id")[:SHOWN_AT_MOST]
    )


def signature(viewers: list[CaseViewer]) -> str:
    """What the notice says, in short: the page sends it back so that an unchanged notice is not
    swapped in again (which would make screen readers repeat it)."""
    return ",".join(f"{v.user_id}:{int(v.replying)}" for v in viewers)


@agent_required
@require_POST
def case_presence(request: HttpRequest, number: str) -> HttpResponse:
    """The heartbeat: record this agent on the case, answer with the notice about the others (or 204
    when it has not changed since the page last showed it)."""
    case = case_or_404(request, number)
    user: User = request.user  # type: ignore[assignment]
    presence_touch(case, user, replying=request.POST.get("replying") == "1")
    viewers = other_viewers(case, user)
    shown = signature(viewers)
    if "shown" in request.POST and request.POST["shown"] == shown:
        return HttpResponse(status=204)
    return render(request, "agent/case_presence.html", {"viewers": viewers, "presence_signature": shown})
