"""Comments: public replies and internal notes, with their attachments.

A customer's reply on a case Awaiting Info or Resolved reopens it; on a Closed case it opens a linked
follow-up case instead (Closed is final).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from supportal.accounts.models import User
from supportal.cases import policies, search
from supportal.cases.lifecycle import Action, Role, State
from supportal.cases.models import Case, Channel, Comment, EventKind
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.core.files import CheckedFile
from supportal.core.markdown import check_markdown
from supportal.orgs.policies import Actor

BODY_MAX = 100_000
EXCERPT = 200


def comment_add(
    *,
    actor: Actor,
    case: Case,
    body: str,
    channel: Channel | str,
    public: bool = True,
    on_behalf_of: User | None = None,
    files: Sequence[CheckedFile] = (),
) -> Comment:
    """Add a reply (public) or an internal note. Returns the comment; on a Closed case a customer's
    reply lands on the new follow-up case, which `comment.case` names."""
    if on_behalf_of is not None and not (
        policies.can_work_case(actor, case) and policies.can_act_as_customer(on_behalf_of, case)
    ):
        raise Forbidden("You may write only for a customer who may comment on this case.")
    if public and not policies.can_comment(actor, case):
        raise Forbidden("You may not comment on this case.")
    if not public and not policies.can_add_internal_note(actor, case):
        raise Forbidden("Only agents may add internal notes.")
    body = body.strip()
    if not body and not files:
        raise InvalidInput("Write something.", fields={"body": ["This field is required."]})
    if len(body) > BODY_MAX:
        raise InvalidInput("The comment is too long.", fields={"body": [f"At most {BODY_MAX} characters."]})
    check_markdown(body, field="body")
    customer_reply = public and policies.role_of(actor, on_behalf_of_customer=on_behalf_of is not None) == (
        Role.CUSTOMER
    )
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.state == State.CLOSED:
            if not customer_reply:
                raise Conflict("This case is closed; nothing more may change.")
            from supportal.cases.services.links import follow_up_create

            follow_up = follow_up_create(
                actor=actor, closed=locked, body=body, channel=channel, on_behalf_of=on_behalf_of
            )
            return add_comment_row(
                follow_up, actor=actor, body=body, public=True, channel=channel,
                on_behalf_of=on_behalf_of, files=files, is_opening=True,
            )  # fmt: skip
        comment = add_comment_row(
            locked,
            actor=actor,
            body=body,
            public=public,
            channel=channel,
            on_behalf_of=on_behalf_of,
            files=files,
        )
        if customer_reply and locked.state in (State.AWAITING_INFO, State.RESOLVED):
            from supportal.cases.services.transitions import case_transition

            case_transition(
                actor=actor, case=locked, action=Action.REPLY, channel=channel, on_behalf_of=on_behalf_of
            )
        else:
            history.touch(locked)
    case.state, case.updated_at = locked.state, locked.updated_at
    return comment


def add_comment_row(
    case: Case,
    *,
    actor: Actor,
    body: str,
    public: bool,
    channel: Channel | str,
    on_behalf_of: User | None = None,
    files: Sequence[CheckedFile] = (),
    is_opening: bool = False,
    author_label: str = "",
) -> Comment:
    """The comment row, its attachments, its event and its search text (inside the caller's transaction)."""
    comment = Comment.objects.create(
        case=case,
        author=history.user_of(actor),
        author_label=(author_label or history.label_of(actor))[:200],
        on_behalf_of=on_behalf_of,
        body=body,
        public=public,
        channel=channel,
    )
    from supportal.cases.services.attachments import add_attachment_rows

    attachments = add_attachment_rows(
        case, files, actor=actor, channel=channel, public=public, comment=comment
    )
    history.record(
        case,
        EventKind.COMMENTED,
        actor=actor,
        channel=channel,
        public=public,
        on_behalf_of=on_behalf_of,
        data={
            "comment": comment.pk,
            "excerpt": body[:EXCERPT],
            "attachments": [a.pk for a in attachments],
            "opening": is_opening,
        },
        publish_as="case.commented",
    )
    search.add_text(case, body, public=public)
    return comment


def comment_add_by_watcher_address(
    *, case: Case, address: str, body: str, channel: Channel | str, files: Sequence[CheckedFile] = ()
) -> Comment:
    """A public reply from a watcher who has no account (a plain address on the watchlist), by email:
    written by the email system actor and labelled with the address. It changes no state."""
    from supportal.accounts.services import system_user

    address = address.strip().lower()
    if not address or not case.watchers.filter(email__iexact=address, user__isnull=True).exists():
        raise Forbidden("Only the case's watchers may add to it.")
    body = body.strip()
    if not body and not files:
        raise InvalidInput("Write something.", fields={"body": ["This field is required."]})
    check_markdown(body, field="body")
    actor = system_user("email", "Email")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == State.CLOSED:
            raise Conflict("This case is closed; nothing more may change.")
        comment = add_comment_row(
            locked, actor=actor, body=body[:BODY_MAX], public=True, channel=channel, files=files,
            author_label=f"{address} (watcher)",
        )  # fmt: skip
        history.touch(locked)
    return comment
