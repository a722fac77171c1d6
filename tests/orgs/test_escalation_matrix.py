"""Admins and the organisation's CSM set its escalation matrix; customers read it in the portal."""

from __future__ import annotations

import pytest

from supportal.audit.models import AuditRecord
from supportal.core.errors import Forbidden, InvalidInput
from supportal.orgs.models import EscalationLevel
from supportal.orgs.services import EscalationContactSpec, EscalationLevelSpec, escalation_matrix_set

MATRIX = [
    EscalationLevelSpec(
        "Service Desk lead", [EscalationContactSpec("Grace", "Team lead", "grace@provider.example")]
    ),
    EscalationLevelSpec(
        "Head of delivery",
        [EscalationContactSpec("Ola", "Head of delivery", "OLA@provider.example", "+44 1")],
    ),
]


def test_csm_sets_the_matrix_and_customers_see_it(story, client):
    escalation_matrix_set(actor=story.frank, channel="web", organisation=story.acme, levels=MATRIX)
    levels = list(EscalationLevel.objects.filter(organisation=story.acme).prefetch_related("contacts"))
    assert [(lv.level, lv.name) for lv in levels] == [(1, "Service Desk lead"), (2, "Head of delivery")]
    assert levels[1].contacts.get().email == "ola@provider.example"
    record = AuditRecord.objects.get(action="organisation.escalation_matrix_set")
    assert record.new["levels"][0] == {
        "name": "Service Desk lead",
        "contacts": ["Grace <grace@provider.example>"],
    }

    client.force_login(story.bob)
    page = client.get("/organisation/escalation/").content.decode()
    assert "Level 2: Head of delivery" in page and "ola@provider.example" in page

    client.force_login(story.charlie)  # Globex sees its own (empty) matrix, never Acme's
    assert "Head of delivery" not in client.get("/organisation/escalation/").content.decode()


def test_setting_it_again_replaces_it(story):
    escalation_matrix_set(actor=story.erin, channel="admin", organisation=story.acme, levels=MATRIX)
    escalation_matrix_set(actor=story.erin, channel="admin", organisation=story.acme, levels=MATRIX[1:])
    assert list(EscalationLevel.objects.filter(organisation=story.acme).values_list("level", "name")) == [
        (1, "Head of delivery")
    ]


@pytest.mark.parametrize("who", ["alice", "dana"])
def test_customers_and_other_agents_may_not(story, who):
    with pytest.raises(Forbidden):
        escalation_matrix_set(
            actor=getattr(story, who), channel="web", organisation=story.acme, levels=MATRIX
        )


def test_bad_input_changes_nothing(story):
    escalation_matrix_set(actor=story.erin, channel="admin", organisation=story.acme, levels=MATRIX)
    with pytest.raises(InvalidInput):
        escalation_matrix_set(
            actor=story.erin,
            channel="admin",
            organisation=story.acme,
            levels=[EscalationLevelSpec("No contacts", [])],
        )
    with pytest.raises(InvalidInput):
        escalation_matrix_set(
            actor=story.erin,
            channel="admin",
            organisation=story.acme,
            levels=[EscalationLevelSpec("Bad", [EscalationContactSpec("X", "Y", "not-an-email")])],
        )
    assert EscalationLevel.objects.filter(organisation=story.acme).count() == 2
