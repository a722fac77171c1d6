"""Adding and removing a case's watchers from the case page's forms, the portal's (detail.py) and the
agent's (agent/case_edits.py): the service call and the message once done. A refusal is the service's
DomainError, left for each view to show its own way."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from supportal.cases import services
from supportal.cases.models import Case, Channel
from supportal.web.cases.detail_forms import WatcherForm

# The service's field names for the watcher form's.
WATCHER_ERRORS = {"watchers": "watcher"}


def add_watcher(request: HttpRequest, case: Case, form: WatcherForm) -> None:
    """`services.watcher_add` with the colleague or address the (valid) form names."""
    watcher = form.cleaned_data["watcher"]
    services.watcher_add(actor=request.user, case=case, watcher=watcher, channel=Channel.PORTAL)
    messages.success(request, f"{watcher} now watches this case.")


def remove_watcher(request: HttpRequest, case: Case) -> None:
    """`services.watcher_remove` with the posted address."""
    email = str(request.POST.get("email", "")).strip()
    services.watcher_remove(actor=request.user, case=case, email=email, channel=Channel.PORTAL)
    messages.success(request, f"{email} no longer watches this case.")
