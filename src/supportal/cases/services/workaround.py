"""Marking a workaround: an agent tells the customer how to carry on while the fix is pending.

It records a public `workaround` event, which stops the case's workaround SLA clock (sla.services.follow),
and optionally adds the agent's public reply explaining it (which, like any public agent reply, meets the
first-response target too). Once per case; not on Resolved or Closed cases.
"""

from __future__ import annotations

from django.db import transaction

from supportal.cases import policies
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, Channel, EventKind
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden
from supportal.core.markdown import check_markdown
from supportal.orgs.policies import Actor

NOTE_MAX = 100_000


def case_mark_workaround(*, actor: Actor, case: Case, channel: Channel | str, comment: str = "") -> Case:
    """Record that a workaround was given (agents only), with an optional public reply describing it."""
    if not policies.can_work_case(actor, case):
        raise Forbidden("Only agents may mark a workaround.")
    comment = comment.strip()
    if comment:
        check_markdown(comment, field="comment")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state in (State.RESOLVED, State.CLOSED):
            raise Conflict(f"A case that is {State(locked.state).label} needs no workaround.")
        if CaseEvent.objects.filter(case=locked, kind=EventKind.WORKAROUND).exists():
            raise Conflict("A workaround is already recorded on this case.")
        comment_id = None
        if comment:
            from supportal.cases.services.comments import add_comment_row

            comment_id = add_comment_row(
                locked, actor=actor, body=comment[:NOTE_MAX], public=True, channel=channel
            ).pk
        history.touch(locked)
        history.record(
            locked, EventKind.WORKAROUND, actor=actor, channel=channel, data={"comment": comment_id},
            publish_as="case.updated",
        )  # fmt: skip
    case.updated_at = locked.updated_at
    return case
