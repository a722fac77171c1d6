# Every kind of history entry added with alerts, SLA clocks and de-escalation.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_config_item_recent_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("commented", "Comment"),
                    ("state_changed", "State changed"),
                    ("field_changed", "Field changed"),
                    ("priority_changed", "Priority changed"),
                    ("assigned", "Assigned"),
                    ("watcher_added", "Watcher added"),
                    ("watcher_removed", "Watcher removed"),
                    ("attachment_added", "Attachment added"),
                    ("linked", "Linked"),
                    ("merged", "Merged"),
                    ("escalated", "Escalated"),
                    ("deescalated", "De-escalated"),
                    ("alert", "Monitoring alert"),
                    ("workaround", "Workaround given"),
                    ("sla_warning", "SLA warning"),
                    ("sla_breached", "SLA breached"),
                ],
                max_length=20,
            ),
        ),
    ]
