"""Bad input never yields a 500 on the case operations either, fuzzed against real cases.

The API-wide run (tests/api/test_fuzz_schemathesis.py) knows no case numbers, so nearly every case
operation stops at 404 there. This run opens a few cases first (with files and comments) and aims the
schema-valid requests' `number` and `attachment_id` at them, so the code behind the 404 is fuzzed too.
"""

from __future__ import annotations

import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from supportal.cases import services
from supportal.cases.models import Attachment, Case
from supportal.core.files import check_upload
from tests.api.test_fuzz_schemathesis import (  # noqa: F401 - the fixtures are used by name
    _aim_at_real_rows,
    _keep_the_test_connection,
    _no_throttling,
    credentials,
    schema,
)
from tests.conftest import Story


@pytest.fixture
def cases(story: Story) -> None:
    for user, subject in ((story.alice, "Alice's"), (story.bob, "Bob's"), (story.charlie, "Globex's")):
        case = services.case_create(
            actor=user, organisation=user.membership.organisation, subject=subject, channel="portal",
            visibility="organization", watchers=["watcher@example.com"],
        )  # fmt: skip
        file = check_upload(name="log.txt", stream=b"disk full")
        services.attachment_add(actor=user, case=case, file=file, channel="portal")
        services.comment_add(actor=user, case=case, body="Any news?", channel="portal")


@schema.include(path_regex="^/api/v1/(cases|notifications)").parametrize()
@hypothesis_settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_case_operations_never_fail_on_bad_input(
    case: Any,
    cases: None,
    credentials: dict[str, Any],  # noqa: F811 - the fixture imported above
) -> None:
    call = dict(credentials)
    statuses: list[int] = call.pop("statuses")
    if case.headers:
        case.headers.pop("Authorization", None)
    _aim_at_real_rows(case)
    _aim_at_real_cases(case)
    response = case.call_and_validate(**call)
    statuses.append(response.status_code)


def _aim_at_real_cases(case: Any) -> None:
    """Schema-valid case numbers and attachment ids become real ones, chosen by the generated value."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    real: dict[str, list[Any]] = {
        "number": list(Case.objects.order_by("pk").values_list("number", flat=True)),
        "attachment_id": list(Attachment.objects.order_by("pk").values_list("pk", flat=True)),
    }
    if isinstance(case.path_parameters, dict):
        for name, rows in real.items():
            if name in case.path_parameters:
                pick = zlib.crc32(str(case.path_parameters[name]).encode())
                case.path_parameters[name] = rows[pick % len(rows)]
