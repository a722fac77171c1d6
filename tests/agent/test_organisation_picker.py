"""The organisation picker (agent/organisation_picker.py) and its search endpoint: agents only, at most
MAX_MATCHES organisations matched on any part of the name in any case, the chosen one always offered;
the filing page and the queue filters use it with and without JavaScript, and neither page grows (in
bytes or queries) with the number of organisations."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportal.agent.organisation_picker import MAX_MATCHES
from supportal.orgs.models import Organisation
from tests.agent.test_filing_fixtures import URL as FILING_URL
from tests.conftest import Story
from tests.web.cases.test_create_fixtures import client_for

pytestmark = pytest.mark.django_db
SEARCH_URL = "/agent/organisations/"
QUEUE_URL = "/agent/queues/all/"


class _Radios(HTMLParser):
    """The organisation radio buttons of a page or partial: (label, checked) in the order shown."""

    def __init__(self) -> None:
        super().__init__()
        self.checked: dict[str, bool] = {}  # input id -> checked
        self.labels: dict[str, str] = {}  # input id -> label text
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "radio" and found.get("name") == "organisation":
            self.checked[found["id"] or ""] = "checked" in found
        elif tag == "label" and found.get("for") in self.checked:
            self._label_for = found["for"]
            self.labels[self._label_for or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[self._label_for] += data


def offered(response: Any) -> list[tuple[str, bool]]:
    """The organisations offered, by their labels (whitespace squeezed), and whether each is checked."""
    parser = _Radios()
    parser.feed(response.content.decode())
    return [(" ".join(parser.labels[key].split()), checked) for key, checked in parser.checked.items()]


def grow(story: Story, upto: int, *, active: bool = True) -> None:
    """Organisations "Org 00000" ... up to `upto` of them, in one query (no people, no virtual users)."""
    have = Organisation.objects.filter(name__startswith="Org ").count()
    Organisation.objects.bulk_create(
        Organisation(name=f"Org {i:05d}", slug=f"org-{i:05d}", plan=story.free, is_active=active)
        for i in range(have, upto)
    )


def test_the_search_is_for_agents_only(story: Story) -> None:
    assert reverse("agent:organisation_search") == SEARCH_URL
    for customer in (story.alice, story.bob, story.charlie):
        assert client_for(customer).get(SEARCH_URL, {"q": "acme"}).status_code == 404
    anonymous = client_for(story.bob)
    anonymous.logout()
    assert anonymous.get(SEARCH_URL).status_code == 302
    response = client_for(story.dana).get(SEARCH_URL, {"q": "acme", "purpose": "filing"})
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_matching_is_on_any_part_of_the_name_in_any_case(story: Story) -> None:
    dana = client_for(story.dana)
    for query in ("ACME", "corp", "  me c  "):
        assert offered(dana.get(SEARCH_URL, {"q": query, "purpose": "filing"})) == [("Acme Corp", False)]
    # The page's own search box sends organisation_q.
    response = dana.get(SEARCH_URL, {"organisation_q": "gLoB", "purpose": "filing"})
    assert offered(response) == [("Globex", False)]
    empty = dana.get(SEARCH_URL, {"q": "nobody", "purpose": "filing"})
    assert offered(empty) == [] and "No organisation's name contains “nobody”." in empty.content.decode()


def test_at_most_twenty_by_name_and_the_chosen_one_always(story: Story) -> None:
    grow(story, 30)
    chosen = Organisation.objects.get(name="Org 00027")
    dana = client_for(story.dana)
    first = offered(dana.get(SEARCH_URL, {"purpose": "filing"}))
    assert first == [
        ("Acme Corp", False), ("Globex", False), *[(f"Org {i:05d}", False) for i in range(MAX_MATCHES - 2)]
    ]  # fmt: skip
    response = dana.get(SEARCH_URL, {"purpose": "filing", "q": "org", "organisation": str(chosen.pk)})
    shown = offered(response)
    assert shown[0] == ("Org 00027", True) and len(shown) == MAX_MATCHES + 1
    assert [name for name, _ in shown[1:]] == [f"Org {i:05d}" for i in range(MAX_MATCHES)]
    assert 'data-testid="organisations-more"' in response.content.decode()
    # Chosen, though the search does not match it; no "more" when every match is shown.
    response = dana.get(SEARCH_URL, {"purpose": "filing", "q": "glob", "organisation": str(chosen.pk)})
    assert offered(response) == [("Org 00027", True), ("Globex", False)]
    assert 'data-testid="organisations-more"' not in response.content.decode()


def test_filing_offers_active_organisations_and_the_filter_every_one(story: Story) -> None:
    story.globex.is_active = False
    story.globex.save()
    dana = client_for(story.dana)
    filing = dana.get(SEARCH_URL, {"purpose": "filing", "organisation": str(story.globex.pk)})
    assert offered(filing) == [("Acme Corp", False)]
    assert "No active organisation has the number" in filing.content.decode()
    queue = dana.get(SEARCH_URL, {"purpose": "filter", "organisation": str(story.globex.pk)})
    assert offered(queue) == [("Any organisation", False), ("Globex (inactive)", True), ("Acme Corp", False)]
    assert offered(dana.get(SEARCH_URL, {"q": "e"}))[0] == ("Any organisation", True)


def test_the_search_runs_one_query_whatever_the_number_of_organisations(story: Story) -> None:
    dana = client_for(story.dana)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dana.get(SEARCH_URL, {"q": "org", "purpose": "filing", "organisation": str(story.acme.pk)})
        return len(captured)

    small = queries()
    grow(story, 600)
    assert queries() == small == 3  # the session, the user, the organisations


def _measure(client: Any, url: str, query: dict[str, Any]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(response.content), len(captured)


@pytest.mark.parametrize(
    ("url", "chosen"),
    [(QUEUE_URL, False), (QUEUE_URL, True), (FILING_URL, False), (FILING_URL, True)],
)
def test_pages_do_not_grow_with_the_number_of_organisations(story: Story, url: str, chosen: bool) -> None:
    """30 against 600 organisations (names of one length): the same queries, and within a few bytes (the
    one chosen beyond the first twenty has a longer id and its own line)."""
    dana = client_for(story.dana)
    grow(story, 30)
    query = {"organisation": Organisation.objects.get(name="Org 00025").pk} if chosen else {}
    size, queries = _measure(dana, url, query)
    grow(story, 600)
    grown_size, grown_queries = _measure(dana, url, query)
    assert grown_queries == queries
    assert abs(grown_size - size) < 300, (size, grown_size)


def test_without_javascript_the_filing_page_searches_and_keeps_the_choice(story: Story) -> None:
    dana = client_for(story.dana)
    found = dana.get(FILING_URL, {"organisation_q": "glob"})
    assert offered(found) == [("Globex", False)]
    html = found.content.decode()
    assert 'name="organisation_q" value="glob"' in html and 'data-testid="contacts-empty"' in html
    chosen = dana.get(FILING_URL, {"organisation_q": "glob", "organisation": str(story.acme.pk)})
    assert offered(chosen) == [("Acme Corp", True), ("Globex", False)]
    assert f'id="filing-organisation" value="{story.acme.pk}"' in chosen.content.decode()


def test_without_javascript_the_queue_filter_searches_and_filters(story: Story) -> None:
    dana = client_for(story.dana)
    found = dana.get(QUEUE_URL, {"organisation_q": "glob"})
    assert offered(found) == [("Any organisation", True), ("Globex", False)]
    chosen = dana.get(QUEUE_URL, {"organisation_q": "glob", "organisation": str(story.globex.pk)})
    assert offered(chosen) == [("Any organisation", False), ("Globex", True)]
    html = chosen.content.decode()
    assert 'value="glob"' in html and f'name="query" value="organisation={story.globex.pk}"' in html
    wrong = dana.get(QUEUE_URL, {"organisation": "abc"}).content.decode()
    assert 'id="id_organisation_error"' in wrong and 'aria-invalid="true"' in wrong
