"""Shared set-up of the customer journeys in a real Chromium: a small catalogue with Acme's configuration
items, and `journey`, the page driven as one person after another (sign in by session cookie, open a
path, check the page fits a phone, save a screenshot into $SUPPORTAL_ARTEFACTS)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from supportal.accounts.models import User
from supportal.cases.models import Case, Category, RequestType
from supportal.cmdb.models import ConfigItem
from tests.browser import sign_in_as, watch_console
from tests.cases import conftest as case_fixtures
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story
from tests.web.cases.test_create_fixtures import make_request_type

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parent.parent / "axe" / "axe.min.js"
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

cases = case_fixtures.cases  # `cases(user, subject=...)` opens a case through the services


@dataclass
class Catalogue:
    incident: RequestType  # Cloud · Incident, one optional field
    question: RequestType  # General · Question, no fields
    app01: ConfigItem  # Acme's
    db01: ConfigItem  # Acme's


@pytest.fixture
def catalogue(story: Story) -> Catalogue:
    cloud = Category.objects.create(slug="cloud", name="Cloud", position=1)
    general = Category.objects.create(slug="general", name="General", position=5)
    incident = make_request_type(
        cloud, "cloud-incident", "Incident", description="Something does not work.",
        fields=[{"key": "service", "kind": "text"}],
    )  # fmt: skip
    question = make_request_type(general, "question", "Question", case_type="question")
    types = make_types(story)
    app01 = add_item(story, types, "app01", identifier="app01.acme.example")
    db01 = add_item(story, types, "db01", identifier="db01.acme.example")
    return Catalogue(incident, question, app01, db01)


class Journey:
    """The page, driven as one person after another; collects the browser's errors on the way."""

    def __init__(self, page: Any, live_server: Any) -> None:
        self.page = page
        self.url = live_server.url
        self._live_server = live_server
        # A refused form (422) and a forbidden URL (404) are the pages' answers, not errors.
        self.problems = watch_console(page, ignore_failed_loads=True)

    def as_(self, user: User, *, phone: bool = False) -> Journey:
        """Sign in as `user` (ending the earlier person's session), at desktop or phone width."""
        sign_in_as(self.page, self._live_server, user)
        self.page.set_viewport_size(PHONE if phone else DESKTOP)
        return self

    def open(self, path: str) -> Any:
        """Go to `path`; returns the response (its status says 200 or 404)."""
        return self.page.goto(f"{self.url}{path}")

    def case_page(self, case: Case) -> Any:
        return self.open(f"/cases/{case.number}/")

    def history(self) -> list[str]:
        """The case page's activity, one line per entry (who, what, when and any reason)."""
        entries = self.page.get_by_test_id("history-entry").all_inner_texts()
        return [" ".join(text.split()) for text in entries]

    def phone(self) -> None:
        self.page.set_viewport_size(PHONE)

    def fits_phone(self) -> None:
        """At 360 px the page does not scroll sideways."""
        self.phone()
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{self.page.url} is {width} px wide at 360 px"

    def shot(self, name: str) -> None:
        """A full-page screenshot into $SUPPORTAL_ARTEFACTS, when set."""
        folder = os.environ.get("SUPPORTAL_ARTEFACTS")
        if folder:
            os.makedirs(folder, exist_ok=True)
            self.page.screenshot(path=os.path.join(folder, name), full_page=True)
            print(f"screenshot: {name}")

    def clean(self) -> None:
        """No script error and no Content Security Policy violation on the way."""
        assert not self.problems, self.problems


@pytest.fixture
def journey(page: Any, live_server: Any) -> Journey:
    return Journey(page, live_server)


def in_order(lines: list[str], *expected: str) -> None:
    """Each of `expected` is found (as a regex) in `lines`, in this order."""
    position = 0
    for pattern in expected:
        for index in range(position, len(lines)):
            if re.search(pattern, lines[index]):
                position = index + 1
                break
        else:
            raise AssertionError(f"{pattern!r} not found in order in:\n" + "\n".join(lines))
