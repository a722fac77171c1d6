from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "supportal.cmdb"
    label = "cmdb"
    verbose_name = "Configuration items"
