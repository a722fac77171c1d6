"""The demo's macros and saved views: useful ones for each scope, valid, loaded once."""

from __future__ import annotations

import pytest

from supportal.accounts.models import User
from supportal.agent.models import SavedView
from supportal.cases.admin import MacroForm
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Comment, Macro
from supportal.cases.services.macros import macro_apply, macros_available_to
from supportal.core.demo_cases import load_demo_cases
from supportal.orgs.models import Team
from tests.core import test_demo_cases as demo_tests
from tests.core.test_demo_cases import row_counts
from tests.web.cases.test_create_fixtures import client_for

pytestmark = pytest.mark.django_db
demo = demo_tests.demo  # the demo data, loaded


def test_the_demo_has_useful_macros_for_everyone_a_team_and_dana(demo: None) -> None:
    dana = User.objects.get(email="dana@provider.example")
    hugo = User.objects.get(email="hugo@provider.example")
    macros = {m.name: m for m in Macro.objects.select_related("set_team", "for_team", "owner")}
    assert len(macros) == 6
    assert macros["Ask for logs"].set_action == Action.ASK_INFO and macros["Ask for logs"].public
    assert macros["Resolved — please confirm"].set_action == Action.RESOLVE
    escalate = macros["Escalate to Cloud Operations"]
    assert not escalate.public and escalate.set_team == Team.objects.get(slug="cloud-operations")
    assert macros["On hold pending vendor"].set_action == Action.HOLD
    assert macros["Major incident: raise to P1"].for_team == Team.objects.get(slug="service-desk")
    assert macros["Tried to call — no answer"].owner == dana
    assert set(macros_available_to(dana)) == set(macros.values())
    assert "Tried to call — no answer" not in {m.name for m in macros_available_to(hugo)}
    for made in macros.values():  # each would pass the admin's checks (placeholders, one scope)
        data = {f: getattr(made, f) for f in ("name", "body", "public", "set_action", "set_priority")}
        data |= {"set_team": made.set_team_id, "owner": made.owner_id, "for_team": made.for_team_id}
        form = MacroForm(data={**data, "is_active": True, "position": made.position}, instance=made)
        assert form.is_valid(), (made.name, form.errors)


def test_a_demo_macro_resolves_a_demo_case(demo: None) -> None:
    case = Case.objects.filter(state=State.OPEN).exclude(assignee=None).select_related("assignee").first()
    assert case is not None and case.assignee is not None
    resolve = Macro.objects.get(name="Resolved — please confirm")
    comment = macro_apply(actor=case.assignee, case=case, macro=resolve, channel="portal")
    assert isinstance(comment, Comment) and "{{" not in comment.body and case.number in comment.body
    case.refresh_from_db()
    assert case.state == State.RESOLVED


def test_the_demo_has_saved_views_for_dana_and_the_service_desk(demo: None) -> None:
    dana = User.objects.get(email="dana@provider.example")
    desk = Team.objects.get(slug="service-desk")
    assert set(SavedView.objects.filter(owner=dana).values_list("queue", "query")) >= {
        ("mine", "priority=P1")
    }
    assert SavedView.objects.filter(owner=dana).count() == 2
    assert SavedView.objects.filter(team=desk).count() == 2
    client = client_for(dana)
    for view in SavedView.objects.all():
        response = client.get(f"/agent/views/{view.pk}/")
        assert response.status_code == 200, view.name
        assert 'data-testid="field-error' not in response.content.decode(), view.name


def test_loading_again_changes_nothing(demo: None) -> None:
    before = row_counts()
    load_demo_cases()
    assert row_counts() == before
