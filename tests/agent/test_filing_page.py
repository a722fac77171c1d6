"""Filing a case for a customer (/agent/cases/new/): the page and its partials are for agents only,
and everything they offer belongs to the organisation chosen; the page runs a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportal.cases.models import FieldKind
from supportal.orgs import services as org_services
from tests.agent.test_filing_fixtures import CONTACTS_URL, FIELDS_URL, ITEMS_URL, PRIORITY_URL, URL
from tests.agent.test_organisation_picker import offered
from tests.conftest import Story
from tests.web.cases import test_create_fixtures as create_fixtures
from tests.web.cases.test_create_fixtures import Catalogue, client_for, colleague
from tests.web.cases.test_create_fixtures import make_request_type as make_type

pytestmark = pytest.mark.django_db
catalogue = create_fixtures.catalogue  # a catalogue with a field of every kind


def test_the_urls_come_before_the_case_page() -> None:
    assert reverse("agent:case_new") == URL
    assert reverse("agent:case_new_contacts") == CONTACTS_URL
    assert reverse("agent:case_new_fields") == FIELDS_URL
    assert reverse("agent:case_new_priority") == PRIORITY_URL
    assert reverse("agent:case_new_config_items") == ITEMS_URL


@pytest.mark.parametrize("url", [URL, CONTACTS_URL, FIELDS_URL, PRIORITY_URL, ITEMS_URL])
def test_customers_are_told_the_pages_do_not_exist(story: Story, url: str) -> None:
    for customer in (story.alice, story.bob, story.charlie):
        assert client_for(customer).get(url, {"organisation": story.acme.pk}).status_code == 404
    anonymous = client_for(story.bob)
    anonymous.logout()
    assert anonymous.get(url).status_code == 302


def test_the_page_offers_the_active_organisations_and_waits_for_a_choice(story: Story) -> None:
    closed = org_services.organisation_create(
        actor=story.erin, channel="cli", name="Closed Ltd", plan=story.free
    )
    closed.is_active = False
    closed.save()
    page = client_for(story.dana).get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "File a case for a customer" in html
    assert offered(page) == [("Acme Corp", False), ("Globex", False)]  # the picker: "Closed Ltd" is not
    assert "Closed Ltd" not in html
    assert 'data-testid="contacts-empty"' in html
    assert "agent_keys.js" in html  # the workspace's layout


def test_without_javascript_choosing_the_organisation_reloads_the_page_with_its_contacts(
    story: Story, catalogue: Catalogue
) -> None:
    page = client_for(story.dana).get(URL, {"organisation": story.acme.pk})
    html = page.content.decode()
    assert offered(page) == [("Acme Corp", True), ("Globex", False)]
    assert f'name="organisation" id="filing-organisation" value="{story.acme.pk}"' in html
    for person in (story.alice, story.bob):
        assert f'<option value="{person.pk}">{person.name} ({person.email})</option>' in html
    virtual = story.acme.virtual_user
    assert virtual is not None
    assert f'<option value="{virtual.pk}">Acme Corp: virtual user ({virtual.email})</option>' in html
    assert "charlie@globex.example" not in html
    assert "web01" in html and "db01" in html and "web01-globex" not in html  # Acme's items only
    assert f"{ITEMS_URL}?organisation={story.acme.pk}&amp;field=config_item" in html
    assert 'data-testid="watcher-bob@acme.example"' in html


def test_the_contacts_partial_lists_only_the_chosen_organisations_people(
    story: Story, catalogue: Catalogue
) -> None:
    dana = client_for(story.dana)
    acme = dana.get(CONTACTS_URL, {"organisation": story.acme.pk})
    html = acme.content.decode()
    assert acme.status_code == 200
    assert acme["HX-Replace-Url"] == f"{URL}?organisation={story.acme.pk}"
    assert "alice@acme.example" in html and "bob@acme.example" in html
    assert "charlie@globex.example" not in html and "web01-globex" not in html
    assert 'id="watcher-people" hx-swap-oob="innerHTML"' in html
    assert 'id="config-item-step" hx-swap-oob="innerHTML"' in html
    globex = dana.get(CONTACTS_URL, {"organisation": story.globex.pk}).content.decode()
    assert "charlie@globex.example" in globex and "web01-globex" in globex
    assert "acme.example" not in globex
    assert dana.get(CONTACTS_URL, {"organisation": "999999"}).status_code == 404
    assert dana.get(CONTACTS_URL).status_code == 404


def test_the_contacts_partial_keeps_the_request_types_fields_typed_for_the_new_organisation(
    story: Story, catalogue: Catalogue
) -> None:
    query: dict[str, Any] = {
        "organisation": story.globex.pk,
        "request_type": catalogue.incident.slug,
        "extra.summary_line": "Typed before switching",
    }
    response = client_for(story.dana).get(CONTACTS_URL, query)
    html = response.content.decode()
    assert 'id="extra-fields" hx-swap-oob="innerHTML"' in html
    assert 'value="Typed before switching"' in html
    assert "Charlie Globex (charlie@globex.example)" in html  # the user field offers Globex's people
    assert "bob@acme.example" not in html
    assert response["HX-Replace-Url"] == f"{URL}?organisation={story.globex.pk}&request_type=cloud-incident"


def test_the_fields_partial_offers_the_organisations_people_and_items(
    story: Story, catalogue: Catalogue
) -> None:
    dana = client_for(story.dana)
    html = dana.get(
        FIELDS_URL, {"request_type": "cloud-incident", "organisation": str(story.acme.pk)}
    ).content.decode()
    assert 'data-request-type="cloud-incident"' in html
    assert "Bob Acme (bob@acme.example)" in html and "charlie@globex.example" not in html
    assert "web01" in html and "web01-globex" not in html
    assert dana.get(FIELDS_URL, {"request_type": "nope"}).status_code == 404


def test_the_item_search_is_scoped_to_the_organisation(story: Story, catalogue: Catalogue) -> None:
    dana = client_for(story.dana)
    html = dana.get(ITEMS_URL, {"organisation": str(story.acme.pk), "q": "web"}).content.decode()
    assert "web01" in html and "web01-globex" not in html
    html = dana.get(ITEMS_URL, {"organisation": str(story.globex.pk), "q": "web"}).content.decode()
    assert "web01-globex" in html
    assert dana.get(ITEMS_URL, {"q": "web"}).status_code == 404


def test_the_priority_follows_urgency_and_impact(story: Story) -> None:
    html = client_for(story.dana).get(PRIORITY_URL, {"urgency": "high", "impact": "high"}).content.decode()
    assert "P1" in html


def _grow(story: Story, catalogue: Catalogue, n: int) -> None:
    """More organisations, people, request types and items: the page's query count must not change."""
    for i in range(n):
        org_services.organisation_create(
            actor=story.erin, channel="cli", name=f"Org {n}-{i}", plan=story.free
        )
        colleague(story, n * 100 + i)
        make_type(catalogue.incident.category, f"extra-{n}-{i}", f"Extra {i}", fields=[
            {"key": "who", "kind": FieldKind.USER}, {"key": "what", "kind": FieldKind.TEXT},
        ])  # fmt: skip


def _queries(client: Any, url: str, query: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_the_page_and_its_partials_run_a_fixed_number_of_queries(story: Story, catalogue: Catalogue) -> None:
    dana = client_for(story.dana)
    cases = [
        (URL, {}),
        (URL, {"organisation": story.acme.pk, "request_type": "cloud-incident"}),
        (CONTACTS_URL, {"organisation": story.acme.pk, "request_type": "cloud-incident"}),
        (FIELDS_URL, {"organisation": story.acme.pk, "request_type": "cloud-incident"}),
        (ITEMS_URL, {"organisation": story.acme.pk, "q": "web"}),
    ]
    small = [_queries(dana, url, query) for url, query in cases]
    _grow(story, catalogue, 6)
    large = [_queries(dana, url, query) for url, query in cases]
    assert small == large
    print("filing page queries (empty, chosen, contacts, fields, items):", small)
    assert small[1] <= 16
