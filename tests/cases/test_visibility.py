"""Who sees which case, comment and event: requester, watchers, colleagues with the right, agents."""

from __future__ import annotations

import pytest

from supportal.accounts.models import User
from supportal.cases import access, search, selectors
from supportal.cases.models import Case
from supportal.core.errors import NotFound
from supportal.orgs import services as org_services
from tests.cases.conftest import CaseMaker, reply
from tests.conftest import Story, groups


@pytest.fixture
def carol(story: Story) -> User:
    """An Acme reporter who may comment but not see the organisation's shared cases."""
    return org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.acme, email="carol@acme.example",
        name="Carol Acme", groups=groups("case-reporter"),
    )  # fmt: skip


def sees(user: User, case: Case) -> bool:
    return selectors.cases_visible_to(user).filter(pk=case.pk).exists()


def finds(user: User, case: Case) -> bool:
    try:
        return access.case_for(user, case.number).pk == case.pk
    except NotFound:
        return False


def test_a_private_case_is_seen_by_requester_watchers_and_agents(
    story: Story, cases: CaseMaker, carol: User
) -> None:
    case = cases(actor=story.bob, watchers=[carol, "outside@partner.example"])
    for user, expected in [
        (story.bob, True), (carol, True), (story.dana, True), (story.erin, True),
        (story.alice, False),  # she may see the organisation's shared cases, and this one is private
        (story.charlie, False),
    ]:  # fmt: skip
        assert (sees(user, case), finds(user, case)) == (expected, expected), user


def test_an_organisation_case_is_seen_by_colleagues_with_the_right(
    story: Story, cases: CaseMaker, carol: User
) -> None:
    case = cases(actor=story.bob, visibility="organization")
    assert sees(story.alice, case) and finds(story.alice, case)
    assert not sees(carol, case) and not finds(carol, case)
    assert not sees(story.charlie, case) and not finds(story.charlie, case)


def test_nothing_of_another_organisation_shows(story: Story, cases: CaseMaker) -> None:
    case = cases(visibility="organization", subject="Quarterly zeppelin outage")
    assert not selectors.cases_visible_to(story.charlie).exists()
    with pytest.raises(NotFound):
        access.case_for(story.charlie, case.number)
    mine = selectors.cases_visible_to(story.charlie)
    assert not search.matching(mine, "zeppelin", include_internal=False).exists()
    assert (
        search.matching(selectors.cases_visible_to(story.alice), "zeppelin", include_internal=False).get()
        == case
    )


def test_malformed_and_unknown_numbers_are_not_found(story: Story, cases: CaseMaker) -> None:
    cases()
    for number in ["", "12", "abcdefghij", "9999999999", "2601000001 OR 1=1"]:
        with pytest.raises(NotFound):
            access.case_for(story.dana, number)


def test_customers_never_see_internal_notes_or_their_events(story: Story, cases: CaseMaker) -> None:
    case = cases()
    public = reply(case, story.dana, "We are looking into it.")
    note = reply(case, story.dana, "Customer's firewall is misconfigured.", public=False)
    assert list(selectors.comments_visible_to(story.alice, case)) == [public]
    assert set(selectors.comments_visible_to(story.dana, case)) == {public, note}
    customer_events = selectors.events_visible_to(story.alice, case)
    agent_events = selectors.events_visible_to(story.dana, case)
    assert all(e.public for e in customer_events)
    assert agent_events.filter(public=False, data__comment=note.pk).exists()
    assert not customer_events.filter(data__comment=note.pk).exists()


def test_a_word_from_an_internal_note_finds_nothing_for_customers(story: Story, cases: CaseMaker) -> None:
    case = cases(subject="Backup failed")
    reply(case, story.dana, "Suspect the xylophone appliance.", public=False)
    reply(case, story.dana, "We are checking the storage.")
    visible = selectors.cases_visible_to(story.alice)
    assert not search.matching(visible, "xylophone", include_internal=False).exists()
    assert search.matching(visible, "storage", include_internal=False).get() == case
    assert search.matching(Case.objects.all(), "xylophone", include_internal=True).get() == case
    assert search.matching(Case.objects.all(), "xylo", include_internal=True).get() == case
