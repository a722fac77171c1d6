"""The loop and noise filter on hand-built messages: one case per rule, and the people it must let
through (a subject that only sounds automatic, a forwarded bounce, a mail administrator writing)."""

from __future__ import annotations

import pytest

from supportal.channels.email.noise import Noise, classify_noise, suppresses_auto_answer
from supportal.channels.email.parsed import MailAttachment, ParsedMessage
from supportal.notifications.emails import LOOP_HEADER

PERSON = "alice@acme.example"
POSTFIX_DSN = (
    b"Reporting-MTA: dns; mx.acme.example\n\n"
    b"Final-Recipient: rfc822; bob@acme.example\n"
    b"Original-Recipient: rfc822; bob@acme.example\n"
    b"Action: failed\nStatus: 5.1.1\n"
    b"Diagnostic-Code: smtp; 550 5.1.1 <bob@acme.example>: Recipient address rejected: User unknown\n"
)


def message(
    subject: str = "The printer on floor 3 is jammed",
    *,
    sender: str = PERSON,
    name: str = "Alice Example",
    text: str = "Hello,\n\nthe printer jams on every page.\n\nAlice",
    headers: dict[str, str] | None = None,
    **fields: object,
) -> ParsedMessage:
    """A parsed message as `parse_message` fills it; `headers` are added to From/To/Subject."""
    raw = {
        "from": f"{name} <{sender}>" if sender else name,
        "to": "support@supportal.example",
        "subject": subject,
    }
    raw.update(headers or {})
    return ParsedMessage(
        subject=subject,
        from_address=sender,
        from_name=name,
        to=["support@supportal.example"],
        text=text,
        headers={key.lower(): [value] for key, value in raw.items()},
        **fields,  # type: ignore[arg-type]
    )


def verdict(msg: ParsedMessage, **kwargs: object) -> tuple[str, str]:
    noise = classify_noise(msg, **kwargs)  # type: ignore[arg-type]
    assert noise is not None, f"{msg.subject!r} from {msg.from_address!r} was taken for a person"
    assert isinstance(noise, Noise) and noise.reason.endswith(".")
    return noise.kind, noise.code


def reason(msg: ParsedMessage) -> str:
    noise = classify_noise(msg)
    assert noise is not None
    return noise.reason


# --- loops ---------------------------------------------------------------------------------------


def test_our_own_notification_coming_back_is_a_loop_even_when_it_looks_automatic() -> None:
    own = message(
        "[#1042] Printer jammed",
        sender="support@supportal.example",
        headers={LOOP_HEADER: "support@supportal.example", "Auto-Submitted": "auto-generated"},
    )
    assert verdict(own) == ("loop", "loop-own-notification")
    assert "X-Supportal-Loop" in reason(own)


def test_mail_from_one_of_our_own_addresses_is_a_loop_whatever_its_case() -> None:
    msg = message("Hello", sender="support@supportal.example")
    assert verdict(msg, own_addresses=["Support@Supportal.Example "]) == ("loop", "loop-own-address")
    assert classify_noise(msg) is None  # without knowing our addresses it is just mail


# --- bounces -------------------------------------------------------------------------------------


def test_a_delivery_status_notification_says_what_failed_for_whom() -> None:
    dsn = message(
        "Undelivered Mail Returned to Sender",
        sender="mailer-daemon@mx.acme.example",
        name="Mail Delivery System",
        headers={"Content-Type": "multipart/report; report-type=delivery-status; boundary=x"},
        is_delivery_report=True,
        attachments=[MailAttachment("delivery-status.txt", "message/delivery-status", POSTFIX_DSN)],
    )
    assert verdict(dsn) == ("bounce", "bounce-dsn")
    assert reason(dsn) == (
        "Delivery status notification from mailer-daemon@mx.acme.example "
        "(5.1.1 user unknown, SMTP 550, for bob@acme.example)."
    )


def test_a_delay_warning_is_told_apart_from_a_failure() -> None:
    delayed = POSTFIX_DSN.replace(b"Action: failed\nStatus: 5.1.1", b"Action: delayed\nStatus: 4.4.7")
    dsn = message(
        "Delayed Mail (still being retried)",
        sender="mailer-daemon@mx.acme.example",
        is_delivery_report=True,
        attachments=[MailAttachment("delivery-status.txt", "message/delivery-status", delayed)],
    )
    assert reason(dsn).startswith("Delivery delay warning from mailer-daemon@mx.acme.example (4.4.7 delivery")


def test_x_failed_recipients_names_the_recipient() -> None:
    bounce = message("Oops", sender="relay@acme.example", headers={"X-Failed-Recipients": "bob@acme.example"})
    assert verdict(bounce) == ("bounce", "bounce-text")
    assert "bob@acme.example" in reason(bounce)


@pytest.mark.parametrize(
    ("sender", "name", "header"),
    [
        ("mailer-daemon@mx.acme.example", "Mail Delivery System", {}),
        ("MAIL-DELIVERY-SUBSYSTEM@mx.acme.example".lower(), "", {}),
        ("", "MAILER-DAEMON", {"From": "MAILER-DAEMON <>"}),
    ],
)
def test_mail_from_a_mailer_daemon_is_a_bounce(sender: str, name: str, header: dict[str, str]) -> None:
    assert verdict(message("Anything at all", sender=sender, name=name, headers=header))[0] == "bounce"


def test_an_exchange_ndr_header_is_a_bounce() -> None:
    ndr = message("Test", sender="postmaster@acme.example", headers={"X-MS-Exchange-Message-Is-Ndr": ""})
    assert verdict(ndr) == ("bounce", "bounce-dsn")


@pytest.mark.parametrize(
    "subject",
    [
        "Undelivered Mail Returned to Sender",
        "Delivery Status Notification (Failure)",
        "Delivery Status Notification (Delay)",
        "Mail delivery failed: returning message to sender",
        "Returned mail: see transcript for details",
        "Undeliverable: Quarterly report",
        "Undeliverable message: Quarterly report",
        "Delivery Notification: Delivery has failed",
        "Mail System Error - Returned Mail",
        "Warning: could not send message for past 4 hours",
        "[Postmaster] Undeliverable: Quarterly report",
        "**Message you sent blocked by our bulk email filter**",
        "Unzustellbar: Angebot",
        "Non remis : Réunion",
        "Onbestelbaar: Offerte",
        "Non recapitabile: Offerta",
        "No se puede entregar: Oferta",
        "Недоставленное сообщение",
        "メッセージを配信できません。",
    ],
)
def test_subjects_only_mail_servers_write_are_bounces_alone(subject: str) -> None:
    assert verdict(message(subject, sender="gateway@acme.example"))[0] == "bounce"


@pytest.mark.parametrize("subject", ["failure notice", "Mail delivery failed", "Delivery has failed"])
def test_a_weaker_bounce_subject_needs_the_null_sender(subject: str) -> None:
    assert classify_noise(message(subject, sender="gateway@acme.example")) is None
    assert (
        verdict(message(subject, sender="gateway@acme.example", headers={"Return-Path": "<>"}))[0] == "bounce"
    )


def test_bounce_words_count_only_from_a_mail_system() -> None:
    text = "Your message to bob@acme.example could not be delivered: 550 5.1.1 user unknown."
    assert verdict(message("Your message", sender="postmaster@acme.example", text=text)) == (
        "bounce",
        "bounce-text",
    )
    assert classify_noise(message("Your message", text=text)) is None


def test_a_spam_complaint_is_a_feedback_report() -> None:
    arf = message(
        "Email Feedback Report for IP 192.0.2.1",
        sender="feedback@arf.mail.example",
        headers={"Content-Type": 'multipart/report; report-type="feedback-report"; boundary=x'},
        is_delivery_report=True,
        attachments=[
            MailAttachment("f.txt", "message/feedback-report", b"Feedback-Type: abuse\nVersion: 1\n")
        ],
    )
    assert verdict(arf) == ("bounce", "feedback-report")
    assert "(abuse)" in reason(arf)


def test_a_read_receipt_is_an_automatic_reply() -> None:
    mdn = message(
        "Read: The printer on floor 3 is jammed",
        headers={"Content-Type": "multipart/report; report-type=disposition-notification; boundary=x"},
        is_delivery_report=True,
    )
    assert verdict(mdn) == ("auto-reply", "read-receipt")


def test_a_bounce_marked_auto_submitted_is_still_a_bounce() -> None:
    dsn = message(
        "Undelivered Mail Returned to Sender",
        sender="mailer-daemon@mx.acme.example",
        headers={"Auto-Submitted": "auto-replied"},
        is_delivery_report=True,
    )
    assert verdict(dsn)[0] == "bounce"


# --- automatic replies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [("auto-replied", "Automatic reply"), ("auto-generated (failure)", "Automatic message")],
)
def test_rfc_3834_auto_submitted_is_an_automatic_reply(value: str, words: str) -> None:
    msg = message("Re: The printer", headers={"Auto-Submitted": value})
    assert verdict(msg) == ("auto-reply", "auto-submitted")
    assert reason(msg).startswith(f"{words} from {PERSON}")


def test_auto_submitted_no_is_a_person() -> None:
    assert classify_noise(message(headers={"Auto-Submitted": "no"})) is None


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Vacation"),
        ("X-AutoReply-From", PERSON),
        ("X-Mail-Autoreply", "yes"),
        ("X-Autogenerated", "Reply"),
        ("X-Apple-Action", "VACATION"),
    ],
)
def test_autoresponder_headers_are_automatic_replies(header: str, value: str) -> None:
    assert verdict(message("Thank you for your mail", headers={header: value})) == (
        "auto-reply",
        "x-autoreply",
    )


def test_a_message_forwarded_by_a_rule_is_not_an_automatic_reply() -> None:
    assert classify_noise(message(headers={"X-Autogenerated": "Forward"})) is None


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: The printer on floor 3",
        "Out of Office AutoReply: The printer",
        "Automatic reply: The printer",
        "Auto Reply: The printer",
        "AutoRespons :Nyaan?",
        "Autoreply",
        "[Out of Office] The printer",
        "Abwesenheitsnotiz: Drucker",
        "Automatische Antwort: Drucker",
        "Réponse automatique : Imprimante",
        "Absence du bureau : Imprimante",
        "Automatisch antwoord: Printer",
        "Respuesta automática: Impresora",
        "Risposta automatica: Stampante",
        "Automatiskt svar: Skrivare",
        "Autosvar: Printer",
        "Automatyczna odpowiedź: Drukarka",
        "Автоматический ответ: Принтер",
        "自動応答: プリンター",
    ],
)
def test_out_of_office_subjects_are_automatic_replies(subject: str) -> None:
    assert verdict(message(subject)) == ("auto-reply", "out-of-office")


@pytest.mark.parametrize("subject", ["Absence: Maria Example", "Auto: The printer", "Away until May 5"])
def test_a_subject_a_person_might_write_needs_a_machine_sign(subject: str) -> None:
    assert classify_noise(message(subject)) is None
    for sign in ({"X-Auto-Response-Suppress": "OOF, AutoReply"}, {"Return-Path": "<>"}):
        assert verdict(message(subject, headers=sign)) == ("auto-reply", "out-of-office")


def test_x_auto_response_suppress_without_out_of_office_meaning_is_no_sign() -> None:
    assert (
        classify_noise(message("Absence: Maria Example", headers={"X-Auto-Response-Suppress": "DR, RN"}))
        is None
    )


def test_x_auto_response_suppress_alone_is_a_person_who_wants_no_automatic_answer() -> None:
    msg = message("Meeting: printer replacement", headers={"X-Auto-Response-Suppress": "All"})
    assert classify_noise(msg) is None
    assert suppresses_auto_answer(msg)


def test_a_dmarc_aggregate_report_is_automatic() -> None:
    report = message(
        "Report domain: acme.example Submitter: google.com Report-ID: 1234", sender="noreply@google.com"
    )
    assert verdict(report) == ("auto-reply", "dmarc-report")


# --- spam and bulk -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value"),
    [("X-Spam-Flag", "YES"), ("X-Spam-Status", "Yes, score=14.2 required=5.0"), ("X-Spam", "Yes")],
)
def test_mail_the_server_marked_as_spam_is_spam(header: str, value: str) -> None:
    assert verdict(message("Cheap printers", headers={header: value})) == ("spam", "spam-flag")


def test_the_gtube_string_is_spam() -> None:
    gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    assert verdict(message(text=f"Hello\n{gtube}\n")) == ("spam", "spam-gtube")


def test_a_clean_spam_verdict_is_a_person() -> None:
    assert classify_noise(message(headers={"X-Spam-Flag": "NO", "X-Spam-Status": "No, score=-1.1"})) is None


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"Precedence": "bulk"}, "precedence-bulk"),
        ({"Precedence": "JUNK"}, "precedence-junk"),
        ({"Precedence": "list"}, "precedence-list"),
        ({"List-Id": "Printer fans <printers.lists.example>"}, "list-id"),
        ({"List-Unsubscribe": "<https://news.example/unsubscribe>"}, "list-unsubscribe"),
    ],
)
def test_lists_and_newsletters_are_bulk(headers: dict[str, str], code: str) -> None:
    assert verdict(message("Our spring newsletter", sender="news@vendor.example", headers=headers)) == (
        "bulk",
        code,
    )


# --- people ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: Out of office hours question", "Can I call you out of office hours?"),
        ("Out of office hours question", "Is the desk staffed at weekends?"),
        ("Undeliverable package from your shop", "The courier says the package is undeliverable."),
        ("Re: automatic backups fail", "The automatic backup failed again last night."),
        ("Auto renewal of my licence", "Please stop the automatic renewal."),
        ("Automatic reply settings not working in Outlook", "My out-of-office does not switch on."),
        ("Delivery failure of order 1234", "The parcel never arrived."),
        ("Returned mail from your warehouse", "We got our letters back."),
        ("Failure notice on the printer display", "It shows E-42."),
        ("Absence of invoices in the portal", "Where are March's invoices?"),
        ("Vacation request for next week", "Who approves it?"),
        ("Fwd: Undeliverable: Quarterly report", "I got this when I wrote to you:\n\n550 5.1.1 user unknown"),
        ("Re: Mail delivery failed: returning message to sender", "Why can't I reach bob@acme.example?"),
        ("Mail delivery failed", "My mail to the sales team could not be delivered, user unknown."),
    ],
)
def test_people_writing_about_such_things_are_people(subject: str, text: str) -> None:
    msg = message(subject, text=text)
    assert classify_noise(msg, own_addresses=["support@supportal.example"]) is None
    assert not suppresses_auto_answer(msg)


def test_a_mail_administrator_writing_normally_is_a_person() -> None:
    msg = message("New MX records", sender="postmaster@acme.example", text="We changed our MX records today.")
    assert classify_noise(msg) is None


# --- no automatic answer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "msg",
    [
        message(headers={"X-Auto-Response-Suppress": value})
        for value in ("All", "OOF", "AutoReply", "DR", "RN", "NRN", "DR, RN, NRN, OOF, AutoReply")
    ]
    + [
        message(headers={"Precedence": "first-class"}),
        message(headers={"Return-Path": "<>"}),
        message(sender="", name="Alice"),
        message(sender="noreply@shop.example"),
        message(sender="owner-printers@lists.example"),
        message(sender="printers-request@lists.example"),
    ],
)
def test_no_automatic_answer_where_none_is_wanted_or_possible(msg: ParsedMessage) -> None:
    assert suppresses_auto_answer(msg)


def test_a_person_may_be_answered() -> None:
    assert not suppresses_auto_answer(message(headers={"Return-Path": f"<{PERSON}>"}))
