"""What an agent does with a message the pipeline could not place: attach it to a case, open a case
from it for a chosen customer, discard it with a reason, or retry one that failed.

Nothing inbound is dropped without a trace: every action keeps the row (a discarded message stays
forever, raw bytes and all), records who handled it and when, and writes an audit row. Customers never
see inbound mail: every function takes the acting user and refuses anyone who is not an agent.

Each action runs in one transaction with the row locked, and only from `held` or `failed` (retry: only
`failed`); anything else is a Conflict, so two agents handling the same message cannot both succeed.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from supportal.accounts.models import User, UserKind
from supportal.audit.services import AuditChannel, audit_record
from supportal.cases import policies
from supportal.cases.models import Case, Channel, Comment
from supportal.cases.services import attachment_add, case_create, comment_add
from supportal.cases.services.history import label_of
from supportal.channels.email import inbound
from supportal.channels.email.content import files_of, markdown_body, new_case_subject
from supportal.channels.email.models import Direction, InboundMessage, Outcome, Status
from supportal.channels.email.parse import parse_message
from supportal.channels.email.parsed import ParsedMessage
from supportal.channels.email.reply import visible_reply
from supportal.channels.email.threads import thread_add
from supportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from supportal.orgs.policies import Actor, is_agent

ACTIONABLE = frozenset({Status.HELD, Status.FAILED})
REASON_MAX = 1000
NO_TEXT = "*(The email had no text; the original is kept with the email.)*"


def inbound_visible_to(actor: Actor) -> QuerySet[InboundMessage]:
    """Every inbound message for agents; none for anybody else."""
    if not is_agent(actor):
        return InboundMessage.objects.none()
    return InboundMessage.objects.all()


def inbound_for(actor: Actor, message_id: int | str) -> InboundMessage:
    """The message with this id if the actor may see it; NotFound otherwise (existence not revealed)."""
    try:
        return inbound_visible_to(actor).select_related("case", "handled_by").get(pk=int(message_id))
    except (InboundMessage.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("No such email.") from None


def raw_download(*, actor: Actor, message: InboundMessage) -> tuple[bytes, str]:
    """The message byte for byte, and the file name to offer it under ("<id>.eml")."""
    _check_agent(actor)
    return bytes(message.raw), f"{message.pk}.eml"


def held_attach(
    *,
    actor: Actor,
    message: InboundMessage,
    case: Case,
    channel: str = AuditChannel.WEB,
    ip: str | None = None,
) -> Comment:
    """Add the message to `case`. Written by the agent on the sender's behalf as a public comment when
    the sender is a user who may comment on the case; otherwise an internal note headed "Email from
    <address>:". Its files come along; its Message-ID joins the case's thread so replies find the case."""
    _check_agent(actor)
    with transaction.atomic():
        row = _locked(message)
        parsed = parse_message(bytes(row.raw))
        address = row.from_address or parsed.from_address
        text = visible_reply(parsed.text, parsed.html) or parsed.text.strip()
        files, notes = files_of(parsed)
        sender = _known_user(address)
        if sender is not None and policies.can_act_as_customer(sender, case):
            body = markdown_body(text, notes) or (NO_TEXT if not files else "")
            comment = comment_add(
                actor=actor, case=case, body=body, channel=Channel.EMAIL, on_behalf_of=sender, files=files
            )
        else:
            heading = f"Email from {address or 'an unreadable address'}:"
            body = markdown_body(f"{heading}\n\n{text}" if text else heading, notes)
            comment = comment_add(
                actor=actor, case=case, body=body, channel=Channel.EMAIL, public=False, files=files
            )
        landed = comment.case  # a customer's reply to a Closed case lands on its new follow-up
        _thread(landed, parsed, row)
        old = _state(row)
        _finish(
            row, message, actor,
            status=Status.DONE, outcome=Outcome.COMMENTED, case=landed, comment=comment, visible_text=text,
            reason=f"Attached to {landed.number} by {label_of(actor)}.", reason_code="attached",
        )  # fmt: skip
        _audit(
            actor, "inbound_email.attached", row, old, channel=channel, ip=ip,
            organisation_id=landed.organisation_id, extra={"comment": comment.pk, "public": comment.public},
        )  # fmt: skip
    return comment


def held_create_case(
    *,
    actor: Actor,
    message: InboundMessage,
    requester: User,
    subject: str = "",
    channel: str = AuditChannel.WEB,
    ip: str | None = None,
) -> Case:
    """Open a case from the message for `requester` (a customer user), filed by the agent: the whole text
    as the description, its files attached, its thread recorded, and the confirmation sent to the
    requester."""
    _check_agent(actor)
    organisation = _organisation_of(requester)
    with transaction.atomic():
        row = _locked(message)
        parsed = parse_message(bytes(row.raw))
        files, notes = files_of(parsed)
        text = parsed.text.strip()
        case = case_create(
            actor=actor,
            organisation=organisation,
            subject=" ".join(subject.split()) or new_case_subject(parsed.subject),
            description=markdown_body(text, notes),
            channel=Channel.EMAIL,
            requester=requester,
        )
        for file in files:
            attachment_add(actor=actor, case=case, file=file, channel=Channel.EMAIL)
        _thread(case, parsed, row)
        old = _state(row)
        _finish(
            row, message, actor,
            status=Status.DONE, outcome=Outcome.CREATED, case=case, comment=None, visible_text=text,
            reason=f"Case {case.number} opened for {requester.display_name} by {label_of(actor)}.",
            reason_code="case-created",
        )  # fmt: skip
        _audit(
            actor, "inbound_email.case_created", row, old, channel=channel, ip=ip,
            organisation_id=organisation.pk, extra={"requester": requester.pk},
        )  # fmt: skip
        if requester.email:
            from supportal.notifications.case_emails import send_case_confirmation

            send_case_confirmation(case, to=[requester.email])
    return case


def held_discard(
    *,
    actor: Actor,
    message: InboundMessage,
    reason: str,
    channel: str = AuditChannel.WEB,
    ip: str | None = None,
) -> None:
    """Mark the message discarded, with the agent's reason. The row and its raw bytes are kept forever."""
    _check_agent(actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say why the email is discarded.", fields={"reason": ["This field is required."]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            "The reason is too long.", fields={"reason": [f"At most {REASON_MAX} characters."]}
        )
    with transaction.atomic():
        row = _locked(message)
        old = _state(row)
        _finish(
            row, message, actor,
            status=Status.DISCARDED, reason=f"Discarded by {label_of(actor)}: {reason}",
            reason_code="discarded",
        )  # fmt: skip
        _audit(
            actor, "inbound_email.discarded", row, old, channel=channel, ip=ip,
            organisation_id=_organisation_id(row), extra={"why": reason},
        )  # fmt: skip


def held_retry(
    *, actor: Actor, message: InboundMessage, channel: str = AuditChannel.WEB, ip: str | None = None
) -> inbound.Receipt:
    """Run the pipeline once more on a message that failed (after its error is fixed, say). Returns what
    became of it; a second failure leaves it `failed` with the new error."""
    _check_agent(actor)
    with transaction.atomic():
        row = _locked(message, allowed=frozenset({Status.FAILED}))
        old = _state(row)
        row.status = Status.RECEIVED
        row.claimed_until = None
        row.save(update_fields=["status", "claimed_until"])
        _audit(
            actor,
            "inbound_email.retried",
            row,
            old,
            channel=channel,
            ip=ip,
            organisation_id=_organisation_id(row),
        )
    receipt = inbound.inbound_process(row.pk)
    message.refresh_from_db()
    return receipt


# --- Helpers


def _check_agent(actor: Actor) -> None:
    if not is_agent(actor):
        raise Forbidden("Only agents handle inbound email.")


def _locked(message: InboundMessage, *, allowed: frozenset[Status] = ACTIONABLE) -> InboundMessage:
    row = (
        InboundMessage.objects.select_for_update(of=("self",))
        .select_related("case", "comment")
        .get(pk=message.pk)
    )
    if row.status not in allowed:
        names = " or ".join(str(Status(status).label).lower() for status in sorted(allowed))
        raise Conflict(
            f"This email is {Status(row.status).label.lower()}; only {names} email can be handled."
        )
    return row


def _known_user(address: str) -> User | None:
    """The active user whose email (or verified other address) this is; nobody is registered here."""
    address = (address or "").strip()
    if not address:
        return None
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    if user is not None:
        return user
    other = EmailAddress.objects.filter(email__iexact=address, verified=True).values_list(
        "user_id", flat=True
    )
    return User.objects.filter(pk__in=other[:1], is_active=True).first()


def _organisation_of(requester: User) -> Any:
    membership = getattr(requester, "membership", None)
    if requester.kind != UserKind.CUSTOMER or not requester.is_active or membership is None:
        raise InvalidInput(
            "Choose an active customer user.", fields={"requester": ["Not an active customer user."]}
        )
    return membership.organisation


def _thread(case: Case, parsed: ParsedMessage, row: InboundMessage) -> None:
    """The message's Message-ID joins the case's thread, so replies to it find the case."""
    thread_add(case, parsed.message_id or row.message_id, Direction.IN)


def _state(row: InboundMessage) -> dict[str, Any]:
    return {"status": row.status, "reason_code": row.reason_code, "reason": row.reason, "case": row.case_id}


def _finish(row: InboundMessage, given: InboundMessage, actor: Actor, **values: Any) -> None:
    """Record the outcome on the locked row, and on the caller's copy too (so a page shows it)."""
    now = timezone.now()
    values |= {"handled_by": actor, "handled_at": now, "processed_at": row.processed_at or now}
    for target in (row, given):
        for name, value in values.items():
            setattr(target, name, value)
    row.save(update_fields=[*values])


def _organisation_id(row: InboundMessage) -> int | None:
    return row.case.organisation_id if row.case is not None else None


def _audit(
    actor: Actor,
    action: str,
    row: InboundMessage,
    old: dict[str, Any],
    *,
    channel: str,
    ip: str | None,
    organisation_id: int | None,
    extra: dict[str, Any] | None = None,
) -> None:
    new = {**_state(row), "from": row.from_address, "subject": row.subject, **(extra or {})}
    audit_record(
        actor=actor, action=action, channel=channel, target=row, organisation_id=organisation_id,
        old=old, new=new, ip=ip,
    )  # fmt: skip
