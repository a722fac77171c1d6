"""Replies and internal notes through /api/v1/cases/{number}/comments, as JSON or with files."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from supportal.cases import services
from supportal.cases.models import Attachment, Case, CaseLink, Comment
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api, error_of
from tests.conftest import Story

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def upload(api: Api, path: str, data: dict[str, object]) -> Any:
    """A multipart/form-data POST, as a browser's form or curl -F sends it."""
    return api.client.post(f"/api/v1/{path}", data=data, headers=api.headers)


def test_replies_and_internal_notes(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    response = alice.post(f"cases/{number}/comments", {"body": "It is *still* down"})
    assert response.status_code == 201, response.content
    reply = response.json()
    assert reply["case"] == number and reply["public"] is True and reply["channel"] == "api"
    assert reply["author"]["email"] == "alice@acme.example" and reply["attachments"] == []
    assert reply["body_html"] == "<p>It is <em>still</em> down</p>\n"
    response = dana.post(f"cases/{number}/comments", {"body": "Looks like the **disk**", "public": False})
    assert response.status_code == 201 and response.json()["public"] is False
    assert [c["public"] for c in dana.get(f"cases/{number}/comments").json()["items"]] == [True, False]
    customer_view = alice.get(f"cases/{number}/comments").json()["items"]
    assert [c["body"] for c in customer_view] == ["It is *still* down"]
    assert "disk" not in alice.get(f"cases/{number}/events").content.decode()


def test_only_agents_write_internal_notes(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    response = alice.post(f"cases/{number}/comments", {"body": "psst", "public": False})
    assert response.status_code == 403 and error_of(response)["error"] == "forbidden"
    assert not Comment.objects.exists()


def test_who_may_comment(story: Story, bob: Api, charlie: Api) -> None:
    number = open_case(story.alice).number
    assert bob.post(f"cases/{number}/comments", {"body": "hi"}).status_code == 404
    assert charlie.post(f"cases/{number}/comments", {"body": "hi"}).status_code == 404
    assert charlie.get(f"cases/{number}/comments").status_code == 404


def test_bad_comments(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    for body, status, field in (
        ({"body": ""}, 422, "body"),
        ({"body": "   "}, 422, "body"),
        ({"body": "<script>alert(1)</script>"}, 422, "body"),
        ({"body": "x", "public": "perhaps"}, 422, "public"),
        ({"body": 42}, 422, "body"),
        ({"body": "a\x00b"}, 422, "body"),
        ([1, 2], 422, "body"),
    ):
        response = alice.post(f"cases/{number}/comments", body)
        assert response.status_code == status, (body, response.content)
        assert field in error_of(response)["fields"], (body, response.json())
    response = alice.post(f"cases/{number}/comments", "{not json")
    assert response.status_code == 400 and error_of(response)["error"] == "bad_request"
    assert not Comment.objects.exists()


def test_a_reply_with_files(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    response = upload(
        alice,
        f"cases/{number}/comments",
        {
            "body": "Screenshots attached",
            "files": [
                SimpleUploadedFile("screen.png", PNG, content_type="text/html"),
                SimpleUploadedFile("log.txt", b"error: disk full\n", content_type="application/x-foo"),
            ],
        },
    )
    assert response.status_code == 201, response.content
    comment = response.json()
    files = {a["filename"]: a for a in comment["attachments"]}
    assert files["screen.png"]["content_type"] == "image/png"  # sniffed, not the client's claim
    assert files["log.txt"]["content_type"] == "text/plain" and files["log.txt"]["size"] == 17
    assert all(a["comment"] == comment["id"] and a["public"] for a in files.values())
    listed = alice.get(f"cases/{number}/comments").json()["items"][0]
    assert len(listed["attachments"]) == 2
    # An internal note's files are internal too.
    response = upload(
        dana,
        f"cases/{number}/comments",
        {"body": "", "public": "false", "files": [SimpleUploadedFile("n.txt", b"x")]},
    )
    assert response.status_code == 201, response.content
    assert Attachment.objects.get(filename="n.txt").public is False
    assert len(alice.get(f"cases/{number}/attachments").json()["items"]) == 2


def test_a_form_with_only_an_empty_file_or_nothing(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    response = upload(alice, f"cases/{number}/comments", {"files": [SimpleUploadedFile("empty.txt", b"")]})
    assert response.status_code == 422 and "files" in error_of(response)["fields"]
    response = upload(alice, f"cases/{number}/comments", {"body": ""})
    assert response.status_code == 422 and "body" in error_of(response)["fields"]


@override_settings(SUPPORTAL_MAX_ATTACHMENT_BYTES=10)
def test_an_oversized_file_on_a_comment_is_413(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    response = upload(
        alice,
        f"cases/{number}/comments",
        {"body": "big", "files": [SimpleUploadedFile("big.txt", b"x" * 11)]},
    )
    assert response.status_code == 413
    assert error_of(response)["error"] == "too_large" and "files" in error_of(response)["fields"]
    assert not Comment.objects.exists()


def test_a_reply_to_a_closed_case_opens_a_follow_up(story: Story, alice: Api, dana: Api) -> None:
    closed = open_case(story.alice, "Mail down")
    services.case_transition(actor=story.alice, case=closed, action="close", channel="portal")
    response = alice.post(f"cases/{closed.number}/comments", {"body": "It is down again"})
    assert response.status_code == 201, response.content
    comment = response.json()
    assert comment["case"] != closed.number
    follow_up = alice.get(f"cases/{comment['case']}").json()
    assert follow_up["subject"] == "Follow-up: Mail down" and follow_up["state"] == "new"
    assert follow_up["links"] == [{"kind": "follow_up", "case": closed.number}]
    assert CaseLink.objects.get().target_id == closed.pk
    assert Case.objects.get(pk=closed.pk).state == "closed"
    # Agents cannot write on a closed case.
    response = dana.post(f"cases/{closed.number}/comments", {"body": "Note", "public": False})
    assert response.status_code == 409
