"""An alert as a case's words: the subject, and a Markdown description of its labels, annotations and
links. Pure functions.

Labels and annotations come from machines and may hold anything, HTML included: values are written as
code spans (or code blocks), which every Markdown renderer shows as text and `check_markdown` accepts;
links are written as links only when they are http(s).
"""

from __future__ import annotations

import re

from supportal.channels.alerts.parse import FIRING, Alert, Unit
from supportal.core.errors import InvalidInput
from supportal.core.markdown import check_markdown

SUBJECT_MAX = 250
VALUE_MAX = 2000  # characters of one label or annotation shown
ALERTS_SHOWN = 50  # alerts of a group listed in the description
PROSE_ANNOTATIONS = ("summary", "description", "message")
_BACKTICKS = re.compile(r"`+")


def subject(unit: Unit) -> str:
    """`alertname on instance: summary`, or the generic title; a group says how many alerts it has."""
    first = unit.alerts[0]
    name = unit.name or "Monitoring alert"
    instance = unit.labels.get("instance", "")
    summary = unit.annotations.get("summary", "")
    if first.title and not unit.is_group:
        text = first.title
    else:
        text = name + (f" on {instance}" if instance else "") + (f": {summary}" if summary else "")
    if unit.is_group and len(unit.alerts) > 1:
        text += f" ({len(unit.alerts)} alerts)"
    text = " ".join(text.replace("\x00", "").split())
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def code(value: str) -> str:
    """`value` as an inline code span, whatever backticks or newlines it holds."""
    value = " ".join(value.replace("\x00", "").split())
    if len(value) > VALUE_MAX:
        value = value[:VALUE_MAX] + "…"
    if not value:
        return "(empty)"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def prose(value: str) -> str:
    """An annotation meant for people (summary, description): as Markdown when it is safe Markdown,
    else as a code block."""
    value = value.replace("\x00", "").strip()
    if len(value) > VALUE_MAX * 5:
        value = value[: VALUE_MAX * 5] + "…"
    try:
        check_markdown(value, field="description")
    except InvalidInput:
        fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
        return f"{fence}text\n{value}\n{fence}"
    return value


def link(title: str, url: str) -> str:
    if re.match(r"^https?://[^\s<>()\[\]]+$", url, re.IGNORECASE):
        return f"[{title}]({url})"
    return f"{title}: {code(url)}"


def _pairs(values: dict[str, str]) -> list[str]:
    return [f"- {code(key)}: {code(value)}" for key, value in sorted(values.items())]


def _alert_line(alert: Alert) -> str:
    name = alert.name or alert.fingerprint
    where = alert.labels.get("instance", "")
    links = " · ".join(link(title, url) for title, url in alert.links[:1])
    text = f"- **{alert.status}** {code(name)}" + (f" on {code(where)}" if where else "")
    return text + (f" — {links}" if links else "")


def description(unit: Unit, *, previous_case: str = "") -> str:
    notification = unit.notification
    first = unit.alerts[0]
    verb = "is firing" if unit.status == FIRING else "has recovered"
    lines = [f"**{notification.source_name}** reports that this alert {verb}."]
    if first.starts_at and not unit.is_group:
        lines[0] += f" Since {code(first.starts_at)}."
    if previous_case:
        lines.append(f"It fired before on case {previous_case}, which is done with.")
    for key in PROSE_ANNOTATIONS:
        if unit.annotations.get(key):
            lines += ["", f"**{key.capitalize()}**", "", prose(unit.annotations[key])]
    if first.description and not unit.is_group:
        lines += ["", prose(first.description)]
    if unit.labels:
        lines += ["", "**Labels**", "", *_pairs(unit.labels)]
    others = {k: v for k, v in unit.annotations.items() if k not in PROSE_ANNOTATIONS}
    if others:
        lines += ["", "**Annotations**", "", *_pairs(others)]
    if unit.is_group:
        lines += ["", f"**Alerts** ({len(unit.alerts)})", ""]
        lines += [_alert_line(alert) for alert in unit.alerts[:ALERTS_SHOWN]]
        if len(unit.alerts) > ALERTS_SHOWN:
            lines.append(f"- … and {len(unit.alerts) - ALERTS_SHOWN} more")
    elif first.links:
        lines += ["", " · ".join(link(title, url) for title, url in first.links)]
    if notification.truncated:
        lines += ["", f"{notification.truncated} more alerts were left out of the notification."]
    return "\n".join(lines)
