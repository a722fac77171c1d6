"""`bench seed`: the generated data set is consistent, as the services would have left it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
from bench.seed import SeedRefused, seed
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from bench import shape
from supportal.accounts.models import User
from supportal.cases import search, services
from supportal.cases.lifecycle import State, replay
from supportal.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseSearchText,
    Channel,
    Comment,
    Watcher,
)
from supportal.orgs.models import Permission
from supportal.orgs.policies import has_permission

CASES = 400
NUMBER = re.compile(r"^(\d{2})(\d{2})(\d{6})$")

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> object:
    return seed(cases=CASES, seed=7, chunk=150, say=lambda line: None)


def test_numbers_are_unique_well_formed_and_the_counters_follow(seeded) -> None:
    rows = list(Case.objects.order_by("id").values_list("number", "created_at"))
    assert len(rows) == CASES == len({number for number, _ in rows})
    last: dict[str, int] = defaultdict(int)
    for number, created in rows:
        match = NUMBER.match(number)
        assert match, number
        period = timezone.localtime(created).strftime("%y%m")
        assert number[:4] == period
        sequence = int(match[3])
        assert sequence == last[period] + 1  # consecutive within the month, in order of creation
        last[period] = sequence
    assert dict(CaseNumberCounter.objects.values_list("period", "last")) == dict(last)


def test_a_case_opened_afterwards_gets_a_fresh_number(seeded) -> None:
    customer = User.objects.get(email=seeded.customer)
    case = services.case_create(
        actor=customer,
        organisation=customer.membership.organisation,
        subject="After the seed",
        channel=Channel.PORTAL,
    )
    period = case.number[:4]
    assert NUMBER.match(case.number)
    assert Case.objects.filter(number=case.number).count() == 1
    assert CaseNumberCounter.objects.get(period=period).last == int(case.number[4:])
    assert case.pk == Case.objects.aggregate(top=Max("pk"))["top"]


def test_every_history_replays_to_its_case_and_dates_follow_it(seeded) -> None:
    events = defaultdict(list)
    for case_id, kind, data, at in CaseEvent.objects.order_by("id").values_list(
        "case_id", "kind", "data", "at"
    ):
        events[case_id].append((kind, data, at))
    now = timezone.now()
    for case in Case.objects.all():
        history = events[case.pk]
        assert history[0][0] == "created"
        assert replay((kind, data) for kind, data, _ in history) == case.state
        assert case.created_at == history[0][2]
        assert case.updated_at == max(at for _, _, at in history) <= now
        assert [at for _, _, at in history] == sorted(at for _, _, at in history)
        assert (case.closed_at is not None) == (case.state == State.CLOSED)
        assert (case.assignee_id is None) == (case.state == State.NEW)


def test_proportions_are_realistic(seeded) -> None:
    states = Counter(Case.objects.values_list("state", flat=True))
    assert states[State.CLOSED] > 0.9 * CASES
    assert sum(states.values()) - states[State.CLOSED] > 0  # some still open
    assert 5 < CaseEvent.objects.count() / CASES < 12
    assert 2 < Comment.objects.count() / CASES < 4
    assert Comment.objects.filter(public=False).exists() and Comment.objects.filter(public=True).exists()
    assert Attachment.objects.exists() and Watcher.objects.exists()
    assert {"case", "order"} == set(Case.objects.values_list("kind", flat=True))
    assert len(set(Case.objects.values_list("priority", flat=True))) == 4
    assert len(set(Case.objects.values_list("channel", flat=True))) >= 5


def test_seeded_cases_are_searchable_like_real_ones(seeded) -> None:
    case = Case.objects.filter(comments__public=True).order_by("id").first()
    assert case is not None
    assert case in search.matching(Case.objects.all(), case.number, include_internal=False)
    word = case.subject.split()[0]
    assert case in search.matching(Case.objects.all(), word, include_internal=True)
    before = CaseSearchText.objects.get(pk=case.pk)
    search.index_case(case)  # what the services write when the text changes: nothing may differ
    after = CaseSearchText.objects.get(pk=case.pk)
    assert (after.public_text, after.internal_text) == (before.public_text, before.internal_text)
    note = Comment.objects.filter(public=False).first()
    assert note is not None
    assert note.body in CaseSearchText.objects.get(pk=note.case_id).internal_text


def test_the_detail_case_and_the_people_of_the_bench(seeded) -> None:
    detail = Case.objects.get(number=seeded.detail_case)
    assert detail.reference == shape.DETAIL_REFERENCE
    assert CaseEvent.objects.filter(case=detail).count() == 50
    customer = User.objects.get(email=seeded.customer)
    assert detail.requester == customer
    assert has_permission(customer, Permission.VIEW_ORGANISATION_CASES)
    assert User.objects.get(email=seeded.agent).is_agent
    client = Client()
    client.force_login(customer)
    assert client.get(f"/cases/{detail.number}/").status_code == 200
    assert client.get("/cases/?scope=organization&status=open").status_code == 200
    client.force_login(User.objects.get(email=seeded.agent))
    assert client.get(f"/agent/cases/{detail.number}/").status_code == 200


def test_a_database_with_cases_is_refused(seeded) -> None:
    with pytest.raises(SeedRefused, match="already holds 400 cases"):
        seed(cases=10, say=lambda line: None)
