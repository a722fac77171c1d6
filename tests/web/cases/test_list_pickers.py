"""The case lists' search pickers: the "Configuration item" filter (and, on the organisation's list, the
"Requester" filter) keep the page the same size and its queries the same however many items or people
there are, always show the chosen one, search with HTMX, and work without JavaScript."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.cases.models import Visibility
from supportal.cmdb.models import ConfigItem
from supportal.orgs.models import Membership
from tests.cmdb.factories import Types, add_item, make_types
from tests.conftest import Story
from tests.web.cases.test_list_cases import client_for, listed, open_case

ITEMS_URL = "/cases/filter/config-items/"
PEOPLE_URL = "/cases/filter/requesters/"


def many_items(types: Types, story: Story, count: int, start: int = 0) -> None:
    ConfigItem.objects.bulk_create(
        ConfigItem(organisation=story.acme, item_type=types.server, name=f"bulk-{n:04d}")
        for n in range(start, start + count)
    )


def picker_part(body: str, name: str = "config_item") -> str:
    return body.split(f'data-testid="picker-{name}"')[1].split("</fieldset>")[0]


def measured(client: object, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_list_does_not_grow_with_the_configuration_items(story: Story) -> None:
    types = make_types(story)
    zebra = add_item(story, types, "zz-router")  # last by name: never among the first matches
    on_zebra = open_case(story.alice, "Router down", config_item=zebra)
    many_items(types, story, 20)
    alice = client_for(story.alice)
    url = f"/cases/?scope=organization&config_item={zebra.pk}"
    alice.get(url)  # warm up the session
    small, few = measured(alice, url)
    many_items(types, story, 580, start=20)
    large, lots = measured(alice, url)
    print(f"organisation cases: {len(small)} / {len(large)} bytes, {few} / {lots} queries")
    assert lots == few
    assert abs(len(large) - len(small)) < 300
    assert picker_part(large).count('data-testid="config-item-option"') == 20
    # The chosen item is shown checked first, although the first 20 by name are others.
    assert f'value="{zebra.pk}" checked' in picker_part(large)
    assert listed(alice.get(url)) == [on_zebra.number]


def test_the_search_offers_the_persons_items_only(story: Story) -> None:
    types = make_types(story)
    mail = add_item(story, types, "mail-01")
    add_item(story, types, "mail-globex", organisation=story.globex)
    alice = client_for(story.alice)
    page = alice.get("/cases/").content.decode()
    assert f'hx-get="{ITEMS_URL}?field=config_item"' in page
    found = alice.get(f"{ITEMS_URL}?config_item__q=mail&config_item=").content.decode()
    assert f'value="{mail.pk}"' in found and "mail-globex" not in found
    assert ">Any item</label>" in found
    assert client_for(story.dana).get(ITEMS_URL).status_code == 404  # agents filter in the queues
    assert client_for(story.dana).get("/cases/").content.decode().count("picker-config_item") == 0


def test_without_javascript_the_search_button_reloads_the_list(story: Story) -> None:
    types = make_types(story)
    mail = add_item(story, types, "mail-01")
    db = add_item(story, types, "db-01")
    on_mail = open_case(story.alice, "Mail queue stuck", config_item=mail)
    open_case(story.alice, "No item")
    alice = client_for(story.alice)
    assert 'name="_refresh" value="items"' in alice.get("/cases/").content.decode()  # in <noscript>
    response = alice.get(f"/cases/?config_item={mail.pk}&config_item__q=db-&_refresh=items")
    assert listed(response) == [on_mail.number]  # the filter still applies
    part = picker_part(response.content.decode())
    assert f'value="{mail.pk}" checked' in part and f'value="{db.pk}"' in part and 'value="db-"' in part


def many_people(story: Story, count: int, start: int = 0) -> None:
    people = User.objects.bulk_create(
        User(email=f"person{n:04d}@acme.example", name=f"Person {n:04d}") for n in range(start, start + count)
    )
    Membership.objects.bulk_create(Membership(user=person, organisation=story.acme) for person in people)


def test_the_organisation_list_does_not_grow_with_its_people(story: Story) -> None:
    zed = User.objects.create(email="zed@acme.example", name="Zed Last")
    Membership.objects.create(user=zed, organisation=story.acme)
    many_people(story, 20)
    alice = client_for(story.alice)
    url = f"/cases/?scope=organization&requester={zed.pk}"
    alice.get(url)  # warm up the session
    small, few = measured(alice, url)
    many_people(story, 580, start=20)
    large, lots = measured(alice, url)
    print(f"organisation cases (people): {len(small)} / {len(large)} bytes, {few} / {lots} queries")
    assert lots == few
    assert abs(len(large) - len(small)) < 300
    part = picker_part(large, "requester")
    assert part.count('data-testid="person-option"') == 20
    assert f'value="{zed.pk}" checked' in part  # chosen, although not among the first 20 by name
    assert "More people match" in part


def test_the_people_search_and_its_no_javascript_flow(story: Story) -> None:
    bobs = open_case(story.bob, "Bob's shared", visibility=Visibility.ORGANIZATION)
    open_case(story.alice, "Alice's own")
    alice = client_for(story.alice)
    page = alice.get("/cases/?scope=organization").content.decode()
    assert f'hx-get="{PEOPLE_URL}"' in page and 'name="requester__q"' in page
    assert "picker-requester" not in alice.get("/cases/").content.decode()  # My cases: "Me" only
    found = alice.get(f"{PEOPLE_URL}?requester__q=bob&requester=").content.decode()
    assert f'value="{story.bob.pk}"' in found and f'value="{story.alice.pk}"' not in found
    assert "Charlie" not in alice.get(f"{PEOPLE_URL}?requester__q=charlie").content.decode()
    assert client_for(story.dana).get(PEOPLE_URL).status_code == 404
    # Without JavaScript: the search button reloads the list; the filter and the choice stay.
    response = alice.get(
        f"/cases/?scope=organization&requester={story.bob.pk}&requester__q=alice&_refresh=items"
    )
    assert listed(response) == [bobs.number]
    part = picker_part(response.content.decode(), "requester")
    assert f'value="{story.bob.pk}" checked' in part and f'value="{story.alice.pk}"' in part
    refused = alice.get(f"/cases/?scope=organization&requester={story.charlie.pk}")
    assert 'data-testid="error-pp-requester"' in refused.content.decode()
