"""A fresh install's case configuration: the case types of PRODUCT.md, the priority matrix with its
severity definitions, and the state names. Admins change all of it afterwards."""

from django.db import migrations

CASE_TYPES = [
    ("incident", "Incident", "Something is broken or degraded."),
    ("general-request", "General request", "A service request: please do something for us."),
    ("change", "Change", "A change to a configuration or service, which may need approval."),
    ("question", "Question", "An exploration or a question about a service."),
    ("feature-request", "Feature Request", "An idea for the product or service."),
    ("onboarding", "Onboarding", "Bringing people or services on board."),
    ("feedback", "Feedback", "Feedback and proposals."),
]


def create_defaults(apps, schema_editor):
    from supportal.cases.services.priority import DEFAULT_DEFINITIONS, DEFAULT_MATRIX, DEFAULT_STATE_LABELS

    CaseType = apps.get_model("cases", "CaseType")
    PriorityLevel = apps.get_model("cases", "PriorityLevel")
    PriorityRule = apps.get_model("cases", "PriorityRule")
    StateLabel = apps.get_model("cases", "StateLabel")
    for position, (code, name, description) in enumerate(CASE_TYPES):
        CaseType.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )
    for priority, (name, definition) in DEFAULT_DEFINITIONS.items():
        PriorityLevel.objects.get_or_create(
            priority=priority, defaults={"name": name, "definition": definition}
        )
    for (urgency, impact), priority in DEFAULT_MATRIX.items():
        PriorityRule.objects.get_or_create(urgency=urgency, impact=impact, defaults={"priority": priority})
    for state, label in DEFAULT_STATE_LABELS.items():
        StateLabel.objects.get_or_create(state=state, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_search_indexes")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
