"""The demo's email channel: a case Charlie (Globex, whose plan opens cases by email) opened by mail
and answered from Outlook, threaded by its headers; Bob's new mail, held because Acme's plan opens new
cases in the portal (he is told so); a message from a stranger, held with the polite answer sent; a
bounce and an out-of-office reply, ignored. Every message goes through the real pipeline
(`inbound_receive`), as mail from a mail server would. Loading again adds nothing: the first message's
Message-ID marks it done."""

from __future__ import annotations

from email.message import EmailMessage

from supportal.accounts.models import User
from supportal.cases.services import comment_add
from supportal.channels.email.inbound import inbound_receive
from supportal.channels.email.models import Direction, InboundMessage, Source, ThreadMessage

FIRST_ID = "<demo-label-printer-1@mail.globex.example>"


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
        "Charlie Mensah <charlie@globex.example>",
        "Label printer in the mail room prints blank labels",
        "Hi,\n\nsince this morning the Zebra label printer in the mail room feeds blank labels: the ribbon "
        "moves, nothing is printed. We have swapped the ribbon already.\n\nThanks,\nCharlie",
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
            body="Hi Charlie,\n\ncould you print a configuration label (hold FEED for two seconds) and "
            "tell us the darkness setting it shows?\n\nDana",
        )
        # Charlie answers the confirmation (sent in this transaction; Dana's reply is mailed on commit).
        ours = ThreadMessage.objects.filter(case=case, direction=Direction.OUT).order_by("-id").first()
        if ours is not None:
            answer = _message(
                "Charlie Mensah <charlie@globex.example>",
                f"RE: [#{case.number}] Label printer in the mail room prints blank labels",
                "Darkness is at 0 - someone must have changed it. Set it back to 20 and it prints again!\n\n"
                "Charlie\n\n-----Original Message-----\nFrom: Support <support@example.com>\n"
                "Sent: Monday, November 30, 2026 9:02 AM\nTo: Charlie Mensah <charlie@globex.example>\n"
                f"Subject: [#{case.number}] Label printer in the mail room prints blank labels\n\n"
                "Hi Charlie,\n\nthank you for your message ...",
                "<demo-label-printer-2@mail.globex.example>",
                In_Reply_To=ours.message_id,
                References=ours.message_id,
                X_Mailer="Microsoft Outlook 16.0",
            )
            inbound_receive(answer, source=Source.LMTP, envelope_to=["support@example.com"])
            delivered += 1
    others = [
        _message(
            "Bob Tanaka <bob@acme.example>",
            "Scanner in warehouse B saves empty PDFs",
            "Hi, the scanner next to the loading bay saves every scan as an empty PDF since Friday.\n\nBob",
            "<demo-portal-required-1@mail.acme.example>",
        ),
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
