"""The case page's configuration item edit is the portal's search picker scoped to the case's
organisation: the page stays the same size and runs the same queries however many items there are,
the case's item is always shown chosen, and without JavaScript the "Search" button brings the matches."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.cases.lifecycle import State
from supportal.cmdb.models import ConfigItem
from supportal.orgs.models import Organisation
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.cmdb.factories import Types, add_item, make_types
from tests.conftest import Story

cases = case_fixtures.cases


def many_items(types: Types, organisation: Organisation, count: int, start: int = 0) -> None:
    ConfigItem.objects.bulk_create(
        ConfigItem(organisation=organisation, item_type=types.server, name=f"bulk-{n:04d}")
        for n in range(start, start + count)
    )


def picker_part(body: str) -> str:
    return body.split('data-testid="picker-config_item"')[1].split("</fieldset>")[0]


def test_the_page_does_not_grow_with_the_organisations_items(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    zebra = add_item(story, types, "zz-router")  # last by name: never among the first matches
    case = bobs_case(story, cases, State.OPEN, config_item=zebra)
    many_items(types, story.acme, 20)
    client = client_for(story.dana)
    client.get(page_url(case))  # warm up the session
    with CaptureQueriesContext(connection) as few:
        small = client.get(page_url(case)).content.decode()
    many_items(types, story.acme, 580, start=20)
    with CaptureQueriesContext(connection) as lots:
        large = client.get(page_url(case)).content.decode()
    print(f"case page: {len(small)} / {len(large)} bytes, {len(few)} / {len(lots)} queries")
    assert len(lots) == len(few)
    assert abs(len(large) - len(small)) < 300
    assert picker_part(large).count('data-testid="config-item-option"') == 20
    # The case's own item is shown chosen first, although the first 20 by name are others.
    assert f'value="{zebra.pk}" checked' in picker_part(large)
    assert "More items match" in large


def test_the_search_asks_for_the_cases_organisations_items(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    app01 = add_item(story, types, "app01")
    add_item(story, types, "gx-app02", organisation=story.globex)
    case = bobs_case(story, cases, State.OPEN, config_item=app01)
    body = client_for(story.dana).get(page_url(case)).content.decode()
    search = f"/agent/cases/new/config-items/?organisation={story.acme.pk}&amp;field=config_item"
    assert f'hx-get="{search}"' in body
    found = client_for(story.dana).get(search.replace("&amp;", "&") + "&config_item__q=app")
    assert ">app01 <span" in found.content.decode() and "gx-app02" not in found.content.decode()


def test_without_javascript_the_search_button_brings_the_matches(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    app01 = add_item(story, types, "app01")
    db01 = add_item(story, types, "db01")
    case = bobs_case(story, cases, State.OPEN, config_item=app01)
    dana = client_for(story.dana)
    page = dana.get(page_url(case)).content.decode()
    assert 'name="_refresh" value="items"' in page  # the <noscript> button
    data = {"config_item": str(app01.pk), "config_item__q": "db", "_refresh": "items"}
    found = dana.post(url("case_config_item", case), data)
    assert found.status_code == 200
    part = picker_part(found.content.decode())
    assert f'value="{db01.pk}"' in part and f'value="{app01.pk}" checked' in part  # the choice kept
    assert 'value="db"' in part
    assert fresh(case).config_item_id == app01.pk  # nothing changed
    done = dana.post(url("case_config_item", case), {"config_item": str(db01.pk)}, follow=True)
    assert "The configuration item is now db01." in done.content.decode()
    assert fresh(case).config_item_id == db01.pk
