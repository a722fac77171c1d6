"""The demo's cases: every state and story feature is there, made through the services, loaded once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from supportal.accounts.models import UserKind
from supportal.audit.models import AuditRecord
from supportal.cases.lifecycle import State, replay
from supportal.cases.models import (
    Attachment,
    Case,
    CaseLink,
    Channel,
    CloseReason,
    Comment,
    EventKind,
    ExtraField,
    FieldKind,
    Kind,
    LinkKind,
    Priority,
    RequestType,
    RoutingRule,
    Visibility,
)
from supportal.cmdb.models import ConfigItem
from supportal.core.demo_cases import load_demo_cases
from supportal.core.demo_catalogue import CATALOGUE
from supportal.core.demo_data import load_demo_data
from supportal.notifications.models import Notification

AUTO_CLOSE_DAYS = 7

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_demo_data()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_state_has_cases_spread_over_the_three_customers(demo):
    # catalog/demo.py, renewals, and the case made from a demo chat (channels/chat/demo.py)
    catalog = Q(reference__startswith="ORD-") | Q(channel=Channel.SYSTEM) | Q(channel=Channel.CHAT)
    assert 20 <= Case.objects.exclude(catalog).count() <= 30
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(State.values)
    closed = set(Case.objects.filter(state=State.CLOSED).values_list("close_reason", flat=True))
    assert {CloseReason.ACCEPTED, CloseReason.WITHDRAWN, CloseReason.MERGED} <= closed
    for organisation, at_least in (("Acme Logistics", 5), ("Globex Bank", 5), ("Crumbs & Co. Bakery", 3)):
        assert Case.objects.filter(organisation__name=organisation).count() >= at_least
    assert Case.objects.filter(kind=Kind.ORDER).exists()


def test_every_seed_request_type_exists_with_its_form(demo):
    for slug, _name, _description, requests in CATALOGUE:
        for spec in requests:
            request_type = RequestType.objects.get(slug=spec.slug)
            assert request_type.category.slug == slug
            assert request_type.case_type.code == spec.case_type
            keys = list(request_type.fields.values_list("key", flat=True))
            assert keys == [f.key for f in spec.fields] and keys
    names = set(RequestType.objects.values_list("name", flat=True))
    assert {
        "Incident", "General request", "Staff Onboarding", "Staff Offboarding", "Feedback & Proposals",
        "File Backup", "Hosting", "Change", "Question", "Feature Request", "OnBoarding",
    } <= names  # fmt: skip
    onboarding = {f.key: f for f in ExtraField.objects.filter(request_type__slug="staff-onboarding")}
    assert onboarding["start_date"].kind == FieldKind.DATE and onboarding["start_date"].required
    assert onboarding["hardware"].kind == FieldKind.MULTI_CHOICE and onboarding["hardware"].choices
    assert onboarding["manager"].kind == FieldKind.USER
    assert RequestType.objects.get(slug="hosting").kind == Kind.ORDER
    used = set(Case.objects.exclude(request_type=None).values_list("request_type__slug", flat=True))
    assert used == set(RequestType.objects.values_list("slug", flat=True))


def test_the_history_of_every_demo_case_replays_to_its_state(demo):
    for case in Case.objects.all():
        events = case.events.order_by("id").values_list("kind", "data")
        assert replay(events) == case.state, case.subject


def test_routing_sent_cases_to_the_teams_the_rules_name(demo):
    conditions = ("organisation", "case_type", "request_type", "config_item_type")
    catch_all = RoutingRule.objects.get(**{f"{name}__isnull": True for name in conditions})
    assert catch_all.team.slug == "service-desk" and catch_all.assign_round_robin
    assert catch_all.position == max(RoutingRule.objects.values_list("position", flat=True))
    alert = Case.objects.get(channel=Channel.ALERT, filed_by__kind=UserKind.AGENT)  # not Alertmanager's
    assert alert.team is not None and alert.team.slug == "network"
    assert alert.requester.kind == UserKind.VIRTUAL and alert.filed_by is not None and alert.filed_reason
    for case in Case.objects.filter(request_type__slug__in=["hosting", "file-backup"]):
        assert case.team is not None and case.team.slug == "cloud-operations"
    assert not Case.objects.filter(team=None).exists()
    assert ConfigItem.objects.filter(organisation__name="Globex Bank").count() >= 4


def test_the_stories_show_each_feature(demo):
    outage = Case.objects.get(priority=Priority.P1, organisation__name="Globex Bank")
    assert outage.escalation_level == 1 and outage.visibility == Visibility.ORGANIZATION
    assert outage.watchers.filter(user=None, email="cio.office@globex.example").exists()
    assert Comment.objects.filter(case=outage, public=False).exists()
    assert Attachment.objects.filter(case=outage, content_type="image/png").exists()
    assert Attachment.objects.filter(content_type="text/plain", public=True).exists()

    rejected = Case.objects.get(reject_count=1)
    assert rejected.state == State.OPEN
    merged = Case.objects.get(close_reason=CloseReason.MERGED)
    assert merged.merged_into is not None and merged.merged_into.state == State.RESOLVED
    follow_up = CaseLink.objects.get(kind=LinkKind.FOLLOW_UP)
    assert follow_up.target.state == State.CLOSED and follow_up.source.state == State.NEW

    by_phone = Case.objects.get(channel=Channel.PHONE)
    assert by_phone.filed_by is not None and by_phone.filed_by.kind == UserKind.AGENT
    assert by_phone.requester.email == "priya@globex.example"
    crumbs = Case.objects.filter(organisation__name="Crumbs & Co. Bakery").exclude(channel=Channel.SYSTEM)
    assert all(c.requester_name and c.channel == Channel.EMAIL for c in crumbs)

    raised = Case.objects.get(organisation__name="Globex Bank", channel=Channel.EMAIL, inbound_emails=None)
    change = raised.events.get(kind=EventKind.PRIORITY_CHANGED)
    assert change.data["old"] == Priority.P3 and change.data["new"] == raised.priority == Priority.P2
    assert change.data["reason"] and change.actor == raised.requester


def test_loading_the_cases_again_changes_nothing(demo):
    before, audit_before = row_counts(), AuditRecord.objects.count()
    assert load_demo_cases() == 0
    assert load_demo_data() is False
    assert row_counts() == before
    assert AuditRecord.objects.count() == audit_before


def test_the_stories_are_spread_over_the_past_days_in_the_order_they_happened(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # the notifications come after the commit
        load_demo_data()
    now = timezone.now()
    cases = list(Case.objects.order_by("id"))
    created = [case.created_at for case in cases]
    assert created == sorted(created)  # numbers still follow the time of creation
    assert now - created[0] > timedelta(days=4) and now - created[-1] < timedelta(days=1)
    assert all(now - case.updated_at < timedelta(days=AUTO_CLOSE_DAYS) for case in cases)
    for case in cases:
        times = list(case.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times) and times[0] >= case.created_at - timedelta(minutes=40), case.subject
        assert case.updated_at >= case.created_at, case.subject
        for resolved in (case.resolved_at, case.closed_at):
            assert resolved is None or case.created_at <= resolved <= now, case.subject
    comments = Comment.objects.order_by("id").values_list("created_at", flat=True)
    assert list(comments) == sorted(comments) and all(now - moment < timedelta(days=5) for moment in comments)
    read = Notification.objects.filter(event__isnull=False).select_related("event")
    assert read and all(notification.created_at == notification.event.at for notification in read)


def test_the_demo_mail_went_through_the_pipeline(demo):
    from supportal.channels.email.models import InboundMessage, Status

    by_mail = (
        Case.objects.filter(inbound_emails__isnull=False, organisation__name="Globex Bank").distinct().get()
    )
    assert by_mail.channel == Channel.EMAIL and by_mail.requester.email == "charlie@globex.example"
    answer = Comment.objects.filter(case=by_mail, author=by_mail.requester).get()
    assert answer.body.startswith("Darkness is at 0") and "Original Message" not in answer.body
    counts = {
        s: InboundMessage.objects.filter(status=s).count() for s in (Status.DONE, Status.HELD, Status.IGNORED)
    }
    assert counts == {Status.DONE: 2, Status.HELD: 2, Status.IGNORED: 2}
    assert set(InboundMessage.objects.filter(status=Status.HELD).values_list("reason_code", flat=True)) == {
        "unknown-sender", "portal-required",
    }  # fmt: skip
