"""The inbound pipeline: small filters run in order over one stored message (after Zammad's channel
filters). Each looks at the message and either passes it on or decides what becomes of it:

    too large → parse → noise (bounces, auto-replies, bulk, loops) → our own mail coming back
    → sender (a user, an allowed domain, or unknown) → follow-up (headers, token, [#number])
    → sender may add to that case? → deliver: comment, follow-up case, new case, or hold

Runs inside the transaction `inbound.inbound_process` opens, so the message's row, the case, its
comment and the emails queued about them commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings

from supportal.accounts.models import User
from supportal.cases.models import Case
from supportal.channels.email import delivery, sender
from supportal.channels.email.models import InboundMessage, Outcome, Status
from supportal.channels.email.noise import classify_noise, suppresses_auto_answer
from supportal.channels.email.parse import parse_message
from supportal.channels.email.parsed import ParsedMessage
from supportal.channels.email.threads import case_of_message_ids, number_in_subject, numbers_in_tokens
from supportal.notifications.models import OutboundEmail


@dataclass
class Decision:
    outcome: Outcome
    reason: str = ""
    code: str = ""
    case: Case | None = None
    comment_id: int | None = None
    visible_text: str = ""


@dataclass
class Inbound:
    """The message as it moves through the filters; each filter may fill in what it found."""

    row: InboundMessage
    parsed: ParsedMessage = field(default_factory=ParsedMessage)
    address: str = ""
    user: User | None = None
    case: Case | None = None
    may_answer: bool = True  # an automatic answer (confirmation, instructions) may be sent
    found_by: str = ""


Filter = Callable[[Inbound], Decision | None]


def run_pipeline(row: InboundMessage) -> Decision:
    inbound = Inbound(row=row)
    decision: Decision | None = None
    for step in FILTERS:
        decision = step(inbound)
        if decision is not None:
            break
    assert decision is not None, "the last filter always decides"
    _record(inbound, decision)
    return decision


def too_large(inbound: Inbound) -> Decision | None:
    limit = int(getattr(settings, "SUPPORTAL_EMAIL_MAX_BYTES", 40 * 1024 * 1024))
    if inbound.row.size > limit:
        return Decision(
            Outcome.HELD, f"The message is {inbound.row.size} bytes, over the limit of {limit}.", "too-large"
        )
    return None


def parse(inbound: Inbound) -> Decision | None:
    parsed = parse_message(bytes(inbound.row.raw))
    inbound.parsed = parsed
    inbound.address = parsed.from_address or parsed.reply_to or inbound.row.envelope_from.lower()
    inbound.may_answer = not suppresses_auto_answer(parsed)
    row = inbound.row
    row.from_address = inbound.address[:320]
    row.subject = parsed.subject[:250]
    if not parsed.headers:
        return Decision(Outcome.HELD, "Unreadable: this is not an email message (no headers).", "unreadable")
    return None


def noise(inbound: Inbound) -> Decision | None:
    own = {
        parseaddr(address)[1].lower() for address in (settings.SUPPORT_ADDRESS, settings.DEFAULT_FROM_EMAIL)
    }
    verdict = classify_noise(inbound.parsed, own_addresses=own - {""})
    if verdict is not None:
        return Decision(Outcome.IGNORED, verdict.reason, verdict.code)
    if not inbound.address:
        return Decision(Outcome.HELD, "The message has no readable sender address.", "no-sender")
    return None


def own_mail(inbound: Inbound) -> Decision | None:
    """One of our own notifications coming back (a forwarding loop that stripped our headers)."""
    message_id = inbound.parsed.message_id
    if message_id and OutboundEmail.objects.filter(message_id=message_id).exists():
        return Decision(Outcome.IGNORED, "This is a message Supportal sent, coming back.", "loop-own-message")
    return None


def identify_sender(inbound: Inbound) -> Decision | None:
    found = sender.identify(inbound.address, inbound.parsed.from_name)
    if found.problem:
        inbound.user = None
        inbound.found_by = found.problem
        return None  # an unknown sender may still be a plain-address watcher of the case: decided below
    inbound.user = found.user
    return None


def follow_up(inbound: Inbound) -> Decision | None:
    """Which case this message continues: its headers, our reference token, or `[#number]`."""
    parsed = inbound.parsed
    case = case_of_message_ids([*parsed.in_reply_to, *reversed(parsed.references)])
    if case is not None:
        inbound.case, inbound.found_by = _survivor(case), "headers"
        return None
    numbers = numbers_in_tokens(parsed.text) or numbers_in_tokens(parsed.html)
    number = numbers[0] if numbers else ""
    how = "token"
    if not number:
        number, how = number_in_subject(parsed.subject), "subject"
    if number:
        case = Case.objects.filter(number=number).first()
        if case is not None:
            inbound.case, inbound.found_by = case, how
    if inbound.case is not None:
        inbound.case = _survivor(inbound.case)
    return None


def _survivor(case: Case) -> Case:
    """A reply to a case merged into another belongs to the one it was merged into."""
    for _ in range(5):  # merges do not chain far; a bound keeps a bad loop harmless
        if case.merged_into_id is None:
            return case
        case = Case.objects.get(pk=case.merged_into_id)
    return case


def deliver(inbound: Inbound) -> Decision:
    if inbound.case is not None:
        return delivery.add_to_case(inbound)
    return delivery.open_case(inbound)


FILTERS: list[Filter] = [too_large, parse, noise, own_mail, identify_sender, follow_up, deliver]  # type: ignore[list-item]


def _record(inbound: Inbound, decision: Decision) -> None:
    row = inbound.row
    row.outcome = decision.outcome
    row.status = {
        Outcome.CREATED: Status.DONE,
        Outcome.COMMENTED: Status.DONE,
        Outcome.HELD: Status.HELD,
        Outcome.IGNORED: Status.IGNORED,
    }[decision.outcome]
    row.reason = decision.reason
    row.reason_code = decision.code[:40]
    row.case = decision.case
    row.comment_id = decision.comment_id
    row.visible_text = decision.visible_text
    row.last_error = ""
