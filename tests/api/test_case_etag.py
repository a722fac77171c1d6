"""Optimistic concurrency on a case: GET gives its version as the ETag; PATCH with a stale If-Match is 409."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from supportal.cases import services
from supportal.cases.models import Case
from tests.api.conftest import Api, api_as, error_of
from tests.conftest import Story

STALE = {"error": "conflict", "detail": "The case changed since you read it; fetch it again.", "fields": {}}


def open_case(story: Story) -> Case:
    return services.case_create(
        actor=story.alice, organisation=story.acme, subject="VPN down", channel="portal"
    )


def patch(api: Api, number: str, body: dict[str, Any], if_match: str | None = None) -> Any:
    headers = {"If-Match": if_match} if if_match is not None else {}
    return api.request("PATCH", f"cases/{number}", body, headers=headers)


def test_get_and_patch_answer_the_cases_version(story: Story, dana_api: Api) -> None:
    case = open_case(story)
    read = dana_api.get(f"cases/{case.number}")
    assert read.status_code == 200
    assert re.fullmatch(rf'"{case.pk}-\d{{16}}"', read["ETag"]), read["ETag"]
    changed = patch(dana_api, case.number, {"subject": "VPN down for everyone"}, read["ETag"])
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] != read["ETag"]
    assert changed["ETag"] == dana_api.get(f"cases/{case.number}")["ETag"]
    assert Case.objects.get(pk=case.pk).subject == "VPN down for everyone"


def test_a_stale_write_is_409_and_changes_nothing(story: Story, dana_api: Api) -> None:
    case = open_case(story)
    etag = dana_api.get(f"cases/{case.number}")["ETag"]
    services.comment_add(actor=story.alice, case=case, body="Still down.", channel="portal")  # someone else
    response = patch(dana_api, case.number, {"subject": "Overwritten"}, etag)
    assert response.status_code == 409 and response.json() == STALE
    assert not response.has_header("ETag")
    assert Case.objects.get(pk=case.pk).subject == "VPN down"


def test_two_clients_racing_one_loses(story: Story, dana_api: Api) -> None:
    case = open_case(story)
    alice = api_as(story.alice)
    etag = alice.get(f"cases/{case.number}")["ETag"]
    assert patch(dana_api, case.number, {"priority": "P1", "reason": "Everyone"}, etag).status_code == 200
    lost = patch(alice, case.number, {"priority": "P4", "reason": "Only me"}, etag)
    assert lost.status_code == 409 and error_of(lost)["error"] == "conflict"
    assert Case.objects.get(pk=case.pk).priority == "P1"


def test_an_assignment_is_guarded_too(story: Story, dana_api: Api) -> None:
    case = open_case(story)
    etag = dana_api.get(f"cases/{case.number}")["ETag"]
    services.case_update(actor=story.dana, case=case, channel="api", reference="R-1")
    response = patch(dana_api, case.number, {"team": story.service_desk.slug}, etag)
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).team_id is None


def test_without_if_match_patch_works_as_before(story: Story, dana_api: Api) -> None:
    case = open_case(story)
    services.comment_add(actor=story.alice, case=case, body="Still down.", channel="portal")
    response = patch(dana_api, case.number, {"reference": "R-2"})
    assert response.status_code == 200 and response.json()["reference"] == "R-2"
    assert response["ETag"] == dana_api.get(f"cases/{case.number}")["ETag"]


def test_if_match_forms(story: Story, dana_api: Api) -> None:
    case = open_case(story)
    etag = dana_api.get(f"cases/{case.number}")["ETag"]
    assert patch(dana_api, case.number, {"reference": "a"}, f'"0-0", W/{etag}').status_code == 200
    assert patch(dana_api, case.number, {"reference": "b"}, "*").status_code == 200
    for malformed in ('"unterminated', "W/12", f"{etag}, nonsense", "latest"):
        response = patch(dana_api, case.number, {"reference": "c"}, malformed)
        assert response.status_code == 422 and set(error_of(response)["fields"]) == {"If-Match"}, malformed
    assert Case.objects.get(pk=case.pk).reference == "b"


def test_the_version_in_the_json_is_the_etag_and_works_as_if_match(story: Story, dana_api: Api) -> None:
    """Clients that read the body, not the headers: `version` is the ETag without its quotes, and
    If-Match takes it bare or quoted."""
    case = open_case(story)
    read = dana_api.get(f"cases/{case.number}")
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'
    listed = dana_api.get("cases").json()["items"]
    assert [c["version"] for c in listed if c["number"] == case.number] == [version]
    changed = patch(dana_api, case.number, {"reference": "R-1"}, version)
    assert changed.status_code == 200, changed.content
    new_version = changed.json()["version"]
    assert new_version != version and changed["ETag"] == f'"{new_version}"'
    stale = patch(dana_api, case.number, {"reference": "R-2"}, version)
    assert stale.status_code == 409 and stale.json() == STALE
    assert patch(dana_api, case.number, {"reference": "R-3"}, f'"{new_version}"').status_code == 200
    assert Case.objects.get(pk=case.pk).reference == "R-3"


def test_if_match_on_a_case_the_caller_cannot_see_is_404(story: Story) -> None:
    case = open_case(story)
    response = patch(api_as(story.charlie), case.number, {"reference": "x"}, "*")
    assert response.status_code == 404


def test_the_openapi_document_names_etag_and_if_match(db: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]["/api/v1/cases/{number}"]
    for method in ("get", "patch"):
        assert "ETag" in paths[method]["responses"]["200"]["headers"], method
    headers = [p["name"] for p in paths["patch"]["parameters"] if p["in"] == "header"]
    assert headers == ["If-Match"]
