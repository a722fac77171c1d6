"""The built-in 24/7 calendar, for policies that must say 24/7 where a less specific one says office hours."""

from typing import Any

from django.db import migrations

ALL_DAY = "00:00-24:00"


def add_builtin(apps: Any, schema_editor: Any) -> None:
    SlaCalendar = apps.get_model("sla", "SlaCalendar")
    SlaCalendar.objects.get_or_create(
        builtin=True,
        defaults={
            "name": "24/7",
            "time_zone": "UTC",
            **{day: ALL_DAY for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        },
    )


def remove_builtin(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sla", "SlaCalendar").objects.filter(
        builtin=True, policies__isnull=True, targets__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_sla_models")]

    operations = [migrations.RunPython(add_builtin, remove_builtin)]
