from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "supportal.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        # Huey discovers tasks in each app's tasks.py; the periodic schedule is declared in one module.
        from supportal.jobs import schedules  # noqa: F401
