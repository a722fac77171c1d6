"""The case page (/cases/<number>/): what each person sees of a case, and that it costs a fixed number of
queries however long the history is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent
from supportal.core.files import check_upload
from supportal.web.cases.detail_page import _template_exists
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, RequestTypeMaker, move, reply
from tests.conftest import Story

cases = case_fixtures.cases
request_type = case_fixtures.request_type
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(case: Case) -> str:
    return reverse("web:case_detail", args=[case.number])


def test_routes_are_named() -> None:
    assert reverse("web:case_detail", args=["2601000001"]) == "/cases/2601000001/"
    assert reverse("web:case_action", args=["2601000001", "accept"]) == "/cases/2601000001/actions/accept/"
    assert reverse("web:case_comment", args=["2601000001"]) == "/cases/2601000001/comments/"
    assert reverse("web:case_priority", args=["2601000001"]) == "/cases/2601000001/priority/"
    assert reverse("web:case_watchers", args=["2601000001"]) == "/cases/2601000001/watchers/"
    assert reverse("web:case_watcher_remove", args=["2601000001"]) == "/cases/2601000001/watchers/remove/"


def test_bob_sees_his_case_and_its_public_history_but_no_internal_note(
    story: Story, cases: CaseMaker
) -> None:
    case = cases(
        story.bob,
        subject="Mail relay rejects our invoices",
        description="Since **Monday** the relay says `550`.",
        reference="ACME-4711",
    )
    move(case, story.dana, Action.TAKE)
    reply(case, story.dana, "Could you send the bounce message?")
    services.comment_add(
        actor=story.dana, case=case, body="Internal: relay blocklist hit", channel="portal", public=False
    )
    move(case, story.dana, Action.RESOLVE, comment="The relay was unblocked.")

    page = client_for(story.bob).get(url(case))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Mail relay rejects our invoices" in body
    assert "<strong>Monday</strong>" in body and "<code>550</code>" in body  # Markdown rendered
    assert 'data-testid="case-state">Resolved<' in body
    assert 'data-testid="case-assignee">Dana Agent<' in body
    assert "ACME-4711" in body
    assert 'data-testid="case-history"' in body
    assert "Could you send the bounce message?" in body
    assert "The relay was unblocked." in body
    assert "Dana Agent</strong> changed the state from Open to Resolved" in body
    assert "relay blocklist" not in body
    assert 'data-testid="internal-badge"' not in body
    # The customer's moves on a Resolved case, and no agent's.
    for action in ("accept", "reject", "close"):
        assert f'data-testid="action-{action}"' in body
    assert 'data-testid="action-take"' not in body
    assert 'data-testid="action-resolve"' not in body
    assert 'name="public"' not in body  # customers write public replies only


def test_not_yet_assigned_and_the_header_facts(
    story: Story, cases: CaseMaker, request_type: RequestTypeMaker
) -> None:
    rt = request_type("vpn", name="VPN trouble", fields=[{"key": "site", "label": "Office site"}])
    story.acme.shared_login = True
    story.acme.save()
    case = cases(
        story.bob,
        request_type=rt,
        extra={"site": "Ghent"},
        requester_name="Jane Door",
        visibility="organization",
    )
    body = client_for(story.bob).get(url(case)).content.decode()
    assert 'data-testid="case-assignee">Not yet assigned<' in body
    assert "Jane Door" in body and "through the shared login Bob Acme" in body
    assert "Office site" in body and "Ghent" in body
    assert "VPN trouble" in body and "Incident" in body
    assert "Shared with the organisation" in body
    assert "Acme Corp" in body


def test_charlie_and_strangers_get_404(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    charlie = client_for(story.charlie)
    assert charlie.get(url(case)).status_code == 404
    assert charlie.get("/cases/not-a-number/").status_code == 404
    for path in ("actions/close/", "comments/", "priority/", "watchers/", "watchers/remove/"):
        assert charlie.post(f"{url(case)}{path}", {"reason": "x", "body": "x"}).status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.NEW
    # A private case is its requester's (and watchers'); a shared one is also for organisation-case viewers.
    assert client_for(story.alice).get(url(case)).status_code == 404
    assert client_for(story.alice).get(url(cases(story.bob, visibility="organization"))).status_code == 200
    assert client_for(story.bob).get(url(cases(story.alice, visibility="organization"))).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(story: Story, cases: CaseMaker) -> None:
    response = Client().get(url(cases(story.bob)))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dana_is_sent_to_the_workspace_with_internal_notes_and_the_agents_moves(
    story: Story, cases: CaseMaker
) -> None:
    """Agents work cases in the workspace (tests/agent/test_case_*.py): the portal's page sends them there."""
    case = cases(story.bob)
    services.comment_add(
        actor=story.dana, case=case, body="Check the *firewall*", channel="portal", public=False
    )
    workspace = reverse("agent:case", args=[case.number])
    response = client_for(story.dana).get(url(case), follow=True)
    assert response.redirect_chain == [(workspace, 302)]
    body = response.content.decode()
    assert "Check the <em>firewall</em>" in body
    assert 'data-testid="internal-note-label">Internal note<' in body
    assert 'data-testid="action-take"' in body
    assert 'data-testid="action-accept"' not in body
    assert 'name="mode" id="composer-mode-note" value="note"' in body  # a reply or an internal note
    move(case, story.dana, Action.TAKE)
    body = client_for(story.dana).get(url(case), follow=True).content.decode()
    for action in ("ask-info", "hold", "resolve"):
        assert f'data-testid="action-{action}"' in body


def test_files_are_listed_with_download_links(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    upload = check_upload(name="screen.png", stream=PNG)
    attachment = services.attachment_add(actor=story.bob, case=case, file=upload, channel="portal")
    bob = client_for(story.bob)
    body = bob.get(url(case)).content.decode()
    link = reverse("web:case-attachment", args=[case.number, attachment.pk])
    assert f'href="{link}"' in body
    assert "Bob Acme</strong> added a file" in body
    assert bob.get(link).status_code == 200


def test_a_closed_case_shows_its_follow_ups(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    move(case, story.bob, Action.CLOSE)
    follow_up = reply(case, story.bob, "It broke again.").case
    body = client_for(story.bob).get(url(case)).content.decode()
    assert 'data-testid="follow-ups"' in body
    assert f"Follow-up: {follow_up.number}" in body
    assert 'data-testid="open-follow-up"' in body
    assert 'data-testid="comment-submit">Open a follow-up<' in body
    assert 'data-testid="case-actions"' not in body
    follow_body = client_for(story.bob).get(url(follow_up)).content.decode()
    assert f'Follow-up of: <a href="{url(case)}">{case.number}</a>' in follow_body


def test_next_steps_are_included_after_creating(story: Story, cases: CaseMaker, tmp_path: Path) -> None:
    case = cases(story.bob)
    (tmp_path / "web" / "cases").mkdir(parents=True)
    (tmp_path / "web" / "cases" / "create_next_steps.html").write_text("NEXT STEPS for {{ case.number }}")
    templates: list[dict[str, Any]] = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path, Path(__file__).parents[3] / "src" / "supportal" / "templates"],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "supportal.web.context.portal",
                ]
            },
        }
    ]
    bob = client_for(story.bob)
    with override_settings(TEMPLATES=templates):
        assert f"NEXT STEPS for {case.number}" in bob.get(url(case) + "?created=1").content.decode()
        assert "NEXT STEPS" not in bob.get(url(case)).content.decode()
    assert not _template_exists("web/cases/no_such_template.html")


def test_the_history_reads_as_sentences(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob, reference="")
    duplicate = cases(story.bob, subject="Same VPN problem")
    services.case_escalate(actor=story.bob, case=case, reason="Payroll runs tonight", channel="portal")
    services.case_update(actor=story.bob, case=case, channel="portal", reference="PO-77")
    services.case_merge(actor=story.dana, duplicate=duplicate, survivor=case, channel="portal")
    body = client_for(story.bob).get(url(case)).content.decode()
    assert "Bob Acme</strong> escalated the case to level 1" in body
    assert "Payroll runs tonight" in body
    assert 'data-testid="case-escalation">Escalation level 1<' in body
    assert "Bob Acme</strong> set the reference to “PO-77”" in body
    assert f'merged into this case the duplicate <a href="{url(duplicate)}">{duplicate.number}</a>' in body
    assert f'Merged from: <a href="{url(duplicate)}">{duplicate.number}</a>' in body
    merged = client_for(story.bob).get(url(duplicate)).content.decode()
    assert 'data-testid="merged-into"' in merged and f'href="{url(case)}"' in merged
    assert 'data-testid="case-state">Closed<' in merged


def grow_history(case: Case, story: Story, events: int, *, editor: User | None = None) -> None:
    """Bob's replies with files, Dana's internal notes, and priority changes and watchers by `editor`
    (Bob unless told) until the history is this long."""
    editor = editor or story.bob
    n = 0
    while CaseEvent.objects.filter(case=case).count() < events:
        n += 1
        png = check_upload(name=f"shot-{n}.png", stream=PNG)
        reply(case, story.bob, f"Update {n}", files=[png])
        services.comment_add(actor=story.dana, case=case, body=f"Note {n}", channel="portal", public=False)
        services.case_update(
            actor=editor, case=case, channel="portal", reason=f"reason {n}",
            urgency="high" if n % 2 else "low",
        )  # fmt: skip
        services.watcher_add(actor=editor, case=case, watcher=f"w{n}@acme.example", channel="portal")


@pytest.mark.parametrize("who", ["bob"])  # agents: tests/agent/test_case_page.py (the workspace's page)
def test_the_page_runs_a_fixed_number_of_queries(
    story: Story, cases: CaseMaker, who: str, django_assert_num_queries: Any
) -> None:
    case = cases(story.bob, reference="R-1")
    move(case, story.dana, Action.TAKE)
    services.case_escalate(actor=story.bob, case=case, reason="Payroll is down", channel="portal")
    grow_history(case, story, 3)
    client = client_for(getattr(story, who))
    client.get(url(case))  # warm up the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(case)).status_code == 200
    grow_history(case, story, 50)
    assert CaseEvent.objects.filter(case=case).count() >= 50
    with django_assert_num_queries(len(small)):
        page = client.get(url(case))
    assert page.content.decode().count('data-testid="history-entry"') >= 40
    assert len(small) <= 17, [q["sql"] for q in small.captured_queries]  # 17: the escalation matrix's top


def test_the_page_fits_a_phone_and_is_labelled(story: Story, cases: CaseMaker) -> None:
    """No fixed widths or inline styles (CSP), every input has a label, buttons are real buttons."""
    case = cases(story.bob)
    body = client_for(story.bob).get(url(case)).content.decode()
    assert "style=" not in body and "onclick" not in body
    assert '<meta name="viewport"' in body
    for field_id in (
        "comment-body",
        "comment-attachments",
        "priority-urgency",
        "priority-impact",
        "priority-priority",
        "priority-reason",
        "watcher-watcher",
        "close-reason",
    ):
        if f'id="{field_id}"' in body:
            assert f'for="{field_id}"' in body, field_id
    assert 'data-testid="action-close"' in body
