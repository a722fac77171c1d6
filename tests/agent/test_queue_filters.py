"""The queue filters: each one narrows the queue; invalid values are reported next to their field and
left out while the valid ones still apply; HTMX gets the results only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseType
from tests.agent.test_organisation_picker import offered
from tests.agent.test_queues import Queues, client_for, listed, make_queues, numbers
from tests.cases.conftest import move
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story
from tests.web.cases.test_list_cases import open_case, order_type

ALL = "/agent/queues/all/"


@pytest.fixture
def queues(story: Story) -> Queues:
    return make_queues(story)


def found(story: Story, query: str, url: str = ALL) -> set[str]:
    return set(listed(client_for(story.dana).get(f"{url}?{query}")))


def test_each_filter_narrows_the_queue(story: Story, queues: Queues) -> None:
    q = queues
    order = services.case_create(actor=story.alice, organisation=story.acme, subject="New laptop order",
                                 channel="portal", request_type=order_type())  # fmt: skip
    phoned = services.case_create(
        actor=story.dana, organisation=story.globex, requester=story.charlie, subject="Phoned in",
        channel="phone", urgency="high", impact="high",
    )  # fmt: skip
    incident = CaseType.objects.get(code="incident")
    services.case_update(actor=story.dana, case=q.held, channel="portal", case_type=incident)
    assert found(story, "q=printer") == numbers(q.new)
    assert found(story, "status=new&status=on_hold") == numbers(q.new, q.routed, q.held, order, phoned)
    assert found(story, f"organisation={story.globex.pk}") == numbers(q.routed, phoned)
    assert found(story, "type=incident") == numbers(q.held)
    assert found(story, f"request_type={order.request_type_id}") == numbers(order)
    assert found(story, "priority=P1") == numbers(phoned)
    assert phoned.assignee == q.gus  # Globex's cases go to Network, in turn
    assert found(story, f"team={q.network.pk}") == numbers(q.routed, phoned)
    assert found(story, f"assignee={q.gus.pk}") == numbers(q.routed, q.held, phoned)
    assert found(story, "assignee=none") == numbers(q.new, order)
    assert found(story, "channel=phone") == numbers(phoned)
    assert found(story, "kind=order") == numbers(order)
    assert found(story, "kind=case") == numbers(*q.every, phoned)
    # Filters narrow the queue, never widen it.
    assert found(story, "assignee=none&kind=order", url="/agent/") == numbers(order)
    assert found(story, f"organisation={story.acme.pk}", url="/agent/queues/mine/") == numbers(
        q.taken, q.awaiting, q.resolved
    )


def test_configuration_item_filter_by_number(story: Story) -> None:
    types = make_types(story)
    mail = add_item(story, types, "mail-01")
    on_mail = open_case(story.alice, "Mail queue stuck", config_item=mail)
    open_case(story.alice, "No item")
    response = client_for(story.dana).get(f"{ALL}?config_item={mail.pk}")
    assert listed(response) == [on_mail.number]
    assert 'data-testid="config-item-name">mail-01 (Acme Corp)<' in response.content.decode()


def test_created_dates_are_the_agents_days(story: Story) -> None:
    def opened_at(moment: datetime, subject: str) -> Case:
        with time_machine.travel(moment, tick=False):
            return open_case(story.alice, subject)

    late = opened_at(datetime(2026, 4, 1, 23, 30, tzinfo=UTC), "Late on the 1st in London")
    opened_at(datetime(2026, 3, 20, 12, tzinfo=UTC), "March")
    assert found(story, "created_from=2026-04-01&created_to=2026-04-01") == numbers(late)
    story.dana.time_zone = "Pacific/Auckland"  # there, it was the 2nd already
    story.dana.save()
    assert found(story, "created_from=2026-04-01&created_to=2026-04-01") == set()
    assert found(story, "created_from=2026-04-02") == numbers(late)


def test_bad_values_are_reported_and_left_out(story: Story, queues: Queues) -> None:
    dana = client_for(story.dana)
    response = dana.get(
        f"{ALL}?q=printer&organisation=abc&priority=P9&assignee=999999&config_item=x"
        "&created_from=yesterday&status=lost&kind=both&sort=sideways&channel=fax"
    )
    assert listed(response) == [queues.new.number]  # the valid filter still applies
    html = response.content.decode()
    for name in ("organisation", "priority", "assignee", "config_item", "created_from", "status", "kind",
                 "sort", "channel"):  # fmt: skip
        assert f'id="id_{name}_error"' in html, name
    assert 'aria-invalid="true"' in html and 'data-testid="filter-errors"' in html
    assert 'value="yesterday"' in html  # what was typed stays
    backwards = dana.get(f"{ALL}?created_from=2026-02-01&created_to=2026-01-01").content.decode()
    assert "Must not be before the “Created from” date." in backwards


def test_htmx_gets_the_results_only(story: Story, queues: Queues) -> None:
    partial = client_for(story.dana).get(f"{ALL}?q=printer", headers={"HX-Request": "true"})
    assert listed(partial) == [queues.new.number]
    html = partial.content.decode()
    assert "<html" not in html and 'data-testid="queue-sidebar"' not in html
    assert "data-queue-list" in html and 'name="query" value="q=printer"' in html
    assert partial["Vary"].count("HX-Request") == 1


@pytest.mark.parametrize("option", ["organisation", "assignee"])
def test_option_lists_are_bounded_but_keep_the_chosen_one(
    story: Story, queues: Queues, option: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportal.agent import organisation_picker, queue_options

    monkeypatch.setattr(queue_options, "MAX_OPTIONS", 1)
    monkeypatch.setattr(organisation_picker, "MAX_MATCHES", 1)  # the organisation picker's bound
    chosen = story.globex.pk if option == "organisation" else queues.gus.pk
    response = client_for(story.dana).get(f"{ALL}?{option}={chosen}")
    html = response.content.decode()
    assert f'id="id_{option}_error"' not in html
    if option == "organisation":  # only Acme Corp would be offered by name, but the chosen one is kept
        assert offered(response) == [("Any organisation", False), ("Globex", True), ("Acme Corp", False)]
    else:
        assert f'<option value="{chosen}" selected>' in html
    expected = numbers(queues.routed) if option == "organisation" else numbers(queues.routed, queues.held)
    assert set(listed(response)) == expected


def test_the_closed_case_is_in_all_only(story: Story, queues: Queues) -> None:
    move(queues.taken, story.dana, Action.RESOLVE)
    assert found(story, "status=closed") == numbers(queues.closed)
    assert found(story, "status=closed", url="/agent/queues/mine/") == set()
