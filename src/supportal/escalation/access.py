"""Load a page or an override and authorize the actor in one call: the web views and the API get them
only here. Somebody who may not see on-call matters is told the object does not exist."""

from __future__ import annotations

from supportal.cases.access import case_for
from supportal.core.errors import NotFound
from supportal.escalation import policies
from supportal.escalation.models import Page, RotaOverride
from supportal.orgs.policies import Actor

BIGGEST_ID = 2**63 - 1  # a bigger number names nothing (and no database takes it)


def _id(value: int | str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None
    if not 1 <= number <= BIGGEST_ID:
        raise NotFound("Not found.")
    return number


def page_for(actor: Actor, page_id: int | str) -> Page:
    """The page `page_id` if the actor may see on-call matters and the page's case."""
    if not policies.can_see_on_call(actor):
        raise NotFound("No such page.")
    page = (
        Page.objects.select_related("case", "person", "acknowledged_by", "rota__team")
        .filter(pk=_id(page_id))
        .first()
    )
    if page is None:
        raise NotFound("No such page.")
    page.case = case_for(actor, page.case.number)  # the case's own visibility rules
    return page


def page_of_case(actor: Actor, number: str, page_id: int | str) -> Page:
    """The page `page_id` of case `number` (a page of another case is not found)."""
    page = page_for(actor, page_id)
    if page.case.number != number:
        raise NotFound("No such page.")
    return page


def override_for(actor: Actor, override_id: int | str) -> RotaOverride:
    if not policies.can_see_on_call(actor):
        raise NotFound("No such override.")
    override = (
        RotaOverride.objects.select_related("rota__team", "user", "created_by")
        .filter(pk=_id(override_id))
        .first()
    )
    if override is None:
        raise NotFound("No such override.")
    return override
