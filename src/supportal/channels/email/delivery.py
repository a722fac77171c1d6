"""The pipeline's last filter: what a message from a person becomes — a comment on its case, a follow-up
of a closed case, a new case, or a message held for an agent — and the automatic answer, if any."""

from __future__ import annotations

from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from supportal.accounts.models import User, UserKind
from supportal.cases import policies
from supportal.cases.models import Case, Channel
from supportal.cases.services import attachment_add, case_create, comment_add, watcher_add
from supportal.cases.services.comments import comment_add_by_watcher_address
from supportal.channels.email.content import files_of, markdown_body, new_case_subject
from supportal.channels.email.models import Direction, Outcome
from supportal.channels.email.outbound import auto_answer_allowed, auto_answer_record
from supportal.channels.email.reply import visible_reply
from supportal.channels.email.threads import thread_add
from supportal.core.errors import Conflict, DomainError, Forbidden
from supportal.notifications.case_emails import send_case_confirmation, send_inbound_answer

if TYPE_CHECKING:
    from supportal.channels.email.pipeline import Decision, Inbound


def add_to_case(inbound: Inbound) -> Decision:
    """A reply to a case: only people who may comment on it (or its plain-address watchers) add to it."""
    from supportal.channels.email.pipeline import Decision

    case = inbound.case
    assert case is not None
    parsed = inbound.parsed
    text = visible_reply(parsed.text, parsed.html) or parsed.text.strip()
    files, notes = files_of(parsed)
    body = markdown_body(text, notes)
    user = inbound.user
    try:
        if user is None:
            if not case.watchers.filter(email__iexact=inbound.address, user__isnull=True).exists():
                return _hold_not_allowed(inbound, case, "unknown-sender-on-case")
            comment = comment_add_by_watcher_address(
                case=case, address=inbound.address, body=body, channel=Channel.EMAIL, files=files
            )
        elif not policies.can_comment(user, case):
            return _hold_not_allowed(inbound, case, "not-allowed")
        else:
            comment = comment_add(actor=user, case=case, body=body, channel=Channel.EMAIL, files=files)
    except (Conflict, Forbidden) as error:
        return Decision(Outcome.HELD, f"Case {case.number}: {error.detail}", "case-refused", case=case)
    except DomainError as error:
        return Decision(Outcome.HELD, f"Case {case.number}: {error.detail}", "invalid", case=case)
    thread_add(comment.case, inbound.parsed.message_id, Direction.IN)
    if comment.case.pk != case.pk:  # a reply to a Closed case opened its follow-up
        _confirm(inbound, comment.case)
        return Decision(
            Outcome.CREATED,
            f"Follow-up of the closed case {case.number}.",
            "follow-up",
            case=comment.case,
            comment_id=comment.pk,
            visible_text=text,
        )
    how = {
        "headers": "its headers",
        "token": "the reference token",
        "subject": "the [#number] in the subject",
    }
    return Decision(
        Outcome.COMMENTED,
        f"Added to {case.number}, found by {how.get(inbound.found_by, 'its headers')}.",
        "comment",
        case=case,
        comment_id=comment.pk,
        visible_text=text,
    )


def open_case(inbound: Inbound) -> Decision:
    from supportal.channels.email.pipeline import Decision

    user = inbound.user
    if user is None:
        _answer(inbound, "email_register_first", once_a_day=True)
        return Decision(Outcome.HELD, f"Unknown sender: {inbound.address} has no account.", "unknown-sender")
    if user.kind == UserKind.AGENT:
        return Decision(
            Outcome.HELD,
            f"{inbound.address} is an agent; mail from an agent without a case reference waits here to be "
            "made a case for the right customer.",
            "agent-new-mail",
        )
    membership = getattr(user, "membership", None)
    organisation = membership.organisation if membership is not None else getattr(user, "virtual_for", None)
    if organisation is None:
        return Decision(Outcome.HELD, f"{inbound.address} belongs to no organisation.", "no-organisation")
    parsed = inbound.parsed
    files, notes = files_of(parsed)
    try:
        case = case_create(
            actor=user,
            organisation=organisation,
            subject=new_case_subject(parsed.subject),
            description=markdown_body(parsed.text.strip(), notes),
            channel=Channel.EMAIL,
            requester_name=parsed.from_name[:200] if organisation.shared_login else "",
        )
        for file in files:
            attachment_add(actor=user, case=case, file=file, channel=Channel.EMAIL)
        _watch_copied(inbound, case, user)
    except Forbidden as error:
        plan = organisation.plan
        if plan.portal_required_for_new_cases or not plan.allows("email"):
            _answer(inbound, "email_portal_required", once_a_day=True, organisation=organisation)
            return Decision(Outcome.HELD, str(error.detail), "portal-required")
        return Decision(Outcome.HELD, str(error.detail), "not-allowed")
    thread_add(case, parsed.message_id, Direction.IN)
    _confirm(inbound, case)
    return Decision(
        Outcome.CREATED, f"Case {case.number} opened.", "created", case=case, visible_text=parsed.text.strip()
    )


MAX_COPIED_WATCHERS = 10


def _watch_copied(inbound: Inbound, case: Case, user: User) -> None:
    """The people the sender copied (Cc) follow the case as watchers, as they follow the thread by mail;
    an address the case may not have (another organisation's user) is skipped."""
    own = {
        settings.SUPPORT_ADDRESS.lower(),
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower(),
        user.email.lower(),
    }
    copied = [a for a in dict.fromkeys(inbound.parsed.cc) if a and a not in own][:MAX_COPIED_WATCHERS]
    for address in copied:
        try:
            with transaction.atomic():
                watcher_add(actor=user, case=case, watcher=address, channel=Channel.EMAIL)
        except DomainError:
            continue


def _hold_not_allowed(inbound: Inbound, case: Case, code: str) -> Decision:
    from supportal.channels.email.pipeline import Decision

    _answer(inbound, "email_not_allowed", once_a_day=True, case_number=case.number)
    who = inbound.address
    return Decision(
        Outcome.HELD, f"{who} may not add to case {case.number}; an agent may attach it.", code, case=case
    )


def _confirm(inbound: Inbound, case: Case) -> None:
    if inbound.may_answer and auto_answer_allowed(inbound.address, "case_confirmation"):
        send_case_confirmation(case, to=[inbound.address])
        auto_answer_record(inbound.address, "case_confirmation")


def _answer(inbound: Inbound, name: str, *, once_a_day: bool, **context: object) -> None:
    """A polite automatic answer, unless the message asks for none or the address had enough today."""
    if not inbound.may_answer or not auto_answer_allowed(inbound.address, name, once_a_day=once_a_day):
        return
    send_inbound_answer(
        name,
        to=inbound.address,
        context={"subject": inbound.parsed.subject, "name": inbound.parsed.from_name, **context},
        in_reply_to=inbound.parsed.message_id,
    )
    auto_answer_record(inbound.address, name)
