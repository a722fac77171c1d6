"""The case configuration in the admin: admins only, request type forms checked, fixed rows stay fixed,
every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from supportal.audit.models import AuditRecord
from supportal.cases.models import (
    CaseType,
    ExtraField,
    PriorityLevel,
    PriorityRule,
    RequestType,
    RoutingRule,
    StateLabel,
)
from supportal.cases.services.priority import priority_for, severity_definitions, state_labels
from tests.cases_admin.conftest import client_for
from tests.conftest import Story

CASES_MODELS = [model for model in admin.site._registry if model._meta.app_label == "cases"]


def request_type_form(access_type: RequestType, **overrides: Any) -> dict[str, Any]:
    data = {
        "category": access_type.category_id,
        "case_type": access_type.case_type_id,
        "kind": "case",
        "slug": access_type.slug,
        "name": access_type.name,
        "description": "",
        "position": "0",
        "is_active": "on",
        "fields-TOTAL_FORMS": "0",
        "fields-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def errors(response: Any) -> str:
    """The form and inline errors of an admin page that did not save, for assertion messages."""
    context = response.context or {}
    form = context.get("adminform")
    inlines = context.get("inline_admin_formsets") or []
    return f"{form.form.errors if form else ''} {[i.formset.errors for i in inlines]}"


def audited(action: str, obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The old and new values of the admin's audit row of `action` on `obj`."""
    record = AuditRecord.objects.get(action=action, object_id=str(obj.pk), channel="admin")
    return record.old or {}, record.new or {}


def field_rows(*rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    """Inline formset data for the request type's form fields."""
    data = {"fields-TOTAL_FORMS": str(len(rows)), "fields-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"fields-{i}-{name}": value for name, value in row.items()})
    return data


def test_every_case_model_is_registered() -> None:
    names = {model._meta.model_name for model in CASES_MODELS}
    assert names >= {
        "casetype",
        "category",
        "requesttype",
        "statelabel",
        "prioritylevel",
        "priorityrule",
        "routingrule",
        "case",
        "caseevent",
        "comment",
        "attachment",
        "caselink",
    }


def test_erin_opens_the_case_configuration(story: Story, access_type: RequestType) -> None:
    erin = client_for(story.erin)
    assert b"Case types" in erin.get(reverse("admin:index")).content
    for model in CASES_MODELS:
        info = (model._meta.app_label, model._meta.model_name)
        assert erin.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, model
        first = model._default_manager.first()
        if first is not None:
            change = erin.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code == 200, model
    assert erin.get(reverse("admin:cases_requesttype_add")).status_code == 200
    assert erin.get(reverse("admin:cases_routingrule_add")).status_code == 200


@pytest.mark.parametrize("who", ["dana", "frank", "alice", "charlie"])
def test_non_admins_are_refused(story: Story, access_type: RequestType, who: str) -> None:
    client = client_for(getattr(story, who))
    for url in (
        reverse("admin:cases_requesttype_changelist"),
        reverse("admin:cases_requesttype_change", args=[access_type.pk]),
        reverse("admin:cases_statelabel_changelist"),
        reverse("admin:cases_case_changelist"),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
    label = StateLabel.objects.get(state="open")
    client.post(reverse("admin:cases_statelabel_change", args=[label.pk]), {"label": "Hacked"})
    assert StateLabel.objects.get(state="open").label == "Open"


def test_a_request_type_with_fields_is_added_and_audited(story: Story, access_type: RequestType) -> None:
    data = request_type_form(access_type, slug="db-restore", name="Database restore")
    data |= field_rows(
        {"key": "database", "label": "Database", "kind": "text", "required": "on", "position": "0"},
        {
            "key": "when",
            "label": "Point in time",
            "kind": "choice",
            "choices": '["Last night", " Latest "]',
            "position": "1",
        },
    )
    response = client_for(story.erin).post(reverse("admin:cases_requesttype_add"), data)
    assert response.status_code == 302, errors(response)
    restore = RequestType.objects.get(slug="db-restore")
    fields = {f.key: f for f in restore.fields.all()}
    assert set(fields) == {"database", "when"}
    assert fields["database"].required and fields["database"].choices == []
    assert fields["when"].choices == ["Last night", "Latest"]
    record = AuditRecord.objects.get(action="requesttype.added", object_id=str(restore.pk))
    assert record.channel == "admin" and record.actor_id == story.erin.pk
    _old, new = audited("requesttype.added", restore)
    added = [entry["added"] for entry in new["changes"] if entry.get("added")]
    assert {entry["object"] for entry in added} == {"db-restore.database", "db-restore.when"}


def test_changing_a_request_types_fields_records_old_and_new(story: Story, access_type: RequestType) -> None:
    os_field = ExtraField.objects.create(
        request_type=access_type, key="os", label="OS", kind="choice", choices=["Linux"]
    )
    old_field = ExtraField.objects.create(request_type=access_type, key="fax", label="Fax", position=1)
    common = {"request_type": str(access_type.pk), "position": "0"}
    data = request_type_form(access_type, name="VPN access (staff)")
    data |= field_rows(
        {
            **common,
            "id": str(os_field.pk),
            "key": "os",
            "label": "OS",
            "kind": "choice",
            "choices": '["Linux", "macOS"]',
        },
        {**common, "id": str(old_field.pk), "key": "fax", "label": "Fax", "kind": "text", "DELETE": "on"},
        {**common, "key": "laptop", "label": "Laptop tag", "kind": "version"},
        initial=2,
    )
    url = reverse("admin:cases_requesttype_change", args=[access_type.pk])
    response = client_for(story.erin).post(url, data)
    assert response.status_code == 302, errors(response)
    assert sorted(access_type.fields.values_list("key", flat=True)) == ["laptop", "os"]
    assert access_type.fields.get(key="os").choices == ["Linux", "macOS"]
    old, new = audited("requesttype.changed", access_type)
    assert old["name"] == "VPN access" and new["name"] == "VPN access (staff)"
    assert set(old["fields"]) == {"os", "fax"} and set(new["fields"]) == {"os", "laptop"}
    assert old["fields"]["os"]["choices"] == ["Linux"]
    assert new["fields"]["os"]["choices"] == ["Linux", "macOS"]
    assert old["fields"]["fax"]["label"] == "Fax"
    assert new["fields"]["laptop"]["kind"] == "version"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"key": "size", "label": "Size", "kind": "choice", "choices": "[]"}, "needs at least one choice"),
        (
            {"key": "tags", "label": "Tags", "kind": "multi_choice", "choices": ""},
            "needs at least one choice",
        ),
        ({"key": "size", "label": "Size", "kind": "choice", "choices": "[1, 2]"}, "JSON list of strings"),
        ({"key": "size", "label": "Size", "kind": "choice", "choices": '{"a": "b"}'}, "JSON list of strings"),
        ({"key": "size", "label": "Size", "kind": "choice", "choices": '["S", "S"]'}, "only once"),
        ({"key": "size", "label": "Size", "kind": "choice", "choices": '["S", " "]'}, "cannot be empty"),
        ({"key": "size", "label": "Size", "kind": "text", "choices": '["S"]'}, "Only choice"),
        ({"key": "not a slug!", "label": "Size", "kind": "text"}, "slug"),
    ],
)
def test_a_bad_field_is_refused_with_a_message(
    story: Story, access_type: RequestType, row: dict[str, str], message: str
) -> None:
    data = request_type_form(access_type) | field_rows(row)
    url = reverse("admin:cases_requesttype_change", args=[access_type.pk])
    response = client_for(story.erin).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not access_type.fields.exists()
    assert not AuditRecord.objects.filter(action__startswith="requesttype.").exists()


def test_two_fields_with_one_key_are_refused(story: Story, access_type: RequestType) -> None:
    text = {"label": "Host", "kind": "text"}
    data = request_type_form(access_type) | field_rows({"key": "host", **text}, {"key": "host", **text})
    url = reverse("admin:cases_requesttype_change", args=[access_type.pk])
    response = client_for(story.erin).post(url, data)
    assert response.status_code == 200
    assert not access_type.fields.exists()


def test_state_labels_change_but_states_stay(story: Story) -> None:
    assert sorted(StateLabel.objects.values_list("state", flat=True)) == sorted(
        ["new", "open", "awaiting_info", "on_hold", "resolved", "closed"]
    )
    erin = client_for(story.erin)
    label = StateLabel.objects.get(state="awaiting_info")
    url = reverse("admin:cases_statelabel_change", args=[label.pk])
    response = erin.post(url, {"label": "  Waiting for   you ", "state": "closed"})
    assert response.status_code == 302
    assert state_labels()["awaiting_info"] == "Waiting for you"
    assert StateLabel.objects.get(pk=label.pk).state == "awaiting_info"  # the state itself is fixed
    old, new = audited("statelabel.changed", label)
    assert (old, new["label"]) == ({"label": "Awaiting Info"}, "Waiting for you")

    duplicate = erin.post(url, {"label": "open"})
    assert duplicate.status_code == 200 and "Another state has this name" in duplicate.content.decode()
    assert erin.get(reverse("admin:cases_statelabel_add")).status_code == 403
    assert (
        erin.post(reverse("admin:cases_statelabel_delete", args=[label.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert StateLabel.objects.count() == 6


def test_the_priority_matrix_and_definitions_change_but_keep_their_rows(story: Story) -> None:
    erin = client_for(story.erin)
    assert PriorityRule.objects.count() == 9
    rule = PriorityRule.objects.get(urgency="low", impact="low")
    response = erin.post(reverse("admin:cases_priorityrule_change", args=[rule.pk]), {"priority": "P3"})
    assert response.status_code == 302
    assert priority_for("low", "low") == "P3"
    assert AuditRecord.objects.filter(action="priorityrule.changed", object_id=str(rule.pk)).exists()
    changelist = erin.get(reverse("admin:cases_priorityrule_changelist"))
    cells = [(r.urgency, r.impact) for r in changelist.context["cl"].result_list]
    assert cells[:3] == [("high", "high"), ("high", "medium"), ("high", "low")]
    assert cells[-1] == ("low", "low")

    level = PriorityLevel.objects.get(priority="P1")
    response = erin.post(
        reverse("admin:cases_prioritylevel_change", args=[level.pk]),
        {"name": "Critical", "definition": "Production is down."},
    )
    assert response.status_code == 302
    assert severity_definitions()["P1"] == ("Critical", "Production is down.")
    assert AuditRecord.objects.filter(action="prioritylevel.changed", object_id=str(level.pk)).exists()
    for model in ("priorityrule", "prioritylevel"):
        assert erin.get(reverse(f"admin:cases_{model}_add")).status_code == 403
    assert (
        erin.post(reverse("admin:cases_priorityrule_delete", args=[rule.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (PriorityRule.objects.count(), PriorityLevel.objects.count()) == (9, 4)


def test_routing_rules_are_ordered_and_edited_in_the_list(story: Story) -> None:
    incident = CaseType.objects.get(code="incident")
    late = RoutingRule.objects.create(name="Catch-all", position=20, team=story.service_desk)
    early = RoutingRule.objects.create(
        name="Incidents", position=10, team=story.service_desk, case_type=incident
    )
    erin = client_for(story.erin)
    url = reverse("admin:cases_routingrule_changelist")
    page = erin.get(url)
    assert [r.pk for r in page.context["cl"].result_list] == [early.pk, late.pk]
    response = erin.post(
        url,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(early.pk),
            "form-0-position": "30",
            "form-0-is_active": "on",
            "form-1-id": str(late.pk),
            "form-1-position": "20",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.position, late.is_active) == (30, False)
    assert [r.pk for r in erin.get(url).context["cl"].result_list] == [late.pk, early.pk]
    changed = AuditRecord.objects.filter(action="routingrule.changed", channel="admin")
    assert {(r.object_id, tuple(sorted(r.new or {}))) for r in changed} >= {
        (str(early.pk), ("changes", "object", "position")),
        (str(late.pk), ("changes", "is_active", "object")),
    }


def test_routing_rule_list_queries_do_not_grow(story: Story, django_assert_max_num_queries: Any) -> None:
    incident = CaseType.objects.get(code="incident")
    erin = client_for(story.erin)
    url = reverse("admin:cases_routingrule_changelist")

    def add_rules(count: int) -> None:
        for i in range(count):
            RoutingRule.objects.create(
                name=f"Rule {i}",
                position=i,
                team=story.service_desk,
                case_type=incident,
                organisation=story.acme,
            )

    add_rules(2)
    with django_assert_max_num_queries(40) as few:
        assert erin.get(url).status_code == 200
    add_rules(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert erin.get(url).status_code == 200
