from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "supportal.orgs"
    label = "orgs"
    verbose_name = "Organisations"
