"""Turning case domain events into emails: who is told what, by which message.

- a new case (any channel but email, whose pipeline confirms by itself): `case_confirmation` to the
  requester, a watchlist copy to the watchers, `case_new_in_organisation` to colleagues who asked;
- a public reply: `case_reply` to the other side (an agent's to the requester and watchers, a customer's
  to the assignee and the other customer-side people); an internal note only to the assignee;
- a state change: `case_info_requested`, `case_resolved` or `case_state_changed`; a priority change:
  `case_priority_changed`; both to the requester and watchers (and the assignee when a customer moved).

The actor never hears of their own action (the requester does get the confirmation of their case).
A comment made together with a move (the question of "ask for information", the solution of
"resolve") is told once, in the move's email. Every case email goes through `send_case_email`, which
threads it; the inbound pipeline's automatic answers go through `send_inbound_answer`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from supportal.accounts.models import UserKind
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, Channel, Comment, EventKind, Priority
from supportal.cases.services.priority import state_labels
from supportal.channels.email.outbound import send_case_email
from supportal.core.domain_events import DomainEvent, subscribe
from supportal.core.markdown import markdown_to_text, render_markdown
from supportal.notifications.case_email_recipients import (
    COMMENTS,
    STATE_CHANGES,
    case_people,
    colleagues_told_of_new_case,
    emailable,
)
from supportal.notifications.emails import absolute_url, send_templated_email
from supportal.notifications.escalation_emails import tell_of_escalation

INBOUND_ANSWERS = frozenset({"email_register_first", "email_portal_required", "email_not_allowed"})
# A comment and a move this close together, by the same person, were one action (case_transition).
SAME_ACTION = timedelta(seconds=2)


_muted = threading.local()


@contextmanager
def case_emails_muted() -> Iterator[None]:
    """No case emails for what happens inside (the demo's history, written days back in one go)."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False


@subscribe("case.created", "case.commented", "case.state_changed", "case.priority_changed", "case.escalated")
def email_people(event: DomainEvent) -> None:
    """Queue the emails of one case event as a job, so that the request that made the change does not
    wait for them to be rendered (the job calls `email_for_event`)."""
    if event.event_id is None or getattr(_muted, "on", False):
        return
    from supportal.notifications.tasks import email_case_event

    email_case_event(event.event_id)


def email_for_event(event_id: int) -> None:
    """Send the emails one case event calls for, in one transaction (outbox rows and thread rows)."""
    row = (
        CaseEvent.objects.select_related("case__requester", "case__assignee", "case__organisation", "actor")
        .filter(pk=event_id)
        .first()
    )
    if row is None:
        return
    handler = _HANDLERS.get(EventKind(row.kind))
    if handler is not None:
        with transaction.atomic():
            handler(row)


def send_case_confirmation(case: Case, *, to: Sequence[str], watchlist_copy: bool = False) -> str:
    """The confirmation of a new case: its number, priority, what happens next, the link and the
    reference token. `watchlist_copy` words it for someone on the watchlist. Returns the Message-ID."""
    return send_case_email(
        name="case_confirmation",
        case=case,
        to=to,
        context={"watchlist_copy": watchlist_copy, **_case_context(case)},
    )


def send_inbound_answer(name: str, *, to: str, context: dict[str, Any], in_reply_to: str = "") -> str:
    """An automatic answer to an inbound message that did not become part of a case.

    `name` is one of INBOUND_ANSWERS. The context may hold `subject` (their message's subject), `name`
    (the sender's display name) and, for `email_not_allowed`, `case_number`; the links are added here.
    The answer threads under their message (In-Reply-To/References) but belongs to no case; recording it
    against the daily cap (`auto_answer_record`) is the caller's. Returns the Message-ID.
    """
    if name not in INBOUND_ANSWERS:
        raise ValueError(f"Unknown automatic answer {name!r}.")
    headers = {"In-Reply-To": in_reply_to, "References": in_reply_to} if in_reply_to else None
    full = {
        "register_url": absolute_url(reverse("account_register")),
        "new_case_url": absolute_url(reverse("web:case_new")),
        "home_url": absolute_url("/"),
        **context,
    }
    full.setdefault("original_subject", context.get("subject", ""))
    return send_templated_email(name=name, to=[to], context=full, headers=headers)


# --- One handler per event kind


def _created(row: CaseEvent) -> None:
    case = row.case
    if case.channel == Channel.EMAIL:
        return  # the inbound pipeline confirms (or not: it knows whether an automatic answer may go)
    people = case_people(case)
    if emailable(case.requester):  # the confirmation goes to the requester even when they opened it
        send_case_confirmation(case, to=[case.requester.email])
    watchers = people.customer_side(preference=None, skip=[row.actor_id, case.requester_id])
    if watchers:
        send_case_confirmation(case, to=watchers, watchlist_copy=True)
    colleagues = colleagues_told_of_new_case(people, skip=[row.actor_id])
    if colleagues:
        send_case_email(
            name="case_new_in_organisation", case=case, to=colleagues, context=_case_context(case)
        )


WATCHER_SUFFIX = " (watcher)"  # cases.services.comments.comment_add_by_watcher_address labels so


def _commented(row: CaseEvent) -> None:
    if row.data.get("opening") or (row.public and _move_after(row) is not None):
        return  # opening a follow-up case: its confirmation tells; with a move: the move's email tells
    comment = Comment.objects.filter(pk=row.data.get("comment")).prefetch_related("attachments").first()
    if comment is None:
        return
    people = case_people(row.case)
    skip = [row.actor_id, row.on_behalf_of_id]
    context = {"comment": _comment_context(comment)}
    if not comment.public:  # internal notes never reach the customer side
        _send(row.case, "case_reply", [], people.provider_side(preference=COMMENTS, skip=skip), context)
        return
    customers = people.customer_side(preference=COMMENTS, skip=skip)
    if comment.author_label.endswith(WATCHER_SUFFIX):  # a plain-address watcher's own reply by email
        writer = comment.author_label.removesuffix(WATCHER_SUFFIX).lower()
        customers = [address for address in customers if address.lower() != writer]
    agents = people.provider_side(preference=COMMENTS, skip=skip, besides=customers)
    _send(row.case, "case_reply", customers, agents, context)


def _state_changed(row: CaseEvent) -> None:
    action, new = row.data.get("action"), row.data.get("new")
    if action == Action.REPLY:
        return  # a customer's reply reopened it: the reply's email tells
    labels = state_labels()
    context: dict[str, Any] = {
        "old_state": labels.get(str(row.data.get("old")), row.data.get("old")),
        "new_state": labels.get(str(new), new),
        "action": action,
        "reason": row.data.get("reason", ""),
        "merged_into": row.data.get("merged_into", ""),
        "actor_label": row.actor_label,
    }
    comment = _comment_before(row)
    if comment is not None:
        context["comment"] = _comment_context(comment)
    name = "case_state_changed"
    if new == State.AWAITING_INFO:
        name = "case_info_requested"
    elif new == State.RESOLVED:
        name = "case_resolved"
        context["auto_close_days"] = settings.SUPPORTAL_AUTO_CLOSE_DAYS
    _send_to_both_sides(row, name, STATE_CHANGES, context)


def _priority_changed(row: CaseEvent) -> None:
    context = {
        "old_priority": _priority_label(str(row.data.get("old", ""))),
        "new_priority": _priority_label(str(row.data.get("new", ""))),
        "reason": row.data.get("reason", ""),
        "actor_label": row.actor_label,
    }
    _send_to_both_sides(row, "case_priority_changed", STATE_CHANGES, context)


_HANDLERS: dict[EventKind, Callable[[CaseEvent], None]] = {
    EventKind.CREATED: _created,
    EventKind.COMMENTED: _commented,
    EventKind.STATE_CHANGED: _state_changed,
    EventKind.PRIORITY_CHANGED: _priority_changed,
    EventKind.ESCALATED: tell_of_escalation,
}


# --- Helpers


def _send_to_both_sides(row: CaseEvent, name: str, preference: str, context: dict[str, Any]) -> None:
    """The requester and watchers; the assignee too when the customer side (not an agent) acted."""
    people = case_people(row.case)
    skip = [row.actor_id, row.on_behalf_of_id]
    customers = people.customer_side(preference=preference, skip=skip)
    agents = (
        [] if _by_provider(row) else people.provider_side(preference=preference, skip=skip, besides=customers)
    )
    _send(row.case, name, customers, agents, context)


def _send(case: Case, name: str, customers: list[str], agents: list[str], context: dict[str, Any]) -> None:
    """One message to the customer side, another to the provider side (its link opens the workspace)."""
    full = {**_case_context(case), **context}
    if customers:
        send_case_email(name=name, case=case, to=customers, context=full)
    if agents:
        agent_url = absolute_url(f"/agent/cases/{case.number}/")
        send_case_email(
            name=name, case=case, to=agents, context={**full, "case_url": agent_url, "for_agents": True}
        )


def _by_provider(row: CaseEvent) -> bool:
    """Whether an agent (for themselves) or the system acted, rather than someone of the customer's."""
    if row.on_behalf_of_id is not None:
        return False
    return row.actor is None or row.actor.kind in (UserKind.AGENT, UserKind.SYSTEM)


def _move_after(row: CaseEvent) -> CaseEvent | None:
    """The state change recorded right after this comment by the same person in the same action
    (not a customer's reply reopening the case: that one is told by the reply)."""
    following = CaseEvent.objects.filter(case_id=row.case_id, pk__gt=row.pk).order_by("pk").first()
    if following is None or not _one_action(row, following):
        return None
    if following.kind != EventKind.STATE_CHANGED or following.data.get("action") == Action.REPLY:
        return None
    return following


def _comment_before(row: CaseEvent) -> Comment | None:
    """The public comment that came with this move (the question asked, the solution given), if any."""
    before = CaseEvent.objects.filter(case_id=row.case_id, pk__lt=row.pk).order_by("-pk").first()
    if before is None or before.kind != EventKind.COMMENTED or not before.public:
        return None
    if not _one_action(before, row):
        return None
    return Comment.objects.filter(pk=before.data.get("comment")).prefetch_related("attachments").first()


def _one_action(first: CaseEvent, second: CaseEvent) -> bool:
    return first.actor_id == second.actor_id and abs(second.at - first.at) <= SAME_ACTION


def _comment_context(comment: Comment) -> dict[str, Any]:
    files = [attachment.filename for attachment in comment.attachments.all()]
    return {
        "author": comment.author_label,
        "internal": not comment.public,
        "html": render_markdown(comment.body),
        "text": markdown_to_text(comment.body),
        "attachments": files,
    }


def _case_context(case: Case) -> dict[str, Any]:
    return {
        "priority_label": _priority_label(case.priority),
        "requester_name": case.requester_name or case.requester.display_name,
        "description_html": render_markdown(case.description),
        "description_text": markdown_to_text(case.description),
    }


def _priority_label(priority: str) -> str:
    return str(Priority(priority).label) if priority in Priority.values else priority
