"""The collision notice: agents on the same case see each other viewing or replying; rows older than
the window are ignored; an unchanged notice answers 204; customers get 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from supportal.agent.models import CaseViewer
from supportal.agent.presence import PRESENCE_WINDOW
from supportal.cases.lifecycle import State
from tests.agent.test_case_fixtures import bobs_case, client_for, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases
HTMX = {"HX-Request": "true"}


def test_two_agents_see_each_other(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana, frank = client_for(story.dana), client_for(story.frank)
    first = dana.post(url("case_presence", case), {"replying": "0"}, headers=HTMX)
    assert first.status_code == 200 and 'data-testid="presence-viewer"' not in first.content.decode()
    frank.post(url("case_presence", case), {"replying": "1"}, headers=HTMX)
    notice = dana.post(url("case_presence", case), {"replying": "0"}, headers=HTMX).content.decode()
    assert "Frank CSM is replying" in notice
    assert f'name="shown" value="{story.frank.pk}:1"' in notice
    assert (
        "Dana Agent is viewing"
        in frank.post(url("case_presence", case), {"replying": "1"}, headers=HTMX).content.decode()
    )
    # Nothing changed since Dana's page showed it: no swap (204), so screen readers do not repeat it.
    same = dana.post(
        url("case_presence", case), {"replying": "0", "shown": f"{story.frank.pk}:1"}, headers=HTMX
    )
    assert same.status_code == 204
    frank.post(url("case_presence", case), {"replying": "0"}, headers=HTMX)
    assert (
        "Frank CSM is viewing"
        in dana.post(url("case_presence", case), {"shown": f"{story.frank.pk}:1"}).content.decode()
    )
    # The page lists them on first render too, in a polite live region.
    page = dana.get(page_url(case)).content.decode()
    assert 'aria-live="polite" data-testid="presence-list"' in page
    assert "Frank CSM is viewing" in page
    assert CaseViewer.objects.filter(case=case).count() == 2  # one row per agent, updated in place


def test_stale_rows_are_ignored(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    old = timezone.now() - PRESENCE_WINDOW - timedelta(seconds=1)
    CaseViewer.objects.create(case=case, user=story.frank, replying=True, seen_at=old)
    notice = client_for(story.dana).post(url("case_presence", case), {"replying": "0"}).content.decode()
    assert "Frank" not in notice
    assert (
        "Frank"
        not in client_for(story.dana).get(page_url(case)).content.decode().split("presence-list")[1][:300]
    )
    other = bobs_case(story, cases, State.OPEN)
    client_for(story.frank).post(url("case_presence", other), {"replying": "1"})
    assert "Frank" not in client_for(story.dana).post(url("case_presence", case)).content.decode()


def test_customers_and_strangers_get_404(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    for customer in (story.bob, story.charlie):
        assert client_for(customer).post(url("case_presence", case), {"replying": "1"}).status_code == 404
    assert not CaseViewer.objects.exists()
    assert client_for(story.dana).get(url("case_presence", case)).status_code == 405
    assert client_for(story.dana).post("/agent/cases/2601999999/presence/").status_code == 404
