"""Turning a parsed message into what a case holds: a Markdown body that renders as the sender wrote it,
checked files, and a subject."""

from __future__ import annotations

from supportal.channels.email.parsed import ParsedMessage
from supportal.core.errors import InvalidInput
from supportal.core.files import CheckedFile, check_upload
from supportal.core.markdown import check_markdown

BODY_MAX = 100_000
MAX_FILES = 50
TRUNCATED = "\n\n*(The message was longer; the whole original is kept with the email.)*"


def markdown_body(text: str, notes: list[str] | None = None) -> str:
    """Mail text as Markdown: angle brackets escaped when they would read as HTML, line breaks kept,
    cut to the comment limit, and any notes (files not kept) appended."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > BODY_MAX - 1000:
        text = text[: BODY_MAX - 1000] + TRUNCATED
    try:
        check_markdown(text, field="body")
    except InvalidInput:
        text = text.replace("<", "\\<")
    if notes:
        text = "\n\n".join([text, *(f"*{note}*" for note in notes)]).strip()
    return text


def files_of(message: ParsedMessage) -> tuple[list[CheckedFile], list[str]]:
    """The message's attachments as checked files, and a note for each one that could not be kept."""
    files: list[CheckedFile] = []
    notes: list[str] = []
    for attachment in message.attachments:
        if len(files) >= MAX_FILES:
            notes.append(f"Only the first {MAX_FILES} files were kept; the rest are in the original email.")
            break
        try:
            files.append(check_upload(name=attachment.filename or "attachment", stream=attachment.data))
        except InvalidInput as error:
            notes.append(f"File not kept: {error.detail}")
    return files, notes


def new_case_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    return subject[:250] if subject else "(no subject)"
