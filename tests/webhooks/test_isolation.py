"""What each webhook may receive: an organisation's only its own shared cases' public events, in the
customers' view; a provider-wide one everything, in the agents' view. And where a webhook may point."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from tests.conftest import Story
from tests.webhooks.conftest import ALL_CASE_EVENTS, Receiver, make_webhook

from supportal.cases import services as case_services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, Visibility
from supportal.core.domain_events import DomainEvent, publish
from supportal.core.errors import InvalidInput
from supportal.webhooks.models import Delivery, DeliveryStatus, Webhook


def open_case(story: Story, run: Callable[..., Any], actor: Any, organisation: Any, subject: str) -> Case:
    case: Case = run(
        case_services.case_create, actor=actor, organisation=organisation, subject=subject,
        channel="portal", visibility=Visibility.ORGANIZATION,
    )  # fmt: skip
    return case


def test_globex_never_receives_acmes_events(
    story: Story, receiver: Receiver, run: Callable[..., Any]
) -> None:
    globex_hook = make_webhook(story.charlie, receiver.url, organisation=story.globex)
    acme_case = open_case(story, run, story.alice, story.acme, "acme-secret-outage")
    run(
        case_services.comment_add,
        actor=story.dana,
        case=acme_case,
        body="acme-secret-reply",
        channel="portal",
    )
    run(case_services.case_transition, actor=story.dana, case=acme_case, action=Action.TAKE, channel="portal")
    assert receiver.requests == []
    assert not Delivery.objects.filter(webhook=globex_hook).exists()
    open_case(story, run, story.charlie, story.globex, "Globex's own")
    assert receiver.events() == ["case.created"]
    assert receiver.requests[0].json["data"]["case"]["organization"]["name"] == "Globex"
    assert receiver.requests[0].signed_by(globex_hook.secret)


def test_internal_notes_and_internal_events_never_reach_an_organisations_webhook(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    case = open_case(story, run, story.alice, story.acme, "VPN down")
    run(case_services.comment_add, actor=story.dana, case=case, body="internal-only-note", channel="portal",
        public=False)  # fmt: skip
    run(case_services.case_transition, actor=story.dana, case=case, action=Action.TAKE, channel="portal")
    receiver.requests.clear()  # taking it is public: the state and the assignee customers see
    run(case_services.case_assign, actor=story.dana, case=case, assignee=story.frank, channel="portal")
    run(case_services.comment_add, actor=story.dana, case=case, body="Public answer", channel="portal")
    assert receiver.events() == ["case.commented"]  # the hand-over between agents is internal
    everything = b"".join(r.body for r in receiver.requests)
    assert b"internal-only-note" not in everything
    assert all(Delivery.objects.filter(webhook=acme_hook).values_list("status", flat=True))
    comment = receiver.requests[-1].json["data"]["comment"]
    assert comment["body"] == "Public answer"


def test_a_provider_wide_webhook_gets_everything_in_the_agents_view(
    story: Story, receiver: Receiver, run: Callable[..., Any]
) -> None:
    hook = make_webhook(story.erin, receiver.url, organisation=None, events=ALL_CASE_EVENTS)
    private = run(
        case_services.case_create, actor=story.bob, organisation=story.acme, subject="Bob's private case",
        channel="portal",
    )  # fmt: skip
    run(
        case_services.comment_add, actor=story.dana, case=private, body="internal-only-note",
        channel="portal", public=False,
    )  # fmt: skip
    assert receiver.events() == ["case.created", "case.commented"]
    note = receiver.requests[-1].json["data"]
    assert note["comment"]["body"] == "internal-only-note" and note["comment"]["public"] is False
    assert note["event"]["public"] is False
    assert all(r.signed_by(hook.secret) for r in receiver.requests)


def test_private_cases_stay_with_their_people(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    """Alice's webhook must not tell her what Bob keeps private; once he shares it, events flow."""
    case = run(
        case_services.case_create, actor=story.bob, organisation=story.acme, subject="bob-private-subject",
        channel="portal",
    )  # fmt: skip
    run(case_services.comment_add, actor=story.dana, case=case, body="Reply", channel="portal")
    assert receiver.requests == []
    run(
        case_services.case_update,
        actor=story.bob,
        case=case,
        channel="portal",
        visibility=Visibility.ORGANIZATION,
    )
    assert receiver.events() == ["case.updated"]
    assert receiver.requests[0].json["data"]["case"]["subject"] == "bob-private-subject"


def test_links_to_other_organisations_are_left_out_of_the_customers_view(
    story: Story, receiver: Receiver, acme_hook: Webhook, run: Callable[..., Any]
) -> None:
    everything = make_webhook(story.erin, receiver.url, organisation=None, events=["case.commented"])
    acme_case = open_case(story, run, story.alice, story.acme, "Shared outage")
    globex_case = open_case(story, run, story.charlie, story.globex, "Same outage at Globex")
    run(case_services.case_link, actor=story.dana, case=acme_case, other=globex_case, channel="portal")
    receiver.requests.clear()
    run(case_services.comment_add, actor=story.dana, case=acme_case, body="Both fixed", channel="portal")
    by_hook = {
        d.webhook_id: d.payload["case"]["links"] for d in Delivery.objects.filter(event="case.commented")
    }
    assert by_hook[acme_hook.pk] == []
    assert by_hook[everything.pk] == [{"kind": "related", "case": globex_case.number}]
    acme_bodies = [r.body for r in receiver.requests if r.signed_by(acme_hook.secret)]
    assert acme_bodies and all(globex_case.number.encode() not in body for body in acme_bodies)


def test_sla_events_are_delivered_as_published(
    story: Story, receiver: Receiver, run: Callable[..., Any]
) -> None:
    make_webhook(story.alice, receiver.url, organisation=story.acme, events=["sla.warning", "sla.breached"])
    case = open_case(story, run, story.alice, story.acme, "Slow")
    event = DomainEvent("sla.breached", case_id=case.pk, data={"number": case.number, "target": "response"})
    run(publish, event)
    internal = DomainEvent("sla.warning", case_id=case.pk, data={"number": case.number, "public": False})
    run(publish, internal)
    assert receiver.events() == ["sla.breached"]
    data = receiver.requests[0].json["data"]
    assert data["details"] == {"number": case.number, "target": "response"}
    assert data["case"]["number"] == case.number


# --- Where a webhook may point


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_an_organisation_may_not_point_at_private_addresses(story: Story, url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_webhook(story.alice, url, organisation=story.acme)
    assert (
        "private or local" in refused.value.fields["url"][0] or "localhost" in refused.value.fields["url"][0]
    )
    # The provider's own webhooks may (its own network).
    assert make_webhook(story.erin, url, organisation=None).pk


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://hooks.example.com/", "http:// or https://"),
        ("https://user:pw@hooks.example.com/", "no user name or password"),
        ("https:///nohost", "needs a host"),
        ("https://hooks.example.com/" + "a" * 2000, "At most 2000"),
        ("https://hooks.example.com/a b", "no spaces"),
        ("https://hooks.example.com:99999/", "not a valid"),
        ("https://hooks.example.com/#top", "no #fragment"),
        ("hooks.example.com/path", "http:// or https://"),
        ("https://xn--/", "host name is not valid"),
        ("https://under_score.example/", "host name is not valid"),
        ("https://" + "a" * 64 + ".example/", "host name is not valid"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(story: Story, url: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_webhook(story.alice, url, organisation=story.acme)
    assert problem in refused.value.fields["url"][0]


def test_names_are_resolved_again_at_delivery(
    story: Story, receiver: Receiver, run: Callable[..., Any], settings: Any
) -> None:
    """A name that resolves to a private address is refused when sending, not only when saving."""
    url = receiver.url.replace("127.0.0.1", "localhost")
    settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    hook = make_webhook(story.alice, url, organisation=story.acme)
    settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE = False  # the operator turned it off since
    open_case(story, run, story.alice, story.acme, "Anyone there?")
    assert receiver.requests == []
    delivery = Delivery.objects.get(webhook=hook)
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_code is None
    assert "private or local address" in delivery.error
    settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    run(case_services.comment_add, actor=story.dana, case=Case.objects.get(), body="Now?", channel="portal")
    assert receiver.events() == ["case.commented"]
    assert json.loads(receiver.requests[0].body)["data"]["comment"]["body"] == "Now?"


def test_unknown_or_no_events_are_refused(story: Story) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_webhook(
            story.alice, "https://hooks.example.com/", organisation=story.acme, events=["case.eaten"]
        )
    assert refused.value.fields["event_types"] == ["Unknown event type(s): case.eaten."]
    from supportal.webhooks import services

    with pytest.raises(InvalidInput):
        services.webhook_create(
            actor=story.alice, channel="cli", organisation=story.acme, url="https://hooks.example.com/",
            event_types=[],
        )  # fmt: skip
