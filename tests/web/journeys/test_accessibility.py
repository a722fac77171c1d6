"""Journey 7: axe-core (vendored in tests/web/axe) checks every portal page in Chromium, each in the
state a customer (or the agent) sees it with data on it, its folded parts unfolded. Any violation of
impact "serious" or "critical" fails the test; every violation found is printed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.core.files import check_upload
from supportal.orgs import services as org_services
from tests.cases.conftest import CaseMaker, move, reply
from tests.cases.test_attachments import png
from tests.conftest import Story, groups
from tests.web.journeys.conftest import AXE, Catalogue, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILING = {"serious", "critical"}

# Unfold every <details> (the reject form, the watchlist, the priority matrix) so that axe sees them.
UNFOLD = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


class Axe:
    """Runs axe on the page as it is now and keeps what it finds, page by page."""

    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self.found: list[tuple[str, dict[str, Any]]] = []
        self.checked: list[str] = []
        # An init script is not subject to the page's CSP, unlike an injected <script>.
        journey.page.context.add_init_script(path=str(AXE))

    def check(self, label: str, path: str | None = None) -> None:
        if path is not None:
            response = self.journey.open(path)
            assert response.status == 200, (label, path, response.status)
        page = self.journey.page
        page.evaluate(UNFOLD)
        self.found.extend((label, violation) for violation in page.evaluate(RUN_AXE))
        self.checked.append(label)

    def report(self) -> str:
        lines = []
        for label, v in self.found:
            lines.append(f"[{v['impact']}] {label}: {v['id']} ({v['help']})")
            lines.extend(f"    {n['target']}: {' '.join(n['summary'].split())}" for n in v["nodes"][:5])
        return "\n".join(lines)


def test_no_serious_accessibility_violation_on_any_portal_page(
    journey: Journey, story: Story, catalogue: Catalogue, cases: CaseMaker
) -> None:
    case = cases(
        story.alice, subject="The web shop answers 502", description="Since **09:10**; see `nginx` logs.",
        request_type=catalogue.incident, extra={"service": "Web shop"}, config_item=catalogue.app01,
        watchers=[story.bob, "ops@acme.example"], reference="ACME-4711", visibility="organization",
    )  # fmt: skip
    reply(case, story.alice, "Here is the error page.")
    file = check_upload(name="error.png", stream=io.BytesIO(png()), field="file")
    services.attachment_add(actor=story.alice, case=case, file=file, channel="portal")
    move(case, story.dana, Action.TAKE)
    reply(case, story.dana, "Looking at the pool now.")
    reply(case, story.dana, "Pool *app01* restarted; watching it.", public=False)
    move(case, story.dana, Action.RESOLVE)
    cases(story.bob, subject="Printer jams", visibility="organization")

    page = journey.page
    axe = Axe(journey)
    axe.check("sign-in page", "/accounts/login/")

    journey.as_(story.alice)
    axe.check("home", "/")
    axe.check("my cases", "/cases/")
    axe.check("organisation cases", "/cases/?scope=organization")
    axe.check("orders (empty)", "/orders/")
    axe.check("create form, type chosen", "/cases/new/?request_type=cloud-incident")
    page.evaluate("() => { document.getElementById('case-form').noValidate = true; }")
    page.get_by_test_id("submit-case").click()
    page.get_by_test_id("form-errors").wait_for()
    axe.check("create form, with errors")
    axe.check("case page, customer", f"/cases/{case.number}/")
    page.get_by_test_id("action-reject").click()  # no reason: the form comes back with its error
    page.get_by_test_id("error-reject-reason").wait_for()
    axe.check("case page, customer, with an error")
    axe.check("account", "/account/")
    axe.check("notification preferences", "/account/notifications/")
    axe.check("notifications", "/notifications/")
    axe.check("escalation matrix", "/organisation/escalation/")
    axe.check("account status", "/organisation/status/")
    axe.check("organisation users", "/organisation/users/")
    for name, label in (("account_change_password", "password"), ("account_email", "email addresses")):
        axe.check(label, reverse(name))
    axe.check("two-factor authentication", reverse("mfa_index"))
    journey.phone()
    axe.check("organisation cases, phone", "/cases/?scope=organization")
    axe.check("case page, customer, phone", f"/cases/{case.number}/")

    journey.as_(story.dana)  # at desktop width again
    axe.check("case page, agent workspace", f"/agent/cases/{case.number}/")
    journey.shot("journey-7-case-agent.png")
    axe.check("all cases, agent", "/cases/")

    free = org_services.organisation_create(actor=story.erin, channel="cli", name="Small Co", plan=story.free)
    solo = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=free, email="solo@small.example", name="Sol Small",
        groups=groups("case-reporter"),
    )  # fmt: skip
    journey.as_(solo)
    axe.check("home, email-only plan", "/")
    axe.check("create form, email-only plan", "/cases/new/")

    report = axe.report()
    print(f"axe checked {len(axe.checked)} pages: {', '.join(axe.checked)}")
    print(report or "no violation")
    failing = [(label, v) for label, v in axe.found if v["impact"] in FAILING]
    assert not failing, "serious or critical accessibility violations:\n" + report
    journey.clean()
