"""Who is on call when: the pure schedule on examples (hand-overs across DST, overrides, chains)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportal.escalation.schedule import (
    Cover,
    Rotation,
    Shift,
    escalation_chain,
    on_call_at,
    scheduled_at,
    shift_index,
    shift_start,
    shifts_between,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
DANA, GUS, IDA, LENA, OLGA = 1, 2, 3, 10, 20
WEEKLY = Rotation((DANA, GUS), "Europe/Brussels", time(9, 0), 7, date(2026, 1, 5))  # Mondays 09:00
SECOND = timedelta(seconds=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BRUSSELS)


def test_the_weekly_hand_over_stays_at_nine_local_across_both_changes_of_2026() -> None:
    mondays = [date(2026, 3, 23), date(2026, 3, 30), date(2026, 10, 19), date(2026, 10, 26)]
    starts = [shift_start(WEEKLY, shift_index(WEEKLY, local(d.year, d.month, d.day, 10))) for d in mondays]
    assert [s.astimezone(BRUSSELS).time() for s in starts] == [time(9)] * 4
    assert starts == [utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), utc(2026, 10, 19, 7), utc(2026, 10, 26, 8)]
    # Gus on call the week of 23 March (shift 11), Dana from 30 March 09:00 CEST (07:00 UTC).
    assert scheduled_at(WEEKLY, utc(2026, 3, 30, 7) - SECOND) == GUS
    assert shift_index(WEEKLY, utc(2026, 3, 30, 7) - SECOND) == 11
    assert shift_index(WEEKLY, utc(2026, 3, 30, 7)) == 12
    assert scheduled_at(WEEKLY, utc(2026, 3, 30, 7)) == DANA
    # Autumn: 07:00 UTC on 26 October is only 08:00 local, the hand-over waits until 08:00 UTC.
    assert shift_index(WEEKLY, utc(2026, 10, 26, 7, 59)) == shift_index(WEEKLY, utc(2026, 10, 20))
    assert shift_index(WEEKLY, utc(2026, 10, 26, 8)) == shift_index(WEEKLY, utc(2026, 10, 20)) + 1


def test_a_hand_over_inside_the_spring_forward_gap_starts_at_the_jump() -> None:
    for handoff in (time(2, 30), time(2, 10), time(2, 0), time(2, 59, 59)):
        daily = Rotation((DANA, GUS), "Europe/Brussels", handoff, 1, date(2026, 1, 5))
        index = shift_index(daily, utc(2026, 3, 29, 12))
        assert shift_start(daily, index) == utc(2026, 3, 29, 1)  # 02:00 CET becomes 03:00 CEST
        assert shift_index(daily, utc(2026, 3, 29, 1) - SECOND) == index - 1
        assert shift_index(daily, utc(2026, 3, 29, 1)) == index


def test_a_hand_over_inside_the_repeated_hour_happens_once_at_its_first_occurrence() -> None:
    daily = Rotation((DANA, GUS), "Europe/Brussels", time(2, 30), 1, date(2026, 1, 5))
    before = shift_index(daily, utc(2026, 10, 25, 0, 29))
    first, second = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)  # 02:30 CEST, then 02:30 CET
    assert shift_start(daily, before + 1) == first
    # The clocks going back to 02:00 do not hand the pager back.
    for at in (first, utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 15), second, utc(2026, 10, 25, 12)):
        assert shift_index(daily, at) == before + 1


def test_daily_shifts_cycle_through_the_members_at_the_hand_over_time() -> None:
    daily = Rotation((DANA, GUS, IDA), "UTC", time(8, 0), 1, date(2026, 6, 1))
    on_call = [scheduled_at(daily, utc(2026, 6, day, 12)) for day in range(1, 8)]
    assert on_call == [DANA, GUS, IDA, DANA, GUS, IDA, DANA]
    assert scheduled_at(daily, utc(2026, 6, 2, 7, 59, 59)) == DANA
    assert scheduled_at(daily, utc(2026, 6, 2, 8)) == GUS


def test_before_starts_on_the_rotation_runs_backwards_from_the_first_member() -> None:
    daily = Rotation((DANA, GUS, IDA), "UTC", time(8, 0), 1, date(2026, 6, 1))
    assert shift_index(daily, utc(2026, 6, 1, 7, 59)) == -1
    assert scheduled_at(daily, utc(2026, 6, 1, 7, 59)) == IDA  # the member before the first
    assert scheduled_at(daily, utc(2026, 5, 31, 7, 59)) == GUS
    assert shift_index(daily, utc(2026, 6, 1, 8)) == 0


def test_a_rota_of_one_member_is_always_that_member() -> None:
    alone = Rotation((DANA,), "Europe/Brussels", time(9), 7, date(2026, 1, 5))
    for at in (utc(2025, 1, 1), utc(2026, 3, 29, 1), utc(2026, 10, 25, 1, 30), utc(2027, 7, 1)):
        assert scheduled_at(alone, at) == DANA
    assert escalation_chain(alone, [], [LENA], utc(2026, 5, 1)) == [(DANA, "on_call"), (LENA, "lead")]


def test_an_empty_rota_has_nobody_on_call() -> None:
    empty = Rotation((), "UTC", time(9), 7, date(2026, 1, 5))
    assert scheduled_at(empty, utc(2026, 5, 1)) is None
    assert on_call_at(empty, [], utc(2026, 5, 1)) is None
    assert shifts_between(empty, [], utc(2026, 5, 1), utc(2026, 5, 20)) == []
    assert escalation_chain(empty, [], [], utc(2026, 5, 1)) == []
    assert escalation_chain(empty, [], [LENA], utc(2026, 5, 1)) == [(LENA, "lead")]


# --- Overrides


def test_an_override_holds_the_pager_for_its_half_open_span() -> None:
    cover = Cover(OLGA, utc(2026, 5, 4, 12), utc(2026, 5, 4, 18))
    assert on_call_at(WEEKLY, [cover], utc(2026, 5, 4, 12) - SECOND) == GUS  # his week began at 07:00
    assert on_call_at(WEEKLY, [cover], utc(2026, 5, 4, 12)) == OLGA
    assert on_call_at(WEEKLY, [cover], utc(2026, 5, 4, 15)) == OLGA
    assert on_call_at(WEEKLY, [cover], utc(2026, 5, 4, 18) - SECOND) == OLGA
    assert on_call_at(WEEKLY, [cover], utc(2026, 5, 4, 18)) == GUS


def test_overlapping_overrides_the_first_listed_newest_wins() -> None:
    older = Cover(OLGA, utc(2026, 5, 4, 10), utc(2026, 5, 4, 20))
    newer = Cover(IDA, utc(2026, 5, 4, 14), utc(2026, 5, 4, 16))
    covers = [newer, older]  # covers_of lists the newest first
    assert on_call_at(WEEKLY, covers, utc(2026, 5, 4, 13)) == OLGA
    assert on_call_at(WEEKLY, covers, utc(2026, 5, 4, 15)) == IDA
    assert on_call_at(WEEKLY, covers, utc(2026, 5, 4, 17)) == OLGA


# --- Spans


def test_shifts_between_gives_contiguous_spans_covering_the_range() -> None:
    start, end = utc(2026, 3, 20), utc(2026, 4, 10)
    assert shifts_between(WEEKLY, [], start, end) == [
        Shift(DANA, start, utc(2026, 3, 23, 8), False),
        Shift(GUS, utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), False),
        Shift(DANA, utc(2026, 3, 30, 7), utc(2026, 4, 6, 7), False),
        Shift(GUS, utc(2026, 4, 6, 7), end, False),
    ]
    assert shifts_between(WEEKLY, [], end, start) == []
    assert shifts_between(WEEKLY, [], start, start) == []


def test_overrides_cut_into_the_shifts() -> None:
    start, end = utc(2026, 5, 4), utc(2026, 5, 12)  # Gus's week begins 4 May 07:00 UTC
    covers = [Cover(OLGA, utc(2026, 5, 5, 18), utc(2026, 5, 6, 6)), Cover(OLGA, utc(2026, 5, 1), start)]
    assert shifts_between(WEEKLY, covers, start, end) == [
        Shift(DANA, start, utc(2026, 5, 4, 7), False),
        Shift(GUS, utc(2026, 5, 4, 7), utc(2026, 5, 5, 18), False),
        Shift(OLGA, utc(2026, 5, 5, 18), utc(2026, 5, 6, 6), True),
        Shift(GUS, utc(2026, 5, 6, 6), utc(2026, 5, 11, 7), False),
        Shift(DANA, utc(2026, 5, 11, 7), end, False),
    ]


def test_spans_of_the_same_person_merge() -> None:
    start, end = utc(2026, 5, 4), utc(2026, 5, 12)
    covers = [  # Olga twice back to back, then Gus covering across his own hand-over
        Cover(OLGA, utc(2026, 5, 5), utc(2026, 5, 6)),
        Cover(OLGA, utc(2026, 5, 6), utc(2026, 5, 7)),
        Cover(GUS, utc(2026, 5, 11), utc(2026, 5, 11, 12)),
    ]
    assert shifts_between(WEEKLY, covers, start, end) == [
        Shift(DANA, start, utc(2026, 5, 4, 7), False),
        Shift(GUS, utc(2026, 5, 4, 7), utc(2026, 5, 5), False),
        Shift(OLGA, utc(2026, 5, 5), utc(2026, 5, 7), True),
        Shift(GUS, utc(2026, 5, 7), utc(2026, 5, 11), False),
        Shift(GUS, utc(2026, 5, 11), utc(2026, 5, 11, 12), True),
        Shift(DANA, utc(2026, 5, 11, 12), end, False),
    ]


# --- Escalation chains


def test_the_chain_is_on_call_then_the_next_member_then_the_leads() -> None:
    three = Rotation((DANA, GUS, IDA), "UTC", time(9), 7, date(2026, 1, 5))
    at = utc(2026, 1, 6)
    assert escalation_chain(three, [], [LENA, OLGA], at) == [
        (DANA, "on_call"),
        (GUS, "next"),
        (LENA, "lead"),
        (OLGA, "lead"),
    ]
    assert escalation_chain(three, [], [LENA], utc(2026, 1, 20))[:2] == [(IDA, "on_call"), (DANA, "next")]


def test_the_chain_names_nobody_twice() -> None:
    at = utc(2026, 1, 6)  # Dana's week
    assert escalation_chain(WEEKLY, [], [GUS, DANA, LENA, LENA], at) == [
        (DANA, "on_call"),
        (GUS, "next"),
        (LENA, "lead"),
    ]


def test_an_override_holder_comes_first_then_the_scheduled_member() -> None:
    at = utc(2026, 1, 6)
    covers = [Cover(OLGA, utc(2026, 1, 5), utc(2026, 1, 7))]
    assert escalation_chain(WEEKLY, covers, [LENA], at) == [
        (OLGA, "on_call"),
        (DANA, "next"),
        (LENA, "lead"),
    ]
    # A member covering their own shift is followed by the next member in turn.
    own = [Cover(DANA, utc(2026, 1, 5), utc(2026, 1, 7))]
    assert escalation_chain(WEEKLY, own, [], at) == [(DANA, "on_call"), (GUS, "next")]
    # Gus covering Dana's shift: Dana is next.
    swap = [Cover(GUS, utc(2026, 1, 5), utc(2026, 1, 7))]
    assert escalation_chain(WEEKLY, swap, [], at) == [(GUS, "on_call"), (DANA, "next")]
