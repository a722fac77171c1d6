"""The words and addresses that give automatic mail away, in the languages real mail servers and
clients write them. Kept apart from the rules in `noise` so the lists can grow without the logic moving.

Every subject pattern is anchored at the start of the subject (after `[tags]` and `*` decorations, but
never after `Re:`/`Fwd:`): a person replying to or forwarding a bounce or an out-of-office notice is a
person, and "Re: Out of office hours question" or "Undeliverable package" must reach an agent.
"Strong" patterns are phrasings only machines use as a subject and decide alone; "weak" ones need a
second sign that the sender is a machine.
"""

from __future__ import annotations

import re

FLAGS = re.IGNORECASE | re.UNICODE


def _anchored(phrases: list[str], *, end: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{'|'.join(phrases)}){end}", FLAGS)


# A marker must end the subject or be followed by a separator: "Automatic reply: ...", "Auto: ...",
# "[Out of Office] ...", "Undeliverable - ...", never "Out of office hours question".
MARKER_END = r"\s*(?:$|[:\]\-\u2013\u2014(])"  # en and em dashes too
# Decorations some servers put before the marker: "[Postmaster] ", "**", "[External] ".
SUBJECT_DECORATION = re.compile(r"^(?:\s*(?:\[[^\]]{0,40}\]|\*+|«|»))+\s*")

# Subjects only mail servers write: each decides alone. `:` marks the forms that must go on with the
# failed message's subject ("Undeliverable: Meeting"), never a sentence ("Undeliverable package").
STRONG_BOUNCE_SUBJECT = _anchored(
    [
        rf"undelivered mail returned to sender{MARKER_END}",
        r"undeliver(?:able|ed)(?: (?:mail|message|e-?mail))?\s*:",
        rf"delivery status notification{MARKER_END}",
        r"delivery (?:status )?notification: delivery has failed",
        r"mail delivery failed: returning message to sender",
        r"returned mail:",
        r"mail system error - returned mail",
        r"warning: could not send message for past",
        r"delayed mail \(still being retried\)",
        r"postmaster notify: see transcript",
        r"notice: mail delivery status",
        r"message you sent blocked by",
        r"non-?deliverable(?: (?:mail|message))?\s*:",
        r"(?:non remis|non distribuable|unzustellbar|nicht zustellbar|onbestelbaar|niet bezorgd"
        r"|no se puede entregar|no entregado|non recapitabile|não é possível entregar|não entregue"
        r"|ej levererbart|olevererbart|kan ikke leveres|ikke leveret|niedostarczalne|nie można dostarczyć"
        r"|ei voitu toimittaa|не удается доставить|не удалось доставить)\s*:",
        r"benachrichtigung zum übermittlungsstatus",
        r"notification d'état de (?:la )?remise",
        r"notificación de estado de entrega",
        r"notifica (?:sullo )?stato di recapito",
        r"недоставленное сообщение",
        r"ваше сообщение не доставлено",
        r"メッセージを配信できません",
        r"メールエラー通知",
        r"配信不能",
        r"配送エラー",
        r"退信",
        r"无法投递",
    ],
    end="",
)
# Subjects a person might also write ("Delivery failure of my order"): a bounce only from a mail system.
WEAK_BOUNCE_SUBJECT = re.compile(
    r"^(?:undeliver|undelivered|non-?deliver|(?:e-?mail |mail |message )?delivery|returned mail"
    r"|failure notice|(?:e-?mail )?bounce|mail system error|banned file|virus"
    r"|(?:message|mail) (?:could not be |was not |not )delivered|warning: could not"
    r"|non remis|unzustellbar|nicht zustellbar|zustellung|onbestelbaar|non recapitabile|mancato recapito"
    r"|no se puede entregar|не доставлен|недоставлен)",
    FLAGS,
)
# What a mail server writes when it gives a message back; looked for only in mail from a mail system.
BOUNCE_BODY = re.compile(
    "|".join(
        [
            r"could ?n[o']t be delivered",
            r"(?:was|were|has|have) not been delivered",
            r"was ?n[o']t delivered",
            r"delivery to the following recipients? (?:failed|has been delayed)",
            r"delivery has failed",
            r"(?:could not|unable to|cannot|can't) deliver",
            r"undeliverable",
            r"permanent (?:fatal )?errors?",
            r"failed permanently",
            r"this is the mail system at",
            r"(?:created|generated) automatically by mail delivery software",
            r"qmail-send program",
            r"returned to sender",
            r"non-?delivery",
            r"user unknown",
            r"unknown user",
            r"no such (?:user|mailbox|recipient)",
            r"mailbox (?:is )?(?:full|unavailable)",
            r"over quota",
            r"recipient address rejected",
            r"konnte nicht zugestellt werden",
            r"n'a pas pu être (?:remis|distribué)",
            r"no se pudo entregar",
            r"kon niet worden (?:bezorgd|afgeleverd)",
            r"non è stato (?:possibile )?recapitat",
            r"не (?:может быть )?доставлено",
            r"送信できませんでした",
            r"配信できません",
        ]
    ),
    FLAGS,
)
# Where the report about a bounced message stops and the copy of the message itself starts.
ORIGINAL_MESSAGE_START = re.compile(
    r"^[\s\-=_*]*(?:"
    r"(?:this is a )?copy of (?:the|your) message"
    r"|below this line is a copy of the message"
    r"|original message"
    r"|-+ ?original message ?-+"
    r"|[^\n]{0,40}original message (?:follows|headers)"
    r"|return-path:|received: from|message-id:"
    r")",
    FLAGS | re.MULTILINE,
)

STRONG_AUTO_REPLY_SUBJECT = _anchored(
    [
        r"out of (?:the )?office(?: (?:auto ?reply|reply|response|notice|notification|message))?",
        r"ooo",
        r"auto(?:matic|mated)? ?-?(?:reply|response|answer)",
        r"auto ?-?respons",
        r"autoresponder",
        r"vacation (?:reply|response|message|notice|autoreply)",
        r"abwesenheitsnotiz",
        r"abwesenheitsmeldung",
        r"automatische (?:rück)?antwort",
        r"réponse automatique",
        r"absen(?:ce|t|te) du bureau",
        r"automatisch antwoord",
        r"afwezigheidsbericht",
        r"respuesta autom[aá]tica",
        r"fuera de (?:la )?oficina",
        r"risposta automatica",
        r"fuori (?:sede|ufficio)",
        r"resposta autom[aá]tica",
        r"fora do escrit[oó]rio",
        r"automatiskt svar",
        r"automatisk svar",
        r"autosvar",
        r"automaattinen vastaus",
        r"automatyczna odpowied[zź]",
        r"automatick[aá] odpov[eě]ď",
        r"automatikus v[aá]lasz",
        r"автоматический ответ",
        r"автоответ",
        r"otomatik (?:yan[\u0131i]t|cevap)",
        r"自動応答",
        r"自動返信",
        r"不在通知",
        r"自动回复",
        r"自動回覆",
        r"자동 ?회신",
    ],
    end=MARKER_END,
)
WEAK_AUTO_REPLY_SUBJECT = re.compile(
    r"^(?:auto|absence|absent|abwesend|abwesenheit|away|vacation|on vacation|holiday|on leave"
    r"|frånvaro|frånvarande|fraværende|fravær|afwezig|ausente|nieobecno[sś][cć]|poissa|fuori)"
    + MARKER_END
    + r"|^away (?:until|till|from)\b|\bis out of (?:the )?office\b"
    + r"|^out of (?:the )?office (?:until|till|from)\b",
    FLAGS,
)

# Local parts (dots, dashes, underscores and spaces removed) only mail systems send from: a message
# from one of them is a bounce or a delivery notice whatever it says.
DAEMON_LOCAL_PARTS = frozenset(
    {"mailerdaemon", "maildaemon", "maildeliverysubsystem", "maildeliverysystem", "mdaemon"}
)
# Local parts of mail administrators: a person may write from them, so they count as a sign, not proof.
ADMIN_LOCAL_PARTS = frozenset({"postmaster", "mailadmin", "mailadministrator"})
# Display names of mail systems that send from the null address ("MAILER DAEMON <>").
DAEMON_NAME = re.compile(r"mail(?:er)?[\s._-]*daemon|mail delivery|postmaster|mail administrator", FLAGS)
# RFC 3834 §2: list software and no-reply robots that must never be answered automatically.
NO_ANSWER_LOCAL_PART = re.compile(
    r"^(?:owner-.*|.*-request|.*-owner|listserv|majordomo|mailman|no-?reply|do-?not-?reply|bounces?(?:[+=-].*)?)$",
    FLAGS,
)

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
DMARC_REPORT_SUBJECT = re.compile(r"^report[ -]?domain: ?\S+ submitter: ?\S+", FLAGS)


def strip_decorations(subject: str) -> str:
    """`[Postmaster] Email Delivery Failure` → `Email Delivery Failure`; replies keep their `Re:`."""
    return SUBJECT_DECORATION.sub("", subject.strip(), count=1).strip()


def compact_local_part(address: str) -> str:
    local = address.rpartition("@")[0] if "@" in address else address
    return re.sub(r"[.\-_\s]", "", local.lower())
