"""Approvals in the portal: /approvals/, the approval email's signed link and the case page's form."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CloseReason, ExtraField, Visibility
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRequirement,
    ApprovalState,
    Order,
    OrderStatus,
)
from supportal.catalog.services.approvals import approval_from_token
from supportal.orgs import services as org_services
from tests.catalog.conftest import Catalog, OrderMaker, fresh
from tests.conftest import groups

Decide = Callable[..., ApprovalDecision]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def link_of(approver: User) -> str:
    """The path of the approval link in the last approval email sent to `approver`."""
    sent = [m for m in mail.outbox if approver.email in m.to and "/approvals/" in m.body]
    assert sent, f"no approval email to {approver.email}"
    match = re.search(r"/approvals/[^/\s]+/", str(sent[-1].body))
    assert match is not None
    return match[0]


def state_of(case: Case) -> str:
    return ApprovalRequirement.objects.get(case_id=case.pk).state


def revoke(catalog: Catalog, user: User) -> None:
    org_services.membership_groups_set(
        actor=catalog.story.erin, channel="cli", user=fresh(user), groups=groups("case-reporter")
    )


def test_the_email_link_shows_the_summary_and_a_get_never_decides(
    catalog: Catalog, order: OrderMaker
) -> None:
    ExtraField.objects.create(request_type=catalog.dns.request_type, key="record", label="Record to change")
    case = order(
        catalog.dns, subject="Point www at the new host", description="The **new** host.",
        extra={"record": "www A 192.0.2.10"},
    )  # fmt: skip
    response = client_for(None).get(link_of(catalog.story.alice))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    assert "Point www at the new host" in body and "<strong>new</strong>" in body
    assert "DNS change" in body and "Bob Acme" in body
    assert "Record to change" in body and "www A 192.0.2.10" in body
    assert "0 of 1 given" in body and "For Alice Acme" in body
    assert 'data-testid="approve"' in body and 'data-testid="reject"' in body
    assert state_of(case) == ApprovalState.PENDING


def test_approving_from_the_link_without_signing_in(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    response = client_for(None).post(link_of(catalog.story.alice), {"decision": "approve", "comment": "OK"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="approval-done"' in body and "You approved this order" in body
    decision = ApprovalDecision.objects.get(requirement_id=case.pk)
    assert (decision.approver, decision.channel, decision.comment) == (catalog.story.alice, "email", "OK")
    assert Order.objects.get(pk=case.pk).status == OrderStatus.APPROVED
    again = client_for(None).get(link_of(catalog.story.alice))
    assert again.status_code == 409 and "You approved this on" in again.content.decode()
    aaron = client_for(None).get(link_of(catalog.aaron))
    assert aaron.status_code == 409 and "This was approved already" in aaron.content.decode()
    assert client_for(None).post(link_of(catalog.aaron), {"decision": "approve"}).status_code == 409


def test_rejecting_from_the_link_needs_a_reason(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    link = link_of(catalog.aaron)
    response = client_for(None).post(link, {"decision": "reject", "comment": "  "})
    assert response.status_code == 422
    assert "A reason is required to reject." in response.content.decode()
    assert state_of(case) == ApprovalState.PENDING

    response = client_for(None).post(link, {"decision": "reject", "comment": "Not this quarter"})
    assert response.status_code == 200 and "You rejected this order" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.close_reason) == (State.CLOSED, CloseReason.REJECTED)


def test_a_forged_or_expired_link_is_404_with_a_message(catalog: Catalog, order: OrderMaker) -> None:
    order(catalog.dns)
    link = link_of(catalog.story.alice)
    forged = link[:-3] + ("A" if link[-3] != "A" else "B") + "/"
    for url in (forged, "/approvals/nonsense/"):
        response = client_for(None).get(url)
        assert response.status_code == 404
        assert "This approval link is not valid or has expired." in response.content.decode()
    assert client_for(None).post(forged, {"decision": "approve"}).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client_for(None).get(link)
    assert response.status_code == 404 and "not valid or has expired" in response.content.decode()


def test_a_revoked_approver_is_told_and_decides_nothing(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    link = link_of(catalog.story.alice)
    revoke(catalog, catalog.story.alice)
    response = client_for(None).get(link)
    assert response.status_code == 403
    assert "You may no longer approve changes for Acme Corp" in response.content.decode()
    assert 'data-testid="approval-form"' not in response.content.decode()
    response = client_for(None).post(link, {"decision": "approve"})
    assert response.status_code == 403
    assert state_of(case) == ApprovalState.PENDING and not ApprovalDecision.objects.exists()


def test_my_approvals_list_shows_private_orders_without_opening_them(
    catalog: Catalog, order: OrderMaker, decide: Decide
) -> None:
    private = order(catalog.dns, subject="Private DNS order of Bob", description="Only Bob sees the case.")
    shared = order(catalog.dns, subject="A shared one", visibility=Visibility.ORGANIZATION)
    order(catalog.mailbox, subject="Pre-approved mailbox")
    alice = client_for(catalog.story.alice)
    body = alice.get("/approvals/").content.decode()
    assert body.count('data-testid="approval-row"') == 2 and "Pre-approved mailbox" not in body
    assert "Private DNS order of Bob" in body and "Only Bob sees the case." in body and "Bob Acme" in body
    # The signed token carries the second it was made: read it from the page, then check what it names.
    tokens = re.findall(r'href="/approvals/([^/"]+)/"', body)
    named = {approval_from_token(t): t for t in tokens}
    token = named[(private, catalog.story.alice)]
    assert f'href="/cases/{shared.number}/"' in body and f'href="/cases/{private.number}/"' not in body
    assert alice.get(f"/cases/{private.number}/").status_code == 404  # the page stays closed

    # The list's link decides as the signed-in approver, too.
    response = alice.post(f"/approvals/{token}/", {"decision": "approve"})
    assert response.status_code == 200
    decide(shared, catalog.aaron, "approve")
    assert 'data-testid="approvals-empty"' in alice.get("/approvals/").content.decode()


def test_the_approvals_list_is_for_approvers_of_the_organisation(catalog: Catalog, order: OrderMaker) -> None:
    order(catalog.dns, subject="acme-order-to-approve")
    assert 'data-testid="nav-approvals"' in client_for(catalog.story.alice).get("/").content.decode()
    assert 'data-testid="nav-approvals"' not in client_for(catalog.story.bob).get("/").content.decode()
    response = client_for(catalog.story.bob).get("/approvals/")
    assert response.status_code == 403
    assert "You do not approve changes" in response.content.decode()
    story = catalog.story
    org_services.membership_groups_set(
        actor=story.erin, channel="cli", user=story.charlie, groups=groups("case-reporter", "change-approver")
    )
    body = client_for(fresh(story.charlie)).get("/approvals/").content.decode()
    assert "acme-order-to-approve" not in body and 'data-testid="approvals-empty"' in body


def test_the_approvals_list_costs_the_same_for_many_cases(catalog: Catalog, order: OrderMaker) -> None:
    ExtraField.objects.create(request_type=catalog.dns.request_type, key="record", label="Record")
    order(catalog.dns, extra={"record": "a"})
    alice = client_for(catalog.story.alice)
    alice.get("/approvals/")
    with CaptureQueriesContext(connection) as one:
        alice.get("/approvals/")
    for n in range(5):
        order(catalog.dns, extra={"record": f"r{n}"}, visibility=Visibility.ORGANIZATION)
    with CaptureQueriesContext(connection) as six:
        body = alice.get("/approvals/").content.decode()
    assert body.count('data-testid="approval-row"') == 6
    assert len(six) == len(one)


def test_approving_on_the_case_page(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns, visibility=Visibility.ORGANIZATION)
    alice = client_for(catalog.story.alice)
    body = alice.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="approval-form"' in body and f'action="/cases/{case.number}/approval/"' in body

    response = alice.post(
        f"/cases/{case.number}/approval/", {"decision": "approve", "comment": "Go"}, follow=True
    )
    body = response.content.decode()
    assert response.redirect_chain[0][0] == f"/cases/{case.number}/#approvals"
    assert "You approved the order" in body
    assert "Alice Acme</strong>" in body and "Go</p>" in body
    assert 'data-testid="approval-form"' not in body
    assert ApprovalDecision.objects.get().channel == "portal"
    response = alice.post(f"/cases/{case.number}/approval/", {"decision": "approve"})
    assert response.status_code == 409 and "This was approved already." in response.content.decode()


def test_rejecting_on_the_case_page_keeps_the_text_when_refused(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns, visibility=Visibility.ORGANIZATION)
    alice = client_for(catalog.story.alice)
    response = alice.post(f"/cases/{case.number}/approval/", {"decision": "reject", "comment": ""})
    assert response.status_code == 422
    assert "A reason is required to reject." in response.content.decode()
    assert alice.post(f"/cases/{case.number}/approval/", {"comment": "x"}).status_code == 422
    assert state_of(case) == ApprovalState.PENDING

    alice.post(f"/cases/{case.number}/approval/", {"decision": "reject", "comment": "Too risky now"})
    body = client_for(catalog.story.bob).get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="order-status">Rejected<' in body and "Too risky now" in body


def test_an_approver_decides_a_private_order_from_the_list_form(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)  # private to Bob
    alice = client_for(catalog.story.alice)
    response = alice.post(f"/cases/{case.number}/approval/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == "/approvals/"
    assert state_of(case) == ApprovalState.APPROVED


def test_who_is_not_an_approver_cannot_decide_on_the_case_page(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    bob = client_for(catalog.story.bob)
    assert bob.post(f"/cases/{case.number}/approval/", {"decision": "approve"}).status_code == 403
    revoke(catalog, catalog.aaron)
    aaron = client_for(fresh(catalog.aaron))
    assert aaron.post(f"/cases/{case.number}/approval/", {"decision": "approve"}).status_code == 404
    assert (
        client_for(None).post(f"/cases/{case.number}/approval/", {"decision": "approve"}).status_code == 302
    )
    assert state_of(case) == ApprovalState.PENDING
