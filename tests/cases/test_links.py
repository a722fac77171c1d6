"""Related cases and merging duplicates."""

from __future__ import annotations

import pytest

from supportal.cases import selectors, services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, CaseLink, CloseReason, LinkKind
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story


def test_related_cases_are_linked_both_ways(story: Story, cases: CaseMaker) -> None:
    one, two = cases(subject="VPN drops"), cases(subject="Mail slow")
    link = services.case_link(actor=story.dana, case=one, other=two, channel="portal")
    assert (link.source, link.target, link.kind) == (one, two, LinkKind.RELATED)
    assert CaseEvent.objects.get(case=one, kind="linked").data == {"kind": "related", "case": two.number}
    assert CaseEvent.objects.get(case=two, kind="linked").data == {"kind": "related", "case": one.number}
    with pytest.raises(Conflict):
        services.case_link(actor=story.dana, case=two, other=one, channel="portal")
    assert CaseLink.objects.count() == 1


def test_only_agents_link_and_never_a_case_to_itself(story: Story, cases: CaseMaker) -> None:
    one, two = cases(), cases()
    with pytest.raises(Forbidden):
        services.case_link(actor=story.alice, case=one, other=two, channel="portal")
    with pytest.raises(InvalidInput):
        services.case_link(actor=story.dana, case=one, other=one, channel="portal")
    assert not CaseLink.objects.exists()


def test_merging_closes_the_duplicate_and_points_at_the_survivor(story: Story, cases: CaseMaker) -> None:
    survivor, duplicate = cases(subject="VPN drops"), cases(subject="VPN drops again")
    reply(duplicate, story.alice, "Seen from the Berlin office too.")
    reply(duplicate, story.dana, "Same root cause as the other one.", public=False)
    services.case_merge(
        actor=story.dana, duplicate=duplicate, survivor=survivor, channel="portal", reason="Same"
    )
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert (duplicate.state, duplicate.close_reason, duplicate.merged_into) == (
        State.CLOSED, CloseReason.MERGED, survivor,
    )  # fmt: skip
    assert survivor.state == State.NEW
    assert CaseLink.objects.get(source=duplicate, target=survivor).kind == LinkKind.DUPLICATE
    assert CaseEvent.objects.get(case=duplicate, kind="merged").data["into"] == survivor.number
    assert CaseEvent.objects.get(case=survivor, kind="merged").data["from"] == duplicate.number
    # The duplicate's history stays readable to those who could read it.
    readable = selectors.events_visible_to(story.alice, duplicate)
    assert [e.kind for e in readable.order_by("id")] == ["created", "commented", "state_changed", "merged"]
    assert [c.body for c in selectors.comments_visible_to(story.alice, duplicate)] == [
        "Seen from the Berlin office too."
    ]


def test_a_merged_case_takes_no_more_changes(story: Story, cases: CaseMaker) -> None:
    survivor, duplicate = cases(), cases()
    services.case_merge(actor=story.dana, duplicate=duplicate, survivor=survivor, channel="portal")
    with pytest.raises(Conflict):
        move(duplicate, story.dana, Action.TAKE)
    with pytest.raises(Conflict):
        services.case_merge(actor=story.dana, duplicate=duplicate, survivor=survivor, channel="portal")


def test_cases_of_different_organisations_cannot_be_merged(story: Story, cases: CaseMaker) -> None:
    acme, globex = cases(), cases(actor=story.charlie)
    with pytest.raises(InvalidInput):
        services.case_merge(actor=story.dana, duplicate=globex, survivor=acme, channel="portal")
    assert Case.objects.get(pk=globex.pk).state == State.NEW
    assert not CaseLink.objects.exists()


def test_nothing_merges_into_a_closed_case(story: Story, cases: CaseMaker) -> None:
    closed, duplicate = cases(), cases()
    move(closed, story.alice, Action.CLOSE)
    with pytest.raises(Conflict):
        services.case_merge(actor=story.dana, duplicate=duplicate, survivor=closed, channel="portal")
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.merged_into) == (State.NEW, None)


def test_only_agents_merge_and_never_a_case_into_itself(story: Story, cases: CaseMaker) -> None:
    one, two = cases(), cases()
    with pytest.raises(Forbidden):
        services.case_merge(actor=story.alice, duplicate=one, survivor=two, channel="portal")
    with pytest.raises(InvalidInput):
        services.case_merge(actor=story.dana, duplicate=one, survivor=one, channel="portal")
    assert Case.objects.filter(state=State.NEW).count() == 2


def test_no_merge_into_a_case_closed_since_the_page_loaded(story: Story, cases: CaseMaker) -> None:
    survivor, duplicate = cases(), cases()
    on_the_page = Case.objects.get(pk=survivor.pk)
    move(survivor, story.alice, Action.CLOSE)
    with pytest.raises(Conflict):
        services.case_merge(actor=story.dana, duplicate=duplicate, survivor=on_the_page, channel="portal")
    assert Case.objects.get(pk=duplicate.pk).state == State.NEW
