"""Crumbs & Co. Bakery's stories (Free: email only, one shared login)."""

from __future__ import annotations

from supportal.cases.lifecycle import Action
from supportal.core.demo_cases import EMAIL, Cast, move, say


def card_reader(c: Cast, key: str) -> None:
    """Crumbs' shared login by email, with the person's name; asked for details, answered (Open again)."""
    case = c.open(
        key, "crumbs", "counter", "Card reader at the till keeps dropping off the Wi-Fi",
        "Hi, Maya here. The card reader loses the Wi-Fi every hour or so and customers have to pay cash.",
        channel=EMAIL, requester_name="Maya (shop manager)",
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.ASK_INFO, comment="Which card reader model is it, and which Wi-Fi router?")
    say(case, c["counter"], """
It's Maya again. The reader is a SumUp Solo; the router is the one from our internet provider, in the
back office behind the ovens.
""", channel=EMAIL)  # fmt: skip


def shop_certificate(c: Cast, key: str) -> None:
    """Crumbs' webshop certificate, resolved and accepted by email (Closed, solution accepted)."""
    case = c.open(
        key, "crumbs", "counter", "Our webshop says 'Not secure'",
        "Customers tell us the browser says our shop is not secure for two days. Tom",
        channel=EMAIL, requester_name="Tom (owner)", item="shop.crumbs.example",
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.RESOLVE, comment="""
The certificate of `shop.crumbs.example` expired two days ago because its automatic renewal could not
reach the shop. We renewed it and fixed the renewal, so it will not happen again.
""")  # fmt: skip
    move(case, c["counter"], Action.ACCEPT, comment="Lovely, the padlock is back. Thanks! Tom", channel=EMAIL)


def orders_mailbox_question(c: Cast, key: str) -> None:
    """A question by email from the shared login (New)."""
    c.open(
        key, "crumbs", "counter", "Can orders@crumbs.example get your emails too?",
        "Lena from orders here: could your emails about our cases also go to orders@crumbs.example?",
        channel=EMAIL, requester_name="Lena (orders)", request_type="question",
        extra={"deliverable": "An answer"},
    )  # fmt: skip
