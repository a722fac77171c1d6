"""Queue pages: every sort order across pages (keyset cursors, no gaps or duplicates), the default sort
of each queue, "Next page" keeping the filters, and a fixed number of queries whatever the number of
cases and saved views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.agent import queue_views
from supportal.agent.models import SavedView
from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case
from tests import paging
from tests.agent.test_queues import client_for, listed
from tests.cases.conftest import move
from tests.conftest import Story
from tests.paging import next_url
from tests.web.cases.test_list_cases import open_case

LEVELS = [("high", "high"), ("low", "low"), ("medium", "medium"), ("high", "medium")]  # P1, P4, P2, P2
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def walk(client: Client, url: str) -> list[list[str]]:
    """Every page of a queue, following "Next page"."""
    return paging.walk(client, url, listed)


def flat(pages: list[list[str]]) -> list[str]:
    return [number for page in pages for number in page]


@pytest.fixture
def eleven(story: Story) -> list[Case]:
    """Eleven new cases an hour apart, mixed priorities; the fourth gets a comment later."""
    made = []
    for n in range(11):
        urgency, impact = LEVELS[n % 4]
        with time_machine.travel(START + timedelta(hours=n), tick=False):
            made.append(open_case(story.alice, f"Case {n} vpn", urgency=urgency, impact=impact))
    with time_machine.travel(START + timedelta(days=1), tick=False):
        services.comment_add(actor=story.alice, case=made[3], body="Still broken", channel="portal")
    for case in made:
        case.refresh_from_db()
    return made


def test_every_sort_across_pages(story: Story, eleven: list[Case], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 4)
    dana = client_for(story.dana)
    by_priority = walk(dana, "/agent/")  # the default of an open queue: priority, oldest first
    assert [len(page) for page in by_priority] == [4, 4, 3]
    expected = sorted(eleven, key=lambda c: (c.priority, c.created_at, c.pk))
    assert flat(by_priority) == [c.number for c in expected]
    assert flat(walk(dana, "/agent/?sort=priority")) == flat(by_priority)
    assert flat(walk(dana, "/agent/?sort=oldest")) == [c.number for c in eleven]
    assert flat(walk(dana, "/agent/?sort=newest")) == [c.number for c in reversed(eleven)]
    by_activity = flat(walk(dana, "/agent/queues/all/"))  # the default of All: last activity
    assert by_activity[0] == eleven[3].number
    assert by_activity == [c.number for c in sorted(eleven, key=lambda c: (c.updated_at, c.pk), reverse=True)]
    assert flat(walk(dana, "/agent/queues/all/?sort=activity")) == by_activity


def test_next_page_keeps_the_filters_and_htmx_swaps_it(
    story: Story, eleven: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 2)
    dana = client_for(story.dana)
    first = dana.get("/agent/queues/all/?q=vpn&priority=P2&sort=oldest")
    url = next_url(first)
    assert url is not None and all(p in url for p in ("q=vpn", "priority=P2", "sort=oldest", "cursor="))
    p2 = [c.number for c in eleven if c.priority == "P2"]
    assert flat(walk(dana, "/agent/queues/all/?q=vpn&priority=P2&sort=oldest")) == p2
    partial = dana.get(url, headers={"HX-Request": "true"})
    assert listed(partial) == p2[2:4]
    html = partial.content.decode()
    assert "<html" not in html and 'data-testid="first-page"' in html
    assert f'name="next" value="{url.replace("&", "&amp;")}"' in html  # bulk actions come back here


def test_a_bad_cursor_gives_the_first_page(story: Story, eleven: list[Case]) -> None:
    response = client_for(story.dana).get("/agent/?cursor=not-a-cursor")
    assert len(listed(response)) == 11
    assert "That page link is no longer valid" in response.content.decode()


def _queries(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


def _save_views(story: Story, n: int) -> None:
    for i in range(n):
        scope: dict[str, Any] = {"owner": story.dana} if i % 2 else {"team": story.service_desk}
        SavedView.objects.create(
            name=f"View {i}", queue="all", query=f"q=case&priority=P3&organisation={story.acme.pk}", **scope
        )


def test_queries_do_not_grow_with_cases_or_saved_views(story: Story) -> None:
    """Session, user, the agent's teams, saved views, five for the options and one for the organisation
    picker, two for the page, the counts (and the registration requests' scope, a CSM's organisations);
    the HTMX partial skips the sidebar and the picker. (An empty page makes one fewer: no rows to load.)"""
    dana = client_for(story.dana)
    urls = ["/agent/", "/agent/queues/mine/?q=case&status=open", "/agent/queues/teams/?sort=newest"]

    def measure() -> list[int]:
        return [_queries(dana, url) for url in urls] + [_queries(dana, urls[1], **{"HX-Request": "true"})]

    for n in range(3):
        case = open_case(story.alice, f"Case {n}")
        if n == 0:
            move(case, story.dana, Action.TAKE)  # Mine and My teams have a row too
    _save_views(story, 1)
    small = measure()
    for n in range(27):
        case = open_case(story.bob if n % 2 else story.alice, f"Case {n} more", urgency="high")
        if n % 3 == 0:
            move(case, story.dana, Action.TAKE)
    _save_views(story, 6)
    large = measure()
    assert small == large
    view = SavedView.objects.filter(owner=story.dana).first()
    assert view is not None
    assert _queries(dana, f"/agent/views/{view.pk}/") == large[0] + 1  # loading the view itself
    assert large == [15, 15, 15, 10]
