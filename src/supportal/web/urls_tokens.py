"""URL patterns of the API token pages: your own tokens, and your organisation's integrations'."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web import tokens

urlpatterns: list[URLPattern] = [
    path("account/tokens/", tokens.account_tokens, name="account_tokens"),
    path("account/tokens/<int:token_id>/revoke/", tokens.account_token_revoke, name="account_token_revoke"),
    path("organisation/tokens/", tokens.organisation_tokens, name="organisation_tokens"),
    path(
        "organisation/tokens/integrations/",
        tokens.organisation_integration_create,
        name="organisation_integration_create",
    ),
    path(
        "organisation/tokens/<int:token_id>/revoke/",
        tokens.organisation_token_revoke,
        name="organisation_token_revoke",
    ),
]
