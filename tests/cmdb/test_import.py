"""config_items_import: the rules of config_item_create/update for every row, bad rows reported with their
line, all or nothing unless partial, dry runs write nothing."""

from __future__ import annotations

import pytest

from supportal.audit.models import AuditRecord
from supportal.cmdb import services
from supportal.cmdb.models import ConfigItem
from supportal.cmdb.services import ImportProblem
from supportal.core.errors import Forbidden, InvalidInput
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story

GOOD = """type,name,identifier,os,cpus,monitored,expires_on
server,web-01,web-01.acme.example,linux,4,yes,
server,db-01,,windows,,no,
certificate,www.acme.example,www.acme.example,,,,2027-03-31
"""


def run(story: Story, text: str, **options: bool) -> services.ImportReport:
    return services.config_items_import(
        actor=story.dana, channel="web", organisation=story.acme, csv_text=text,
        dry_run=options.get("dry_run", False), partial=options.get("partial", False),
    )  # fmt: skip


def test_a_good_file_creates_typed_items_audited(story: Story, types: Types) -> None:
    report = run(story, GOOD)
    assert (report.created, report.updated, report.errors) == (3, 0, [])
    web = ConfigItem.objects.get(name="web-01")
    assert (web.organisation, web.item_type, web.identifier) == (
        story.acme,
        types.server,
        "web-01.acme.example",
    )
    assert web.attributes == {"os": "linux", "cpus": 4, "monitored": True}
    assert ConfigItem.objects.get(name="db-01").attributes == {"os": "windows", "monitored": False}
    assert ConfigItem.objects.get(name="www.acme.example").attributes == {"expires_on": "2027-03-31"}
    assert AuditRecord.objects.filter(action="config_item.created").count() == 3
    summary = AuditRecord.objects.get(action="config_item.imported")
    assert summary.new == {"created": 3, "updated": 0, "errors": 0}


def test_an_existing_type_and_name_is_updated_keeping_attributes_the_file_leaves_out(
    story: Story, types: Types
) -> None:
    item = add_item(story, types, "WEB-01", attributes={"location": "Rack 4", "cpus": 2})
    report = run(story, "type,name,identifier,cpus\nserver,web-01,new.acme.example,8\n")
    assert (report.created, report.updated) == (0, 1)
    item.refresh_from_db()
    assert (item.name, item.identifier) == ("web-01", "new.acme.example")
    assert item.attributes == {"location": "Rack 4", "cpus": 8}


def test_bad_rows_are_reported_with_their_lines_and_nothing_is_imported(story: Story, types: Types) -> None:
    text = (
        "type,name,identifier,cpus,expires_on\n"
        "server,ok-01,,2,\n"  # line 2: good
        "router,r-01,,,\n"  # 3: no such type
        '"server","multi\nline",,many,\n'  # 4-5: a name over two lines, and not a number
        "certificate,www,,,\n"  # 6: expires_on is required
        "server,,,,\n"  # 7: no name
        "server,ok-01,,3,\n"  # 8: the same item as line 2
        "server,short\n"  # 9: too few cells
        "\n"
        "certificate,api,,,31/12/2027\n"  # 11: not a date
    )
    report = run(story, text)
    assert report.errors == [
        ImportProblem(3, "type", "No configuration item type 'router'."),
        ImportProblem(4, "cpus", "Must be a number."),
        ImportProblem(6, "expires_on", "This attribute is required."),
        ImportProblem(7, "name", "Required; at most 200 characters."),
        ImportProblem(8, "name", "The same item is on line 2."),
        ImportProblem(9, "row", "2 cells where the header has 5."),
        ImportProblem(11, "expires_on", "Must be a date as YYYY-MM-DD."),
    ]
    assert (report.created, report.updated) == (0, 0)
    assert not ConfigItem.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="config_item.").exists()


def test_partial_imports_the_good_rows_and_reports_the_bad(story: Story, types: Types) -> None:
    text = "type,name,identifier,expires_on\nserver,ok-01,,\ncertificate,www,,\nserver,ok-02,,\n"
    report = run(story, text, partial=True)
    assert (report.created, report.updated) == (2, 0)
    assert report.errors == [ImportProblem(3, "expires_on", "This attribute is required.")]
    assert set(ConfigItem.objects.values_list("name", flat=True)) == {"ok-01", "ok-02"}


def test_a_dry_run_counts_and_writes_nothing(story: Story, types: Types) -> None:
    add_item(story, types, "web-01")
    report = run(story, GOOD, dry_run=True)
    assert (report.created, report.updated, report.errors, report.dry_run) == (2, 1, [], True)
    assert ConfigItem.objects.count() == 1
    assert not AuditRecord.objects.filter(action="config_item.updated").exists()


def test_only_another_organisations_item_of_that_name_is_not_an_update(story: Story, types: Types) -> None:
    add_item(story, types, "web-01", organisation=story.globex)
    assert (run(story, GOOD).created, ConfigItem.objects.filter(name="web-01").count()) == (3, 2)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name,type,identifier\n", "header"),
        ("type,name,identifier,os,os\n", "header"),
        ("", "header"),
    ],
)
def test_a_bad_header_stops_the_import_even_partial(
    story: Story, types: Types, text: str, field: str
) -> None:
    report = run(story, text + "server,web-01,,\n", partial=True)
    assert [(p.line, p.field) for p in report.errors] == [(1, field)]
    assert not ConfigItem.objects.exists()


def test_only_agents_import_and_nul_characters_are_refused(story: Story, types: Types) -> None:
    for who in (story.alice, story.charlie):
        with pytest.raises(Forbidden):
            services.config_items_import(
                actor=who, channel="web", organisation=story.acme, csv_text=GOOD, dry_run=True
            )
    with pytest.raises(InvalidInput):
        run(story, GOOD.replace("web-01", "web\x0001"))
