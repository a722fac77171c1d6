from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_builtin_calendar"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(
                condition=models.Q(("breached_at__isnull", False), ("due_at__isnull", False)),
                fields=["due_at"],
                name="sla_clock_overdue",
            ),
        ),
    ]
