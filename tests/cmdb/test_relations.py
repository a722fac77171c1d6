"""Relations between configuration items: one organisation, never to itself, once each; agents only;
audited; listed both ways."""

from __future__ import annotations

import pytest

from supportal.audit.models import AuditRecord
from supportal.cmdb import selectors, services
from supportal.cmdb.models import ConfigItemRelation
from supportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story


def test_an_agent_relates_two_items_and_both_pages_say_so(story: Story, types: Types) -> None:
    web, host = add_item(story, types, "web-01"), add_item(story, types, "host-01")
    relation = services.relation_add(actor=story.dana, channel="web", source=web, target=host, kind="runs_on")
    [on_web] = selectors.relations_of(web)
    [on_host] = selectors.relations_of(host)
    assert (on_web.phrase, on_web.other, on_web.outgoing) == ("runs on", host, True)
    assert (on_host.phrase, on_host.other, on_host.outgoing) == ("runs on this", web, False)
    record = AuditRecord.objects.get(action="config_item.relation_added")
    assert (record.actor_id, record.object_id, record.organisation_id) == (
        story.dana.pk, str(web.pk), story.acme.pk,
    )  # fmt: skip
    assert record.new == {"kind": "runs_on", "target": host.pk, "target_name": "host-01"}
    assert relation.kind == "runs_on"


def test_the_same_relation_twice_is_a_conflict_but_another_kind_is_not(story: Story, types: Types) -> None:
    web, db = add_item(story, types, "web-01"), add_item(story, types, "db-01")
    services.relation_add(actor=story.dana, channel="web", source=web, target=db, kind="depends_on")
    with pytest.raises(Conflict):
        services.relation_add(actor=story.dana, channel="web", source=web, target=db, kind="depends_on")
    services.relation_add(actor=story.dana, channel="web", source=web, target=db, kind="connected_to")
    services.relation_add(actor=story.dana, channel="web", source=db, target=web, kind="depends_on")
    assert ConfigItemRelation.objects.count() == 3


def test_no_relation_to_itself_another_organisation_or_of_an_unknown_kind(story: Story, types: Types) -> None:
    web = add_item(story, types, "web-01")
    theirs = add_item(story, types, "globex-01", organisation=story.globex)
    for target, kind in ((web, "runs_on"), (theirs, "runs_on"), (add_item(story, types, "x"), "owns")):
        with pytest.raises(InvalidInput) as error:
            services.relation_add(actor=story.dana, channel="web", source=web, target=target, kind=kind)
        assert list(error.value.fields) == ["kind" if kind == "owns" else "target"]
    assert not ConfigItemRelation.objects.exists()


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_customers_may_not_relate_items(story: Story, types: Types, who: str) -> None:
    web, host = add_item(story, types, "web-01"), add_item(story, types, "host-01")
    with pytest.raises(Forbidden):
        services.relation_add(
            actor=getattr(story, who), channel="web", source=web, target=host, kind="runs_on"
        )
    relation = services.relation_add(actor=story.dana, channel="web", source=web, target=host, kind="runs_on")
    with pytest.raises(Forbidden):
        services.relation_remove(actor=getattr(story, who), channel="web", item=web, relation_id=relation.pk)


def test_removing_from_either_end_is_audited_and_only_the_items_own(story: Story, types: Types) -> None:
    web, host, other = (add_item(story, types, name) for name in ("web-01", "host-01", "other"))
    relation = services.relation_add(actor=story.dana, channel="web", source=web, target=host, kind="runs_on")
    with pytest.raises(NotFound):
        services.relation_remove(actor=story.dana, channel="web", item=other, relation_id=relation.pk)
    with pytest.raises(NotFound):
        services.relation_remove(actor=story.dana, channel="web", item=host, relation_id=2**70)
    services.relation_remove(actor=story.dana, channel="api", item=host, relation_id=relation.pk)
    assert not ConfigItemRelation.objects.exists()
    record = AuditRecord.objects.get(action="config_item.relation_removed")
    assert (record.channel, record.object_id) == ("api", str(web.pk))
    assert record.old == {"kind": "runs_on", "source": web.pk, "target": host.pk, "target_name": "host-01"}
