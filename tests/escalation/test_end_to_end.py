"""Issue 8's story end to end, over real sockets where the product has them: Charlie mails Globex's outage
in over LMTP; the agent makes it an Incident and Charlie raises it to P1 in the portal; the on-call
engineer's page reaches an SMTP server on loopback; nobody acknowledges, so the minute sweep pages the
next person; Charlie escalates twice and sees level 2; the missed first response shows in the SLA report.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import Case, CaseType
from supportal.channels.email.lmtp import LMTPController
from supportal.escalation import selectors
from supportal.escalation.models import Page, PageStatus
from supportal.escalation.schedule import escalation_chain
from supportal.escalation.services.paging import page_sweep
from supportal.orgs.models import EscalationContact, EscalationLevel
from supportal.sla.services.sweep import sla_sweep
from tests import smtp_server as smtp_fixtures
from tests.channels.email.mail import mail
from tests.channels.email.test_email_journey import deliver
from tests.channels.email.test_email_journey import lmtp as lmtp_fixture
from tests.conftest import Story
from tests.escalation.conftest import OnCall
from tests.smtp_server import SmtpServer

smtp_server = smtp_fixtures.smtp_server
lmtp = lmtp_fixture  # LMTP on loopback, as the email journey runs it
WAIT = 15.0


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages_to(server: SmtpServer, address: str, count: int) -> list[EmailMessage]:
    """The page emails to `address`, once `count` of them arrived."""
    for _ in range(int(WAIT * 10)):
        found = [m for m in server.parsed() if address in str(m["To"]) and "PAGE:" in str(m["Subject"])]
        if len(found) >= count:
            return found
        server.wait_for(len(server.messages) + 1, 0.1)
    raise AssertionError(f"no page email reached {address}: {[str(m['Subject']) for m in server.parsed()]}")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_an_email_incident_pages_passes_on_escalates_and_breaches(
    story: Story, on_call: OnCall, settings: Any, smtp_server: SmtpServer, lmtp: LMTPController
) -> None:
    smtp_server.deliver_here(settings)
    for level, name, email in (
        (1, "Duty manager", "duty@provider.example"),
        (2, "Director", "cto@provider.example"),
    ):
        row = EscalationLevel.objects.create(organisation=story.globex, level=level, name=name)
        EscalationContact.objects.create(level=row, name=name, role=name, email=email)

    # 1. Charlie mails in: a P3 general request, as every case by email starts.
    raw = mail(
        subject="Card payments fail with HTTP 500",
        body="Every card payment through the API fails since 02:10.\n\nCharlie",
        sender="Charlie Globex <charlie@globex.example>",
    )
    deliver(lmtp, raw, sender="charlie@globex.example")
    case = Case.objects.get(organisation=story.globex)
    assert (case.channel, case.priority, case.case_type.code) == ("email", "P3", "general-request")
    assert not Page.objects.exists()

    # 2. Dana makes it an Incident; Charlie raises it to P1 in the portal: now it pages.
    incident = CaseType.objects.get(code="incident")
    answer = client_for(story.dana).post(f"/agent/cases/{case.number}/type/", {"case_type": incident.pk})
    assert answer.status_code in (200, 302)
    assert not Page.objects.exists()  # a P3 incident never pages
    charlie = client_for(story.charlie)
    answer = charlie.post(
        f"/cases/{case.number}/priority/",
        {"urgency": "high", "impact": "high", "priority": "P1", "reason": "All card payments are down."},
    )
    assert answer.status_code == 302
    chain = escalation_chain(
        selectors.rotation_of(on_call.rota), [], selectors.team_lead_ids(on_call.rota.team_id), timezone.now()
    )
    first, second = (User.objects.get(pk=person) for person, _ in chain[:2])
    [page_email] = pages_to(smtp_server, first.email, 1)
    assert case.number in str(page_email["Subject"]) and "P1 Critical incident of Globex" in str(
        page_email["Subject"]
    )
    link = re.search(r"https?://\S+/pages/[\w-]+/", text_of(page_email))
    assert link is not None, text_of(page_email)
    waiting = Page.objects.get(case=case)
    assert (waiting.person_id, waiting.status) == (first.pk, PageStatus.PENDING)

    # 3. Nobody acknowledges: after the timeout the minute sweep pages the next person.
    assert page_sweep(timezone.now() + timedelta(minutes=10)) == 0
    assert page_sweep(timezone.now() + timedelta(minutes=16)) == 1
    pages_to(smtp_server, second.email, 1)
    assert list(Page.objects.filter(case=case).order_by("id").values_list("person_id", "status")) == [
        (first.pk, PageStatus.PASSED_ON),
        (second.pk, PageStatus.PENDING),
    ]
    history = client_for(story.dana).get(f"/agent/cases/{case.number}/").content.decode()
    assert f"paged the on-call engineer, {first.display_name}" in history
    assert f"paged the next person on the rota, {second.display_name}" in history
    assert "paged the" not in charlie.get(f"/cases/{case.number}/").content.decode()  # internal

    # 4. Charlie escalates twice and sees level 2.
    for reason in ("Still down after 20 minutes.", "Our CEO is on the phone."):
        answer = charlie.post(f"/cases/{case.number}/escalate/", {"reason": reason})
        assert answer.status_code == 302
    page = charlie.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="case-escalation">Escalation level 2<' in page
    assert any("cto@provider.example" in str(m["To"]) for m in smtp_server.parsed())

    # 5. The first response was never given: the breach shows in the SLA report.
    due = timezone.now() + timedelta(minutes=31)
    assert sla_sweep(due).breached >= 1
    start = (timezone.localdate() - timedelta(days=1)).isoformat()
    end = (timezone.localtime(due) + timedelta(days=1)).date().isoformat()
    report = client_for(story.dana).get(f"/agent/reports/sla/?start={start}&end={end}").content.decode()
    rows = re.findall(r'<tr data-testid="sla-report-row">(.*?)</tr>', report, flags=re.S)
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)] for r in rows
    ]
    assert ["Globex", "First response", "0", "1", "0", "0.0%"] in cells
