"""Links on the case page: relate another case, merge a duplicate into another (with a reason and a
confirmation), and open a follow-up of a Closed case; the page lists linked cases, follow-ups and the
case a duplicate was merged into."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.cases.models import CaseLink, Comment, LinkKind
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases


def test_linking_a_related_case(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    other = cases(story.alice, subject="Printer jams")
    dana = client_for(story.dana)
    response = dana.post(url("case_link", case), {"number": f" {other.number} "}, follow=True)
    assert f"Case {case.number} is linked to case {other.number}." in response.content.decode()
    assert CaseLink.objects.filter(source=case, target=other, kind=LinkKind.RELATED).exists()
    body = response.content.decode()
    assert f'Related: <a href="{page_url(other)}">{other.number}</a> Printer jams' in body
    assert f'Related: <a href="{page_url(case)}">' in dana.get(page_url(other)).content.decode()
    again = dana.post(url("case_link", case), {"number": other.number})
    assert again.status_code == 409 and "already linked" in again.content.decode()
    for number, message in (
        ("2601999999", "There is no case with that number."),
        ("12", "A case number has ten digits"),
        (case.number, "The same case."),
    ):
        refused = dana.post(url("case_link", case), {"number": number})
        assert refused.status_code == 422 and message in refused.content.decode(), number
        assert '<details class="mb-2" open data-testid="link-panel">' in refused.content.decode()


def test_merging_a_duplicate_needs_a_reason_and_a_confirmation(story: Story, cases: CaseMaker) -> None:
    survivor = bobs_case(story, cases, State.OPEN, subject="VPN drops")
    duplicate = bobs_case(story, cases, State.NEW, subject="VPN drops again")
    dana = client_for(story.dana)
    unconfirmed = dana.post(url("case_merge", duplicate), {"number": survivor.number, "reason": "Same VPN"})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm the merge." in unconfirmed.content.decode()
    assert fresh(duplicate).state == State.NEW
    data = {"number": survivor.number, "reason": "Same VPN tunnel", "confirm": "on"}
    response = dana.post(url("case_merge", duplicate), data, follow=True)
    assert response.redirect_chain == [(page_url(survivor), 302)]
    assert (
        f"Case {duplicate.number} is merged into this case, {survivor.number}." in response.content.decode()
    )
    assert f'Merged from: <a href="{page_url(duplicate)}">' in response.content.decode()
    merged = fresh(duplicate)
    assert (merged.state, merged.close_reason, merged.merged_into_id) == (State.CLOSED, "merged", survivor.pk)
    page = dana.get(page_url(duplicate)).content.decode()
    assert 'data-testid="merged-into"' in page and f'href="{page_url(survivor)}"' in page
    assert "Same VPN tunnel" in page
    # Another organisation's case, or a closed one, is refused.
    globex = cases(story.charlie)
    third = bobs_case(story, cases, State.OPEN)
    refused = dana.post(url("case_merge", third), data | {"number": globex.number})
    assert refused.status_code == 422 and "Another organisation." in refused.content.decode()
    closed = dana.post(url("case_merge", third), data | {"number": duplicate.number})
    assert closed.status_code == 409 and "is closed; merge into an open case" in closed.content.decode()
    assert fresh(third).state == State.OPEN


def test_a_follow_up_of_a_closed_case(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.CLOSED, subject="VPN drops")
    dana = client_for(story.dana)
    body = dana.get(page_url(case)).content.decode()
    assert 'data-testid="follow-up-form"' in body and "No follow-up yet." in body
    assert dana.post(url("case_follow_up", case), {"body": ""}).status_code == 422
    response = dana.post(url("case_follow_up", case), {"body": "Bob called: it drops again."}, follow=True)
    link = CaseLink.objects.get(target=case, kind=LinkKind.FOLLOW_UP)
    follow_up = link.source
    assert response.redirect_chain == [(page_url(follow_up), 302)]
    assert (
        f"Follow-up case {follow_up.number} is open, linked to case {case.number}."
        in response.content.decode()
    )
    assert (follow_up.requester_id, follow_up.subject) == (story.bob.pk, "Follow-up: VPN drops")
    comment = Comment.objects.get(case=follow_up)
    assert comment.public and comment.body == "Bob called: it drops again."
    page = dana.get(page_url(case)).content.decode()
    assert f"Follow-up: {follow_up.number}" in page
    # Bob sees his follow-up and the agent's text.
    assert (
        "Bob called: it drops again."
        in client_for(story.bob).get(f"/cases/{follow_up.number}/").content.decode()
    )
    # Only a Closed case gets a follow-up.
    refused = dana.post(url("case_follow_up", follow_up), {"body": "Again"})
    assert refused.status_code == 409
    assert "Only a Closed case gets a follow-up" in refused.content.decode()
