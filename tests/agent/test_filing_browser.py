"""Filing a case for a caller in a real Chromium: Dana takes Bob's phone call, files the case for him
from the workspace (Acme's contacts, its items and the request type's fields swap in as she chooses), lands
on the case with a message, and Bob finds the case among his notifications. No console error, no CSP
violation."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from supportal.cases.models import Case, Channel
from tests.browser import sign_in_as, watch_console
from tests.conftest import Story
from tests.web.cases import test_create_fixtures as create_fixtures
from tests.web.cases.test_create_fixtures import Catalogue
from tests.web.journeys.conftest import AXE
from tests.web.journeys.test_accessibility import FAILING, RUN_AXE, UNFOLD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
catalogue = create_fixtures.catalogue  # a catalogue with a field of every kind


def test_dana_files_a_phone_case_for_bob(
    page: Any, live_server: Any, story: Story, catalogue: Catalogue
) -> None:
    problems = watch_console(page)
    page.context.add_init_script(path=str(AXE))  # not subject to the page's CSP
    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}/agent/")
    page.get_by_test_id("file-case").click()
    page.wait_for_url("**/agent/cases/new/")

    # Globex first, then Acme (searched in the organisation picker, in any case): the contacts, watchers
    # and items follow the organisation
    organisation = page.get_by_test_id("organisation")
    organisation.get_by_test_id("organisation-search").fill("glob")
    organisation.get_by_label("Acme Corp").wait_for(state="detached")
    organisation.get_by_label("Globex", exact=True).check()
    page.get_by_test_id("requester").get_by_text("Charlie Globex (charlie@globex.example)").wait_for(
        state="attached"
    )
    page.get_by_test_id("request-type").select_option("cloud-incident")
    page.get_by_test_id("extra-service").wait_for()
    page.get_by_label("Summary line").fill("Typed for Globex, kept for Acme")
    organisation.get_by_test_id("organisation-search").fill("ACME")
    organisation.get_by_label("Acme Corp").check()  # shown once the search answers, Globex still checked
    page.get_by_test_id("requester").get_by_text("Bob Acme (bob@acme.example)").wait_for(state="attached")
    page.wait_for_url(
        re.compile(rf"/agent/cases/new/\?organisation={story.acme.pk}&request_type=cloud-incident$")
    )
    assert page.get_by_label("Summary line").input_value() == "Typed for Globex, kept for Acme"
    assert "charlie@globex.example" not in page.get_by_test_id("requester").inner_text()
    picker = page.get_by_test_id("picker-config_item")
    assert "web01-globex" not in picker.inner_text()
    page.evaluate(UNFOLD)
    violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING]
    assert violations == []

    page.get_by_test_id("requester").select_option(label="Bob Acme (bob@acme.example)")
    page.get_by_test_id("channel-phone").check()
    page.get_by_test_id("filed-reason").fill("Requested by Bob Acme by phone")
    page.get_by_label("Service").select_option("DNS")
    page.get_by_label("Started on").fill("2026-01-05")
    page.get_by_test_id("subject").fill("Cannot reach the DNS console")
    page.get_by_test_id("description").fill("Bob says the console times out since **this morning**.")
    page.get_by_test_id("urgency-high").check()
    page.get_by_test_id("impact-high").check()
    page.get_by_test_id("priority-value").filter(has_text="P1").wait_for()
    picker.get_by_test_id("config-item-search").fill("5f0c")
    picker.get_by_label(re.compile(r"^web01")).wait_for(state="detached")
    picker.get_by_label(re.compile(r"^db01")).check()
    page.get_by_test_id("submit-filing").click()

    page.wait_for_url(re.compile(r"/agent/cases/\d{10}/$"))
    case = Case.objects.get()
    assert case.requester == story.bob and case.filed_by == story.dana and case.channel == Channel.PHONE
    assert case.filed_reason == "Requested by Bob Acme by phone" and case.config_item == catalogue.db01
    assert case.extra["summary_line"] == "Typed for Globex, kept for Acme"
    assert page.url.endswith(f"/agent/cases/{case.number}/")
    alert = page.get_by_role("alert").filter(has_text=case.number)
    assert "filed for Bob Acme, who was notified" in alert.inner_text()
    assert problems == []

    sign_in_as(page, live_server, story.bob)
    page.goto(f"{live_server.url}/notifications/")
    assert case.number in page.locator("main").inner_text()
