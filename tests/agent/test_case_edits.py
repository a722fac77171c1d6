"""The case page's edits: type and request type, configuration item, priority with a reason, watchers.
Only what the agent changed reaches `case_update`; refusals come back next to the field with their
status, and a Closed case changes no more (409)."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.cases.models import CaseEvent, CaseType, EventKind, Watcher
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, RequestTypeMaker
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

cases = case_fixtures.cases
request_type = case_fixtures.request_type


def test_changing_the_type_and_request_type(
    story: Story, cases: CaseMaker, request_type: RequestTypeMaker
) -> None:
    vpn = request_type("vpn", name="VPN trouble", case_type_code="incident")
    needs_site = request_type("site", name="New site", fields=[{"key": "site", "required": True}])
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    question = CaseType.objects.get(code="question")
    response = dana.post(url("case_classification", case), {"case_type": question.pk}, follow=True)
    assert "The type is changed." in response.content.decode()
    assert fresh(case).case_type_id == question.pk
    # A request type brings its own case type.
    dana.post(url("case_classification", case), {"case_type": question.pk, "request_type": vpn.pk})
    case = fresh(case)
    assert (case.request_type_id, case.case_type.code) == (vpn.pk, "incident")
    same = dana.post(
        url("case_classification", case), {"case_type": case.case_type_id, "request_type": vpn.pk}
    )
    assert same.status_code == 422
    assert "Nothing to change" in same.content.decode()
    # A request type whose form needs a field the case lacks: the service's refusal, 422.
    refused = dana.post(
        url("case_classification", case), {"case_type": case.case_type_id, "request_type": needs_site.pk}
    )
    assert refused.status_code == 422
    assert 'data-testid="classification-error"' in refused.content.decode()
    assert fresh(case).request_type_id == vpn.pk
    assert dana.post(url("case_classification", case), {"case_type": 999_999}).status_code == 422


def test_choosing_the_organisations_configuration_item(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    app01 = add_item(story, types, "app01")
    globex_item = add_item(story, types, "gx01", organisation=story.globex)
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    body = dana.get(page_url(case)).content.decode()
    assert ">app01 <span" in body and "gx01" not in body  # the organisation's items only
    response = dana.post(url("case_config_item", case), {"config_item": app01.pk}, follow=True)
    assert "The configuration item is now app01." in response.content.decode()
    assert fresh(case).config_item_id == app01.pk
    refused = dana.post(url("case_config_item", case), {"config_item": globex_item.pk})
    assert refused.status_code == 422
    assert 'data-testid="error-ci-config_item"' in refused.content.decode()
    response = dana.post(url("case_config_item", case), {"config_item": ""}, follow=True)
    assert "The configuration item is removed." in response.content.decode()
    assert fresh(case).config_item_id is None


def test_changing_the_priority_needs_a_reason(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    data = {"urgency": "high", "impact": "high", "priority": "", "reason": ""}
    refused = dana.post(url("case_priority", case), data)
    assert refused.status_code == 422
    assert (
        'data-testid="error-priority-reason">Say why the priority should change.' in refused.content.decode()
    )
    assert '<details open data-testid="priority-panel">' in refused.content.decode()
    response = dana.post(url("case_priority", case), data | {"reason": "Payroll is down"}, follow=True)
    assert "The priority is now P1 Critical." in response.content.decode()
    event = CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY_CHANGED).get()
    assert event.data["reason"] == "Payroll is down"
    manual = {"urgency": "high", "impact": "high", "priority": "P4", "reason": "Workaround in place"}
    dana.post(url("case_priority", case), manual)
    assert fresh(case).priority == "P4"
    unchanged = dana.post(url("case_priority", case), manual | {"priority": ""})
    assert unchanged.status_code == 422 and "Nothing to change" in unchanged.content.decode()
    assert (
        dana.post(url("case_priority", case), data | {"urgency": "extreme", "reason": "x"}).status_code == 422
    )


def test_adding_and_removing_watchers(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    response = dana.post(url("case_watcher_add", case), {"watcher": "frank@provider.example"}, follow=True)
    assert "frank@provider.example now watches this case." in response.content.decode()
    assert Watcher.objects.get(case=case).user_id == story.frank.pk
    refused = dana.post(url("case_watcher_add", case), {"watcher": "charlie@globex.example"})
    assert refused.status_code == 422
    assert "cannot watch this organisation" in refused.content.decode()
    assert dana.post(url("case_watcher_add", case), {"watcher": "not an address"}).status_code == 422
    response = dana.post(url("case_watcher_remove", case), {"email": "frank@provider.example"}, follow=True)
    assert "frank@provider.example no longer watches this case." in response.content.decode()
    missing = dana.post(url("case_watcher_remove", case), {"email": "frank@provider.example"})
    assert missing.status_code == 404
    assert 'data-testid="page-error">That address is not on the watchlist.' in missing.content.decode()


def test_a_closed_case_changes_no_more(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.CLOSED)
    dana = client_for(story.dana)
    body = dana.get(page_url(case)).content.decode()
    assert 'data-testid="priority-form"' not in body and 'data-testid="watcher-form"' not in body
    refused = dana.post(url("case_priority", case), {"urgency": "high", "impact": "high", "reason": "x"})
    assert refused.status_code == 409
    assert (
        'data-testid="page-error">This case is closed; nothing more may change.' in refused.content.decode()
    )
    assert dana.post(url("case_watcher_add", case), {"watcher": "ops@acme.example"}).status_code == 409
    assert dana.post(url("case_assign", case), {"assignee": story.dana.pk}).status_code == 409
    assert fresh(case).priority == "P3"
