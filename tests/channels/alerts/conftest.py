"""Alert webhooks' helpers: Acme's monitoring integration with its token, Globex's, the payload files
(real Alertmanager and Grafana notifications), and Acme's servers the alerts name."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from supportal.accounts.models import User, UserKind
from supportal.cases.models import Case, CaseEvent, CaseType
from supportal.channels.alerts.models import AlertIntegration
from supportal.cmdb.models import ConfigItem
from supportal.orgs import services
from tests.api.conftest import Api, integration_user, secret_for
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

PAYLOADS = Path(__file__).parent / "payloads"


def raw(name: str) -> bytes:
    return (PAYLOADS / f"{name}.json").read_bytes()


def data(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(raw(name))
    return loaded


@dataclass
class Monitoring:
    story: Story
    user: User
    api: Api
    web_1: ConfigItem
    db_1: ConfigItem

    def send(self, source: str, body: bytes | str | dict[str, Any], api: Api | None = None) -> Any:
        if isinstance(body, dict):
            body = json.dumps(body)
        return (api or self.api).post(f"alerts/{source}", body)

    def integration(self, **settings: Any) -> AlertIntegration:
        integration, _ = AlertIntegration.objects.get_or_create(user=self.user)
        for name, value in settings.items():
            setattr(integration, name, value)
        integration.save()
        return integration

    def case(self, response: Any, index: int = 0) -> Case:
        assert response.status_code == 200, response.content
        number = response.json()["results"][index]["case"]
        return Case.objects.get(number=number)


def alert_events(case: Case) -> list[dict[str, Any]]:
    return list(
        CaseEvent.objects.filter(case=case, kind="alert").order_by("id").values_list("data", flat=True)
    )


def globex_monitoring(story: Story) -> tuple[User, Api]:
    user = services.customer_user_create(
        actor=story.erin,
        channel="cli",
        organisation=story.globex,
        email="monitoring@globex.example",
        name="Globex monitoring",
        kind=UserKind.INTEGRATION,
    )
    return user, Api(secret_for(user))


@pytest.fixture
def monitoring(story: Story, settings: Any) -> Monitoring:
    settings.API_RATE_LIMIT = "100000/m"
    CaseType.objects.get_or_create(code="incident", defaults={"name": "Incident"})
    types = make_types(story)
    web_1 = add_item(story, types, "web-1", identifier="web-1.acme.example")
    db_1 = add_item(story, types, "db-1", identifier="db-1.acme.example")
    user = integration_user(story)
    return Monitoring(story, user, Api(secret_for(user)), web_1, db_1)
