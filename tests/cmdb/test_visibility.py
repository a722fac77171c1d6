"""Who sees which configuration items: agents all, customers their own organisation's items only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from supportal.cmdb import access, selectors
from supportal.core.errors import Forbidden, NotFound
from supportal.orgs.policies import Actor
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story


@pytest.fixture
def items(story: Story, types: Types) -> dict[str, int]:
    return {
        "acme-web": add_item(story, types, "acme-web").pk,
        "acme-db": add_item(story, types, "acme-db").pk,
        "globex-vm": add_item(story, types, "globex-vm", organisation=story.globex).pk,
    }


def visible(actor: Actor) -> set[str]:
    return set(selectors.config_items_visible_to(actor).values_list("name", flat=True))


def test_who_lists_what(story: Story, items: dict[str, int]) -> None:
    assert visible(story.dana) == visible(story.erin) == {"acme-web", "acme-db", "globex-vm"}
    assert visible(story.alice) == visible(story.bob) == {"acme-web", "acme-db"}
    assert visible(story.charlie) == {"globex-vm"}
    assert visible(AnonymousUser()) == set()
    story.charlie.is_active = False
    assert visible(story.charlie) == set()


def test_charlie_cannot_load_acmes_item(story: Story, items: dict[str, int]) -> None:
    with pytest.raises(NotFound):
        access.config_item_for(story.charlie, items["acme-web"])
    assert access.config_item_for(story.charlie, items["globex-vm"]).name == "globex-vm"
    with pytest.raises(NotFound):
        access.config_item_to_change(story.charlie, items["acme-web"])
    for bad in ("x", 0, 10**30, None):
        with pytest.raises(NotFound):
            access.config_item_for(story.dana, bad)  # type: ignore[arg-type]


def test_customers_see_their_items_but_may_not_change_them(story: Story, items: dict[str, int]) -> None:
    assert access.config_item_for(story.bob, items["acme-db"]).name == "acme-db"
    with pytest.raises(Forbidden):
        access.config_item_to_change(story.bob, items["acme-db"])
    assert access.config_item_to_change(story.dana, items["acme-db"]).item_type.code == "server"


def test_types_are_listed_to_everyone_signed_in(story: Story, types: Types) -> None:
    assert selectors.config_item_types_visible_to(story.charlie).count() == 3
    assert not selectors.config_item_types_visible_to(AnonymousUser()).exists()
