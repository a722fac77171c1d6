"""The home page (/): Create a case, the customer's widgets, the email-only plan page, and the nav."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case
from supportal.orgs import services as org_services
from tests.cases.conftest import move
from tests.conftest import Story, groups, verified
from tests.web.cases.test_list_cases import client_for, listed, open_case, order_type

WIDGET = re.compile(r'data-testid="widget-([\w-]+)"(.*?)</section>', re.S)
ROW = re.compile(r'data-testid="widget-row" data-number="(\d+)"')
SEE_ALL = re.compile(r'<a class="small see-all" href="([^"]+)" data-testid="see-all">')


def widgets(html: str) -> dict[str, tuple[list[str], str]]:
    """Each widget's case numbers and its "See all" link."""
    found = {}
    for key, body in WIDGET.findall(html):
        link = SEE_ALL.search(body)
        assert link is not None
        found[key] = (ROW.findall(body), unescape(link.group(1)))
    return found


def in_state(story: Story, state: State, subject: str, requester: Any = None, **kwargs: Any) -> Case:
    """A case of Alice's (or `requester`'s) brought to `state` by Dana and the requester."""
    requester = requester or story.alice
    case = open_case(requester, subject, **kwargs)
    steps = {
        State.NEW: [],
        State.OPEN: [(story.dana, Action.TAKE)],
        State.AWAITING_INFO: [(story.dana, Action.TAKE), (story.dana, Action.ASK_INFO)],
        State.RESOLVED: [(story.dana, Action.TAKE), (story.dana, Action.RESOLVE)],
        State.CLOSED: [(requester, Action.CLOSE)],
    }[state]
    for actor, action in steps:
        move(case, actor, action)
    return case


def test_a_customers_home(story: Story) -> None:
    new = in_state(story, State.NEW, "New one")
    waiting = in_state(story, State.AWAITING_INFO, "Needs her logs")
    resolved = in_state(story, State.RESOLVED, "Fixed, please check")
    in_state(story, State.CLOSED, "Long done")
    watched = in_state(
        story, State.AWAITING_INFO, "Bob's, Alice watches", requester=story.bob, watchers=[story.alice]
    )
    order = open_case(story.alice, "Add a DNS record", request_type=order_type())
    closed_order = open_case(story.alice, "Old DNS record", request_type=order_type())
    move(closed_order, story.alice, Action.CLOSE)
    open_case(story.bob, "Bob's private one")

    alice = client_for(story.alice)
    html = alice.get("/").content.decode()
    assert 'href="/cases/new/" data-testid="create-case">Create a case</a>' in html
    assert 'data-testid="account-status">Green</span>' in html
    assert 'href="/organisation/escalation/">Escalation matrix</a>' in html
    assert 'data-testid="email-support"' not in html
    found = widgets(html)
    assert set(found["open"][0]) == {new.number, waiting.number, resolved.number, watched.number}
    assert found["awaiting-info"][0] == [waiting.number]  # Bob's case waits for Bob, not her
    assert found["resolved"][0] == [resolved.number]
    assert found["orders"][0] == [order.number]

    # "See all" opens the list filtered the same way.
    for key, (numbers, url) in found.items():
        assert url.startswith("/orders/?" if key == "orders" else "/cases/?")
        assert set(listed(alice.get(url))) == set(numbers), key


def test_widgets_show_five_rows_and_say_when_empty(story: Story) -> None:
    bob = client_for(story.bob)
    empty = bob.get("/").content.decode()
    assert "You have no open cases." in empty and "No solutions are waiting for you." in empty
    for n in range(7):
        open_case(story.bob, f"Case {n}")
    found = widgets(bob.get("/").content.decode())
    assert len(found["open"][0]) == 5
    assert found["awaiting-info"][0] == []


def test_home_runs_a_fixed_number_of_queries(story: Story) -> None:
    def fill(count: int) -> None:
        for n in range(count):
            in_state(story, [State.NEW, State.AWAITING_INFO, State.RESOLVED][n % 3], f"Case {n}")
            open_case(story.alice, f"Order {n}", request_type=order_type())

    alice = client_for(story.alice)
    fill(3)
    alice.get("/")
    with CaptureQueriesContext(connection) as few:
        alice.get("/")
    fill(27)
    # Session, user, membership and groups, the organisation with its plan, state names, and the widgets:
    # one query each, two for "my open cases" and "my orders" (requested and watched, merged).
    with CaptureQueriesContext(connection) as many:
        html = alice.get("/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries) == 12
    assert all(len(rows) == 5 for rows, _ in widgets(html).values())


def test_an_email_only_plan_explains_how_to_write_to_support(story: Story, settings: Any) -> None:
    settings.SUPPORT_ADDRESS = "help@provider.example"
    initech = org_services.organisation_create(
        actor=story.erin, channel="cli", name="Initech", plan=story.free
    )
    peter = verified(
        org_services.customer_user_create(
            actor=story.erin, channel="cli", organisation=initech, email="peter@initech.example",
            name="Peter Initech", groups=groups("case-reporter"),
        )
    )  # fmt: skip
    html = client_for(peter).get("/").content.decode()
    assert 'data-testid="email-support"' in html
    assert (
        'href="mailto:help@provider.example" data-testid="support-address">help@provider.example</a>' in html
    )
    assert 'data-testid="create-case"' not in html
    assert 'data-testid="widget-open"' in html  # cases they sent by email are still listed


def test_agents_start_in_their_workspace(story: Story) -> None:
    response = client_for(story.dana).get("/")
    assert response.status_code == 302 and response["Location"] == "/agent/"


def test_the_nav(story: Story) -> None:
    alice = client_for(story.alice).get("/cases/?scope=organization").content.decode()
    nav = alice[alice.index("<nav") : alice.index("</nav>")]
    assert 'href="/cases/?scope=organization">Organisation cases</a>' in nav
    assert 'class="dropdown-item active" aria-current="page" href="/cases/?scope=organization"' in nav
    assert 'href="/orders/">Orders</a>' in nav
    assert 'href="/cases/new/" data-testid="nav-create-case">Create a case</a>' in nav
    assert nav.count('href="/notifications/"') == 1
    assert 'data-testid="nav-profile">Profile</a>' in nav
    assert 'href="/organisation/users/">Users</a>' in nav
    try:
        assert f'href="{reverse("web:catalog")}">Catalog</a>' in nav
    except NoReverseMatch:
        assert "Catalog" not in nav  # until a catalog page exists

    bob = client_for(story.bob).get("/").content.decode()
    nav = bob[bob.index("<nav") : bob.index("</nav>")]
    assert "Organisation cases" not in nav and "Users</a>" not in nav
    assert 'href="/cases/">My cases</a>' in nav
    assert 'class="nav-link active" aria-current="page" href="/">Home</a>' in nav

    dana = client_for(story.dana).get("/notifications/").content.decode()
    nav = dana[dana.index("<nav") : dana.index("</nav>")]
    assert 'href="/cases/">Cases</a>' in nav and "Agent workspace" in nav
    assert "Create a case" not in nav and "Escalation matrix" not in nav


def test_no_create_a_case_without_the_permission(story: Story) -> None:
    olga = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.acme, email="olga@acme.example",
        name="Olga Onlooker", groups=groups("organisation-cases"),
    )  # fmt: skip
    client = client_for(olga)
    for url in ("/", "/cases/", "/cases/?scope=organization", "/orders/"):
        html = client.get(url).content.decode()
        assert "Create a case" not in html, url
    assert 'href="/cases/?scope=organization">Organisation cases</a>' in client.get("/").content.decode()
