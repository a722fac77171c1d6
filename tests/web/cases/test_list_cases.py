"""/cases/ and /orders/: who sees which cases, the columns, search, each filter, HTMX and empty states.

Paging, sorting and query counts: test_list_paging.py. The helpers here are shared with it and with
tests/web/test_home.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localtime

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseType, Category, Kind, RequestType, StateLabel, Visibility
from supportal.orgs.models import Organisation
from tests.cases.conftest import move
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

ROW = re.compile(r'data-testid="case-row" data-number="(\d+)"')


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_case(requester: User, subject: str = "Mail server down", **kwargs: Any) -> Case:
    """A case the requester opens for themselves in the portal."""
    organisation = requester.membership.organisation  # type: ignore[attr-defined]
    return services.case_create(
        actor=requester, organisation=organisation, subject=subject, channel="portal", **kwargs
    )


def order_type() -> RequestType:
    """A catalog request type that opens orders."""
    category, _ = Category.objects.get_or_create(slug="services", defaults={"name": "Services"})
    found, _ = RequestType.objects.get_or_create(
        slug="dns-change",
        defaults={
            "category": category,
            "case_type": CaseType.objects.get(code="general-request"),
            "kind": Kind.ORDER,
            "name": "DNS change",
        },
    )
    return found


def listed(response: Any) -> list[str]:
    """The case numbers of a list page's rows, in order."""
    assert response.status_code == 200, response.content[:500]
    return ROW.findall(response.content.decode())


def test_urls_are_named() -> None:
    assert reverse("web:cases") == "/cases/"
    assert reverse("web:orders") == "/orders/"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, story: Story) -> None:
    for url in ("/cases/", "/orders/", "/cases/?scope=organization"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def acme_and_globex(story: Story) -> dict[str, Case]:
    """Bob's private and shared cases, Alice's private one, one Alice opened with Bob watching, Charlie's."""
    return {
        "bob_private": open_case(story.bob, "Bob private printer"),
        "bob_shared": open_case(story.bob, "Bob shared VPN", visibility=Visibility.ORGANIZATION),
        "alice_private": open_case(story.alice, "Alice private payroll"),
        "bob_watches": open_case(story.alice, "Alice asks Bob to watch", watchers=[story.bob]),
        "globex": open_case(story.charlie, "Globex secret merger"),
    }


def test_my_cases_are_the_ones_i_requested_or_watch(story: Story, acme_and_globex: dict[str, Case]) -> None:
    c = acme_and_globex
    bob = client_for(story.bob)
    page = bob.get("/cases/")
    assert set(listed(page)) == {c["bob_private"].number, c["bob_shared"].number, c["bob_watches"].number}
    html = page.content.decode()
    assert '<h1 class="h3 mb-0">My cases</h1>' in html
    assert 'data-testid="scope-tabs"' not in html  # Bob may not see the organisation's cases
    assert "Organisation cases" not in html

    alice = client_for(story.alice).get("/cases/")
    assert set(listed(alice)) == {c["alice_private"].number, c["bob_watches"].number}
    assert 'data-testid="tab-organisation"' in alice.content.decode()


def test_organisation_cases_need_the_permission(story: Story, acme_and_globex: dict[str, Case]) -> None:
    c = acme_and_globex
    alice = client_for(story.alice).get("/cases/?scope=organization")
    # Her own, the one Bob watches (hers), and Bob's shared one; never Bob's private one.
    assert set(listed(alice)) == {c["alice_private"].number, c["bob_watches"].number, c["bob_shared"].number}
    assert 'aria-current="page" href="/cases/?scope=organization"' in alice.content.decode()

    refused = client_for(story.bob).get("/cases/?scope=organization")
    assert refused.status_code == 403
    assert 'data-testid="forbidden"' in refused.content.decode()
    assert "Bob shared VPN" not in refused.content.decode()
    assert client_for(story.bob).get("/orders/?scope=organization").status_code == 403


def test_charlie_sees_nothing_of_acme(story: Story, acme_and_globex: dict[str, Case]) -> None:
    charlie = client_for(story.charlie)
    for url in ("/cases/", "/cases/?scope=organization", "/cases/?q=bob", "/orders/"):
        response = charlie.get(url)
        body = response.content.decode()
        assert "Acme" not in body and "Bob " not in body and "Alice" not in body
    assert listed(charlie.get("/cases/?scope=organization")) == [acme_and_globex["globex"].number]


def test_agents_see_every_case_and_its_organisation(story: Story, acme_and_globex: dict[str, Case]) -> None:
    dana = client_for(story.dana)
    page = dana.get("/cases/?scope=organization")  # the scope means nothing to agents
    assert set(listed(page)) == {case.number for case in acme_and_globex.values()}
    html = page.content.decode()
    assert '<h1 class="h3 mb-0">All cases</h1>' in html
    assert '<td data-label="Organisation">Globex</td>' in html
    assert 'data-testid="create-case"' not in html


def test_the_columns(story: Story) -> None:
    Organisation.objects.filter(pk=story.globex.pk).update(shared_login=True)  # Globex's one front-desk login
    story.charlie.refresh_from_db()
    case = open_case(story.charlie, "Projector shows nothing", requester_name="Paula Front", urgency="high",
                     impact="high")  # fmt: skip
    move(case, story.dana, Action.TAKE)
    StateLabel.objects.filter(state=State.OPEN).update(label="Being worked on")

    html = client_for(story.charlie).get("/cases/").content.decode()
    row = html[html.index('data-testid="case-row"') :]
    row = row[: row.index("</tr>")]
    assert f'<a href="/cases/{case.number}/" class="case-number">{case.number}</a>' in row
    assert "Projector shows nothing" in row
    assert '<td data-label="Requester">Paula Front</td>' in row
    assert (
        '<span class="badge state-badge state-open" data-testid="case-status">Being worked on</span>' in row
    )
    assert '<span class="badge priority-badge priority-P1">P1 Critical</span>' in row
    case.refresh_from_db()
    assert f'<time datetime="{localtime(case.updated_at).isoformat()}">' in row


def test_orders_have_their_own_list(story: Story) -> None:
    case = open_case(story.bob, "Laptop is slow")
    order = open_case(story.bob, "Add a DNS record", request_type=order_type())
    assert order.kind == Kind.ORDER
    bob = client_for(story.bob)
    assert listed(bob.get("/cases/")) == [case.number]
    orders = bob.get("/orders/")
    assert listed(orders) == [order.number]
    assert '<h1 class="h3 mb-0">My orders</h1>' in orders.content.decode()


def test_search_finds_public_text_only_for_customers(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    vpn = open_case(story.alice, "VPN tunnel flaps", description="Every ten minutes since Monday")
    open_case(story.alice, "Printer jams")
    services.comment_add(
        actor=story.dana, case=vpn, body="Suspect the firewall", channel="portal", public=False
    )
    services.comment_add(actor=story.dana, case=vpn, body="Please send the router logs", channel="portal")
    alice = client_for(story.alice)

    assert listed(alice.get("/cases/", {"q": "vpn"})) == [vpn.number]
    assert listed(alice.get("/cases/", {"q": "minut mond"})) == [vpn.number]  # prefixes, every word
    assert listed(alice.get("/cases/", {"q": "router logs"})) == [vpn.number]  # public comments
    assert listed(alice.get("/cases/", {"q": "firewall"})) == []  # an internal note does not leak
    assert listed(client_for(story.dana).get("/cases/", {"q": "firewall"})) == [vpn.number]
    page = alice.get("/cases/", {"q": "firewall"})
    assert 'value="firewall"' in page.content.decode()  # what she typed stays
    assert "No cases match these filters." in page.content.decode()


def test_status_type_and_priority_filters(story: Story) -> None:
    new = open_case(story.alice, "Fresh", urgency="low", impact="low")
    taken = open_case(story.alice, "Taken", urgency="high", impact="high")
    move(taken, story.dana, Action.TAKE)
    waiting = open_case(story.alice, "Waiting", case_type=CaseType.objects.get(code="question"))
    move(waiting, story.dana, Action.TAKE)
    move(waiting, story.dana, Action.ASK_INFO)
    alice = client_for(story.alice)

    assert listed(alice.get("/cases/?status=open")) == [taken.number]
    assert set(listed(alice.get("/cases/?status=new&status=awaiting_info"))) == {new.number, waiting.number}
    assert listed(alice.get("/cases/?type=question")) == [waiting.number]
    assert listed(alice.get("/cases/?priority=P1")) == [taken.number]
    assert listed(alice.get("/cases/?priority=P4")) == [new.number]
    assert listed(alice.get("/cases/?priority=P4&status=open")) == []
    html = alice.get("/cases/?status=open&type=question").content.decode()
    assert 'value="open" class="form-check-input" id="id_status_1" checked' in html
    assert 'data-testid="more-filters" open>' in html  # the type filter is in there
    assert 'data-testid="more-filters">' in alice.get("/cases/?status=open&sort=updated").content.decode()
    assert 'data-testid="more-filters" open>' in alice.get("/cases/?sort=priority").content.decode()


def test_requester_filter_on_the_organisation_tab(story: Story) -> None:
    bobs = open_case(story.bob, "Bob's shared", visibility=Visibility.ORGANIZATION)
    alices = open_case(story.alice, "Alice's own")
    alice = client_for(story.alice)
    organisation = alice.get("/cases/?scope=organization")
    html = organisation.content.decode()
    assert f'value="{story.bob.pk}" data-testid="person-option"' in html  # the requester picker
    assert "Charlie" not in html
    assert listed(alice.get(f"/cases/?scope=organization&requester={story.bob.pk}")) == [bobs.number]
    assert listed(alice.get(f"/cases/?scope=organization&requester={story.alice.pk}")) == [alices.number]
    # On My cases the filter offers only "Me"; someone else is refused with a message, not applied.
    mine = alice.get(f"/cases/?requester={story.bob.pk}")
    assert listed(mine) == [alices.number]
    assert 'id="id_requester_error"' in mine.content.decode()
    # Charlie cannot filter on Acme's people.
    assert listed(client_for(story.charlie).get(f"/cases/?scope=organization&requester={story.bob.pk}")) == []


def test_configuration_item_filter(story: Story) -> None:
    types = make_types(story)
    mail = add_item(story, types, "mail-01")
    add_item(story, types, "db-01")
    globex_item = add_item(story, types, "globex-01", organisation=story.globex)
    on_mail = open_case(story.alice, "Mail queue stuck", config_item=mail)
    open_case(story.alice, "No item")
    alice = client_for(story.alice)
    html = alice.get("/cases/").content.decode()
    assert f'value="{mail.pk}" data-testid="config-item-option"' in html
    assert "globex-01" not in html
    assert listed(alice.get(f"/cases/?config_item={mail.pk}")) == [on_mail.number]
    refused = alice.get(f"/cases/?config_item={globex_item.pk}")
    assert 'data-testid="error-ci-config_item"' in refused.content.decode()


def test_created_date_filters_use_the_persons_days(story: Story) -> None:
    def opened_at(moment: datetime, subject: str) -> Case:
        with time_machine.travel(moment, tick=False):
            return open_case(story.alice, subject)

    march = opened_at(datetime(2026, 3, 10, 12, tzinfo=UTC), "March")
    april = opened_at(datetime(2026, 4, 2, 12, tzinfo=UTC), "April")
    may = opened_at(datetime(2026, 5, 20, 12, tzinfo=UTC), "May")
    alice = client_for(story.alice)
    assert listed(alice.get("/cases/?created_from=2026-04-01")) == [may.number, april.number]
    assert listed(alice.get("/cases/?created_to=2026-04-02")) == [april.number, march.number]
    assert listed(alice.get("/cases/?created_from=2026-04-02&created_to=2026-04-02")) == [april.number]
    assert listed(alice.get("/cases/?created_from=2026-03-11&created_to=2026-05-19")) == [april.number]


def test_bad_filters_say_so_and_keep_what_was_typed(story: Story) -> None:
    vpn = open_case(story.alice, "VPN down")
    open_case(story.alice, "Printer jams")
    alice = client_for(story.alice)
    page = alice.get("/cases/?q=vpn&created_from=yesterday&created_to=2099-01-01&status=lost&priority=P9")
    assert listed(page) == [vpn.number]  # the valid filter still applies
    html = page.content.decode()
    assert 'value="vpn"' in html and 'value="yesterday"' in html
    assert 'id="id_created_from_error"' in html and 'aria-invalid="true"' in html
    assert 'id="id_status_error"' in html and 'id="id_priority_error"' in html
    assert 'data-testid="filter-errors"' in html
    backwards = alice.get("/cases/?created_from=2026-02-01&created_to=2026-01-01").content.decode()
    assert "Must not be before the “Created from” date." in backwards
    ancient = alice.get("/cases/?created_from=0001-01-01").content.decode()
    assert "Enter a date between 1900 and 9998." in ancient


def test_htmx_gets_the_results_only(story: Story) -> None:
    vpn = open_case(story.alice, "VPN down")
    alice = client_for(story.alice)
    partial = alice.get("/cases/?q=vpn", headers={"HX-Request": "true"})
    assert listed(partial) == [vpn.number]
    html = partial.content.decode()
    assert "<html" not in html and 'data-testid="case-filters"' not in html
    assert "HX-Request" in partial["Vary"]
    # Going back in history asks for the whole page again.
    restore = alice.get("/cases/?q=vpn", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()
    full = alice.get("/cases/").content.decode()
    assert 'hx-get="/cases/" hx-target="#case-results" hx-push-url="true"' in full
    assert '<div id="case-results" data-testid="case-results">' in full


def test_empty_states(story: Story) -> None:
    bob = client_for(story.bob)
    empty = bob.get("/cases/").content.decode()
    assert "No cases yet." in empty
    assert 'href="/cases/new/"' in empty
    assert "No orders yet." in bob.get("/orders/").content.decode()
    open_case(story.bob, "VPN down")
    none_match = bob.get("/cases/?status=closed").content.decode()
    assert "No cases match these filters." in none_match
    assert '<a href="/cases/">Clear filters</a>' in none_match
    assert (
        "No cases match" in client_for(story.alice).get("/cases/?scope=organization&q=zzz").content.decode()
    )
    assert 'href="/cases/?scope=organization">Clear filters' in (
        client_for(story.alice).get("/cases/?scope=organization&q=zzz").content.decode()
    )
