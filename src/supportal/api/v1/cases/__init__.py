"""/api/v1/cases: cases and what hangs off them (comments, attachments, events, actions, watchers).

One module per part; `router` (the cases module's, which answers /cases itself) mounts the others.
"""

from __future__ import annotations

from supportal.api.v1.cases import actions, attachments, cases, comments, events

router = cases.router
for part in (comments, attachments, events, actions):
    router.add_router("", part.router)

__all__ = ["router"]
