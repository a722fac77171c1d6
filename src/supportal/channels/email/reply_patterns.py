"""The lines that start a quote or a signature in real replies, in the languages our customers write.

Two sources: mail-parser-reply's per-language patterns (its "On ... wrote:" headers and Outlook
"From: / Sent:" blocks for en, de, fr, nl, es, it, sv, da, ja, cs, ko, zh), and our own line rules for
what it misses: headers split over two or three lines, "W dniu ... pisze:", "...が書きました:",
"Il giorno ... ha scritto:", Finnish, Hungarian, Portuguese and Russian headers, the "-----Original
Message-----" family in a dozen languages, Outlook blocks with "*bold*" or "De :" names, underscore
separators, and the mobile footers ("Sent from my iPhone", "Von meinem iPhone gesendet" ...).
"""

from __future__ import annotations

import re

from mailparser_reply.constants import (  # type: ignore[import-untyped]
    GENERIC_MAIL_SEPARATOR,
    MAIL_LANGUAGES,
)

# Languages whose mail-parser-reply patterns we run. Its Polish "from" block needs a single line, so
# any line starting "Data:" or "Do:" would end a reply: our own block rule covers Polish instead.
LIBRARY_LANGUAGES = ("en", "de", "fr", "nl", "es", "it", "sv", "da", "ja", "cs", "ko", "zh")
_FLAGS = re.MULTILINE | re.IGNORECASE


def _library(key: str, languages: tuple[str, ...]) -> re.Pattern[str]:
    patterns = [MAIL_LANGUAGES[lang][key] for lang in languages if MAIL_LANGUAGES[lang].get(key)]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), _FLAGS)


LIBRARY_WROTE = _library("wrote_header", (*LIBRARY_LANGUAGES, "pl"))
LIBRARY_FROM_BLOCK = _library("from_header", (*LIBRARY_LANGUAGES, "david"))
LIBRARY_SEPARATOR = re.compile(GENERIC_MAIL_SEPARATOR, _FLAGS)

# How a quote header ends: the verb of "X wrote:" in many languages, or "<address>:" after a date.
WROTE_END = re.compile(
    r"(?:\bwrote|\bschrieb\b.*|\ba [ée]crit|\bschreef\b.*|\bescribi[óo]|\bha scritto|\bescreveu"
    r"|\bskrev\b.*|\bpisze|\bnapisa[łl](?:\(a\)|a)?|\bnades[łl]a[łl]|\bkirjoitti|\b[íi]rta"
    r"|\bнаписал(?:\(а\)|а)?|\bnapsal(?:\(a\)|a)?|が書きました|写道|작성)\s*[:：]$"  # noqa: RUF001
    r"|<[^<>\s]+@[^<>\s]+>\s*[:：]$|\([^()\s]+@[^()\s]+\)\s*[:：]$"  # noqa: RUF001
    r"|^-{2,}\s*On\b.*\bwrote\s*-{2,}$",
    re.IGNORECASE,
)
# How a header spread over several lines begins: "On", "Am", "Le", a weekday or a date ...
WROTE_START = re.compile(
    r"^(?:>\s*)*(?:On|Am|Le|El|Il|In data|Em|Op|Den|W dniu|Dnia|Dne|-{2,}\s*On"
    r"|\d+|\w{1,4}[.,]?\s+\d+)\b",
    re.IGNORECASE,
)
HAS_DATE_OR_ADDRESS = re.compile(r"\d|@")
WROTE_WINDOW = 3
WROTE_WINDOW_CHARS = 400

# "-----Original Message-----" and its translations: the message replied to follows.
SEPARATOR = re.compile(
    r"^\s*[-=_*]{2,}\s*(?:Original(?:\s+Message)?|Ursprüngliche\s+Nachricht|Message\s+d'origine"
    r"|Oorspronkelijk\s+bericht|Origineel\s+bericht|Mensaje\s+original|Messaggio\s+originale"
    r"|Ursprungligt\s+meddelande|Oprindelig\s+(?:meddelelse|besked)|Opprinnelig\s+melding"
    r"|Wiadomość\s+oryginalna|Oryginalna\s+wiadomość|Původní\s+zpráva|Alkuperäinen\s+viesti"
    r"|Mensagem\s+original|Исходное\s+сообщение|元のメッセージ|原始邮件)\s*[-=_*]{2,}\s*$",
    re.IGNORECASE,
)
# A forward: what follows is the content being passed on, not a quote to hide.
FORWARD = re.compile(
    r"^\s*(?:[-=_*]{2,}\s*(?:Forwarded\s+message|Weitergeleitete\s+Nachricht|Message\s+transféré"
    r"|Doorgestuurd\s+bericht|Mensaje\s+reenviado|Messaggio\s+inoltrato|Vidarebefordrat\s+meddelande"
    r"|Videresendt\s+(?:meddelelse|besked|melding)|Przekazana\s+wiadomość|Mensagem\s+encaminhada"
    r"|Välitetty\s+viesti|Пересылаемое\s+сообщение|転送されたメッセージ|转发的邮件)\s*[-=_*]{2,}"
    r"|Begin forwarded message\s*:|Anfang der weitergeleiteten (?:E-Mail|Nachricht)\s*:"
    r"|Début du message réexpédié\s*:|Inicio del mensaje reenviado\s*:|Begin doorgestuurd bericht\s*:"
    r"|Inizio messaggio inoltrato\s*:|Vidarebefordrat brev\s*:|Start på videresendt besked\s*:)\s*$",
    re.IGNORECASE,
)
FORWARD_HEADER_LINES = 12
# Outlook's line above its header block, and Gmail's rendering of it; mailing-list footers.
RULE_LINE = re.compile(r"^\s*(?:_{10,}|-{20,}|={20,})\s*$")

# Outlook-style header blocks: two or more "Name: value" lines, one of them naming the sender.
FROM_WORDS = (
    r"from|von|de|van|da|från|fra|od|lähettäjä|от|от кого|від|feladó|gönderen|kimden|差出人|发件人"
    r"|寄件者|寄件人|보낸\s?사람|remitente|expéditeur"
)
OTHER_WORDS = (
    r"sent|date|to|cc|bcc|subject|reply-to|gesendet|datum|an|betreff|kopie|envoyé|à|objet|date d'envoi"
    r"|verzonden|aan|onderwerp|enviado|enviada|enviado el|para|asunto|fecha|assunto|data|inviato|a"
    r"|oggetto|skickat|till|ämne|kopia|sendt|til|emne|dato|kopi|wysłano|wysłane|do|temat|dw"
    r"|lähetetty|vastaanottaja|aihe|päivämäärä|kopio|отправлено|кому|тема|дата|копия|надіслано|тема"
    r"|elküldve|címzett|tárgy|gönderildi|kime|konu|送信日時|宛先|件名|日付|发送时间|收件人|主题|日期"
    r"|抄送|寄件日期|收件者|主旨|보낸\s?날짜|받는\s?사람|제목|참조|organization|organisation"
)
HEADER_LINE = re.compile(rf"^\s*\**\s*(?:({FROM_WORDS})|(?:{OTHER_WORDS}))\s?\**\s?[:：]", re.IGNORECASE)  # noqa: RUF001
FROM_BLOCK_MIN_LINES = 2
FROM_BLOCK_WINDOW = 8

# The end of what the sender wrote: "-- " signatures and the mobile footers.
SIGNATURE_DASHES = re.compile(r"^--\s*$")
MOBILE_FOOTER = re.compile(
    r"^\s*(?:Sent from my|Sent from|Sent with|Sent via|Get Outlook for|Envoyé de mon|Envoyé depuis"
    r"|Envoyé à partir de|Von meinem|Gesendet von|Gesendet mit|Verstuurd vanaf|Verzonden vanaf"
    r"|Verzonden met|Enviado desde|Enviado do meu|Enviado de meu|Inviato da|Inviato dal mio"
    r"|Skickat från|Sendt fra|Wysłane z|Wysłano z|Lähetetty|Отправлено с|Надіслано з)\b"  # noqa: RUF001
    r"[^,;!?]{0,70}$|^\s*\S{0,30}(?:から送信|发自我的|보냄)\s*$",
    re.IGNORECASE,
)
MOBILE_FOOTER_WORDS = 9
HYPHEN_NAME = re.compile(r"^-[^\W\d_][\w.' -]{0,40}$")

# Our own reference token (threads.TOKEN): it sits in the footer of our emails, so it is quote.
OUR_TOKEN = re.compile(r"ref:\d{10}-[0-9a-f]{10}", re.IGNORECASE)
# A ">" line is quoted, except a lone ">:" (an address wrapped at the end of a quote header).
QUOTED = re.compile(r"^\s*>(?!\s*[:：]\s*$)")  # noqa: RUF001
