"""Retrying a POST with the same Idempotency-Key gives the first answer back and creates nothing twice."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone

from supportal.accounts.models import ApiToken
from supportal.api.idempotency import PENDING_TIMEOUT, RETENTION, idempotency_keys_expire
from supportal.api.models import IdempotentRequest
from supportal.cases import services
from supportal.cases.models import Attachment, Case, Comment
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.conftest import Story

CASE = {"subject": "Printer on fire"}


def keyed(api: Api, path: str, body: Any, key: str) -> Any:
    return api.post(path, body, headers={"Idempotency-Key": key})


def acme_case(story: Story) -> dict[str, Any]:
    return {**CASE, "organization": story.acme.pk}


def test_a_retried_case_post_creates_one_case(story: Story, dana_api: Api) -> None:
    first = keyed(dana_api, "cases", acme_case(story), "open-printer-1")
    again = keyed(dana_api, "cases", acme_case(story), "open-printer-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again.content == first.content and again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again["Content-Type"] == first["Content-Type"]
    assert Case.objects.filter(subject="Printer on fire").count() == 1


def test_a_retried_comment_is_added_once(story: Story, dana_api: Api) -> None:
    number = keyed(dana_api, "cases", acme_case(story), "case").json()["number"]
    path = f"cases/{number}/comments"
    first = keyed(dana_api, path, {"body": "On our way."}, "comment-1")
    again = keyed(dana_api, path, {"body": "On our way."}, "comment-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Comment.objects.filter(case__number=number, body="On our way.").count() == 1


def test_the_same_key_for_another_request_is_422(story: Story, dana_api: Api) -> None:
    number = keyed(dana_api, "cases", acme_case(story), "key-1").json()["number"]
    other_body = keyed(dana_api, "cases", {**acme_case(story), "subject": "Fax on fire"}, "key-1")
    assert other_body.status_code == 422
    assert error_of(other_body)["error"] == "idempotency_key_reused"
    other_path = keyed(dana_api, f"cases/{number}/comments", acme_case(story), "key-1")
    assert other_path.status_code == 422 and error_of(other_path)["error"] == "idempotency_key_reused"
    assert Case.objects.count() == 1 and not Comment.objects.filter(case__number=number).exists()


def test_callers_keys_never_collide(story: Story, dana_api: Api, erin_api: Api) -> None:
    dana_second_token = Api(secret_for(story.dana, name="second"))
    alice, bob = api_as(story.alice), api_as(story.bob)
    numbers = {
        keyed(api, "cases", body, "same-key").json()["number"]
        for api, body in (
            (dana_api, acme_case(story)),
            (dana_second_token, acme_case(story)),
            (erin_api, acme_case(story)),
            (alice, CASE),
            (bob, CASE),
        )
    }
    assert len(numbers) == 5 and Case.objects.count() == 5
    replayed = keyed(alice, "cases", CASE, "same-key")
    assert replayed["Idempotent-Replayed"] == "true" and Case.objects.count() == 5
    token_ids = {f"token-{pk}" for pk in ApiToken.objects.values_list("pk", flat=True)}
    callers = set(IdempotentRequest.objects.values_list("caller", flat=True))
    assert callers == token_ids | {f"user-{story.alice.pk}", f"user-{story.bob.pk}"}


def test_without_the_header_every_post_creates(story: Story, dana_api: Api) -> None:
    assert dana_api.post("cases", acme_case(story)).status_code == 201
    assert dana_api.post("cases", acme_case(story)).status_code == 201
    assert Case.objects.count() == 2 and not IdempotentRequest.objects.exists()


def test_a_client_error_is_replayed_as_it_was(story: Story, dana_api: Api) -> None:
    first = keyed(dana_api, "cases", CASE, "no-organization")  # agents must name the organization
    again = keyed(dana_api, "cases", CASE, "no-organization")
    assert first.status_code == again.status_code == 422
    assert error_of(first)["fields"] == {"organization": ["This field is required."]}
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    fixed = keyed(dana_api, "cases", acme_case(story), "no-organization")
    assert fixed.status_code == 422 and error_of(fixed)["error"] == "idempotency_key_reused"
    assert not Case.objects.exists()


def pending_row(story: Story, key: str, body: bytes, *, started: timedelta = timedelta()) -> None:
    token = ApiToken.objects.get(user=story.dana)
    IdempotentRequest.objects.create(
        caller=f"token-{token.pk}",
        key=key,
        method="POST",
        path="/api/v1/cases",
        body_sha256=hashlib.sha256(body).hexdigest(),
        created_at=timezone.now() - started,
    )


def test_a_key_still_running_is_409(story: Story, dana_api: Api) -> None:
    body = acme_case(story)
    pending_row(story, "running", json_bytes(body))
    response = keyed(dana_api, "cases", body, "running")
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert error_of(response)["error"] == "idempotency_key_in_progress"
    assert not Case.objects.exists()


def test_a_key_left_pending_by_a_dead_worker_is_taken_over(story: Story, dana_api: Api) -> None:
    body = acme_case(story)
    pending_row(story, "crashed", json_bytes(body), started=PENDING_TIMEOUT + timedelta(seconds=1))
    assert keyed(dana_api, "cases", body, "crashed").status_code == 201
    row = IdempotentRequest.objects.get(key="crashed")
    assert row.response_status == 201 and Case.objects.count() == 1


def json_bytes(body: Any) -> bytes:
    """The bytes the test client sends for `body` (Api.post dumps it with json.dumps)."""
    return json.dumps(body).encode()


def test_a_server_error_lets_the_key_go(story: Story, dana_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real path reaches a 500, so the service is made to fail once."""

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    with monkeypatch.context() as patch:
        patch.setattr(services, "case_create", broken)
        failed = keyed(dana_api, "cases", acme_case(story), "retry-me")
    assert failed.status_code == 500 and not IdempotentRequest.objects.exists()
    retried = keyed(dana_api, "cases", acme_case(story), "retry-me")
    assert retried.status_code == 201 and not retried.has_header("Idempotent-Replayed")


def test_a_throttled_call_is_not_kept(story: Story, dana_api: Api, settings: Any) -> None:
    settings.API_RATE_LIMIT = "1/m"
    assert dana_api.get("cases").status_code == 200
    throttled = keyed(dana_api, "cases", acme_case(story), "after-the-wait")
    assert throttled.status_code == 429 and not IdempotentRequest.objects.exists()
    cache.clear()  # the minute has passed
    assert keyed(dana_api, "cases", acme_case(story), "after-the-wait").status_code == 201


def test_refused_callers_leave_nothing(story: Story) -> None:
    anonymous = keyed(Api(), "cases", CASE, "k")
    wrong_token = keyed(Api("sp_0000_nope"), "cases", CASE, "k")
    without_csrf = keyed(api_as(story.alice, csrf=False), "cases", CASE, "k")
    read_only = keyed(Api(secret_for(story.dana, scope="read")), "cases", acme_case(story), "k")
    assert (anonymous.status_code, wrong_token.status_code) == (401, 401)
    assert (without_csrf.status_code, read_only.status_code) == (403, 403)
    assert not IdempotentRequest.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there", " leading", "trailing "])
def test_keys_are_printable_ascii_up_to_255(story: Story, dana_api: Api, key: str) -> None:
    response = keyed(dana_api, "cases", acme_case(story), key)
    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "Idempotency-Key": ["Between 1 and 255 printable ASCII characters, no space at either end."]
    }
    assert not Case.objects.exists()


def test_the_longest_key_is_fine(story: Story, dana_api: Api) -> None:
    assert keyed(dana_api, "cases", acme_case(story), "~" * 255).status_code == 201


def test_an_upload_retried_with_a_new_boundary_is_stored_once(
    story: Story, dana_api: Api, settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    number = dana_api.post("cases", acme_case(story)).json()["number"]
    answers = []
    for boundary in ("first-try-boundary", "second-try-boundary"):
        file = _upload("log.txt", b"disk full\n")
        answers.append(
            Client().post(
                f"/api/v1/cases/{number}/attachments",
                data=encode_multipart(boundary, {"file": file}),
                content_type=f"multipart/form-data; boundary={boundary}",
                headers={**dana_api.headers, "Idempotency-Key": "upload-log"},
            )
        )
    assert [a.status_code for a in answers] == [201, 201], answers[0].content
    assert answers[1]["Idempotent-Replayed"] == "true" and answers[1].content == answers[0].content
    assert Attachment.objects.filter(case__number=number).count() == 1
    other = Client().post(
        f"/api/v1/cases/{number}/attachments",
        data={"file": _upload("log.txt", b"disk full again\n")},
        headers={**dana_api.headers, "Idempotency-Key": "upload-log"},
    )
    assert other.status_code == 422 and error_of(other)["error"] == "idempotency_key_reused"


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_keys_expire_after_a_day(story: Story, dana_api: Api) -> None:
    keyed(dana_api, "cases", acme_case(story), "old")
    keyed(dana_api, "cases", acme_case(story), "recent")
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - RETENTION)
    # Before the cleanup has run, an expired key already counts as new.
    assert not keyed(dana_api, "cases", acme_case(story), "old").has_header("Idempotent-Replayed")
    assert Case.objects.count() == 3
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - RETENTION)
    assert idempotency_keys_expire() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["recent"]
