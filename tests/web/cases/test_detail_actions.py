"""The case page's forms: moves, replies with files, follow-ups, the priority and the watchlist.

A refused form comes back with the error's status, the message next to the field and the text as typed;
an accepted one redirects back to the page with a message (POST/redirect/GET).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Attachment, Case, CaseEvent, CaseLink, Comment, EventKind, Watcher
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move
from tests.conftest import Story

cases = case_fixtures.cases
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(case: Case) -> str:
    return reverse("web:case_detail", args=[case.number])


def action(case: Case, name: str) -> str:
    return reverse("web:case_action", args=[case.number, name])


def resolved(story: Story, cases: CaseMaker) -> Case:
    case = cases(story.bob)
    move(case, story.dana, Action.TAKE)
    move(case, story.dana, Action.RESOLVE)
    return case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_bob_accepts_the_solution(story: Story, cases: CaseMaker) -> None:
    case = resolved(story, cases)
    response = client_for(story.bob).post(action(case, "accept"), follow=True)
    assert response.redirect_chain == [(page(case), 302)]
    assert fresh(case).state == State.CLOSED
    assert fresh(case).close_reason == "accepted"
    body = response.content.decode()
    assert f"you accepted the solution and case {case.number} is closed" in body
    assert 'data-testid="case-state">Closed<' in body
    assert "Bob Acme</strong> changed the state from Resolved to Closed" in body


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(story: Story, cases: CaseMaker) -> None:
    case = resolved(story, cases)
    bob = client_for(story.bob)
    response = bob.post(action(case, "reject"), {"reason": "   "})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="reject-reason"' in body
    assert 'data-testid="error-reject-reason">A reason is required.<' in body
    assert ' open data-testid="action-reject-panel"' in body  # the reject form stays open
    assert fresh(case).state == State.RESOLVED
    assert fresh(case).reject_count == 0

    response = bob.post(action(case, "reject"), {"reason": "The VPN still drops at 10:00."}, follow=True)
    assert response.redirect_chain == [(page(case), 302)]
    assert fresh(case).state == State.OPEN
    assert fresh(case).reject_count == 1
    body = response.content.decode()
    assert "You rejected the solution" in body
    assert "changed the state from Resolved to Open" in body
    assert "The VPN still drops at 10:00." in body


def test_a_too_long_reason_comes_back_as_typed(story: Story, cases: CaseMaker) -> None:
    case = resolved(story, cases)
    reason = "Still broken. " * 200  # over the 2000 characters a reason may have
    response = client_for(story.bob).post(action(case, "reject"), {"reason": reason})
    assert response.status_code == 422
    assert reason.strip() in response.content.decode()
    assert 'data-testid="error-reject-reason"' in response.content.decode()
    assert fresh(case).state == State.RESOLVED


def test_bob_closes_his_open_case(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    move(case, story.dana, Action.TAKE)
    response = client_for(story.bob).post(action(case, "close"))
    assert response.status_code == 302 and response["Location"] == page(case)
    assert fresh(case).state == State.CLOSED
    assert fresh(case).close_reason == "withdrawn"


def test_an_illegal_move_answers_409_with_a_message(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    move(case, story.dana, Action.TAKE)
    response = client_for(story.bob).post(action(case, "accept"))
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="action-error"' in body
    assert "cannot be moved by “Accept the solution”" in body
    assert fresh(case).state == State.OPEN
    # A customer may not take a case (the agent's move): refused, nothing changes.
    assert client_for(story.bob).post(action(case, "take")).status_code in (403, 409)
    assert client_for(story.bob).post(action(case, "no-such-move")).status_code == 404
    assert client_for(story.bob).get(action(case, "close")).status_code == 405
    assert fresh(case).state == State.OPEN


def test_dana_moves_the_case_with_a_comment(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    dana = client_for(story.dana)
    assert dana.post(action(case, "take")).status_code == 302
    assert fresh(case).assignee_id == story.dana.pk
    response = dana.post(action(case, "ask-info"), {"comment": "Which office are you in?"}, follow=True)
    assert fresh(case).state == State.AWAITING_INFO
    assert "Which office are you in?" in response.content.decode()
    bob_body = client_for(story.bob).get(page(case)).content.decode()
    assert "Which office are you in?" in bob_body
    assert "Dana Agent</strong> assigned the case to Dana Agent (Service Desk)" in bob_body


def test_bob_replies_with_a_png(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    shot = SimpleUploadedFile("screen shot.png", PNG, content_type="application/octet-stream")
    response = client_for(story.bob).post(
        reverse("web:case_comment", args=[case.number]), {"body": "See the **screenshot**.", "files": [shot]}
    )
    comment = Comment.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == f"{page(case)}#comment-{comment.pk}"
    attachment = Attachment.objects.get(comment=comment)
    assert attachment.content_type == "image/png"  # sniffed from the bytes
    assert attachment.public
    body = client_for(story.bob).get(page(case)).content.decode()
    assert "See the <strong>screenshot</strong>." in body
    link = reverse("web:case-attachment", args=[case.number, attachment.pk])
    assert f'href="{link}" data-testid="attachment-link">screen shot.png<' in body
    download = client_for(story.bob).get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]


def test_an_empty_reply_or_active_html_is_refused_next_to_the_field(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    url = reverse("web:case_comment", args=[case.number])
    bob = client_for(story.bob)
    response = bob.post(url, {"body": "  "})
    assert response.status_code == 422
    assert 'data-testid="error-comment-body">This field is required.<' in response.content.decode()
    typed = 'Look <img src=x onerror="alert(1)"> here'
    response = bob.post(url, {"body": typed, "files": [SimpleUploadedFile("a.png", PNG)]})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="error-comment-body">Remove the HTML event handler onerror=' in body
    assert "Look &lt;img src=x onerror=&quot;alert(1)&quot;&gt; here" in body  # kept, escaped
    assert "Choose the files again" in body
    assert not Comment.objects.filter(case=case).exists()
    assert not Attachment.objects.filter(case=case).exists()


def test_an_empty_file_is_refused(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    response = client_for(story.bob).post(
        reverse("web:case_comment", args=[case.number]),
        {"body": "With a file", "files": [SimpleUploadedFile("empty.log", b"")]},
    )
    assert response.status_code == 422
    assert 'data-testid="error-comment-attachments">“empty.log” is empty.' in response.content.decode()
    assert "With a file" in response.content.decode()


def test_dana_adds_an_internal_note_bob_never_sees(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    url = reverse("web:case_comment", args=[case.number])
    response = client_for(story.dana).post(url, {"body": "Customer is on the old firmware"}, follow=True)
    assert "Your internal note was added." in response.content.decode()
    assert not Comment.objects.get(case=case).public
    # Bob cannot make a note internal: "public" is ignored for customers.
    client_for(story.bob).post(url, {"body": "My own note"})
    assert Comment.objects.get(case=case, body="My own note").public
    assert "old firmware" not in client_for(story.bob).get(page(case)).content.decode()


def test_a_reply_to_a_closed_case_opens_a_follow_up(story: Story, cases: CaseMaker) -> None:
    case = resolved(story, cases)
    bob = client_for(story.bob)
    bob.post(action(case, "accept"))
    response = bob.post(
        reverse("web:case_comment", args=[case.number]),
        {"body": "It happens again since today."},
        follow=True,
    )
    link = CaseLink.objects.get(target=case, kind="follow_up")
    follow_up = link.source
    assert response.redirect_chain == [(page(follow_up), 302)]
    body = response.content.decode()
    assert f"Your reply opened follow-up case {follow_up.number}" in body
    assert "It happens again since today." in body
    assert fresh(case).state == State.CLOSED
    # Agents cannot write on a Closed case: 409, and no follow-up.
    refused = client_for(story.dana).post(reverse("web:case_comment", args=[case.number]), {"body": "x"})
    assert refused.status_code == 409
    assert "This case is closed" in refused.content.decode()


def test_bob_changes_the_priority_with_a_reason(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob, channel="email")
    assert case.priority == "P3"
    url = reverse("web:case_priority", args=[case.number])
    bob = client_for(story.bob)
    response = bob.post(url, {"urgency": "high", "impact": "high", "priority": "", "reason": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="error-priority-reason">Say why the priority should change.<' in body
    assert '<option value="high" selected>High</option>' in body  # as typed
    assert fresh(case).priority == "P3"

    reason = "The whole office is offline."
    response = bob.post(
        url, {"urgency": "high", "impact": "high", "priority": "", "reason": reason}, follow=True
    )
    assert response.redirect_chain == [(page(case), 302)]
    assert fresh(case).priority == "P1"
    event = CaseEvent.objects.get(case=case, kind=EventKind.PRIORITY_CHANGED)
    assert event.data["reason"] == reason and event.actor_id == story.bob.pk
    body = response.content.decode()
    assert "The priority is now P1 Critical." in body
    assert "changed the priority from P3 Medium to P1 Critical" in body and reason in body

    # The priority itself, by hand; then an unchanged form changes nothing.
    bob.post(url, {"urgency": "high", "impact": "high", "priority": "P2", "reason": "Only one site"})
    assert fresh(case).priority == "P2"
    response = bob.post(url, {"urgency": "high", "impact": "high", "priority": "", "reason": "again"})
    assert response.status_code == 422
    assert "Nothing to change" in response.content.decode()
    assert fresh(case).priority == "P2"


def test_watchers_are_added_and_removed(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    bob = client_for(story.bob)
    add = reverse("web:case_watchers", args=[case.number])
    remove = reverse("web:case_watcher_remove", args=[case.number])

    response = bob.post(add, {"watcher": "not an address"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "is not an email address" in body and 'value="not an address"' in body
    response = bob.post(add, {"watcher": "alice@acme.example"}, follow=True)
    assert response.redirect_chain == [(f"{page(case)}#watchers", 302)]
    assert Watcher.objects.get(case=case).user_id == story.alice.pk
    bob.post(add, {"watcher": "ops@partner.example"})
    body = bob.get(page(case)).content.decode()
    assert body.count('data-testid="watcher"') == 2
    assert "Bob Acme</strong> added ops@partner.example to the watchlist" in body
    assert 'value="alice@acme.example">Alice Acme</option>' in body  # colleagues offered

    assert bob.post(remove, {"email": "ops@partner.example"}).status_code == 302
    assert list(Watcher.objects.filter(case=case).values_list("email", flat=True)) == ["alice@acme.example"]
    response = bob.post(remove, {"email": "nobody@acme.example"})
    assert response.status_code == 404
    assert (
        'data-testid="watcher-remove-error">That address is not on the watchlist.<'
        in response.content.decode()
    )
    # Charlie of Globex cannot watch Acme's case.
    response = bob.post(add, {"watcher": "charlie@globex.example"})
    assert response.status_code == 422
    assert "cannot watch this organisation" in response.content.decode()


def test_a_watcher_who_leaves_a_case_is_sent_home(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob, watchers=[story.alice])
    alice = client_for(story.alice)
    assert alice.get(page(case)).status_code == 200
    response = alice.post(
        reverse("web:case_watcher_remove", args=[case.number]), {"email": story.alice.email}
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert alice.get(page(case)).status_code == 404
