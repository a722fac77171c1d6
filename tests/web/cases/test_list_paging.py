"""/cases/ and /orders/: sorting, keyset pagination (the "Next page" link keeps the filters) and a fixed
number of queries whatever the number of cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, Visibility
from supportal.web.cases import lists
from tests import paging
from tests.cases.conftest import move
from tests.conftest import Story
from tests.paging import next_url
from tests.web.cases.test_list_cases import client_for, listed, open_case, order_type

LEVELS = [("high", "high"), ("low", "low"), ("medium", "medium"), ("high", "medium")]  # P1, P4, P2, P2


def walk(client: Client, url: str) -> list[list[str]]:
    """Every page of a list, following "Next page"."""
    return paging.walk(client, url, listed)


@pytest.fixture
def twelve(story: Story) -> list[Case]:
    """Twelve of Alice's cases, mixed priorities; the fourth gets a comment later, so it is the latest."""
    made = []
    for n in range(12):
        urgency, impact = LEVELS[n % 4]
        made.append(open_case(story.alice, f"Case {n} vpn", urgency=urgency, impact=impact))
    services.comment_add(actor=story.alice, case=made[3], body="Still broken", channel="portal")
    for case in made:
        case.refresh_from_db()
    return made


def newest_activity_first(cases: list[Case]) -> list[str]:
    return [c.number for c in sorted(cases, key=lambda c: (c.updated_at, c.pk), reverse=True)]


def test_pages_follow_the_sort_without_gaps_or_duplicates(
    story: Story, twelve: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "PAGE_SIZE", 5)
    alice = client_for(story.alice)
    by_activity = walk(alice, "/cases/")
    assert [len(page) for page in by_activity] == [5, 5, 2]
    flat = [n for page in by_activity for n in page]
    assert flat == newest_activity_first(twelve)
    assert flat[0] == twelve[3].number  # the commented one

    created = [n for page in walk(alice, "/cases/?sort=created") for n in page]
    assert created == [c.number for c in reversed(twelve)]

    by_priority = [n for page in walk(alice, "/cases/?sort=priority") for n in page]
    expected = sorted(twelve, key=lambda c: (c.priority, -c.updated_at.timestamp(), -c.pk))
    assert by_priority == [c.number for c in expected]
    assert len(set(by_priority)) == 12


def test_next_page_keeps_every_filter(
    story: Story, twelve: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    for case in twelve[:6]:
        move(case, story.dana, Action.TAKE)
    services.case_update(
        actor=story.alice, case=twelve[0], channel="portal", visibility=Visibility.ORGANIZATION
    )
    alice = client_for(story.alice)
    first = alice.get("/cases/?scope=organization&q=vpn&status=open&status=new&priority=P2&sort=created")
    url = next_url(first)
    assert url is not None
    for part in ("scope=organization", "q=vpn", "status=open", "status=new", "priority=P2", "sort=created"):
        assert part in url
    pages = walk(alice, "/cases/?scope=organization&q=vpn&status=open&priority=P2&sort=created")
    flat = [n for page in pages for n in page]
    open_p2 = [c for c in twelve[:6] if c.priority == "P2"]
    assert flat == [c.number for c in reversed(open_p2)]
    # The first page link drops the cursor only.
    second = alice.get(url)
    assert (
        'href="/cases/?scope=organization&amp;q=vpn&amp;status=open&amp;status=new' in second.content.decode()
    )
    assert "First page" in second.content.decode()


def test_my_cases_merge_what_i_requested_and_what_i_watch(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    made = []
    for n in range(11):
        urgency, impact = LEVELS[n % 4]
        if n % 3:
            made.append(open_case(story.bob, f"Bob's {n}", urgency=urgency, impact=impact))
        else:  # Alice's, on Bob's watchlist
            made.append(
                open_case(story.alice, f"Watched {n}", urgency=urgency, impact=impact, watchers=[story.bob])
            )
    open_case(story.alice, "Not Bob's business")
    services.comment_add(actor=story.alice, case=made[0], body="Any news?", channel="portal")
    for case in made:
        case.refresh_from_db()
    bob = client_for(story.bob)
    pages = walk(bob, "/cases/")
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert [n for page in pages for n in page] == newest_activity_first(made)
    by_priority = [n for page in walk(bob, "/cases/?sort=priority") for n in page]
    expected = sorted(made, key=lambda c: (c.priority, -c.updated_at.timestamp(), -c.pk))
    assert by_priority == [c.number for c in expected]
    created = [n for page in walk(bob, "/cases/?sort=created&priority=P2") for n in page]
    assert created == [c.number for c in reversed(made) if c.priority == "P2"]


def test_a_bad_cursor_shows_the_first_page(story: Story, twelve: list[Case]) -> None:
    alice = client_for(story.alice)
    for cursor in ("garbage", "WyJub3QtYS1kYXRlIiwxXQ", "WzEsMiwzXQ"):
        page = alice.get("/cases/", {"cursor": cursor})
        assert listed(page) == newest_activity_first(twelve)
        assert "That page link is no longer valid" in page.content.decode()


def queries(client: Client, url: str, **headers: str) -> int:
    client.get(url, headers=headers)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


# (who, URL, HTMX?) -> the page's query budget. Session and user (2), the customer's membership with its
# groups (2), state names (1), case types (1), configuration items (1), the organisation's people (1, on
# the Organisation tab only), the page of cases (1; 2 on My cases: requested and watched, merged).
# Agents skip the membership and the pickers.
PAGES = [
    ("bob", "/cases/", False, 9),
    ("alice", "/cases/?scope=organization", False, 9),
    ("alice", "/cases/?scope=organization&q=vpn&status=new&sort=priority&created_from=2020-01-01", False, 9),
    ("alice", "/cases/?scope=organization&q=vpn", True, 9),
    ("bob", "/orders/", False, 9),
    ("dana", "/cases/", False, 5),
    ("dana", "/cases/?q=vpn&sort=created", True, 5),
]


def test_pages_run_a_fixed_number_of_queries(story: Story) -> None:
    clients = {name: client_for(getattr(story, name)) for name in ("alice", "bob", "dana")}

    def cases(count: int) -> None:
        for n in range(count):
            who = story.bob if n % 2 else story.alice
            open_case(who, f"vpn {n}", visibility=Visibility.ORGANIZATION, watchers=[story.alice, story.bob])
            open_case(who, f"order {n}", request_type=order_type())

    cases(3)
    small = {(who, url, htmx): queries(clients[who], url, **_hx(htmx)) for who, url, htmx, _ in PAGES}
    cases(27)
    assert Case.objects.count() == 60
    for who, url, htmx, budget in PAGES:
        large = queries(clients[who], url, **_hx(htmx))
        assert large == small[(who, url, htmx)], (who, url, htmx)
        assert large <= budget, (who, url, htmx, large)
    bob = clients["bob"].get("/cases/")
    assert len(listed(bob)) == lists.PAGE_SIZE and next_url(bob)  # 30 cases: a full page and a next one
    second = clients["bob"].get(next_url(bob) or "")
    assert len(listed(second)) == 5 and not set(listed(second)) & set(listed(bob))


def _hx(htmx: bool) -> dict[str, str]:
    return {"HX-Request": "true"} if htmx else {}
