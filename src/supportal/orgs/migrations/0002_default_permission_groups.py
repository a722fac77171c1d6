"""Data: the permission groups every deployment starts with. Admins may rename, change or add groups."""

from django.db import migrations

DEFAULT_GROUPS = [
    (
        "case-reporter",
        "Case reporter",
        "Opens cases, follows and comments on their own.",
        ["view_own_cases", "create_cases", "comment"],
    ),
    (
        "organisation-cases",
        "Organisation cases",
        "Sees and follows the organisation's shared cases.",
        ["view_organisation_cases", "comment"],
    ),
    ("service-orderer", "Service orderer", "Orders services from the catalog.", ["order_services"]),
    (
        "change-approver",
        "Change approver",
        "Has the authority to approve changes and orders.",
        ["approve_changes"],
    ),
    ("user-manager", "Organisation administrator", "Manages the organisation's users.", ["manage_users"]),
    ("viewer", "Viewer", "Reads their own cases only.", ["view_own_cases"]),
]


def create_groups(apps, schema_editor):
    PermissionGroup = apps.get_model("orgs", "PermissionGroup")
    for code, name, description, permissions in DEFAULT_GROUPS:
        PermissionGroup.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "permissions": permissions}
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_organisations_people_teams")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
