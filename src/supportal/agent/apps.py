from django.apps import AppConfig


class AgentConfig(AppConfig):
    name = "supportal.agent"
    label = "agent"
    verbose_name = "Agent workspace"
