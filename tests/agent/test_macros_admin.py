"""Macros in the admin: admins only; listed with their scope, filtered and searched; placeholders named
in the help text and unknown ones refused; one scope at most; every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from supportal.audit.models import AuditRecord
from supportal.cases.admin import MACRO_PLACEHOLDERS
from supportal.cases.models import Macro
from tests.conftest import Story
from tests.web.cases.test_create_fixtures import client_for

pytestmark = pytest.mark.django_db

ADD = "admin:cases_macro_add"
LIST = "admin:cases_macro_changelist"


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Ask for logs",
        "body": "Hi {{ requester.first_name }}, please send the logs of {{ case.number }}.",
        "public": "on",
        "set_action": "ask-info",
        "set_priority": "",
        "set_team": "",
        "owner": "",
        "for_team": "",
        "is_active": "on",
        "position": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_erin_adds_a_macro_and_it_is_audited(story: Story) -> None:
    erin = client_for(story.erin)
    page = erin.get(reverse(ADD)).content.decode()
    for name in MACRO_PLACEHOLDERS:
        assert "{{ " + name + " }}" in page
    response = erin.post(reverse(ADD), form())
    assert response.status_code == 302
    made = Macro.objects.get()
    assert made.set_action == "ask-info" and made.public and made.owner is None
    record = AuditRecord.objects.get(action="macro.added", object_id=str(made.pk))
    assert record.channel == "admin" and record.actor_id == story.erin.pk


def test_a_change_records_old_and_new_values(story: Story) -> None:
    made = Macro.objects.create(name="Ask for logs", body="Please send logs.", set_action="ask-info")
    url = reverse("admin:cases_macro_change", args=[made.pk])
    data = form(body="Please send the logs.", for_team=story.service_desk.pk)
    assert client_for(story.erin).post(url, data).status_code == 302
    record = AuditRecord.objects.get(action="macro.changed", object_id=str(made.pk))
    assert record.old is not None and record.new is not None
    assert record.old["body"] == "Please send logs." and record.new["body"] == "Please send the logs."
    assert record.old["for_team"] is None and record.new["for_team"] == story.service_desk.pk


def test_deleting_is_audited(story: Story) -> None:
    made = Macro.objects.create(name="Old", body="x")
    url = reverse("admin:cases_macro_delete", args=[made.pk])
    assert client_for(story.erin).post(url, {"post": "yes"}).status_code == 302
    assert AuditRecord.objects.filter(action="macro.deleted", object_id=str(made.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": "Hi {{ requester.shoe_size }}"}, "Unknown placeholder: {{ requester.shoe_size }}"),
        ({"for_team": "TEAM", "owner": "DANA"}, "one agent&#x27;s or one team&#x27;s, not both"),
        ({"body": "", "set_action": ""}, "needs a text, or at least"),
        ({"owner": "ALICE"}, "Select a valid choice"),  # macros belong to agents
    ],
)
def test_bad_macros_are_refused_with_a_message(story: Story, overrides: dict[str, Any], message: str) -> None:
    ids = {"TEAM": story.service_desk.pk, "DANA": story.dana.pk, "ALICE": story.alice.pk}
    data = form(**{k: ids.get(v, v) for k, v in overrides.items()})
    response = client_for(story.erin).post(reverse(ADD), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Macro.objects.exists()


def test_the_list_shows_scopes_and_filters_and_searches(story: Story) -> None:
    Macro.objects.create(name="Everyone's reply", body="Thanks")
    Macro.objects.create(name="Desk note", body="Note", public=False, for_team=story.service_desk)
    Macro.objects.create(name="Dana's own", body="Mine", owner=story.dana, is_active=False)
    erin = client_for(story.erin)
    html = erin.get(reverse(LIST)).content.decode()
    assert "Everyone" in html and "Service Desk (team)" in html and "Dana Agent (personal)" in html
    assert "Internal note" in html and "Public reply" in html
    searched = erin.get(reverse(LIST), {"q": "desk"}).content.decode()
    assert "Desk note" in searched and "Dana&#x27;s own" not in searched
    inactive = erin.get(reverse(LIST), {"is_active__exact": "0"}).content.decode()
    assert "Dana&#x27;s own" in inactive and "Desk note" not in inactive
    notes = erin.get(reverse(LIST), {"public__exact": "0"}).content.decode()
    assert "Desk note" in notes and "Everyone&#x27;s reply" not in notes


@pytest.mark.parametrize("who", ["dana", "frank", "alice"])
def test_non_admins_are_refused(story: Story, who: str) -> None:
    client = client_for(getattr(story, who))
    for url in (reverse(LIST), reverse(ADD)):
        response = client.get(url)
        assert response.status_code in {302, 403}
    client.post(reverse(ADD), form())
    assert not Macro.objects.exists()
