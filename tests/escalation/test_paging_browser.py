"""In a real Chromium: the engineer paged opens the link of the page's email, clicks Acknowledge, and
finds the acknowledgement on the case's page in the workspace."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail

from supportal.escalation.models import Page, PageStatus
from tests.browser import sign_in_as, watch_console
from tests.conftest import Story
from tests.escalation.conftest import OnCall
from tests.escalation.test_paging import incident

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_engineer_acknowledges_from_the_email_link_and_sees_it_on_the_case(
    page: Any, live_server: Any, story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    case = incident(story, django_capture_on_commit_callbacks)
    paged = Page.objects.select_related("person").get(case=case)
    [message] = [m for m in mail.outbox if m.to == [paged.person.email] and "/pages/" in m.body]
    link = urlsplit(next(word for word in message.body.split() if "/pages/" in word)).path
    problems = watch_console(page, ignore_failed_loads=True)

    sign_in_as(page, live_server, paged.person)
    page.goto(f"{live_server.url}{link}")
    assert page.get_by_test_id("page-case-number").inner_text() == case.number
    assert page.get_by_test_id("page-status").inner_text() == "Waiting for acknowledgement"
    page.get_by_test_id("page-acknowledge").click()
    page.get_by_test_id("page-acknowledged").wait_for()
    page.get_by_test_id("page-case-link").click()
    page.wait_for_url(f"**/agent/cases/{case.number}/")
    box = page.get_by_test_id("case-paging")
    assert "Acknowledged by " + paged.person.display_name in box.inner_text()
    assert page.get_by_test_id("case-page-acknowledge").count() == 0
    paged.refresh_from_db()
    assert paged.status == PageStatus.ACKNOWLEDGED
    assert not problems, problems
