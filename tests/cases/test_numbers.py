"""Case numbers: `YYMMNNNNNN`, restarting every month, unique under concurrent creation."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.models import Case
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

NUMBER = re.compile(r"^\d{2}(0[1-9]|1[0-2])\d{6}$")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> time_machine.travel:
    return time_machine.travel(datetime(year, month, day, hour, minute, second, tzinfo=UTC), tick=False)


def test_numbers_carry_year_month_and_sequence(cases: CaseMaker) -> None:
    with at(2026, 3, 14, 9, 30):
        first, second = cases().number, cases().number
    assert (first, second) == ("2603000001", "2603000002")


def test_a_new_month_restarts_the_sequence(cases: CaseMaker) -> None:
    with at(2026, 1, 31, 23, 59, 59):
        january = [cases().number for _ in range(3)]
    with at(2026, 2, 1, 0, 0, 1):
        february = [cases().number for _ in range(2)]
    with at(2026, 1, 31, 23, 0):  # a late January case keeps January's sequence
        late = cases().number
    assert january == ["2601000001", "2601000002", "2601000003"]
    assert february == ["2602000001", "2602000002"]
    assert late == "2601000004"


def test_the_year_is_two_digits(cases: CaseMaker) -> None:
    with at(2029, 12, 31, 12, 0):
        december = cases().number
    with at(2030, 1, 1, 12, 0):
        january = cases().number
    assert (december, january) == ("2912000001", "3001000001")
    assert all(NUMBER.match(n) for n in (december, january))


def create_concurrently(
    story: Story, threads: int, each: int
) -> tuple[list[str], list[BaseException], float]:
    """`threads` threads, each opening `each` cases as Alice on its own connection; the numbers, the
    errors, and the seconds it took."""
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            alice = User.objects.get(pk=story.alice.pk)
            start.wait()
            for i in range(each):
                case = services.case_create(
                    actor=alice, organisation=story.acme, subject=f"Thread {n} case {i}", channel="api"
                )
                with lock:
                    numbers.append(case.number)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    # Mid-month, so that a run at midnight on the 31st does not straddle two sequences.
    with time_machine.travel(datetime(2026, 3, 14, 9, 0, tzinfo=UTC), tick=True):
        began = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
    return numbers, errors, time.perf_counter() - began


def check_unique(numbers: list[str], errors: list[BaseException], total: int) -> None:
    assert errors == []
    assert len(numbers) == len(set(numbers)) == total
    assert all(NUMBER.match(n) and n.startswith("2603") for n in numbers)
    assert sorted(int(n[4:]) for n in numbers) == list(range(1, total + 1))


def report(threads: int, total: int, seconds: float) -> None:
    rate = total / seconds
    print(f"\n{connection.vendor}: {total} cases by {threads} threads in {seconds:.2f}s = {rate:.0f}/s")


@contextmanager
def on_a_sqlite_file(path: Path) -> Iterator[None]:
    """New connections (the threads') open a file copy of the test database, as production does.

    The in-memory test database is shared through SQLite's shared cache, whose table locks fail at once
    ("database table is locked") instead of waiting like a file database's writers do.
    """
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings[DEFAULT_DB_ALIAS]
    name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        settings_dict["NAME"] = name


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_on_postgresql_gives_unique_numbers(story: Story) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: real concurrent writers (set DATABASE_URL).")
    numbers, errors, seconds = create_concurrently(story, threads=8, each=25)
    check_unique(numbers, errors, 200)
    assert Case.objects.filter(number__in=numbers).count() == 200
    report(8, 200, seconds)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_on_sqlite_gives_unique_numbers(story: Story, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("The SQLite variant; PostgreSQL has its own test.")
    copy = tmp_path / "supportal.sqlite3"
    with on_a_sqlite_file(copy):
        numbers, errors, seconds = create_concurrently(story, threads=4, each=10)
    check_unique(numbers, errors, 40)
    with closing(sqlite3.connect(copy)) as db:
        (saved,) = db.execute("SELECT count(DISTINCT number) FROM cases_case").fetchone()
    assert saved == 40
    report(4, 40, seconds)
