"""Priority from urgency x impact (the configurable matrix), severity definitions and state names."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.cases.models import Level, Priority, PriorityLevel, PriorityRule, StateLabel

H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW

# PRODUCT.md's default matrix: used for any cell an admin has not configured.
DEFAULT_MATRIX: dict[tuple[str, str], Priority] = {
    (H, H): Priority.P1, (H, M): Priority.P2, (H, L): Priority.P3,
    (M, H): Priority.P2, (M, M): Priority.P2, (M, L): Priority.P3,
    (L, H): Priority.P3, (L, M): Priority.P3, (L, L): Priority.P4,
}  # fmt: skip

DEFAULT_DEFINITIONS: dict[str, tuple[str, str]] = {
    Priority.P1: ("Critical", "A production service is down or unusable for many users; no workaround."),
    Priority.P2: (
        "High",
        "A production service is badly degraded, or down for some users; no good workaround.",
    ),
    Priority.P3: ("Medium", "Some function is impaired; a workaround exists. Questions and most requests."),
    Priority.P4: ("Low", "Cosmetic issues, information and requests with no time pressure."),
}

DEFAULT_STATE_LABELS: dict[str, str] = {state.value: str(state.label) for state in State}

# Email cases start here; the customer may change it later (PRODUCT.md "Priority").
EMAIL_PRIORITY = Priority.P3


def priority_for(urgency: str, impact: str) -> Priority:
    configured = PriorityRule.objects.filter(urgency=urgency, impact=impact).values_list(
        "priority", flat=True
    )
    value = next(iter(configured), None)
    return Priority(value) if value else DEFAULT_MATRIX[(Level(urgency), Level(impact))]


def priority_matrix() -> dict[tuple[str, str], Priority]:
    matrix = dict(DEFAULT_MATRIX)
    for rule in PriorityRule.objects.all():
        matrix[(rule.urgency, rule.impact)] = Priority(rule.priority)
    return matrix


def severity_definitions() -> dict[str, tuple[str, str]]:
    definitions = dict(DEFAULT_DEFINITIONS)
    for level in PriorityLevel.objects.all():
        definitions[level.priority] = (level.name, level.definition)
    return definitions


def state_labels() -> dict[str, str]:
    labels = dict(DEFAULT_STATE_LABELS)
    labels.update(dict(StateLabel.objects.values_list("state", "label")))
    return labels
