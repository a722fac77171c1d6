"""Internal notes written in the workspace never reach a customer: not on the portal's case page, not
through the API's comments, events or attachments; the workspace shows them to every agent."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from supportal.cases.lifecycle import State
from tests.agent.test_case_fixtures import bobs_case, client_for, macro, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
SECRET = "Customer is on the old firmware"


def test_internal_notes_never_reach_the_customer(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN, visibility="organization")
    dana = client_for(story.dana)
    note_file = SimpleUploadedFile("internal-trace.png", PNG, content_type="image/png")
    dana.post(url("case_comment", case), {"mode": "note", "body": SECRET, "files": [note_file]})
    checked = macro(name="Checked", body="Macro note: firmware 1.2", public=False)
    dana.post(url("case_comment", case), {"macro": checked.pk, "body": "Macro note: firmware 1.2"})
    dana.post(url("case_comment", case), {"mode": "public", "body": "We are on it."})
    for agent in (story.dana, story.frank):
        workspace = client_for(agent).get(page_url(case)).content.decode()
        assert SECRET in workspace and "Macro note" in workspace and "internal-trace.png" in workspace
    for customer in (story.bob, story.alice):
        client = client_for(customer)
        paths = [f"/cases/{case.number}/"] + [
            f"/api/v1/cases/{case.number}/{part}" for part in ("comments", "events", "attachments")
        ]
        responses = [client.get(path) for path in paths]
        assert [r.status_code for r in responses] == [200, 200, 200, 200]
        texts = [r.content.decode() for r in responses]
        assert "We are on it." in texts[0]
        comments = json.loads(texts[1])
        assert [c["body"] for c in comments["items"]] == ["We are on it."]
        for text in texts:
            assert SECRET not in text and "Macro note" not in text and "internal-trace.png" not in text
