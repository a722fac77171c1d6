"""Who may call the API, and how every refusal and bad input is answered: JSON, the right status."""

from __future__ import annotations

import pytest
from django.test import Client

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.conftest import Story


def test_no_credentials_401(story: Story) -> None:
    for path in (
        "organizations",
        f"organizations/{story.acme.pk}",
        "users",
        f"users/{story.alice.pk}",
        "tokens",
    ):
        response = Api().get(path)
        assert response.status_code == 401, path
        assert error_of(response)["error"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Bearer"
    response = Api().post("organizations", {"name": "Initech", "plan": "free"})
    assert response.status_code == 401  # not a CSRF 403: there is no session to protect


def test_bad_and_revoked_tokens_401(story: Story) -> None:
    for header in ("Bearer sp_0000_nope", "Bearer ", "Bearer sp_" + "x" * 500, "bearer garbage"):
        response = Api().get("organizations", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_of(response)["error"] == "not_authenticated"
    secret = secret_for(story.dana)
    tokens.token_revoke(actor=story.dana, channel="api", token=ApiToken.objects.get())
    response = Api(secret).get("organizations")
    assert response.status_code == 401 and "revoked" in error_of(response)["detail"]


def test_bad_token_is_refused_even_with_a_session(story: Story) -> None:
    api = api_as(story.alice)
    api.headers["Authorization"] = "Bearer sp_wrong_token"
    assert api.get("organizations").status_code == 401


def test_read_scope_tokens_only_read(story: Story) -> None:
    reader = Api(secret_for(story.erin, scope="read"))
    assert reader.get("organizations").status_code == 200
    response = reader.post("organizations", {"name": "Initech", "plan": "free"})
    assert response.status_code == 403 and error_of(response)["error"] == "forbidden"
    assert reader.delete(f"tokens/{ApiToken.objects.get().pk}").status_code == 403
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_session_needs_csrf_for_unsafe_methods(story: Story) -> None:
    without = api_as(story.alice, csrf=False)
    assert without.get("organizations").status_code == 200
    body = {"status": "amber", "reason": "Outage for two days"}
    response = without.post(f"organizations/{story.acme.pk}/account-status", body)
    assert response.status_code == 403 and "CSRF" in error_of(response)["detail"]
    with_csrf = api_as(story.alice)
    assert with_csrf.post(f"organizations/{story.acme.pk}/account-status", body).status_code == 201


def test_agents_sessions_need_their_second_factor_when_required(story: Story, settings: object) -> None:
    settings.SUPPORTAL_REQUIRE_AGENT_MFA = True  # type: ignore[attr-defined]
    response = api_as(story.dana).get("organizations")
    assert response.status_code == 403 and "two-factor" in error_of(response)["detail"]
    assert Api(secret_for(story.dana)).get("organizations").status_code == 200  # tokens are not sessions
    assert api_as(story.alice).get("organizations").status_code == 200  # customers are not asked


def test_inactive_session_user_401(story: Story) -> None:
    api = api_as(story.bob)
    story.bob.is_active = False
    story.bob.save()
    assert api.get("users").status_code == 401


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2", b"\xff\xfe", "null", "[]", "42"],
)
def test_bad_json_400_or_422(erin_api: Api, body: str | bytes) -> None:
    response = erin_api.post("organizations", body)
    assert response.status_code in {400, 422}, response.content
    error = error_of(response)
    if response.status_code == 400:
        assert error["error"] == "bad_request" and "JSON" in error["detail"]


def test_not_json_at_all_400(erin_api: Api) -> None:
    response = erin_api.post("organizations", "{not json")
    assert response.status_code == 400
    assert error_of(response) == {
        "error": "bad_request",
        "detail": "The request body is not valid JSON.",
        "fields": {},
    }


def test_validation_errors_422_per_field(erin_api: Api) -> None:
    response = erin_api.post("organizations", {"name": "", "plan": 7, "domains": "acme.example"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["error"] == "invalid" and set(error["fields"]) == {"name", "plan", "domains"}
    assert all(isinstance(m, str) for ms in error["fields"].values() for m in ms)
    response = erin_api.get("organizations", limit="lots")
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"limit"}
    response = erin_api.get("organizations", limit=0)
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"limit"}


def test_unknown_paths_and_ids_404(erin_api: Api) -> None:
    for path in ("organizations/999999", "users/999999", "organizations/abc", "nothing-here", "a/b/c"):
        response = erin_api.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["error"] == "not_found"
    assert error_of(Api().post("no-such-thing", {}))["error"] == "not_found"
    assert error_of(erin_api.get("organizations/999999"))["error"] == "not_found"


def test_too_large_413(erin_api: Api, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # type: ignore[attr-defined]
    response = erin_api.post("organizations", {"name": "x" * 5000, "plan": "free"})
    assert response.status_code == 413 and error_of(response)["error"] == "too_large"


def test_method_not_allowed(erin_api: Api) -> None:
    assert erin_api.request("PUT", "organizations", {}).status_code == 405


def test_throttled_429_per_token(story: Story, settings: object) -> None:
    settings.API_RATE_LIMIT = "3/m"  # type: ignore[attr-defined]
    dana, frank = Api(secret_for(story.dana)), Api(secret_for(story.frank))
    assert [dana.get("organizations").status_code for _ in range(3)] == [200, 200, 200]
    response = dana.get("organizations")
    assert response.status_code == 429 and error_of(response)["error"] == "throttled"
    assert int(response["Retry-After"]) >= 1
    assert frank.get("organizations").status_code == 200  # each caller has its own budget


def test_throttled_429_for_guessers(story: Story, settings: object) -> None:
    settings.API_RATE_LIMIT = "4/m"  # type: ignore[attr-defined]
    guesser = Api("sp_guess_000")
    statuses = [guesser.get("organizations").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert Api().get("users").status_code == 429  # same address, no credentials at all
    assert Api(secret_for(story.dana)).get("users").status_code == 200  # real callers are not affected


def test_errors_are_json_not_html(story: Story) -> None:
    response = Client().get("/api/v1/organizations", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("application/json")


def test_absurd_input_is_refused_not_a_crash(story: Story, erin_api: Api) -> None:
    big = 10**20
    cursor = "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMF0"  # [100000000000000000000]
    for path in (f"organizations/{big}", f"users/{big}", f"tokens?user={big}", f"users?organization={big}"):
        assert erin_api.get(path).status_code in {404, 422}, path
    assert erin_api.get("organizations", cursor=cursor).status_code in {200, 422}
    assert erin_api.delete(f"tokens/{big}").status_code == 404
    posts: list[tuple[str, dict[str, object], str]] = [
        ("users", {"email": "a@b.example", "organization": big}, "organization"),
        ("tokens", {"name": "a", "user": big}, "user"),
        ("organizations", {"name": "a", "plan": "free", "csm": big}, "csm"),
        ("organizations", {"name": "a\x00b", "plan": "free"}, "name"),
        ("organizations", {"name": "a", "plan": "free", "domains": ["x\x00.example"]}, "domains"),
        ("users", {"email": "a\x00@b.example", "organization": story.acme.pk}, "email"),
        ("tokens", {"name": "a", "expires_at": "yesterday"}, "expires_at"),
    ]
    for path, body, field in posts:
        response = erin_api.post(path, body)
        assert response.status_code == 422, (path, body, response.content)
        assert field in error_of(response)["fields"], (path, body)
