"""The REST API, version 1: /api/v1/. Each resource lives in its own module and is mounted here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Supportal API", version="1.0.0", urls_namespace="api-v1")
