"""Case endpoints run a fixed number of queries, however many cases, watchers, links, comments, files or
events there are (the throttle and authentication add a constant few; see tests/api/test_queries.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.cases import services
from supportal.cases.models import Case, Visibility
from supportal.core.files import check_upload
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api
from tests.conftest import Story


def queries(api: Api, path: str, **params: Any) -> int:
    """Database queries of one call, after a warm-up call."""
    api.get(path, **params)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def busy_case(story: Story, n: int) -> Case:
    """A case with watchers, links both ways, comments with files, and a history."""
    case = open_case(
        story.alice, f"Busy {n}", visibility=Visibility.ORGANIZATION,
        watchers=["bob@acme.example", f"outsider{n}@example.com", "dana@provider.example"],
    )  # fmt: skip
    other = open_case(story.bob, f"Other {n}", visibility=Visibility.ORGANIZATION)
    services.case_link(actor=story.dana, case=case, other=other, channel="api")
    services.case_transition(actor=story.dana, case=case, action="take", channel="api")
    upload = check_upload(name=f"log{n}.txt", stream=b"disk full")
    services.comment_add(actor=story.alice, case=case, body=f"Still down {n}", channel="api", files=[upload])
    services.comment_add(actor=story.dana, case=case, body="note", channel="api", public=False)
    return case


def test_the_list_does_not_grow_with_cases(story: Story, dana: Api, alice: Api) -> None:
    for _ in range(3):
        busy_case(story, _)
    agent, customer = queries(dana, "cases"), queries(alice, "cases")
    for n in range(3, 25):
        busy_case(story, n)
    assert Case.objects.count() == 50
    assert queries(dana, "cases") == agent
    assert queries(alice, "cases") == customer
    assert queries(dana, "cases", q="busy", state="open") == agent


def test_the_query_budget(story: Story, dana: Api, django_assert_num_queries: Any) -> None:
    case = busy_case(story, 0)
    for n in range(1, 5):
        busy_case(story, n)
    dana.get("cases")
    # token 1, throttle 6; cases 1, their watchers 1, links either way 2, SLA clocks 1, state names 1
    with django_assert_num_queries(13):
        assert len(dana.get("cases").json()["items"]) == 10
    # token 1, throttle 6; the case 1, its merged_into 0 (none), watchers 1, links 2, SLA clocks 1,
    # state names 1
    with django_assert_num_queries(13):
        assert dana.get(f"cases/{case.number}").status_code == 200


def test_detail_comments_events_and_files_do_not_grow(story: Story, dana: Api, alice: Api) -> None:
    quiet = open_case(story.alice, "Quiet", visibility=Visibility.ORGANIZATION)
    services.comment_add(actor=story.alice, case=quiet, body="one", channel="api")
    busy = busy_case(story, 0)
    for n in range(10):
        services.comment_add(
            actor=story.alice, case=busy, body=f"more {n}", channel="api",
            files=[check_upload(name=f"f{n}.txt", stream=b"x"), check_upload(name=f"g{n}.txt", stream=b"y")],
        )  # fmt: skip
        services.watcher_add(actor=story.alice, case=busy, watcher=f"w{n}@example.com", channel="api")
    for api in (dana, alice):
        for suffix in ("", "/comments", "/events", "/attachments"):
            assert queries(api, f"cases/{quiet.number}{suffix}") == queries(
                api, f"cases/{busy.number}{suffix}"
            ), suffix


def test_the_busy_case_has_what_it_claims(story: Story, alice: Api) -> None:
    """The counts above mean something only if the busy case really has watchers, links and files."""
    case = busy_case(story, 0)
    response = alice.client.post(
        f"/api/v1/cases/{case.number}/attachments",
        data={"file": SimpleUploadedFile("x.txt", b"x")},
        headers=alice.headers,
    )
    assert response.status_code == 201
    body = alice.get(f"cases/{case.number}").json()
    assert len(body["watchers"]) == 3 and len(body["links"]) == 1
    assert len(alice.get(f"cases/{case.number}/comments").json()["items"][0]["attachments"]) == 1
