"""An authenticated API call runs a small, fixed number of queries, however many rows there are.

With a bearer token: 1 query finds the token and its holder. The throttle keeps its history in the
cache: with the database cache (the default without Redis, and in tests) that is 6 statements (a read;
a count, a select and an update inside a savepoint); with Redis they are not database queries at all.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import ApiToken
from supportal.orgs import services
from tests.api.conftest import Api, secret_for
from tests.conftest import Story

TOKEN = 1
THROTTLE = 6


def counted(api: Api, path: str, **params: Any) -> int:
    """Database queries of one call, after a warm-up call."""
    api.get(path, **params)  # warms up: marks the token used (at most once a minute)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    throttle = [
        q for q in queries.captured_queries if "supportal_cache" in q["sql"] or "SAVEPOINT" in q["sql"]
    ]
    assert len(throttle) == THROTTLE, throttle
    return len(queries.captured_queries)


def test_user_detail_queries(story: Story) -> None:
    api = Api(secret_for(story.dana))
    # the user, their membership, groups, teams
    assert counted(api, f"users/{story.alice.pk}") == TOKEN + THROTTLE + 4
    assert ApiToken.objects.get().last_used_at is not None


def test_organization_list_queries_do_not_grow(story: Story) -> None:
    api = Api(secret_for(story.erin))
    before = counted(api, "organizations")
    assert before == TOKEN + THROTTLE + 2  # organisations with their plans and CSMs; their domains
    for n in range(20):
        services.organisation_create(
            actor=story.erin, channel="cli", name=f"Customer {n}", plan=story.free, domains=[f"c{n}.example"]
        )
    assert counted(api, "organizations") == before
    assert counted(api, "organizations", limit=5) == before


def test_user_list_queries_do_not_grow(story: Story) -> None:
    api = Api(secret_for(story.dana))
    before = counted(api, "users")
    assert before == TOKEN + THROTTLE + 3  # users with memberships; groups; teams
    for n in range(20):
        services.customer_user_create(
            actor=story.erin, channel="cli", organisation=story.acme, email=f"u{n}@acme.example", name=f"U{n}"
        )
    assert counted(api, "users") == before
