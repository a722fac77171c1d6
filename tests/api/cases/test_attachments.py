"""Uploading and downloading a case's files: through the API and the portal's download link."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from supportal.cases import services
from supportal.cases.models import Attachment
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api, error_of
from tests.conftest import Story

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
HTML = b"<html><script>alert(document.cookie)</script></html>"


def upload(api: Api, number: str, name: str, data: bytes, **form: Any) -> Any:
    file = SimpleUploadedFile(name, data, content_type="text/html")
    return api.client.post(
        f"/api/v1/cases/{number}/attachments", data={"file": file, **form}, headers=api.headers
    )


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_upload_and_download(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    response = upload(alice, number, "page.html", HTML)
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["content_type"] == "text/plain"  # never served as a page
    assert attachment["size"] == len(HTML) and attachment["case"] == number and attachment["public"]
    assert attachment["uploaded_by"]["email"] == "alice@acme.example" and attachment["comment"] is None
    url = attachment["content_url"]
    assert url == f"/api/v1/cases/{number}/attachments/{attachment['id']}/content"
    download = dana.client.get(url, headers=dana.headers)
    assert download.status_code == 200 and body(download) == HTML
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith('attachment; filename="page.html"')
    assert "sandbox" in download["Content-Security-Policy"]
    assert dana.get(f"cases/{number}/attachments/{attachment['id']}").json() == attachment
    assert [a["id"] for a in alice.get(f"cases/{number}/attachments").json()["items"]] == [attachment["id"]]


def test_inline_only_for_harmless_types(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    png = upload(alice, number, "shot.png", PNG).json()
    zipped = upload(alice, number, "a.zip", b"PK\x03\x04" + b"\x00" * 30).json()
    response = alice.client.get(png["content_url"] + "?inline=1", headers=alice.headers)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert alice.client.get(png["content_url"], headers=alice.headers)["Content-Disposition"].startswith(
        "attachment;"
    )
    response = alice.client.get(zipped["content_url"] + "?inline=1", headers=alice.headers)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_hostile_file_name_is_made_safe(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    attachment = upload(alice, number, '../../etc/"pass\r\nwd";.txt', b"hello").json()
    assert "/" not in attachment["filename"] and "\r" not in attachment["filename"]
    response = alice.client.get(attachment["content_url"], headers=alice.headers)
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and disposition.count('"') == 2
    assert "filename*=UTF-8''" in disposition


@override_settings(SUPPORTAL_MAX_ATTACHMENT_BYTES=10)
def test_an_oversized_file_is_413(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    response = upload(alice, number, "big.txt", b"x" * 11)
    assert response.status_code == 413
    error = error_of(response)
    assert error["error"] == "too_large" and "10 bytes" in error["fields"]["file"][0]
    assert upload(alice, number, "fits.txt", b"x" * 10).status_code == 201


def test_uploads_past_djangos_memory_limits_are_not_a_500(story: Story, alice: Api, settings: Any) -> None:
    """Django keeps form fields in memory up to DATA_UPLOAD_MAX_MEMORY_SIZE and spools bigger files to
    disk: a file far beyond both is checked against our own limit, never a 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    number = open_case(story.alice).number
    assert upload(alice, number, "ok.bin", b"\x01\x02" * 5000).status_code == 201
    settings.SUPPORTAL_MAX_ATTACHMENT_BYTES = 5000
    response = upload(alice, number, "big.bin", b"\x01\x02" * 5000)
    assert response.status_code == 413 and error_of(response)["error"] == "too_large"


def test_empty_or_missing_files_are_422(story: Story, alice: Api) -> None:
    number = open_case(story.alice).number
    response = upload(alice, number, "empty.txt", b"")
    assert response.status_code == 422 and "file" in error_of(response)["fields"]
    response = alice.client.post(f"/api/v1/cases/{number}/attachments", data={}, headers=alice.headers)
    assert response.status_code == 422 and "file" in error_of(response)["fields"]
    assert not Attachment.objects.exists()


def test_internal_files(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    assert upload(alice, number, "x.txt", b"x", public="false").status_code == 403
    internal = upload(dana, number, "notes.txt", b"root password", public="false").json()
    assert internal["public"] is False
    assert alice.get(f"cases/{number}/attachments").json()["items"] == []
    assert alice.get(f"cases/{number}/attachments/{internal['id']}").status_code == 404
    assert alice.client.get(internal["content_url"], headers=alice.headers).status_code == 404
    assert Client().get(f"/cases/{number}/attachments/{internal['id']}/").status_code == 302
    client = Client()
    client.force_login(story.alice)
    assert client.get(f"/cases/{number}/attachments/{internal['id']}/").status_code == 404


def test_others_never_reach_a_file(story: Story, alice: Api, bob: Api, charlie: Api) -> None:
    number = open_case(story.alice).number
    attachment = upload(alice, number, "a.txt", b"acme secret").json()
    detail = f"cases/{number}/attachments/{attachment['id']}"
    for api in (bob, charlie):
        assert api.get(detail).status_code == 404
        assert api.client.get(attachment["content_url"], headers=api.headers).status_code == 404
        assert api.get(f"cases/{number}/attachments").status_code == 404
        assert upload(api, number, "b.txt", b"x").status_code == 404
    assert Api().client.get(attachment["content_url"]).status_code == 401


def test_the_portals_download_link(story: Story, alice: Api) -> None:
    case = open_case(story.alice)
    attachment = upload(alice, case.number, "shot.png", PNG).json()
    url = f"/cases/{case.number}/attachments/{attachment['id']}/"
    for user, status in ((story.alice, 200), (story.dana, 200), (story.bob, 404), (story.charlie, 404)):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert body(response) == PNG and response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith('attachment; filename="shot.png"')
    client = Client()
    client.force_login(story.alice)
    assert client.get(url + "?inline=1")["Content-Disposition"].startswith("inline;")
    assert client.post(url).status_code == 405
    assert client.get(f"/cases/{case.number}/attachments/{10**25}/").status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_no_files_on_a_closed_case(story: Story, alice: Api) -> None:
    case = open_case(story.alice)
    services.case_transition(actor=story.alice, case=case, action="close", channel="portal")
    assert upload(alice, case.number, "late.txt", b"x").status_code == 409


def test_a_missing_id_or_stored_file_is_404(story: Story, alice: Api, storage_dir: Any) -> None:
    number = open_case(story.alice).number
    assert alice.get(f"cases/{number}/attachments/{10**25}").status_code == 404
    response = alice.get(f"cases/{number}/attachments/abc")
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"attachment_id"}
    attachment = upload(alice, number, "gone.txt", b"x").json()
    (storage_dir / Attachment.objects.get().storage_path).unlink()
    assert alice.client.get(attachment["content_url"], headers=alice.headers).status_code == 404


def test_the_download_is_documented_once(story: Story) -> None:
    """The download's 200 is declared by hand; a second "200" key made the document unreadable to
    Swagger UI ("duplicated mapping key")."""
    keys: list[list[str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys.append([k for k, _ in items])
        return dict(items)

    document = json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert all(len(k) == len(set(k)) for k in keys)
    operation = document["paths"]["/api/v1/cases/{number}/attachments/{attachment_id}/content"]["get"]
    binary = {"schema": {"type": "string", "format": "binary"}}
    assert operation["responses"]["200"]["content"] == {"*/*": binary}
