"""The only writers of cases. Every channel (portal, agent workspace, email, chat, API, alerts, jobs)
calls these functions; see docs/ARCHITECTURE.md ("Cases")."""

from supportal.cases.services.attachments import attachment_add
from supportal.cases.services.autoclose import close_resolved_cases
from supportal.cases.services.comments import comment_add
from supportal.cases.services.create import case_create
from supportal.cases.services.escalation import case_deescalate, case_escalate
from supportal.cases.services.links import case_link, case_merge
from supportal.cases.services.macros import macro_apply
from supportal.cases.services.routing import case_assign
from supportal.cases.services.transitions import case_transition
from supportal.cases.services.updates import case_update
from supportal.cases.services.watchers import watcher_add, watcher_remove
from supportal.cases.services.workaround import case_mark_workaround

__all__ = [
    "attachment_add",
    "case_assign",
    "case_create",
    "case_deescalate",
    "case_escalate",
    "case_link",
    "case_mark_workaround",
    "case_merge",
    "case_transition",
    "case_update",
    "close_resolved_cases",
    "comment_add",
    "macro_apply",
    "watcher_add",
    "watcher_remove",
]
