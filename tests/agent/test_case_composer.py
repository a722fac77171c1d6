"""The composer: public replies and internal notes with files, the Markdown preview (sanitised), and
macros: filled in for the case (htmx partial, or ?macro= without JavaScript), edited, then applied."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from supportal.cases.lifecycle import State
from supportal.cases.models import Attachment, CaseEvent, Comment, EventKind
from supportal.orgs.models import Team
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh, macro, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HTMX = {"HX-Request": "true"}


def test_a_public_reply_with_a_file_and_an_internal_note(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    shot = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    response = dana.post(
        url("case_comment", case), {"mode": "public", "body": "See **this**.", "files": [shot]}
    )
    comment = Comment.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == f"{page_url(case)}#comment-{comment.pk}"
    assert comment.public and Attachment.objects.get(comment=comment).public
    response = dana.post(url("case_comment", case), {"mode": "note", "body": "Relay blocklist"}, follow=True)
    assert "Your internal note was added." in response.content.decode()
    note = Comment.objects.get(case=case, body="Relay blocklist")
    assert not note.public


def test_an_empty_or_unsafe_message_comes_back(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    empty = dana.post(url("case_comment", case), {"mode": "note", "body": "  "})
    assert empty.status_code == 422
    assert 'data-testid="error-composer-body">This field is required.' in empty.content.decode()
    assert 'value="note" data-shortcut="note" data-testid="mode-note" checked' in empty.content.decode()
    unsafe = dana.post(url("case_comment", case), {"mode": "public", "body": "<script>alert(1)</script>"})
    assert unsafe.status_code == 422
    assert 'data-testid="error-composer-body"' in unsafe.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in unsafe.content.decode()  # kept, escaped
    assert not Comment.objects.filter(case=case).exists()
    bad_file = SimpleUploadedFile("empty.log", b"", content_type="text/plain")
    refused = dana.post(url("case_comment", case), {"body": "With a file", "files": [bad_file]})
    assert refused.status_code == 422
    assert 'data-testid="error-composer-attachments">“empty.log” is empty.' in refused.content.decode()


def test_the_preview_is_sanitised(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    shown = dana.post(
        url("case_preview", case), {"body": "**bold** and [a link](https://example.com)"}, headers=HTMX
    )
    body = shown.content.decode()
    assert shown.status_code == 200
    assert "<strong>bold</strong>" in body and 'href="https://example.com"' in body
    for text in ("<script>alert(1)</script>", "[x](javascript:alert(1))", '<img src=x onerror="alert(1)">'):
        body = dana.post(url("case_preview", case), {"body": text}, headers=HTMX).content.decode()
        assert "<script" not in body and 'href="javascript' not in body and "<img" not in body
        assert 'data-testid="preview-error"' in body
    # Without JavaScript, "Preview" posts the composer: the page comes back with the preview and the text.
    page = dana.post(url("case_comment", case), {"intent": "preview", "mode": "note", "body": "_draft_"})
    assert page.status_code == 200
    assert 'data-testid="preview-body"><p><em>draft</em></p>' in page.content.decode()
    assert "_draft_</textarea>" in page.content.decode()
    assert not Comment.objects.filter(case=case).exists()


def test_a_macro_fills_the_composer_for_this_case(story: Story, cases: CaseMaker) -> None:
    cloud = Team.objects.create(name="Cloud Operations", slug="cloud-operations")
    solved = macro(
        name="Solved",
        body="Hello {{ requester.first_name }}, case {{ case.number }} is solved. {{ agent.name }}",
        set_action="resolve", set_priority="P4", set_team=cloud,
    )  # fmt: skip
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    body = dana.get(page_url(case)).content.decode()
    assert f'data-url="{url("case_macro", case, solved.pk)}"' in body
    partial = dana.get(url("case_macro", case, solved.pk), headers=HTMX).content.decode()
    assert f"Hello Bob, case {case.number} is solved. Dana Agent</textarea>" in partial
    assert f'name="macro" value="{solved.pk}"' in partial
    for effect in (
        "Adds a public reply",
        "Sets the priority to P4 Low",
        "Passes the case to the team Cloud",
        "Then: Resolve",
    ):
        assert effect in partial
    assert 'data-testid="macro-refused"' not in partial
    assert "<html" not in partial
    # Opened directly (no htmx), the link leads to the page with the macro in its composer.
    direct = dana.get(url("case_macro", case, solved.pk))
    assert direct.status_code == 302 and direct["Location"] == f"{page_url(case)}?macro={solved.pk}#composer"
    page = dana.get(f"{page_url(case)}?macro={solved.pk}").content.decode()
    assert f"Hello Bob, case {case.number} is solved." in page and 'data-testid="macro-chosen"' in page
    # A move the state does not allow is said before sending.
    new_case = bobs_case(story, cases, State.NEW)
    assert (
        'data-testid="macro-refused"'
        in dana.get(url("case_macro", new_case, solved.pk), headers=HTMX).content.decode()
    )


def test_someone_elses_macro_is_not_offered(story: Story, cases: CaseMaker) -> None:
    franks = macro(name="Frank's own", body="Hi", owner=story.frank)
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    assert "Frank&#x27;s own" not in dana.get(page_url(case)).content.decode()
    assert dana.get(url("case_macro", case, franks.pk), headers=HTMX).status_code == 404
    refused = dana.post(url("case_comment", case), {"macro": franks.pk, "body": "Hi"})
    assert refused.status_code == 422
    assert "That macro is not one of yours any more" in refused.content.decode()
    assert (
        "Frank" not in dana.get(f"{page_url(case)}?macro={franks.pk}").content.decode().split("composer")[1]
    )


def test_a_resolve_macro_resolves_with_its_edited_text_as_a_public_reply(
    story: Story, cases: CaseMaker
) -> None:
    solved = macro(name="Solved", body="Hello {{ requester.first_name }}, fixed.", set_action="resolve")
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    data = {"macro": solved.pk, "body": "Hello Bob, we restarted the relay: fixed."}
    response = dana.post(url("case_comment", case), data, follow=True)
    assert "Macro “Solved” applied." in response.content.decode()
    case = fresh(case)
    assert case.state == State.RESOLVED
    comment = Comment.objects.get(case=case)
    assert comment.public and comment.body == "Hello Bob, we restarted the relay: fixed."
    assert 'data-testid="case-state">Resolved<' in response.content.decode()


def test_a_note_macro_adds_an_internal_note(story: Story, cases: CaseMaker) -> None:
    checked = macro(name="Checked logs", body="Logs checked for {{ case.number }}.", public=False)
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    page = dana.get(f"{page_url(case)}?macro={checked.pk}").content.decode()
    assert 'data-testid="mode-note" checked disabled' in page  # the macro decides
    dana.post(url("case_comment", case), {"macro": checked.pk, "body": f"Logs checked for {case.number}."})
    comment = Comment.objects.get(case=case)
    assert not comment.public
    assert fresh(case).state == State.OPEN
    bob = client_for(story.bob).get(f"/cases/{case.number}/").content.decode()
    assert "Logs checked" not in bob


def test_a_macro_whose_move_the_state_refuses_changes_nothing(story: Story, cases: CaseMaker) -> None:
    solved = macro(name="Solved", body="Fixed.", set_action="resolve", set_priority="P1")
    case = bobs_case(story, cases, State.NEW)
    refused = client_for(story.dana).post(url("case_comment", case), {"macro": solved.pk, "body": "Fixed."})
    assert refused.status_code == 409
    assert "cannot be moved by “Resolve”" in refused.content.decode()
    assert "Fixed.</textarea>" in refused.content.decode()  # the agent's text is kept
    assert not Comment.objects.filter(case=case).exists()
    assert (fresh(case).state, fresh(case).priority) == (State.NEW, "P3")
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY_CHANGED).exists()
