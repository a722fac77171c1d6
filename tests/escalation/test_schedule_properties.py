"""Properties of the on-call schedule on any rota, zone and instant (daylight-saving changes included)."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from supportal.escalation.schedule import (
    Cover,
    Rotation,
    on_call_at,
    scheduled_at,
    shift_index,
    shift_start,
    shifts_between,
)
from tests.sla.strategies import BOUNDED, ZONES, instants

MICRO = timedelta(microseconds=1)

# Hand-over times: any minute, and often one inside the small hours where the clocks change.
handoffs = st.one_of(
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    st.builds(time, st.integers(0, 3), st.sampled_from([0, 1, 15, 30, 59]), st.sampled_from([0, 59])),
)

rotations = st.builds(
    Rotation,
    members=st.lists(st.integers(1, 9), min_size=1, max_size=5, unique=True).map(tuple),
    time_zone=st.sampled_from(ZONES),
    handoff=handoffs,
    shift_days=st.integers(1, 14),
    starts_on=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
)

lengths = st.timedeltas(min_value=MICRO, max_value=timedelta(days=10))


@st.composite
def covers(draw: st.DrawFn) -> list[Cover]:
    spans = draw(st.lists(st.tuples(st.integers(10, 19), instants, lengths), max_size=4))
    return [Cover(user, start, start + length) for user, start, length in spans]


@BOUNDED
@given(rotation=rotations, at=instants)
def test_exactly_one_member_is_on_call_the_one_whose_shift_contains_the_instant(rotation, at):
    index = shift_index(rotation, at)
    assert shift_start(rotation, index) <= at < shift_start(rotation, index + 1)
    member = scheduled_at(rotation, at)
    assert member == rotation.members[index % len(rotation.members)]
    assert on_call_at(rotation, [], at) == member


@BOUNDED
@given(rotation=rotations, cover_list=covers(), at=instants)
def test_an_override_covering_the_instant_wins_else_the_rota(rotation, cover_list, at):
    holder = on_call_at(rotation, cover_list, at)
    covering = [c.user_id for c in cover_list if c.starts_at <= at < c.ends_at]
    assert holder == (covering[0] if covering else scheduled_at(rotation, at))


@BOUNDED
@given(
    rotation=rotations,
    first=instants,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
)
def test_shift_index_is_monotone_in_time(rotation, first, gap):
    assert shift_index(rotation, first) <= shift_index(rotation, first + gap)
    index = shift_index(rotation, first)
    start = shift_start(rotation, index)
    assert shift_index(rotation, start) == index
    assert shift_index(rotation, start - MICRO) == index - 1
    assert shift_start(rotation, index) < shift_start(rotation, index + 1)


@BOUNDED
@given(
    rotation=rotations,
    cover_list=covers(),
    start=instants,
    length=st.timedeltas(min_value=MICRO, max_value=timedelta(days=45)),
)
def test_spans_tile_the_range_and_name_who_is_on_call(rotation, cover_list, start, length):
    end = start + length
    spans = shifts_between(rotation, cover_list, start, end)
    assert spans[0].starts_at == start
    assert spans[-1].ends_at == end
    for before, after in itertools.pairwise(spans):
        assert before.ends_at == after.starts_at  # no gap, no overlap
        assert (before.user_id, before.is_override) != (after.user_id, after.is_override)  # merged
    for span in spans:
        assert span.starts_at < span.ends_at
        assert span.user_id == on_call_at(rotation, cover_list, span.starts_at)
        assert span.user_id == on_call_at(rotation, cover_list, span.ends_at - MICRO)
        assert span.is_override == any(c.starts_at <= span.starts_at < c.ends_at for c in cover_list)
