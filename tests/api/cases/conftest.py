"""Helpers for the case API tests: cases opened through the real service, clients for each person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.models import Case
from tests.api.conftest import Api, api_as, secret_for
from tests.conftest import Story


def open_case(requester: User, subject: str = "Mail server down", **kwargs: Any) -> Case:
    """A case the requester opens for themselves in the portal (customers' organisation by default)."""
    organisation = kwargs.pop("organisation", None) or requester.membership.organisation
    actor = kwargs.pop("actor", requester)
    return services.case_create(
        actor=actor, organisation=organisation, subject=subject, channel="portal", **kwargs
    )


@pytest.fixture(autouse=True)
def storage_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files go to a directory of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return tmp_path / "files"


@pytest.fixture
def dana(story: Story) -> Api:
    return Api(secret_for(story.dana))


@pytest.fixture
def alice(story: Story) -> Api:
    return api_as(story.alice)


@pytest.fixture
def bob(story: Story) -> Api:
    return api_as(story.bob)


@pytest.fixture
def charlie(story: Story) -> Api:
    return api_as(story.charlie)
