"""/agent/tasks/: the open fulfilment tasks of the agent's teams (or those assigned to them), oldest order
first, keyset-paged, in a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import Case
from supportal.catalog.models import ApprovalDecision, OrderTask
from supportal.catalog.services.tasks import task_assign
from tests.catalog.conftest import Catalog, OrderMaker, tasks_of

Decide = Callable[..., ApprovalDecision]
Complete = Callable[..., OrderTask]
URL = "/agent/tasks/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="task-row" data-task-id="(\d+)"', body)]


def older(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_each_agent_sees_the_open_tasks_of_their_teams_oldest_first(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    recent, old = order(catalog.dns), order(catalog.dns)
    older(old, 3)
    mailbox = order(catalog.mailbox)
    older(mailbox, 1)
    nora_body = client_for(catalog.nora).get(URL).content.decode()
    # Network works "Update the zone" of each DNS change; the oldest order first.
    assert task_ids(nora_body) == [tasks_of(old)[0].pk, tasks_of(recent)[0].pk]
    assert f">{old.number}</a>" in nora_body
    assert "Acme Corp" in nora_body and "DNS change" in nora_body
    assert 'data-testid="task-order-status">Awaiting approval<' in nora_body
    dana_body = client_for(catalog.story.dana).get(URL).content.decode()
    assert task_ids(dana_body) == [tasks_of(old)[1].pk, tasks_of(mailbox)[0].pk, tasks_of(recent)[1].pk]
    assert 'data-testid="task-order-status">Submitted<' in dana_body


def test_done_tasks_and_finished_orders_leave_the_list(
    catalog: Catalog, order: OrderMaker, decide: Decide, complete: Complete
) -> None:
    approved, rejected = order(catalog.dns), order(catalog.dns)
    decide(approved, catalog.story.alice, "approve")
    decide(rejected, catalog.story.alice, "reject", "No")
    complete(tasks_of(approved)[0], catalog.nora)
    body = client_for(catalog.nora).get(URL).content.decode()
    assert task_ids(body) == []
    assert 'data-testid="empty-state"' in body
    dana_body = client_for(catalog.story.dana).get(URL).content.decode()
    assert task_ids(dana_body) == [tasks_of(approved)[1].pk]
    assert 'data-testid="task-order-status">In fulfilment<' in dana_body


def test_assigned_to_me_lists_my_tasks_whatever_their_team(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    zone, check = tasks_of(case)
    task_assign(actor=catalog.story.dana, task=zone, assignee=catalog.story.dana, channel="portal")
    dana = client_for(catalog.story.dana)
    mine = dana.get(URL, {"show": "mine"}).content.decode()
    assert task_ids(mine) == [zone.pk]
    assert "Dana Agent" in mine
    # "My teams" also holds what is assigned to me.
    assert task_ids(dana.get(URL).content.decode()) == [zone.pk, check.pk]
    # Frank is in no team: he is told so, and sees only his own.
    frank = client_for(catalog.story.frank).get(URL).content.decode()
    assert 'data-testid="no-teams"' in frank and task_ids(frank) == []


def test_the_list_pages_by_cursor(catalog: Catalog, order: OrderMaker) -> None:
    cases = [order(catalog.mailbox) for _ in range(27)]
    for age, case in enumerate(reversed(cases)):
        older(case, age + 1)
    expected = [tasks_of(case)[0].pk for case in reversed(cases)]
    expected.reverse()
    dana = client_for(catalog.story.dana)
    first = dana.get(URL).content.decode()
    assert task_ids(first) == expected[:25]
    next_url = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_url is not None
    second = dana.get(next_url[1].replace("&amp;", "&")).content.decode()
    assert task_ids(second) == expected[25:]
    assert 'rel="next"' not in second and 'data-testid="first-page"' in second
    bad = dana.get(URL, {"cursor": "not-a-cursor"}).content.decode()
    assert 'data-testid="bad-cursor"' in bad and task_ids(bad) == expected[:25]


def test_the_list_costs_a_fixed_number_of_queries(
    catalog: Catalog, order: OrderMaker, django_assert_num_queries: Any
) -> None:
    order(catalog.dns)
    nora = client_for(catalog.nora)
    nora.get(URL)
    with django_assert_num_queries(4) as captured:
        nora.get(URL)
    for _ in range(6):
        order(catalog.dns)
        order(catalog.mailbox)
    with django_assert_num_queries(len(captured)):
        body = nora.get(URL).content.decode()
    assert len(task_ids(body)) == 7


def test_the_workspace_nav_links_to_the_tasks(catalog: Catalog) -> None:
    body = client_for(catalog.story.dana).get("/agent/").content.decode()
    assert f'href="{URL}" data-testid="nav-order-tasks"' in body
