"""What the schemathesis runs (now test_openapi_fuzz.py) found, pinned down one request each."""

from __future__ import annotations

from supportal.orgs.services import ORGANISATION_NAME_MAX
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.conftest import Story


def test_multipart_without_boundary_is_a_400_not_a_500(story: Story) -> None:
    """A session's unsafe request makes Django read the form body for the CSRF token; a multipart
    Content-Type without a boundary made that raise, and the API answered 500."""
    api = api_as(story.alice)
    for path in ("organizations", f"organizations/{story.acme.pk}/account-status"):
        response = api.client.post(
            f"/api/v1/{path}",
            data=b'{"status": "amber", "reason": "Outage"}',
            content_type="multipart/form-data",
            headers=api.headers,
        )
        assert response.status_code == 400, path
        assert error_of(response) == {
            "error": "bad_request",
            "detail": "The request body could not be parsed.",
            "fields": {},
        }


def test_token_expiry_with_a_far_offset_is_stored_in_utc(story: Story) -> None:
    """ISO 8601 allows offsets up to 24 hours; PostgreSQL refused one over 15:59 with a 500."""
    response = Api(secret_for(story.erin, scope="admin")).post(
        "tokens", {"name": "far away", "expires_at": "2194-10-13T00:16:29+20:42"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["expires_at"].startswith("2194-10-12T03:34:29")


def test_token_expiry_beyond_the_calendar_is_a_422(story: Story) -> None:
    response = Api(secret_for(story.erin, scope="admin")).post(
        "tokens", {"name": "never", "expires_at": "9999-12-31T23:59:59-20:00"}
    )
    assert response.status_code == 422
    assert "expires_at" in error_of(response)["fields"]


def test_organization_names_fit_the_virtual_users_name(story: Story) -> None:
    """The virtual user is "<name> (on behalf of)" in 200 characters: a long name was a 500 on
    PostgreSQL. The longest name an organisation may have now works (its virtual user's name is
    shortened), one more is a 422."""
    api = Api(secret_for(story.erin, scope="admin"))
    longest = "N" * ORGANISATION_NAME_MAX
    assert api.post("organizations", {"name": longest, "plan": "free"}).status_code == 201
    response = api.post("organizations", {"name": longest + "N", "plan": "free"})
    assert response.status_code == 422 and "name" in error_of(response)["fields"]


def test_a_path_with_a_newline_answers_the_json_404(dana_api: Api) -> None:
    """The catch-all for unknown /api/v1/ paths missed paths with a newline (%0A): HTML 404."""
    response = dana_api.delete("tokens/1%0A2")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert error_of(response)["error"] == "not_found"


def test_a_single_parameter_given_twice_is_a_422(dana_api: Api) -> None:
    """ninja kept the last of repeated values, so `?team=a&team=b` silently meant team b."""
    response = dana_api.get("cases?team=service-desk&team=other")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["team"]
    assert dana_api.get("cases?state=new&state=open&team=service-desk").status_code == 200


def test_a_form_sent_with_a_session_to_a_json_operation_is_a_400(story: Story) -> None:
    """A session's POST as a multipart form (what a bodyless test-client POST sends) to an operation that
    takes JSON: the CSRF check read the form, ninja then could not read the body, and the API answered 500."""
    from supportal.cases import services as case_services

    case = case_services.case_create(
        actor=story.bob, organisation=story.acme, subject="Printer jams", channel="portal", description="Tray"
    )
    api = api_as(story.dana)
    response = api.client.post(f"/api/v1/cases/{case.number}/actions/take", headers=api.headers)
    assert response.status_code == 400
    assert "application/json" in error_of(response)["detail"]
    case.refresh_from_db()
    assert case.assignee is None
