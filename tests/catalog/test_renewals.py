"""Certificate renewals: a certificate nearing its expiry opens one renewal order, whatever the job's runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from supportal.cases.models import Case, Channel
from supportal.catalog.models import CertificateRenewal, Order
from supportal.catalog.services.renewals import certificate_renewals_open
from supportal.cmdb import services as cmdb_services
from supportal.cmdb.models import ConfigItem
from supportal.orgs.models import Team
from tests.catalog.conftest import Catalog, catalog_item
from tests.cmdb.factories import Types, add_item, make_types
from tests.conftest import Story

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
TODAY = NOW.date()


@pytest.fixture
def types(story: Story) -> Types:
    return make_types(story)


@pytest.fixture
def renewal_item(catalog: Catalog) -> Any:
    cloud = Team.objects.create(name="Cloud Operations", slug="cloud-operations")
    return catalog_item("certificate-renewal", name="Certificate renewal", steps=[("Renew it", cloud)])


def certificate(story: Story, types: Types, name: str, expires_on: date, **kwargs: Any) -> ConfigItem:
    return add_item(
        story,
        types,
        name,
        item_type=types.certificate,
        attributes={"expires_on": expires_on.isoformat()},
        **kwargs,
    )


def run(capture: Callable[..., Any], now: datetime = NOW) -> int:
    with time_machine.travel(now, tick=False), capture(execute=True):
        return certificate_renewals_open()


def test_a_certificate_near_expiry_opens_one_renewal_order(
    catalog: Catalog, types: Types, renewal_item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    story = catalog.story
    cert = certificate(story, types, "portal.acme.example", TODAY + timedelta(days=20))
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    assert run(django_capture_on_commit_callbacks, NOW + timedelta(days=3)) == 0
    case = Case.objects.get(config_item=cert)
    expiry = (TODAY + timedelta(days=20)).isoformat()
    assert case.subject == f"Renew certificate portal.acme.example (expires {expiry})"
    assert case.requester_id == story.acme.virtual_user_id and case.channel == Channel.SYSTEM
    assert case.organisation_id == story.acme.pk and case.kind == "order"
    order = Order.objects.get(case=case)
    assert order.item_id == renewal_item.pk and order.status == "submitted"
    assert [t.name for t in order.tasks.all()] == ["Renew it"]
    assert CertificateRenewal.objects.get(config_item=cert).case_id == case.pk


def test_far_expired_and_inactive_certificates_open_nothing(
    catalog: Catalog, types: Types, renewal_item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    story = catalog.story
    certificate(story, types, "far.acme.example", TODAY + timedelta(days=31))
    certificate(story, types, "long-gone.acme.example", TODAY - timedelta(days=31))
    gone = certificate(story, types, "retired.acme.example", TODAY + timedelta(days=5))
    cmdb_services.config_item_update(actor=story.dana, channel="cli", item=gone, is_active=False)
    add_item(story, types, "a-server", attributes={"cpus": 2})  # not a certificate
    assert run(django_capture_on_commit_callbacks) == 0
    recent = certificate(story, types, "just-expired.acme.example", TODAY - timedelta(days=3))
    assert run(django_capture_on_commit_callbacks) == 1
    assert Case.objects.get().config_item_id == recent.pk
    with override_settings(SUPPORTAL_CERT_RENEWAL_DAYS=40):
        assert run(django_capture_on_commit_callbacks) == 2  # the far and the long-gone ones now


def test_a_renewed_certificate_gets_a_new_order_when_its_time_comes(
    catalog: Catalog, types: Types, renewal_item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    story = catalog.story
    cert = certificate(story, types, "portal.acme.example", TODAY + timedelta(days=10))
    assert run(django_capture_on_commit_callbacks) == 1
    renewed = (TODAY + timedelta(days=375)).isoformat()
    cmdb_services.config_item_update(
        actor=story.dana, channel="cli", item=cert, attributes={"expires_on": renewed}
    )
    assert run(django_capture_on_commit_callbacks) == 0
    assert run(django_capture_on_commit_callbacks, NOW + timedelta(days=350)) == 1
    assert Case.objects.filter(config_item=cert).count() == 2
    assert sorted(r.expires_on.isoformat() for r in CertificateRenewal.objects.all())[-1] == renewed


def test_without_the_catalog_item_nothing_is_opened(
    catalog: Catalog, types: Types, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    certificate(catalog.story, types, "portal.acme.example", TODAY + timedelta(days=10))
    assert run(django_capture_on_commit_callbacks) == 0
    assert "certificate-renewal" in caplog.text
    assert not Case.objects.exists()


def test_queries_grow_by_a_constant_per_opened_order(
    catalog: Catalog,
    types: Types,
    renewal_item: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    story = catalog.story
    for i in range(3):
        certificate(story, types, f"a{i}.acme.example", TODAY + timedelta(days=i + 1))
        certificate(
            story, types, f"g{i}.globex.example", TODAY + timedelta(days=i + 1), organisation=story.globex
        )
    run(django_capture_on_commit_callbacks)  # the system user and the first orders' one-off work
    for i in range(3, 6):
        certificate(story, types, f"b{i}.acme.example", TODAY + timedelta(days=i))
    with time_machine.travel(NOW, tick=False):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as three:
            assert certificate_renewals_open() == 3
        for i in range(6, 12):
            certificate(story, types, f"c{i}.acme.example", TODAY + timedelta(days=i))
        per_order = (len(three.captured_queries) - 4) / 3
        with django_assert_max_num_queries(int(4 + per_order * 6) + 1):
            assert certificate_renewals_open() == 6
        with django_assert_max_num_queries(4):  # nothing due: the same few queries for 18 certificates
            assert certificate_renewals_open() == 0
