"""The demo's email channel: a case Bob opened by mail and answered from Outlook, threaded by its
headers; a message from a stranger, held with the polite answer sent; a bounce and an out-of-office
reply, ignored. Every message goes through the real pipeline (`inbound_receive`), as mail from a mail
server would. Loading again adds nothing: the first message's Message-ID marks it done."""

from __future__ import annotations

from email.message import EmailMessage

from supportal.accounts.models import User
from supportal.cases.services import comment_add
from supportal.channels.email.inbound import inbound_receive
from supportal.channels.email.models import InboundMessage, Source
from supportal.notifications.models import OutboundEmail

FIRST_ID = "<demo-label-printer-1@mail.acme.example>"


def _message(sender: str, subject: str, body: str, message_id: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Support <support@example.com>"
    message["Subject"] = subject
    message["Date"] = "Mon, 30 Nov 2026 08:12:00 +0100"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def load_demo_email() -> int:
    """Deliver the demo's messages (once); returns how many were delivered now."""
    if InboundMessage.objects.filter(message_id=FIRST_ID).exists():
        return 0
    opening = _message(
        "Bob Tanaka <bob@acme.example>",
        "Label printer in warehouse B prints blank labels",
        "Hi,\n\nsince this morning the Zebra label printer in warehouse B feeds blank labels: the ribbon "
        "moves, nothing is printed. We have swapped the ribbon already.\n\nThanks,\nBob",
        FIRST_ID,
        X_Mailer="Microsoft Outlook 16.0",
    )
    receipt = inbound_receive(opening, source=Source.LMTP, envelope_to=["support@example.com"])
    delivered = 1
    dana = User.objects.filter(email="dana@provider.example").first()
    if receipt.case and dana is not None:
        from supportal.cases.models import Case

        case = Case.objects.get(number=receipt.case)
        comment_add(
            actor=dana,
            case=case,
            channel="portal",
            body="Hi Bob,\n\ncould you print a configuration label (hold FEED for two seconds) and tell us "
            "the darkness setting it shows?\n\nDana",
        )
        ours = OutboundEmail.objects.filter(case=case, kind="case_reply").order_by("-id").first()
        if ours is not None:
            answer = _message(
                "Bob Tanaka <bob@acme.example>",
                f"RE: [#{case.number}] Label printer in warehouse B prints blank labels",
                "Darkness is at 0 - someone must have changed it. Set it back to 20 and it prints again!\n\n"
                "Bob\n\n-----Original Message-----\nFrom: Support <support@example.com>\n"
                "Sent: Monday, November 30, 2026 9:02 AM\nTo: Bob Tanaka <bob@acme.example>\n"
                f"Subject: [#{case.number}] Label printer in warehouse B prints blank labels\n\n"
                "Hi Bob,\n\ncould you print a configuration label ...",
                "<demo-label-printer-2@mail.acme.example>",
                In_Reply_To=ours.message_id,
                References=ours.message_id,
                X_Mailer="Microsoft Outlook 16.0",
            )
            inbound_receive(answer, source=Source.LMTP, envelope_to=["support@example.com"])
            delivered += 1
    others = [
        _message(
            "Pat Jones <pat@newclient.example>",
            "Quote for managed backups",
            "Hello, we are looking for someone to run our backups. Could you send us a quote?\n\nPat",
            "<demo-stranger-1@newclient.example>",
        ),
        _message(
            "Mail Delivery System <MAILER-DAEMON@mx.partner.example>",
            "Undelivered Mail Returned to Sender",
            "This is the mail system at host mx.partner.example.\n\nI'm sorry to have to inform you that "
            "your message could not be delivered.\n\n<old.contact@partner.example>: 550 5.1.1 User unknown",
            "<demo-bounce-1@mx.partner.example>",
        ),
        _message(
            "Carmen Diaz <carmen@acme.example>",
            "Automatic reply: Label printer in warehouse B",
            "I am out of the office until 7 December and will have no access to email.",
            "<demo-ooo-1@mail.acme.example>",
            Auto_Submitted="auto-replied",
        ),
    ]
    for raw in others:
        inbound_receive(raw, source=Source.LMTP, envelope_to=["support@example.com"])
    return delivered + len(others)
