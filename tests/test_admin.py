"""The admin (/admin/): admins only; configuration is audited; the audit record cannot be touched."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from supportal.accounts.models import User, UserKind
from supportal.audit.models import AuditRecord
from supportal.orgs.models import Membership, Organisation, OrganisationDomain
from tests.conftest import Story, groups


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_erin_opens_every_changelist_and_add_page(story: Story) -> None:
    erin = client_for(story.erin)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = erin.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, model
        add = erin.get(reverse("admin:{}_{}_add".format(*info)))
        expected = 200 if model_admin.has_add_permission(changelist.wsgi_request) else 403
        assert add.status_code == expected, model
        first = model._default_manager.first()
        if first is not None:
            change = erin.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code == 200, model
        opened += 1
    assert opened >= 14


def test_an_admin_who_is_not_superuser_sees_the_configuration(story: Story) -> None:
    from supportal.orgs import services

    grace = services.agent_create(
        actor=story.erin, channel="cli", email="grace@provider.example", name="Grace", is_admin=True
    )
    client = client_for(grace)
    assert client.get(reverse("admin:orgs_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:orgs_permissiongroup_add")).status_code == 200
    assert client.get(reverse("admin:audit_auditrecord_changelist")).status_code == 200


@pytest.mark.parametrize("who", ["dana", "frank", "alice", "charlie"])
def test_non_admins_are_kept_out(story: Story, who: str) -> None:
    client = client_for(getattr(story, who))
    for url in (
        reverse("admin:index"),
        reverse("admin:orgs_organisation_changelist"),
        reverse("admin:orgs_organisation_change", args=[story.acme.pk]),
        reverse("admin:accounts_user_change", args=[story.alice.pk]),
        reverse("admin:audit_auditrecord_changelist"),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}, url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
        assert b"alice@acme.example" not in response.content


def test_a_customer_marked_staff_is_still_kept_out(story: Story) -> None:
    story.alice.is_staff = story.alice.is_superuser = True
    story.alice.save()
    response = client_for(story.alice).get(reverse("admin:orgs_organisation_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_audit_records_cannot_be_changed_or_deleted(story: Story) -> None:
    erin = client_for(story.erin)
    record = AuditRecord.objects.order_by("position").first()
    assert record is not None
    change_url = reverse("admin:audit_auditrecord_change", args=[record.pk])
    delete_url = reverse("admin:audit_auditrecord_delete", args=[record.pk])

    view = erin.get(change_url)
    assert view.status_code == 200  # read-only view
    assert b'name="_save"' not in view.content
    assert erin.post(change_url, {"action": "tampered"}).status_code == 403
    assert erin.get(delete_url).status_code == 403
    assert erin.post(delete_url, {"post": "yes"}).status_code == 403
    assert erin.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    unchanged = AuditRecord.objects.get(pk=record.pk)
    assert unchanged.action == record.action and unchanged.hash == record.hash


def test_audit_list_filters_and_searches(story: Story) -> None:
    erin = client_for(story.erin)
    url = reverse("admin:audit_auditrecord_changelist")
    by_action = erin.get(url, {"action": "organisation.created"})
    assert by_action.status_code == 200
    assert by_action.context["cl"].result_count == 2
    by_object = erin.get(url, {"q": str(story.acme.pk), "object_type": "orgs.organisation"})
    assert {r.object_id for r in by_object.context["cl"].result_list} == {str(story.acme.pk)}


def test_creating_an_organisation_makes_its_virtual_user_and_audit(story: Story) -> None:
    erin = client_for(story.erin)
    response = erin.post(
        reverse("admin:orgs_organisation_add"),
        {
            "name": "Initech",
            "plan": story.free.pk,
            "csm": story.frank.pk,
            "default_groups": [g.pk for g in groups("case-reporter")],
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "initech.example",
            "escalation_levels-TOTAL_FORMS": "1",
            "escalation_levels-INITIAL_FORMS": "0",
            "escalation_levels-0-level": "1",
            "escalation_levels-0-name": "Service manager",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    initech = Organisation.objects.get(name="Initech")
    assert initech.virtual_user is not None
    assert initech.virtual_user.kind == UserKind.VIRTUAL
    assert Membership.objects.filter(user=initech.virtual_user, organisation=initech).exists()
    assert list(OrganisationDomain.objects.filter(organisation=initech).values_list("domain", flat=True)) == [
        "initech.example"
    ]
    assert initech.escalation_levels.get().name == "Service manager"
    assert [g.code for g in initech.default_groups.all()] == ["case-reporter"]
    created = AuditRecord.objects.get(action="organisation.created", object_id=str(initech.pk))
    assert created.channel == "admin"
    assert created.actor_id == story.erin.pk


def test_duplicate_organisation_name_is_a_form_error(story: Story) -> None:
    response = client_for(story.erin).post(
        reverse("admin:orgs_organisation_add"),
        {
            "name": "acme corp",
            "plan": story.free.pk,
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "escalation_levels-TOTAL_FORMS": "0",
            "escalation_levels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Organisation.objects.filter(name__iexact="acme corp").count() == 1


def test_membership_groups_changed_in_the_admin_are_audited(story: Story) -> None:
    membership = Membership.objects.get(user=story.bob)
    new_groups = groups("case-reporter", "viewer")
    response = client_for(story.erin).post(
        reverse("admin:orgs_membership_change", args=[membership.pk]),
        {"groups": [g.pk for g in new_groups]},
    )
    assert response.status_code == 302
    assert sorted(membership.groups.values_list("code", flat=True)) == ["case-reporter", "viewer"]
    record = AuditRecord.objects.get(action="user.permissions_changed", object_id=str(story.bob.pk))
    assert record.channel == "admin"
    assert record.old == {"groups": ["case-reporter"]}
    assert record.new == {"groups": ["case-reporter", "viewer"]}


def test_permission_group_permissions_are_checkboxes(story: Story) -> None:
    erin = client_for(story.erin)
    page = erin.get(reverse("admin:orgs_permissiongroup_add"))
    assert b'type="checkbox" name="permissions" value="approve_changes"' in page.content
    response = erin.post(
        reverse("admin:orgs_permissiongroup_add"),
        {"code": "approvers", "name": "Approvers", "permissions": ["approve_changes", "comment"]},
    )
    assert response.status_code == 302
    from supportal.orgs.models import PermissionGroup

    assert PermissionGroup.objects.get(code="approvers").permissions == ["approve_changes", "comment"]
    assert AuditRecord.objects.filter(action="permissiongroup.added", channel="admin").exists()
    bad = erin.post(
        reverse("admin:orgs_permissiongroup_add"), {"code": "bad", "name": "Bad", "permissions": ["root"]}
    )
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()


def test_adding_a_customer_user_goes_through_the_service(story: Story) -> None:
    response = client_for(story.erin).post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Carol@Acme.example",
            "name": "Carol Acme",
            "kind": "customer",
            "organisation": story.acme.pk,
            "groups": [g.pk for g in groups("case-reporter")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    carol = User.objects.get(email="carol@acme.example")
    assert carol.membership.organisation == story.acme
    assert [g.code for g in carol.membership.groups.all()] == ["case-reporter"]
    assert AuditRecord.objects.filter(
        action="user.created", object_id=str(carol.pk), channel="admin"
    ).exists()


def test_user_add_form_rejects_a_customer_without_organisation(story: Story) -> None:
    response = client_for(story.erin).post(
        reverse("admin:accounts_user_add"), {"email": "x@example.com", "name": "X", "kind": "customer"}
    )
    assert response.status_code == 200
    assert "Choose the organisation this user belongs to." in response.content.decode()
    assert not User.objects.filter(email="x@example.com").exists()


def test_user_pages_and_token_list_show_no_secrets(story: Story, settings: Any) -> None:
    erin = client_for(story.erin)
    alice = erin.get(reverse("admin:accounts_user_change", args=[story.alice.pk]))
    assert alice.status_code == 200
    assert story.alice.password.encode() not in alice.content
    password = erin.get(reverse("admin:auth_user_password_change", args=[story.alice.pk]))
    assert password.status_code == 200


def test_api_tokens_are_listed_by_prefix_only(story: Story) -> None:
    from supportal.accounts.tokens import token_create

    token, secret = token_create(actor=story.erin, channel="cli", user=story.dana, name="Dana's script")
    erin = client_for(story.erin)
    listing = erin.get(reverse("admin:accounts_apitoken_changelist"))
    assert token.prefix.encode() in listing.content
    detail = erin.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200
    for page in (listing, detail):
        assert secret.encode() not in page.content
        assert token.key_hash.encode() not in page.content
    assert erin.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_changing_a_user_in_the_admin_is_audited(story: Story) -> None:
    response = client_for(story.erin).post(
        reverse("admin:accounts_user_change", args=[story.dana.pk]),
        {
            "email": story.dana.email,
            "name": "Dana Agent",
            "phone": "+1 555 0199",
            "preferred_contact": "email",
            "is_active": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    story.dana.refresh_from_db()
    assert story.dana.is_staff and story.dana.phone == "+1 555 0199"
    record = AuditRecord.objects.get(action="user.changed", object_id=str(story.dana.pk))
    assert record.channel == "admin" and record.actor_id == story.erin.pk
    assert record.old == {"phone": "", "is_staff": False}
    assert record.new is not None
    assert (record.new["phone"], record.new["is_staff"]) == ("+1 555 0199", True)
