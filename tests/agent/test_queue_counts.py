"""The sidebar's counts: every queue and saved view (and the pending registration requests) counted in
one SQL query, each capped, so the cost does not grow with the number of cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.agent import queue_counts
from supportal.agent.models import SavedView
from supportal.agent.queue_counts import capped_counts, shown
from supportal.cases import search
from supportal.cases.models import Case
from tests.agent.test_queues import Queues, client_for, counts, make_queues
from tests.conftest import Story
from tests.web.cases.test_list_cases import open_case


@pytest.fixture
def queues(story: Story) -> Queues:
    return make_queues(story)


def test_one_query_counts_them_all(story: Story, queues: Queues) -> None:
    everything = {
        "new": Case.objects.filter(state="new", assignee__isnull=True),
        "nothing": Case.objects.filter(pk__in=[]),  # Django would not even ask the database
        "found": search.matching(Case.objects.all(), "printer", include_internal=True),
        "all": Case.objects.all(),
    }
    with CaptureQueriesContext(connection) as captured:
        found = capped_counts(everything)
    assert len(captured) == 1
    assert found == {"new": 1, "nothing": 0, "found": 1, "all": 7}
    assert capped_counts(everything, cap=3) == {"new": 1, "nothing": 0, "found": 1, "all": 3}
    assert capped_counts({}) == {}


def test_counts_show_the_cap(story: Story, queues: Queues, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_counts, "CAP", 5)
    assert (shown(4), shown(5), shown(50)) == ("4", "4+", "4+")
    for n in range(5):
        open_case(story.bob, f"More {n}")
    SavedView.objects.create(
        name="Acme new", owner=story.dana, queue="new", query=f"organisation={story.acme.pk}"
    )
    SavedView.objects.create(name="Printers", team=story.service_desk, queue="all", query="q=printer")
    sidebar = counts(client_for(story.dana).get("/agent/queues/mine/"))
    assert sidebar["New and unassigned"] == "4+"  # 6 of them
    assert sidebar["All"] == "4+"
    assert sidebar["Mine"] == "3"
    assert sidebar["Printers"] == "1"
    assert sidebar["Acme new"] == "4+"


def test_saved_views_are_counted_with_their_filters(story: Story, queues: Queues) -> None:
    SavedView.objects.create(
        name="Globex new", owner=story.dana, queue="all", query=f"organisation={story.globex.pk}&status=new"
    )
    SavedView.objects.create(name="Gone queue", owner=story.dana, queue="retired", query="q=printer")
    sidebar = counts(client_for(story.dana).get("/agent/"))
    assert sidebar["Globex new"] == "1"
    assert sidebar["Gone queue"] == "1"  # an unknown queue counts as All
