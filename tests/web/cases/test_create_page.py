"""The create-a-case page and its HTMX partials: who sees what, a field of every kind, the live priority,
the configuration item search, and a fixed number of queries whatever the data size."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportal.cases.models import Case, PriorityLevel, PriorityRule
from supportal.cases.services.priority import DEFAULT_DEFINITIONS, DEFAULT_MATRIX
from supportal.orgs import services as org_services
from supportal.orgs.models import Organisation
from tests.cmdb.factories import add_item
from tests.conftest import Story, groups
from tests.web.cases import test_create_fixtures as create_fixtures
from tests.web.cases.test_create_fixtures import (
    FIELDS_URL,
    ITEMS_URL,
    PRIORITY_URL,
    URL,
    Catalogue,
    client_for,
    colleague,
    make_request_type,
)

catalogue = create_fixtures.catalogue  # a catalogue with a field of every kind


def test_urls_are_named() -> None:
    assert reverse("web:case_new") == URL
    assert reverse("web:case_new_fields") == FIELDS_URL
    assert reverse("web:case_new_priority") == PRIORITY_URL
    assert reverse("web:case_config_items") == ITEMS_URL


def test_alice_sees_the_form_with_its_categories(story: Story, catalogue: Catalogue) -> None:
    page = client_for(story.alice).get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert '<optgroup label="Cloud">' in body
    assert '<optgroup label="General">' in body
    assert 'value="cloud-incident"' in body and 'value="question"' in body
    assert "file-backup" not in body  # orders come from the catalog
    assert "Choose a request type: the fields it needs appear here." in body
    assert "Contact: <strong>Alice Acme</strong>" in body
    assert "Markdown" in body
    assert "up to 25 MB per file" in body
    assert 'id="visibility-private" value="private" checked' in body
    assert 'name="requester_name"' not in body  # Acme does not share a login
    assert 'data-testid="severity-definitions"' in body
    assert DEFAULT_DEFINITIONS["P1"][1] in body
    assert 'data-testid="priority-value">P3 Medium<' in body  # medium urgency x low impact
    assert 'type="file" id="files" name="files" multiple' in body
    assert "supportal/case_form.js" in body
    # the watchlist offers colleagues, not Alice herself
    assert 'data-testid="watcher-bob@acme.example"' in body
    assert 'data-testid="watcher-alice@acme.example"' not in body


@pytest.mark.parametrize("slug", ["cloud-incident", "file-backup"])
def test_a_request_type_in_the_address_is_chosen(story: Story, catalogue: Catalogue, slug: str) -> None:
    body = client_for(story.alice).get(URL, {"request_type": slug}).content.decode()
    assert f'<option value="{slug}" selected>' in body
    assert f'data-request-type="{slug}"' in body


def test_an_unknown_request_type_in_the_address_chooses_none(story: Story, catalogue: Catalogue) -> None:
    body = client_for(story.alice).get(URL, {"request_type": "no-such-type"}).content.decode()
    assert " selected>" not in body.split('id="request_type"')[1].split("</select>")[0]


def test_the_fields_partial_renders_every_kind(story: Story, catalogue: Catalogue) -> None:
    response = client_for(story.alice).get(FIELDS_URL, {"request_type": "cloud-incident"})
    assert response.status_code == 200
    assert response["HX-Replace-Url"] == "/cases/new/?request_type=cloud-incident"
    body = response.content.decode()
    assert "<html" not in body  # a fragment
    assert "Report an ongoing incident." in body
    assert re.search(r'<select class="form-select" id="extra-service" name="extra.service" required', body)
    assert '<option value="DNS">DNS</option>' in body
    assert 'type="date" id="extra-started_on" name="extra.started_on" value="" required' in body
    assert 'type="text" id="extra-summary_line" name="extra.summary_line"' in body
    assert '<textarea class="form-control" id="extra-error_message" name="extra.error_message"' in body
    assert 'type="number" step="any" inputmode="decimal" id="extra-vcpus"' in body
    assert body.count('type="checkbox" name="extra.hardware"') == 3
    assert f'<option value="{story.alice.pk}">Alice Acme (alice@acme.example)</option>' in body
    assert f'<option value="{story.bob.pk}">Bob Acme (bob@acme.example)</option>' in body
    assert "charlie@globex.example" not in body
    assert f'name="extra.server" id="ci-extra-server-{catalogue.web01.pk}"' in body
    assert "web01-globex" not in body
    assert 'id="extra-app_version" name="extra.app_version"' in body
    assert "When it began." in body  # help text
    labels = re.findall(r"(Service|Started on|Summary line) <span[^>]*>\((required|optional)\)", body)
    assert labels == [("Service", "required"), ("Started on", "required"), ("Summary line", "optional")]


def test_the_fields_partial_for_no_or_an_unknown_type(story: Story, catalogue: Catalogue) -> None:
    alice = client_for(story.alice)
    empty = alice.get(FIELDS_URL, {"request_type": ""})
    assert empty.status_code == 200
    assert "Choose a request type" in empty.content.decode()
    assert empty["HX-Replace-Url"] == "/cases/new/"
    assert alice.get(FIELDS_URL, {"request_type": "no-such-type"}).status_code == 404
    none_of_its_own = alice.get(FIELDS_URL, {"request_type": "question"}).content.decode()
    assert "needs nothing more than the fields below" in none_of_its_own


@pytest.mark.parametrize(("urgency", "impact"), list(DEFAULT_MATRIX))
def test_the_priority_partial_for_every_cell(story: Story, urgency: str, impact: str) -> None:
    response = client_for(story.alice).get(PRIORITY_URL, {"urgency": urgency, "impact": impact})
    assert response.status_code == 200
    priority = DEFAULT_MATRIX[(urgency, impact)]
    name, definition = DEFAULT_DEFINITIONS[priority]
    body = response.content.decode()
    assert f'data-testid="priority-value">{priority.value} {name}<' in body
    assert definition in body


def test_the_priority_partial_follows_the_configured_matrix(story: Story) -> None:
    PriorityRule.objects.update_or_create(urgency="low", impact="low", defaults={"priority": "P3"})
    PriorityLevel.objects.update_or_create(
        priority="P3", defaults={"name": "Normal", "definition": "Within the working week."}
    )
    body = client_for(story.alice).get(PRIORITY_URL, {"urgency": "low", "impact": "low"}).content.decode()
    assert 'data-testid="priority-value">P3 Normal<' in body
    assert "Within the working week." in body
    asked = client_for(story.alice).get(PRIORITY_URL, {"urgency": "urgent"}).content.decode()
    assert "Choose an urgency and an impact" in asked


def test_the_item_search_finds_only_the_organisations_items(story: Story, catalogue: Catalogue) -> None:
    alice, charlie = client_for(story.alice), client_for(story.charlie)
    body = alice.get(ITEMS_URL, {"q": "web"}).content.decode()
    assert f'value="{catalogue.web01.pk}"' in body
    assert "globex" not in body
    assert f'value="{catalogue.db01.pk}"' not in body
    by_identifier = alice.get(ITEMS_URL, {"q": "5F0C6A"}).content.decode()
    assert f'value="{catalogue.db01.pk}"' in by_identifier
    assert f'value="{catalogue.web01.pk}"' not in by_identifier
    theirs = charlie.get(ITEMS_URL, {"q": "web"}).content.decode()
    assert f'value="{catalogue.globex_web.pk}"' in theirs
    assert f'value="{catalogue.web01.pk}"' not in theirs
    nothing = alice.get(ITEMS_URL, {"q": "globex"}).content.decode()
    assert 'data-testid="config-items-empty"' in nothing
    # Asking for Globex's item as the selected one does not reveal it either.
    sneaky = alice.get(ITEMS_URL, {"q": "", "config_item": str(catalogue.globex_web.pk)}).content.decode()
    assert "web01-globex" not in sneaky


def test_the_item_search_keeps_the_choice_and_shows_at_most_twenty(
    story: Story, catalogue: Catalogue
) -> None:
    for n in range(25):
        add_item(story, catalogue.types, f"app{n:02d}")
    alice = client_for(story.alice)
    query = {"q": "app", "field": "extra.server", "extra.server": str(catalogue.db01.pk)}
    body = alice.get(ITEMS_URL, query)
    text = body.content.decode()
    options = re.findall(r'name="extra.server" id="ci-extra-server-(\d+)"', text)
    assert len(options) == 20
    assert options[0] == str(catalogue.db01.pk)  # chosen before, kept first though it does not match
    assert f'value="{catalogue.db01.pk}" checked' in text
    assert "More items match" in text
    assert 'name="extra.server" id="ci-extra-server-none" value=""' in text
    odd = alice.get(ITEMS_URL, {"q": "app", "field": '"><script>'}).content.decode()
    assert "<script>" not in odd and 'name="config_item"' in odd


def test_agents_are_told_to_use_the_agent_workspace(story: Story, catalogue: Catalogue) -> None:
    dana = client_for(story.dana)
    page = dana.get(URL)
    assert page.status_code == 403
    assert "Agents open cases for customers from the agent workspace" in page.content.decode()
    assert dana.post(URL, {"subject": "x", "request_type": "question"}).status_code == 403
    for url in (FIELDS_URL, PRIORITY_URL, ITEMS_URL):
        assert dana.get(url, {"request_type": "question", "q": "web"}).status_code == 403
    assert not Case.objects.exists()


def test_people_without_the_right_are_refused(story: Story, catalogue: Catalogue) -> None:
    watcher_only = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.acme, email="viewer@acme.example",
        name="Viewer", groups=groups("organisation-cases"),
    )  # fmt: skip
    client = client_for(watcher_only)
    page = client.get(URL)
    assert page.status_code == 403
    assert "Your permission groups do not include opening cases." in page.content.decode()
    assert client.get(ITEMS_URL, {"q": "web"}).status_code == 403


def test_a_free_plan_is_told_to_write_to_the_support_address(story: Story, settings: Any) -> None:
    settings.SUPPORT_ADDRESS = "help@provider.example"
    initech = Organisation.objects.create(name="Initech", slug="initech", plan=story.free)
    peter = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=initech, email="peter@initech.example",
        name="Peter", groups=groups("case-reporter"),
    )  # fmt: skip
    client = client_for(peter)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'href="mailto:help@provider.example"' in body
    assert "Free plan of Initech includes support by email" in body
    assert 'id="case-form"' not in body
    assert client.post(URL, {"subject": "Help"}).status_code == 200
    assert not Case.objects.exists()
    assert client.get(PRIORITY_URL, {"urgency": "high", "impact": "high"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    from django.test import Client

    for url in (URL, FIELDS_URL, PRIORITY_URL, ITEMS_URL):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def _count(client: Any, url: str, data: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data).status_code == 200
    return len(queries)


PAGES = [
    (URL, {"request_type": "cloud-incident"}),
    (URL, {}),
    (FIELDS_URL, {"request_type": "cloud-incident"}),
    (PRIORITY_URL, {"urgency": "high", "impact": "low"}),
    (ITEMS_URL, {"q": "a", "config_item": "1"}),
]


def test_the_page_and_partials_run_a_fixed_number_of_queries(
    story: Story, catalogue: Catalogue, django_assert_num_queries: Any
) -> None:
    alice = client_for(story.alice)
    alice.get(URL)  # warm the session
    small = [_count(alice, url, data) for url, data in PAGES]
    for n in range(30):  # more colleagues, items, request types and categories
        colleague(story, n)
        add_item(story, catalogue.types, f"app{n:02d}", identifier=f"a-{n}")
        make_request_type(catalogue.question.category, f"extra-{n}", f"Extra {n}", case_type="question")
    PriorityRule.objects.update_or_create(urgency="high", impact="low", defaults={"priority": "P2"})
    for (url, data), expected in zip(PAGES, small, strict=True):
        with django_assert_num_queries(expected):
            assert alice.get(url, data).status_code == 200
    assert small[0] <= 16, small
