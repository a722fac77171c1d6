"""Saved views: saving a queue with its filters for oneself or a team, who sees and deletes which (404
for everybody else), and what the view's page shows."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from supportal.accounts.models import User
from supportal.agent import saved_views
from supportal.agent.models import SavedView
from tests.agent.test_queues import Queues, add_agent, client_for, counts, listed, make_queues, numbers
from tests.conftest import Story


@pytest.fixture
def queues(story: Story) -> Queues:
    return make_queues(story)


@pytest.fixture
def hal(story: Story) -> User:
    """Dana's team mate in Service Desk."""
    return add_agent(story, "Hal Desk", "hal@provider.example", [story.service_desk])


def save(client: Client, name: str, *, query: str, queue: str = "all", scope: str = "me") -> object:
    return client.post(
        "/agent/views/", {"name": name, "queue": queue, "query": query, "scope": scope, "next": "/agent/"}
    )


def said(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_dana_saves_a_personal_view(story: Story, queues: Queues) -> None:
    dana = client_for(story.dana)
    response = save(
        dana, "Globex open", query=f"organisation={story.globex.pk}&cursor=abc&page=2&sort=oldest"
    )
    view = SavedView.objects.get()
    assert (view.owner, view.team, view.created_by, view.queue) == (story.dana, None, story.dana, "all")
    assert view.query == f"organisation={story.globex.pk}&sort=oldest"  # filters only: no cursor
    assert response.status_code == 302 and response["Location"] == f"/agent/views/{view.pk}/"
    assert said(response) == ["Saved the view “Globex open” for you."]
    page = dana.get(response["Location"])
    assert set(listed(page)) == numbers(queues.routed)
    html = page.content.decode()
    assert 'data-testid="queue-heading">Globex open<' in html and "yours alone" in html
    assert counts(page)["Globex open"] == "1"
    assert 'class="queue-link active" href="/agent/views/' in html


def test_filters_in_the_address_replace_the_saved_ones(story: Story, queues: Queues) -> None:
    view = SavedView.objects.create(
        name="Acme", owner=story.dana, queue="mine", query=f"organisation={story.acme.pk}"
    )
    dana = client_for(story.dana)
    assert set(listed(dana.get(f"/agent/views/{view.pk}/"))) == numbers(
        queues.taken, queues.awaiting, queues.resolved
    )
    changed = dana.get(f"/agent/views/{view.pk}/?status=resolved&q=")
    assert listed(changed) == [queues.resolved.number]
    assert "back to the saved filters" in changed.content.decode()


def test_a_team_view_is_the_teams(story: Story, queues: Queues, hal: User) -> None:
    response = save(
        client_for(story.dana), "Desk on hold", query="", queue="on-hold", scope=str(story.service_desk.pk)
    )
    view = SavedView.objects.get()
    assert (view.owner, view.team) == (None, story.service_desk)
    assert said(response) == ["Saved the view “Desk on hold” for Service Desk."]
    url = f"/agent/views/{view.pk}/"
    assert listed(client_for(hal).get(url)) == [queues.held.number]
    assert "Desk on hold" in counts(client_for(hal).get("/agent/"))
    assert client_for(story.erin).get(url).status_code == 200  # admins see every team's views
    gus = client_for(queues.gus)
    assert gus.get(url).status_code == 404
    assert "Desk on hold" not in counts(gus.get("/agent/"))
    assert gus.post(f"{url}delete/").status_code == 404
    deleted = client_for(hal).post(f"{url}delete/")
    assert deleted.status_code == 302 and deleted["Location"] == "/agent/"
    assert said(deleted) == ["Deleted the view “Desk on hold”."]
    assert not SavedView.objects.exists()


def test_an_admin_may_delete_a_team_view(story: Story) -> None:
    view = SavedView.objects.create(name="Desk", team=story.service_desk, queue="all")
    assert client_for(story.erin).post(f"/agent/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_a_personal_view_is_its_owners_alone(story: Story, queues: Queues, hal: User) -> None:
    view = SavedView.objects.create(name="Mine only", owner=story.dana, queue="all")
    url = f"/agent/views/{view.pk}/"
    for other in (hal, story.erin, queues.gus):
        client = client_for(other)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}delete/").status_code == 404
        assert "Mine only" not in counts(client.get("/agent/"))
    for customer in (story.alice, story.charlie):
        assert client_for(customer).get(url).status_code == 404
        assert client_for(customer).post(f"{url}delete/").status_code == 404
    assert client_for(story.dana).get(f"{url}delete/").status_code == 405
    assert client_for(story.dana).post(f"{url}delete/").status_code == 302
    assert client_for(story.dana).get(url).status_code == 404
    assert client_for(story.dana).get("/agent/views/999999/").status_code == 404


def test_what_cannot_be_saved_is_said(story: Story, queues: Queues, monkeypatch: pytest.MonkeyPatch) -> None:
    dana = client_for(story.dana)
    refused = {
        "no name": save(dana, "  ", query="q=x"),
        "no queue": save(dana, "Odd", query="q=x", queue="elsewhere"),
        "not her team": save(dana, "Network's", query="", scope=str(queues.network.pk)),
        "no team": save(dana, "Nobody's", query="", scope="banana"),
        "too long": save(dana, "Long", query="q=" + "x" * 2100),
    }
    for why, response in refused.items():
        assert response.status_code == 302 and response["Location"] == "/agent/", why  # type: ignore[attr-defined]
        assert said(response)[-1].startswith("The view cannot be saved"), why
    assert not SavedView.objects.exists()
    monkeypatch.setattr(saved_views, "MAX_VIEWS", 1)
    save(dana, "First", query="")
    assert said(save(dana, "Second", query=""))[-1] == "At most 1 saved views each: delete one first."
    assert SavedView.objects.count() == 1


def test_only_agents_may_save_and_csrf_is_checked(story: Story) -> None:
    for customer in (story.alice, story.charlie):
        assert save(client_for(customer), "Sneaky", query="").status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(story.dana)
    assert save(strict, "No token", query="").status_code == 403
    assert client_for(story.dana).get("/agent/views/").status_code == 405
    assert not SavedView.objects.exists()
