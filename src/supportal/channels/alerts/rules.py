"""What an integration's settings and rules say about one alert: pure functions over loaded rows.

Matchers are written as in Alertmanager's routes: `severity="critical"`, `env!="dev"`,
`instance=~"db-.*"`, `team!~"qa|test"`; regular expressions match the whole value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from supportal.cases.models import Priority
from supportal.channels.alerts.models import UNKNOWN_SEVERITY_PRIORITY
from supportal.channels.alerts.parse import Unit

_MATCHER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$")
_PORT = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:]+)):\d+$")
# Default urgency and impact for each priority (PRODUCT.md's matrix), so the case's fields agree with it.
LEVELS = {
    Priority.P1: ("high", "high"),
    Priority.P2: ("high", "medium"),
    Priority.P3: ("medium", "low"),
    Priority.P4: ("low", "low"),
}


class MatcherError(ValueError):
    pass


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str
    value: str

    def holds(self, labels: dict[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.op in ("=", "!="):
            return (actual == self.value) == (self.op == "=")
        found = re.fullmatch(self.value, actual) is not None
        return found == (self.op == "=~")


def parse_matchers(text: str) -> list[Matcher]:
    """One matcher per line (blank lines skipped); MatcherError names the line that is wrong."""
    matchers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = _MATCHER.match(line)
        if found is None:
            raise MatcherError(f'Line {number}: write label="value" (or !=, =~, !~).')
        label, op, value = found.groups()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as error:
                raise MatcherError(f"Line {number}: not a regular expression ({error}).") from None
        matchers.append(Matcher(label, op, value))
    return matchers


@dataclass(frozen=True)
class RuleSpec:
    """A rule with its matchers parsed (loaded once per payload)."""

    name: str
    matchers: tuple[Matcher, ...]
    case_type: Any = None
    priority: str = ""
    team: Any = None
    resolve_on_recovery: bool | None = None

    def applies(self, labels: dict[str, str]) -> bool:
        return all(m.holds(labels) for m in self.matchers)


@dataclass(frozen=True)
class Decision:
    """What becomes of an alert's case: its type, priority, team and whether recovery resolves it."""

    case_type: Any
    priority: Priority
    team: Any
    resolve_on_recovery: bool
    rule: str = ""

    @property
    def urgency(self) -> str:
        return LEVELS[self.priority][0]

    @property
    def impact(self) -> str:
        return LEVELS[self.priority][1]


def first_rule(rules: Sequence[RuleSpec], labels: dict[str, str]) -> RuleSpec | None:
    return next((rule for rule in rules if rule.applies(labels)), None)


def severity_priority(severity: str, priorities: dict[str, str]) -> Priority:
    value = priorities.get(severity.strip().lower()) if severity else None
    return Priority(value) if value in Priority.values else UNKNOWN_SEVERITY_PRIORITY


def unit_priority(unit: Unit, *, severity_label: str, priorities: dict[str, str]) -> Priority:
    """From the unit's severity; a group without a common severity takes its most severe alert's."""
    common = unit.labels.get(severity_label, "") if unit.is_group else ""
    severities = [common] if common else [a.severity or a.labels.get(severity_label, "") for a in unit.alerts]
    return min((severity_priority(s, priorities) for s in severities), key=lambda p: p.value)


def decide(
    unit: Unit,
    *,
    rules: Sequence[RuleSpec],
    case_type: Any,
    team: Any,
    severity_label: str,
    priorities: dict[str, str],
    resolve_on_recovery: bool,
) -> Decision:
    rule = first_rule(rules, unit.labels)
    priority = unit_priority(unit, severity_label=severity_label, priorities=priorities)
    if rule is None:
        return Decision(case_type, priority, team, resolve_on_recovery)
    return Decision(
        case_type=rule.case_type or case_type,
        priority=Priority(rule.priority) if rule.priority else priority,
        team=rule.team or team,
        resolve_on_recovery=resolve_on_recovery
        if rule.resolve_on_recovery is None
        else rule.resolve_on_recovery,
        rule=rule.name,
    )


def config_item_candidates(value: str) -> list[str]:
    """The identifiers an `instance` label may name: as it is and without its port, as written and in
    lower case (`web-1.example:9100`, `[2001:db8::1]:9100`)."""
    value = value.strip()
    if not value:
        return []
    found = _PORT.match(value)
    bare = (found.group("v6") or found.group("host")) if found else None
    candidates: list[str] = []
    for candidate in (value, bare, value.lower(), bare.lower() if bare else None):
        if candidate and candidate not in candidates:
            candidates.append(candidate)
    return candidates
