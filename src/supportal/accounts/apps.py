from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "supportal.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # Connect the audit receivers: second factors (mfa_audit), signing in and out (receivers).
        from supportal.accounts import mfa_audit, receivers  # noqa: F401
