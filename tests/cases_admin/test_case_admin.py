"""Cases in the admin: admins may look (search, filter, open) but never add, change or delete, since every
change to a case goes through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from supportal.cases.models import Attachment, Case, CaseEvent, CaseLink, Comment
from supportal.cases.services import attachment_add, case_link, case_transition
from supportal.core.files import check_upload
from tests.cases_admin.conftest import client_for, open_case, reply
from tests.conftest import Story

READ_ONLY = [Case, CaseEvent, Comment, Attachment, CaseLink]


@pytest.fixture
def cases(story: Story, django_capture_on_commit_callbacks: Any) -> list[Case]:
    first = open_case(story, "Printer on fire")
    second = open_case(story, "VPN drops every hour", requester=story.charlie)
    reply(story, first, "We are on our way.", django_capture_on_commit_callbacks)
    case_link(actor=story.dana, case=first, other=second, channel="portal")
    log = check_upload(name="printer.log", stream=b"paper jam at 10:02\n")
    attachment_add(actor=story.bob, case=first, file=log, channel="portal")
    return [first, second]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.model_name)
def test_the_admin_offers_no_add_change_or_delete(story: Story, cases: list[Case], model: Any) -> None:
    erin = client_for(story.erin)
    info = (model._meta.app_label, model._meta.model_name)
    model_admin = admin.site._registry[model]
    changelist = erin.get(reverse("admin:{}_{}_changelist".format(*info)))
    request = changelist.wsgi_request
    assert changelist.status_code == 200
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)
    assert erin.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    obj = model._default_manager.first()
    assert obj is not None
    change_url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    view = erin.get(change_url)
    assert view.status_code == 200
    assert b'name="_save"' not in view.content
    assert erin.post(change_url, {"subject": "tampered"}).status_code == 403
    delete_url = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
    assert erin.post(delete_url, {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_the_case_list_searches_and_filters(story: Story, cases: list[Case]) -> None:
    first, second = cases
    erin = client_for(story.erin)
    url = reverse("admin:cases_case_changelist")

    def numbers(**params: str) -> set[str]:
        return {c.number for c in erin.get(url, params).context["cl"].result_list}

    assert numbers(q=first.number) == {first.number}
    assert numbers(q="vpn drops") == {second.number}
    assert numbers(organisation__id__exact=str(story.globex.pk)) == {second.number}
    case_transition(actor=story.dana, case=second, action="take", channel="portal")
    assert numbers(state__exact="open") == {second.number}
    assert numbers(priority__exact=first.priority) == {first.number, second.number}


def test_the_case_list_queries_do_not_grow(
    story: Story, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    erin = client_for(story.erin)
    url = reverse("admin:cases_case_changelist")
    with django_assert_max_num_queries(40) as few:
        assert erin.get(url).status_code == 200
    for i in range(8):
        case = open_case(story, f"Case {i}", requester=story.alice)
        case_transition(actor=story.dana, case=case, action="take", channel="portal")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = erin.get(url)
    assert page.context["cl"].result_count == 10


def test_events_and_comments_list_without_n_plus_one(
    story: Story,
    cases: list[Case],
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    erin = client_for(story.erin)
    urls = [reverse("admin:cases_caseevent_changelist"), reverse("admin:cases_comment_changelist")]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as queries:
            erin.get(url)
        counts.append(len(queries.captured_queries))
    for i in range(6):
        reply(story, cases[i % 2], f"Update {i}", django_capture_on_commit_callbacks)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            erin.get(url)


@pytest.mark.parametrize("who", ["dana", "alice", "charlie"])
def test_cases_in_the_admin_are_for_admins_only(story: Story, cases: list[Case], who: str) -> None:
    client = client_for(getattr(story, who))
    for url in (
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_change", args=[cases[0].pk]),
        reverse("admin:cases_comment_changelist"),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert b"Printer on fire" not in response.content
