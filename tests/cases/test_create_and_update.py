"""Opening and editing cases: priority, input checks, watchers, who files for whom, and the history."""

from __future__ import annotations

import pytest

from supportal.accounts.models import UserKind
from supportal.cases import services
from supportal.cases.models import Case, CaseEvent, CaseType, PriorityRule, Watcher
from supportal.core.errors import Forbidden, InvalidInput
from supportal.orgs import services as org_services
from tests.cases.conftest import CaseMaker, RequestTypeMaker, reply
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story, groups

# PRODUCT.md "Priority": urgency x impact.
MATRIX = {
    ("high", "high"): "P1", ("high", "medium"): "P2", ("high", "low"): "P3",
    ("medium", "high"): "P2", ("medium", "medium"): "P2", ("medium", "low"): "P3",
    ("low", "high"): "P3", ("low", "medium"): "P3", ("low", "low"): "P4",
}  # fmt: skip


@pytest.mark.parametrize(("urgency", "impact"), sorted(MATRIX))
def test_priority_comes_from_the_matrix(cases: CaseMaker, urgency: str, impact: str) -> None:
    case = cases(urgency=urgency, impact=impact)
    assert case.priority == MATRIX[(urgency, impact)]
    assert Case.objects.get(pk=case.pk).priority == MATRIX[(urgency, impact)]


def test_a_configured_rule_overrides_the_default(cases: CaseMaker) -> None:
    PriorityRule.objects.update_or_create(urgency="low", impact="low", defaults={"priority": "P2"})
    assert cases(urgency="low", impact="low").priority == "P2"
    PriorityRule.objects.filter(urgency="high", impact="high").delete()  # an unconfigured cell: the default
    assert cases(urgency="high", impact="high").priority == "P1"


def test_email_cases_start_at_p3(cases: CaseMaker) -> None:
    assert cases(channel="email", urgency="high", impact="high").priority == "P3"
    assert cases(channel="email", urgency="low", impact="low").priority == "P3"


def test_the_customer_changes_the_priority_with_a_reason(story: Story, cases: CaseMaker) -> None:
    case = cases(channel="email")
    services.case_update(
        actor=story.alice, case=case, channel="portal", priority="P1", reason="Payroll is down."
    )
    assert Case.objects.get(pk=case.pk).priority == "P1"
    event = CaseEvent.objects.get(case=case, kind="priority_changed")
    assert (event.data["old"], event.data["new"], event.data["reason"]) == ("P3", "P1", "Payroll is down.")
    assert (event.actor, event.public) == (story.alice, True)


def test_urgency_and_impact_recompute_the_priority(story: Story, cases: CaseMaker) -> None:
    case = cases(urgency="low", impact="low")
    services.case_update(actor=story.alice, case=case, channel="portal", urgency="high", reason="Worse now.")
    case.refresh_from_db()
    assert (case.urgency, case.priority) == ("high", "P3")
    event = CaseEvent.objects.get(case=case, kind="priority_changed")
    assert event.data["changes"] == {"urgency": ["low", "high"], "priority": ["P4", "P3"]}


def test_a_priority_change_without_a_reason_is_refused(story: Story, cases: CaseMaker) -> None:
    case = cases()
    with pytest.raises(InvalidInput) as error:
        services.case_update(actor=story.alice, case=case, channel="portal", priority="P1", reason=" ")
    assert error.value.fields == {"reason": ["A reason is required."]}
    assert Case.objects.get(pk=case.pk).priority == case.priority
    assert not CaseEvent.objects.filter(case=case, kind="priority_changed").exists()


def test_customers_cannot_change_the_subject_or_the_team(story: Story, cases: CaseMaker) -> None:
    case = cases(subject="Original")
    with pytest.raises(Forbidden) as error:
        services.case_update(actor=story.alice, case=case, channel="portal", subject="Mine now")
    assert "subject" in error.value.fields
    with pytest.raises(Forbidden):
        services.case_assign(actor=story.alice, case=case, channel="portal", team=story.service_desk)
    case.refresh_from_db()
    assert (case.subject, case.team_id) == ("Original", None)


def test_markup_that_could_run_is_refused_and_nothing_is_saved(story: Story, cases: CaseMaker) -> None:
    count = Case.objects.count()
    with pytest.raises(InvalidInput) as error:
        cases(description="Look: <script>alert(1)</script>")
    assert list(error.value.fields) == ["description"]
    assert Case.objects.count() == count
    case = cases(description="Plain **Markdown** and `<script>` in code is fine.")
    with pytest.raises(InvalidInput) as error:
        reply(case, story.alice, '<img src=x onerror="alert(1)">')
    assert list(error.value.fields) == ["body"]
    with pytest.raises(InvalidInput):
        services.case_update(actor=story.dana, case=case, channel="portal", description="<iframe src=x>")
    assert Case.objects.get(pk=case.pk).description == case.description
    assert case.comments.count() == 0


def test_bad_fields_are_named_and_nothing_is_saved(story: Story, cases: CaseMaker) -> None:
    count = Case.objects.count()
    with pytest.raises(InvalidInput) as error:
        cases(subject="  ", urgency="extreme", visibility="public", reference="r" * 101)
    assert set(error.value.fields) == {"subject", "urgency", "visibility", "reference"}
    assert Case.objects.count() == count


def test_a_retired_request_type_is_refused(cases: CaseMaker, request_type: RequestTypeMaker) -> None:
    retired = request_type(is_active=False)
    count = Case.objects.count()
    with pytest.raises(InvalidInput) as error:
        cases(request_type=retired)
    assert "request_type" in error.value.fields
    assert Case.objects.count() == count


def test_watchers_may_be_colleagues_agents_and_plain_addresses(story: Story, cases: CaseMaker) -> None:
    case = cases(watchers=[story.bob, story.dana, "Ops@Partner.Example", "bob@acme.example"])
    assert sorted(case.watchers.values_list("email", "user_id")) == [
        ("bob@acme.example", story.bob.pk), ("dana@provider.example", story.dana.pk),
        ("ops@partner.example", None),
    ]  # fmt: skip


@pytest.mark.parametrize("watcher", ["charlie", "charlie@globex.example", "not an address"])
def test_another_organisations_people_cannot_watch(story: Story, cases: CaseMaker, watcher: str) -> None:
    count = Case.objects.count()
    with pytest.raises(InvalidInput) as error:
        cases(watchers=[story.charlie if watcher == "charlie" else watcher])
    assert "watchers" in error.value.fields
    assert Case.objects.count() == count
    case = cases()
    with pytest.raises(InvalidInput):
        services.watcher_add(actor=story.alice, case=case, watcher=story.charlie, channel="portal")
    assert not Watcher.objects.filter(case=case).exists()


def test_a_shared_login_must_say_who_is_writing(story: Story) -> None:
    shared = org_services.organisation_create(
        actor=story.erin, channel="cli", name="Initech", plan=story.standard, shared_login=True
    )
    desk = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=shared, email="desk@initech.example",
        name="Initech desk", groups=groups("case-reporter"),
    )  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        services.case_create(actor=desk, organisation=shared, subject="Printer", channel="portal")
    assert list(error.value.fields) == ["requester_name"]
    case = services.case_create(
        actor=desk, organisation=shared, subject="Printer", channel="portal", requester_name="Peter Gibbons"
    )
    assert case.requester_name == "Peter Gibbons"
    assert CaseEvent.objects.get(case=case, kind="created").data["requester_name"] == "Peter Gibbons"


def test_an_agent_files_on_behalf_of_a_customer(story: Story, cases: CaseMaker) -> None:
    case = cases(actor=story.dana, requester=story.alice, filed_reason="Called by phone")
    assert (case.requester, case.filed_by, case.filed_reason) == (story.alice, story.dana, "Called by phone")
    created = CaseEvent.objects.get(case=case, kind="created")
    assert (created.actor, created.on_behalf_of) == (story.dana, story.alice)
    with pytest.raises(Forbidden):
        cases(actor=story.alice, requester=story.bob)
    with pytest.raises(InvalidInput):
        cases(actor=story.dana, requester=story.charlie)  # not one of Acme's people


def test_agents_and_integrations_file_as_the_virtual_user_by_default(story: Story, cases: CaseMaker) -> None:
    by_agent = cases(actor=story.dana, filed_reason="Alert from Alertmanager")
    assert (by_agent.requester, by_agent.filed_by) == (story.acme.virtual_user, story.dana)
    monitor = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.acme, email="monitor@acme.example",
        name="Monitoring", kind=UserKind.INTEGRATION,
    )  # fmt: skip
    by_integration = cases(actor=monitor, channel="api")
    assert (by_integration.requester, by_integration.filed_by) == (story.acme.virtual_user, monitor)
    with pytest.raises(Forbidden):
        cases(actor=monitor, organisation=story.globex)


def test_every_changed_field_is_an_event_with_old_and_new(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    web = add_item(story, types, "web-01")
    case = cases(subject="Old", description="Old text", reference="PO-1")
    question = CaseType.objects.get(code="question")
    old_type = case.case_type_id
    services.case_update(
        actor=story.dana, case=case, channel="portal", subject="New", description="New text",
        reference="PO-2", visibility="organization", config_item=web, case_type=question,
    )  # fmt: skip
    changes = {
        e.data["field"]: (e.data["old"], e.data["new"])
        for e in CaseEvent.objects.filter(case=case, kind="field_changed")
    }
    assert changes == {
        "subject": ("Old", "New"),
        "description": ("Old text", "New text"),
        "reference": ("PO-1", "PO-2"),
        "visibility": ("private", "organization"),
        "config_item": (None, web.pk),
        "case_type": (old_type, question.pk),
    }
    before = CaseEvent.objects.filter(case=case).count()
    services.case_update(actor=story.dana, case=case, channel="portal", subject="New")  # no change
    assert CaseEvent.objects.filter(case=case).count() == before
