"""The portal's configuration items: a customer lists and searches their organisation's items (keyset
pages, constant queries) and opens one with its attributes, relations, cases and orders they may see.
Another organisation's items are invisible: 404."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from supportal.cases import services as case_services
from supportal.cases.models import CaseType, Category, Kind, RequestType
from supportal.cmdb import services
from supportal.cmdb.models import ConfigItem
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story
from tests.paging import walk

ROW = re.compile(r'data-testid="item-row" data-item="(\d+)"')


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(response: Any) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [int(pk) for pk in ROW.findall(response.content.decode())]


def order_type() -> RequestType:
    category, _ = Category.objects.get_or_create(slug="services", defaults={"name": "Services"})
    found, _ = RequestType.objects.get_or_create(
        slug="dns-change",
        defaults={"category": category, "case_type": CaseType.objects.get(code="general-request"),
                  "kind": Kind.ORDER, "name": "DNS change"},
    )  # fmt: skip
    return found


def test_a_customer_lists_searches_and_filters_their_organisations_items(story: Story, types: Types) -> None:
    web = add_item(story, types, "web-01", identifier="web-01.acme.example")
    db = add_item(story, types, "db-01", identifier="10.0.0.7")
    cert = add_item(story, types, "www", item_type=types.certificate, attributes={"expires_on": "2027-01-31"})
    add_item(story, types, "globex-web", organisation=story.globex)
    bob = client_for(story.bob)
    page = bob.get("/config-items/")
    assert listed(page) == [db.pk, web.pk, cert.pk]
    assert 'data-testid="nav-config-items"' in page.content.decode()
    assert listed(bob.get("/config-items/", {"q": "ACME.example"})) == [web.pk]
    assert listed(bob.get("/config-items/", {"q": "10.0.0"})) == [db.pk]
    assert listed(bob.get("/config-items/", {"type": "certificate"})) == [cert.pk]
    assert listed(bob.get("/config-items/", {"type": "no-such-type"})) == [db.pk, web.pk, cert.pk]
    charlie = listed(client_for(story.charlie).get("/config-items/"))
    assert charlie == list(ConfigItem.objects.filter(name="globex-web").values_list("pk", flat=True))
    partial = bob.get("/config-items/", {"q": "www"}, headers={"HX-Request": "true"})
    assert listed(partial) == [cert.pk] and "<h1" not in partial.content.decode()


def test_pages_follow_by_name_with_constant_queries(
    story: Story, types: Types, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        add_item(story, types, f"host-{n:02}")
    alice = client_for(story.alice)
    alice.get("/config-items/")  # warm: the session, the nav's permissions
    with django_assert_max_num_queries(12):
        first = listed(alice.get("/config-items/"))
    for n in range(30, 90):
        add_item(story, types, f"host-{n:02}")
    with django_assert_max_num_queries(12):
        assert len(listed(alice.get("/config-items/"))) == len(first) == 25
    pages = walk(alice, "/config-items/", lambda r: [str(pk) for pk in listed(r)])
    names = [ConfigItem.objects.get(pk=int(pk)).name for page in pages for pk in page]
    assert names == [f"host-{n:02}" for n in range(90)]
    assert listed(alice.get("/config-items/", {"cursor": "garbage"}))[:1] == first[:1]


def test_another_organisations_item_is_a_404(story: Story, types: Types) -> None:
    theirs = add_item(story, types, "globex-secret", organisation=story.globex)
    for user in (story.alice, story.bob):
        response = client_for(user).get(f"/config-items/{theirs.pk}/")
        assert response.status_code == 404
        assert "globex-secret" not in response.content.decode()
    assert client_for(story.alice).get("/config-items/99999999999999999999/").status_code == 404
    assert Client().get(f"/config-items/{theirs.pk}/").status_code == 302


def test_the_item_page_shows_attributes_relations_and_only_the_cases_one_may_see(
    story: Story, types: Types
) -> None:
    web = add_item(story, types, "web-01", attributes={"os": "linux", "cpus": 4, "monitored": True})
    host = add_item(story, types, "host-01")
    services.relation_add(actor=story.dana, channel="web", source=web, target=host, kind="runs_on")
    services.relation_add(actor=story.dana, channel="web", source=host, target=web, kind="depends_on")
    bobs = case_services.case_create(
        actor=story.bob, organisation=story.acme, subject="Web is slow", channel="portal", config_item=web
    )
    alices = case_services.case_create(
        actor=story.alice, organisation=story.acme, subject="alice-private-web", channel="portal",
        config_item=web,
    )  # fmt: skip
    order = case_services.case_create(
        actor=story.bob, organisation=story.acme, subject="Open port 443", channel="portal",
        config_item=web, request_type=order_type(),
    )  # fmt: skip
    page = client_for(story.bob).get(f"/config-items/{web.pk}/").content.decode()
    assert "Operating system" in page and "linux" in page and "CPUs" in page and "Yes" in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Runs on host-01" in text and "host-01 depends on this" in text
    cases = page.split('data-testid="item-cases"')[1].split("</table>")[0]
    assert bobs.number in cases and alices.number not in cases and "alice-private-web" not in page
    orders = page.split('data-testid="item-orders"')[1].split("</table>")[0]
    assert order.number in orders and order.number not in cases
    alice_page = client_for(story.alice).get(f"/config-items/{web.pk}/").content.decode()
    assert alices.number in alice_page  # she may see her own
    host_page = " ".join(re.sub(r"<[^>]+>", " ", client_for(story.bob).get(f"/config-items/{host.pk}/")
                                .content.decode()).split())  # fmt: skip
    assert "web-01 runs on this" in host_page and "Depends on web-01" in host_page
