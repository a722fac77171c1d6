"""The case models; import them from here."""

from supportal.cases.models.activity import Attachment, CaseEvent, CaseLink, Comment, EventKind, LinkKind
from supportal.cases.models.case import Case, CaseNumberCounter, Channel, CloseReason, Visibility, Watcher
from supportal.cases.models.config import (
    CaseType,
    Category,
    ExtraField,
    FieldKind,
    Kind,
    Level,
    Priority,
    PriorityLevel,
    PriorityRule,
    RequestType,
    StateLabel,
)
from supportal.cases.models.macros import Macro
from supportal.cases.models.routing import CaseSearchText, RoundRobinPointer, RoutingRule

__all__ = [
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseLink",
    "CaseNumberCounter",
    "CaseSearchText",
    "CaseType",
    "Category",
    "Channel",
    "CloseReason",
    "Comment",
    "EventKind",
    "ExtraField",
    "FieldKind",
    "Kind",
    "Level",
    "LinkKind",
    "Macro",
    "Priority",
    "PriorityLevel",
    "PriorityRule",
    "RequestType",
    "RoundRobinPointer",
    "RoutingRule",
    "StateLabel",
    "Visibility",
    "Watcher",
]
