"""visible_reply on our own samples (tests/channels/email/replies/): one reply per language and mail
client the issue names, written the way that client quotes, and our reference token never surviving.

The corpus covers English well; these samples add de, fr, nl, es, it, sv, da, pl and ja quote headers
("Am ... schrieb", "Le ... a écrit :", "W dniu ... pisze:", "... に ... さんが書きました:") and their
Outlook blocks ("Von:/Gesendet:", "De :/Envoyé :", "差出人:/送信日時:"), the HTML of Gmail, Outlook
on the web and Apple Mail, and the cases where the reply is not the text above the first quote.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from supportal.channels.email.parse_text import html_to_text
from supportal.channels.email.reply import visible_reply
from supportal.channels.email.reply_patterns import OUR_TOKEN
from supportal.channels.email.threads import reference_token

REPLIES = Path(__file__).resolve().parent / "replies"

SAMPLES: dict[str, str] = {
    "de_gmail.txt": (
        "Hallo Frau Berger,\n\nvielen Dank, der Drucker funktioniert wieder.\n\nViele Grüße\nJonas"
    ),
    "de_outlook.txt": (
        "Guten Morgen,\n\ndas Problem tritt weiterhin auf, ein Screenshot ist angehängt.\n\n"
        "Mit freundlichen Grüßen\nPetra Schmidt"
    ),
    "de_outlook_block.txt": "Erledigt, danke!",
    "fr_gmail.txt": "Bonjour,\n\nMerci, tout fonctionne à nouveau.\n\nCordialement,\nCamille",
    "fr_outlook.txt": "Bonjour,\n\nLe problème persiste après le redémarrage.\n\nCamille Martin",
    "fr_outlook_block.txt": "C'est réglé, merci.",
    "nl_gmail.txt": "Hoi,\n\nHet werkt weer, bedankt voor de snelle hulp.\n\nGroet,\nDaan",
    "nl_outlook.txt": (
        "Goedemiddag,\n\nDe printer geeft nog steeds een foutmelding.\n\n"
        "Met vriendelijke groet,\nSanne de Vries"
    ),
    "es_gmail.txt": "Hola,\n\nYa funciona, muchas gracias.\n\nSaludos,\nLucía",
    "es_outlook.txt": "Buenos días,\n\nSigue sin funcionar la impresora.\n\nUn saludo,\nJavier",
    "it_gmail.txt": "Buongiorno,\n\nora funziona, grazie mille.\n\nCordiali saluti,\nGiulia",
    "it_outlook.txt": "Buongiorno,\n\nla stampante dà ancora errore.\n\nMarco Rossi",
    "sv_gmail.txt": "Hej,\n\nNu fungerar det, tack!\n\nVänliga hälsningar\nElsa",
    "sv_outlook.txt": "Hej,\n\nSkrivaren visar fortfarande ett fel.\n\nMvh\nOskar",
    "da_gmail.txt": "Hej,\n\nDet virker nu, tak for hjælpen.\n\nVenlig hilsen\nFreja",
    "da_outlook.txt": "Hej,\n\nPrinteren virker stadig ikke.\n\nMed venlig hilsen\nMads",
    "pl_gmail.txt": "Dzień dobry,\n\nteraz działa, dziękuję.\n\nPozdrawiam\nZofia",
    "pl_thunderbird.txt": "Drukarka nadal nie działa.\n\nJan",
    "pl_outlook.txt": "Dzień dobry,\n\nproblem nadal występuje.\n\nJan Nowak",
    "ja_gmail.txt": "お世話になっております。\n\nプリンターが直りました。ありがとうございます。\n\n山田",
    "ja_thunderbird.txt": "まだエラーが表示されます。\n\n佐藤",
    "ja_outlook.txt": "ご確認ありがとうございます。解決しました。\n\n鈴木",
    "en_gmail_split_header.txt": "Thanks, that fixed it.",
    "en_outlook_original_message.txt": "The printer still shows error 42.\n\nRegards,\nSam",
    "en_outlook_separator.txt": "Restarted it, works now.\n\nSam",
    "en_apple_mail.txt": "Yes, the new toner arrived.",
    "en_thunderbird.txt": "Confirmed, you can close the case.\n\nRegards,\nAlex",
    "en_iphone.txt": "Will check tomorrow morning.",
    "en_android_outlook.txt": "Cable is fine, still broken.",
    "en_yahoo.txt": "It happened again this morning.",
    "en_aol.txt": "No, only the second floor printer.",
    "en_hotmail.txt": "Thank you, all good now.",
    "en_signature.txt": "The invoice number is 2024-117.",
    # Inline answers between the quoted questions: the answers are the reply.
    "en_inline.txt": "HP LaserJet 4050.\n\nNetwork, cable in port 2.",
    # A client that pastes our message below without any header: the token line ends the reply.
    "en_token_footer_unquoted.txt": "Thanks, please go ahead.\n\nYour case [#0000000123] was updated.",
    # Nothing but a quote: the whole text (never nothing), still without our token.
    "en_all_quote.txt": (
        "On Mon, Mar 4, 2024 at 10:15 AM Supportal <support@example.com> wrote:\n\n> Please confirm the fix."
    ),
    # A forward is content being passed on: it stays.
    "en_forward.txt": (
        "Please have a look at the message below.\n\n---------- Forwarded message ---------\n"
        "From: Printer Monitor <monitor@example.com>\nDate: Mon, Mar 4, 2024 at 9:00 AM\n"
        "Subject: Toner low\nTo: Sam Carter <sam@example.com>\n\nToner level is at 5% on printer P-2."
    ),
    "gmail.html": "Thanks, the VPN works now.\n\nBest,\nSam",
    "outlook.html": "The VPN drops every hour.\n\nKind regards,\nKim",
    "apple.html": "Done, thanks!",
}


def _read(name: str) -> tuple[str, str]:
    """(text, html) as the parser hands them over: an HTML-only message's text is its HTML as text."""
    raw = (REPLIES / name).read_text(encoding="utf-8")
    return (html_to_text(raw), raw) if name.endswith(".html") else (raw, "")


def test_every_sample_file_has_an_expectation() -> None:
    assert {path.name for path in REPLIES.iterdir()} == set(SAMPLES)


@pytest.mark.parametrize(("name", "expected"), sorted(SAMPLES.items()))
def test_visible_reply_of_each_language_and_client(name: str, expected: str) -> None:
    text, html = _read(name)
    assert visible_reply(text, html) == expected


@pytest.mark.parametrize("name", [name for name in sorted(SAMPLES) if name.endswith(".html")])
def test_html_alone_gives_the_same_reply(name: str) -> None:
    _, html = _read(name)
    assert visible_reply("", html) == SAMPLES[name]


def test_windows_line_endings_give_the_same_reply() -> None:
    text, _ = _read("de_outlook.txt")
    assert visible_reply(text.replace("\n", "\r\n")) == SAMPLES["de_outlook.txt"]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_our_token_never_survives_in_a_sample(name: str) -> None:
    text, html = _read(name)
    assert not OUR_TOKEN.search(visible_reply(text, html))


@pytest.mark.parametrize(
    "body",
    [
        "Done.\n\n{token}",  # the footer pasted right under the reply
        "{token}\nDone.",  # above it, as some mobile clients do
        "Done.\n\nOn Mon, Mar 4, 2024 at 10:15 AM Supportal <s@example.com> wrote:\n> Hi\n> {token}\n",
        "Done.\n\n-----Original Message-----\nFrom: Supportal\nSent: Monday\n\n{token}",
        "> only quote\n> {token}",
        "{token}",
    ],
)
def test_a_real_reference_token_never_survives(body: str) -> None:
    token = reference_token("0000000042")
    reply = visible_reply(body.format(token=token))
    assert token not in reply
    assert "ref:" not in reply


def test_the_token_in_html_never_survives() -> None:
    token = reference_token("0000000042")
    html = f"<p>Done.</p><p style='color:#999'>{token}</p>"
    assert visible_reply(html_to_text(html), html) == "Done."


def test_a_sent_from_sentence_is_not_a_signature() -> None:
    body = "Please call me.\n\nSent from the office, so the number is +49 30 1234567."
    assert visible_reply(body) == body


def test_a_signature_delimiter_inside_a_line_is_text() -> None:
    assert visible_reply("Use the -- flag.\n\nThanks") == "Use the -- flag.\n\nThanks"


@pytest.mark.parametrize(
    "body",
    [
        "Please book it:\nDate: Monday 10:00\nTo: finance team\n\nThanks",  # no sender: no Outlook block
        "Q: does it print?\nA: no\nA: not even a test page\n\nRegards",
        "Am Montag schrieb ich Ihnen bereits:\nder Drucker ist defekt.",  # "schrieb", but no quote below
    ],
)
def test_own_lines_that_look_like_headers_stay(body: str) -> None:
    assert visible_reply(body) == body


def test_a_gmail_html_forward_stays() -> None:
    html = (
        '<div dir="ltr">FYI</div><div class="gmail_quote"><div class="gmail_attr">'
        "---------- Forwarded message ---------<br>From: Monitor &lt;m@example.com&gt;<br>"
        "Date: Mon, Mar 4, 2024<br>Subject: Toner low<br>To: sam@example.com<br></div><br>Toner at 5%.</div>"
    )
    reply = visible_reply(html_to_text(html), html)
    assert reply.startswith("FYI\n---------- Forwarded message ---------\nFrom: Monitor")
    assert reply.endswith("Toner at 5%.")
    assert visible_reply("", html) == reply


def test_text_without_quotes_is_returned_as_written() -> None:
    body = "Line one\n\n   indented code\n- a list item\n- another"
    assert visible_reply(body) == body


@pytest.mark.parametrize(
    "body", ["", "\x00\x00", "\udcff\udcfe", ">" * 100_000, "On\n" * 5000, "a" * 300_000]
)
def test_odd_input_gives_a_string(body: str) -> None:
    assert isinstance(visible_reply(body, body), str)


def test_it_takes_a_few_milliseconds_per_message() -> None:
    samples = [_read(name) for name in sorted(SAMPLES)]
    started = time.perf_counter()
    for text, html in samples:
        visible_reply(text, html)
    per_message = (time.perf_counter() - started) / len(samples)
    assert per_message < 0.02, f"{per_message * 1000:.1f} ms per message"
