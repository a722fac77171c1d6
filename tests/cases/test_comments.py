"""Replies and internal notes: who may write them, for whom, and what a reply to a closed case does."""

from __future__ import annotations

import pytest

from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, CaseLink, Comment, LinkKind
from supportal.core.errors import Forbidden, InvalidInput
from tests.cases.conftest import CaseMaker, RequestTypeMaker, move, reply
from tests.conftest import Story


def test_an_empty_or_huge_comment_is_refused(story: Story, cases: CaseMaker) -> None:
    case = cases()
    with pytest.raises(InvalidInput) as error:
        reply(case, story.alice, "   \n ")
    assert error.value.fields == {"body": ["This field is required."]}
    with pytest.raises(InvalidInput):
        reply(case, story.alice, "x" * 100_001)
    assert not Comment.objects.exists()


def test_customers_cannot_write_internal_notes(story: Story, cases: CaseMaker) -> None:
    case = cases()
    with pytest.raises(Forbidden):
        reply(case, story.alice, "Psst.", public=False)
    assert not Comment.objects.exists()


def test_people_who_cannot_see_a_case_cannot_comment(story: Story, cases: CaseMaker) -> None:
    case = cases()  # Alice's, private
    for outsider in (story.bob, story.charlie):
        with pytest.raises(Forbidden):
            reply(case, outsider, "Me too.")
    assert not Comment.objects.exists()


def test_an_agent_replies_for_the_requester(story: Story, cases: CaseMaker) -> None:
    case = cases()
    move(case, story.dana, Action.TAKE)
    move(case, story.dana, Action.ASK_INFO)
    comment = reply(case, story.dana, "Alice says (by phone): it is the 3rd floor.", on_behalf_of=story.alice)
    case.refresh_from_db()
    assert (comment.author, comment.on_behalf_of, case.state) == (story.dana, story.alice, State.OPEN)
    event = CaseEvent.objects.get(case=case, kind="commented")
    assert (event.actor, event.on_behalf_of) == (story.dana, story.alice)


@pytest.mark.parametrize(("writer", "for_whom"), [("dana", "charlie"), ("alice", "bob")])
def test_nobody_writes_for_someone_who_may_not_act_on_the_case(
    story: Story, cases: CaseMaker, writer: str, for_whom: str
) -> None:
    case = cases()
    move(case, story.dana, Action.TAKE)
    with pytest.raises(Forbidden):
        reply(case, getattr(story, writer), "Hello.", on_behalf_of=getattr(story, for_whom))
    assert not Comment.objects.filter(case=case).exists()


def test_a_colleagues_reply_on_a_closed_shared_case_opens_a_follow_up(story: Story, cases: CaseMaker) -> None:
    closed = cases(actor=story.bob, visibility="organization", subject="Printer jams")
    move(closed, story.bob, Action.CLOSE)
    comment = reply(closed, story.alice, "It jams again on the 2nd floor.")
    follow_up = Case.objects.get(pk=comment.case_id)
    assert follow_up.pk != closed.pk and follow_up.state == State.NEW
    assert CaseLink.objects.get(source=follow_up, target=closed).kind == LinkKind.FOLLOW_UP
    assert Case.objects.get(pk=closed.pk).state == State.CLOSED


def test_a_reply_on_a_closed_case_of_a_retired_request_type_still_opens_a_follow_up(
    story: Story,
    cases: CaseMaker,
    request_type: RequestTypeMaker,
) -> None:
    hosting = request_type("hosting")
    closed = cases(request_type=hosting)
    move(closed, story.alice, Action.CLOSE)
    hosting.is_active = False
    hosting.save()
    comment = reply(closed, story.alice, "The site is down again.")
    assert comment.case_id != closed.pk
    assert CaseLink.objects.filter(source_id=comment.case_id, target=closed, kind=LinkKind.FOLLOW_UP).exists()
