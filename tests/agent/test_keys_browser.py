"""The keyboard shortcuts (agent_keys.js) in a real Chromium, on small test-only pages shaped like the
workspace's queue and case pages (served by this module's URLconf, in the real workspace layout): each
key does its one thing, keys typed into fields stay in the field, and the help opens on "?" or a click.
tests/agent/test_keys_workspace.py walks the same keys on the real pages."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from supportal.urls import urlpatterns as real_urlpatterns
from tests.browser import active_row, watch_console
from tests.web.journeys.conftest import AXE
from tests.web.journeys.test_accessibility import FAILING, RUN_AXE

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

NUMBERS = ["2601000001", "2601000002", "2601000003"]

QUEUE = """{% extends "agent/workspace.html" %}{% block workspace %}
<h1>Test queue</h1>
<label for="search">Search</label><input id="search" type="search">
<table class="table" data-queue-list><tbody>
{% for number in numbers %}<tr data-case-number="{{ number }}">
  <td><input type="checkbox" name="case" value="{{ number }}" aria-label="Select {{ number }}"></td>
  <td><a href="/agent/cases/{{ number }}/">{{ number }}</a></td></tr>{% endfor %}
</tbody></table>{% endblock %}"""

CASE = """{% extends "agent/workspace.html" %}{% block workspace %}
<article data-case-number="{{ number }}"><h1>Case {{ number }}</h1>
<form method="get"><input type="hidden" name="did" value="take">
  <button type="submit" data-shortcut="take">Assign to me</button></form>
<details id="resolve-panel"><summary data-shortcut="resolve">Resolve…</summary>
  <label for="resolve-comment">Solution</label><textarea id="resolve-comment"></textarea></details>
<fieldset><legend>Write</legend>
  <input type="radio" name="mode" id="mode-public" value="public" data-shortcut="reply">
  <label for="mode-public">Public reply</label>
  <input type="radio" name="mode" id="mode-note" value="note" data-shortcut="note" checked>
  <label for="mode-note">Internal note</label></fieldset>
<label for="composer-body">Message</label><textarea id="composer-body"></textarea>
</article>{% endblock %}"""


def _render(source: str, request: HttpRequest, **context: Any) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(source).render(context, request))


def fake_queue(request: HttpRequest) -> HttpResponse:
    return _render(QUEUE, request, numbers=NUMBERS)


def fake_case(request: HttpRequest, number: str) -> HttpResponse:
    return _render(CASE, request, number=number)


urlpatterns = [
    path("agent/keys-queue/", fake_queue),
    path("agent/cases/<str:number>/", fake_case),
    *real_urlpatterns,
]


def test_queue_keys_move_tick_and_open_and_remember_the_queue(page: Any, live_server: Any) -> None:
    problems = watch_console(page)
    page.goto(f"{live_server.url}/agent/keys-queue/?priority=P1")
    stored = page.evaluate("() => JSON.parse(sessionStorage.getItem('supportal.agent.queue'))")
    assert stored == {"url": "/agent/keys-queue/?priority=P1", "numbers": NUMBERS}

    page.keyboard.press("j")
    assert active_row(page) == NUMBERS[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")  # stays on the last row
    assert active_row(page) == NUMBERS[2]
    page.keyboard.press("k")
    assert active_row(page) == NUMBERS[1]
    assert page.evaluate("() => document.activeElement.textContent") == NUMBERS[1]  # focus follows

    page.keyboard.press("x")
    assert page.get_by_label(f"Select {NUMBERS[1]}").is_checked()
    page.keyboard.press("x")
    assert not page.get_by_label(f"Select {NUMBERS[1]}").is_checked()

    # typing in a field: the keys are the field's (Esc leaves it, and the keys work again)
    page.get_by_label("Search").fill("")
    page.get_by_label("Search").press_sequentially("jkx")
    assert page.get_by_label("Search").input_value() == "jkx"
    assert active_row(page) == NUMBERS[1]
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert active_row(page) == NUMBERS[2]

    page.keyboard.press("o")
    page.wait_for_url(f"**/agent/cases/{NUMBERS[2]}/")
    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/agent/cases/{NUMBERS[0]}/")
    assert problems == []


def test_case_keys_walk_the_stored_queue_and_press_the_pages_buttons(page: Any, live_server: Any) -> None:
    problems = watch_console(page)
    page.goto(f"{live_server.url}/agent/cases/{NUMBERS[1]}/")
    page.keyboard.press("j")  # no queue opened yet: it says so and stays
    assert "Open a queue first" in page.get_by_test_id("shortcut-status").inner_text()
    assert page.url.endswith(f"/agent/cases/{NUMBERS[1]}/")

    page.goto(f"{live_server.url}/agent/keys-queue/")
    page.goto(f"{live_server.url}/agent/cases/{NUMBERS[1]}/")
    page.keyboard.press("j")
    page.wait_for_url(f"**/agent/cases/{NUMBERS[2]}/")
    page.keyboard.press("j")
    assert "last case of the queue" in page.get_by_test_id("shortcut-status").inner_text()
    page.keyboard.press("k")
    page.wait_for_url(f"**/agent/cases/{NUMBERS[1]}/")

    page.keyboard.press("r")
    assert page.locator("#mode-public").is_checked()
    assert page.evaluate("() => document.activeElement.id") == "composer-body"
    page.keyboard.type("just typing: j k u s a")  # stays in the composer
    assert page.locator("#composer-body").input_value() == "just typing: j k u s a"
    assert page.url.endswith(f"/agent/cases/{NUMBERS[1]}/")
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    assert page.locator("#mode-note").is_checked()
    assert page.evaluate("() => document.activeElement.id") == "composer-body"
    page.keyboard.press("Escape")

    page.keyboard.press("s")
    assert page.locator("#resolve-panel").get_attribute("open") is not None
    assert page.evaluate("() => document.activeElement.id") == "resolve-comment"
    page.keyboard.press("Escape")

    page.keyboard.press("a")
    page.wait_for_url(re.compile(r"\?did=take$"))

    page.keyboard.press("u")
    page.wait_for_url("**/agent/keys-queue/")
    assert problems == []


def test_the_help_opens_on_question_mark_and_from_the_menu(page: Any, live_server: Any) -> None:
    problems = watch_console(page)
    page.context.add_init_script(path=str(AXE))  # not subject to the page's CSP
    page.goto(f"{live_server.url}/agent/keys-queue/")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    page.keyboard.press("?")
    help_dialog.wait_for()
    assert "Assign the case to me" in help_dialog.inner_text()
    page.wait_for_function("() => document.activeElement.id === 'shortcuts-help'")  # faded in
    assert [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING] == []
    page.keyboard.press("j")  # ignored while the help is open
    assert active_row(page) is None
    page.keyboard.press("Escape")
    help_dialog.wait_for(state="hidden")
    page.get_by_test_id("shortcuts-button").click()
    help_dialog.wait_for()
    page.get_by_role("button", name="Close").click()
    help_dialog.wait_for(state="hidden")
    assert problems == []
