"""`supportal bench seed --cases N`: a realistic data set in the database of DATABASE_URL, fast.

Refuses a database that holds cases already (use a fresh one). Migrates it first, generates people and
configuration with `bulk_create`, then cases with their history in chunks of one transaction each
(PostgreSQL COPY, SQLite executemany), leaves the month counters so that new cases get fresh numbers,
and on PostgreSQL refreshes the planner's statistics. See docs/performance.md for what it makes.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench import rows, shape, words
from bench.seed_cases import CaseFactory
from bench.seed_history import SharedFile
from bench.seed_people import BENCH_PASSWORD, DOMAIN, Population, seed_people
from supportal.accounts.models import User
from supportal.audit.services import AuditChannel, audit_record
from supportal.cases.models import Case, CaseNumberCounter

CHUNK = 10_000
ATTACHMENT_PATH = "bench/shared-attachment.txt"
DETAIL_AGE = timedelta(days=20)


class SeedRefused(Exception):
    """The database is not one the seed may fill; the message says why and what to do."""


@dataclass
class SeedSummary:
    cases: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    customer: str = ""
    agent: str = ""
    integration: str = ""
    detail_case: str = ""
    password: str = BENCH_PASSWORD


def prepare_database() -> None:
    """Create or upgrade the schema (as `supportal demo` does), and the cache table the server needs."""
    call_command("migrate", interactive=False, verbosity=0)
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", verbosity=0)


def check_empty() -> None:
    count = Case.objects.count()
    if count:
        raise SeedRefused(
            f"This database already holds {count:,} cases; the bench seeds only a database without cases. "
            "Create a fresh one (a new DATABASE_URL, or a new SUPPORTAL_DATA_DIR for SQLite)."
        )
    if User.objects.filter(email__endswith=f".{DOMAIN}").exists():
        raise SeedRefused(
            "An earlier `bench seed` left its people in this database without finishing; "
            "start again with a fresh database."
        )


def seed(*, cases: int, seed: int = 1, chunk: int = CHUNK, say: Callable[[str], None] = print) -> SeedSummary:
    """Fill the (empty) database with `cases` cases and everything around them."""
    if cases < 1:
        raise SeedRefused("Seed at least one case.")
    check_empty()
    rows.check_columns()
    started = time.monotonic()
    summary = SeedSummary(cases=cases)
    rng = random.Random(seed)
    now = timezone.now() - timedelta(minutes=1)
    with transaction.atomic():
        population = seed_people(cases, rng, now)
    summary.seconds["people"] = time.monotonic() - started
    customers = sum(len(org.people) for org in population.orgs)
    seats = sum(len(agents) for _, agents in population.teams)
    say(
        f"People: {len(population.orgs):,} organisations, {customers:,} customer users, {seats:,} agent "
        f"seats in {len(population.teams)} teams ({summary.seconds['people']:.1f} s)."
    )
    factory = _factory(population, rng, cases, now.timestamp())
    _cases(factory, cases, chunk, summary, say)
    with transaction.atomic():
        _save_counters(factory.counters)
        rows.reset_sequences()
    tidy = time.monotonic()
    rows.analyze()
    summary.seconds["analyze"] = time.monotonic() - tidy
    _personas(summary, population, factory)
    audit_record(
        actor=None, action="bench.seeded", channel=AuditChannel.CLI, actor_label="supportal bench seed",
        new={"cases": cases, "seed": seed, "rows": summary.rows},
    )  # fmt: skip
    summary.seconds["total"] = time.monotonic() - started
    return summary


def _factory(population: Population, rng: random.Random, cases: int, now: float) -> CaseFactory:
    body = words.ATTACHMENT_BODY
    path = ATTACHMENT_PATH
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(body))
    file = SharedFile(path, len(body), hashlib.sha256(body).hexdigest())
    return CaseFactory(
        population=population, rng=rng, ts=rows.timestamp(), ids=rows.next_ids(), file=file, total=cases,
        start=now - shape.YEARS * 365 * shape.DAY, now=now, zone=timezone.get_default_timezone(),
        counters=dict(CaseNumberCounter.objects.values_list("period", "last")),
        detail_after=now - DETAIL_AGE.total_seconds(),
    )  # fmt: skip


def _cases(
    factory: CaseFactory, cases: int, chunk: int, summary: SeedSummary, say: Callable[[str], None]
) -> None:
    started = time.monotonic()
    say(f"Cases ({connection.vendor}, chunks of {chunk:,}):")
    for first in range(0, cases, chunk):
        count = min(chunk, cases - first)
        generated = factory.chunk(first, count)
        with transaction.atomic():
            rows.write_rows(generated)
        for _, _, name in rows.TABLES:
            summary.rows[name] = summary.rows.get(name, 0) + len(getattr(generated, name))
        elapsed = time.monotonic() - started
        done = first + count
        say(
            f"  {done:>10,} / {cases:,} cases, {sum(summary.rows.values()):,} rows, "
            f"{elapsed:.1f} s ({done / elapsed:,.0f} cases/s)"
        )
    summary.seconds["cases"] = time.monotonic() - started


def _save_counters(counters: dict[str, int]) -> None:
    """Each month's counter at least at the last number given out, so the next case gets a fresh one."""
    existing = dict(CaseNumberCounter.objects.values_list("period", "last"))
    for period, last in counters.items():
        if period not in existing:
            CaseNumberCounter.objects.create(period=period, last=last)
        elif existing[period] < last:
            CaseNumberCounter.objects.filter(period=period).update(last=last)


def _personas(summary: SeedSummary, population: Population, factory: CaseFactory) -> None:
    summary.customer = population.orgs[0].people[0].email
    summary.agent = population.teams[0][1][0].email
    summary.integration = population.integration.email
    summary.detail_case = factory.detail_number
