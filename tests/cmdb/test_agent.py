"""The workspace's configuration items: list with organisation filter and search, the item page's edit
form (attributes typed by the type), relations added and removed, adding items, and the CSV import page."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from supportal.audit.models import AuditRecord
from supportal.cases import services as case_services
from supportal.cmdb.models import ConfigItem, ConfigItemRelation
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story

ROW = re.compile(r'data-testid="item-row" data-item="(\d+)"')


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(response: Any) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [int(pk) for pk in ROW.findall(response.content.decode())]


def test_only_agents_reach_the_pages(story: Story, types: Types) -> None:
    item = add_item(story, types, "web-01")
    for url in ("/agent/config-items/", f"/agent/config-items/{item.pk}/", "/agent/config-items/new/",
                "/agent/config-items/import/"):  # fmt: skip
        assert client_for(story.alice).get(url).status_code == 404
    post = client_for(story.alice).post(f"/agent/config-items/{item.pk}/", {"name": "mine"})
    assert post.status_code == 404
    assert ConfigItem.objects.get(pk=item.pk).name == "web-01"


def test_the_list_filters_by_organisation_and_searches(
    story: Story, types: Types, django_assert_max_num_queries: Any
) -> None:
    web = add_item(story, types, "web-01", identifier="web-01.acme.example")
    theirs = add_item(story, types, "web-02", organisation=story.globex)
    db = add_item(story, types, "db-01")
    dana = client_for(story.dana)
    page = dana.get("/agent/config-items/")
    assert listed(page) == [db.pk, web.pk, theirs.pk]
    assert "Globex" in page.content.decode()
    assert listed(dana.get("/agent/config-items/", {"organisation": story.globex.pk})) == [theirs.pk]
    assert listed(dana.get("/agent/config-items/", {"q": "web", "organisation": story.acme.pk})) == [web.pk]
    for n in range(40):
        add_item(story, types, f"host-{n}")
    with django_assert_max_num_queries(14):
        dana.get("/agent/config-items/")


def test_an_agent_edits_an_item_with_typed_attributes(story: Story, types: Types) -> None:
    item = add_item(story, types, "web-01", attributes={"location": "Rack 1"})
    dana = client_for(story.dana)
    form = dana.get(f"/agent/config-items/{item.pk}/").content.decode()
    assert 'name="attr_cpus"' in form and 'name="attr_os"' in form and 'value="Rack 1"' in form
    response = dana.post(
        f"/agent/config-items/{item.pk}/",
        {"name": "web-01b", "identifier": "web.acme.example", "is_active": "on", "attr_os": "linux",
         "attr_cpus": "8", "attr_monitored": "true", "attr_location": ""},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.identifier) == ("web-01b", "web.acme.example")
    assert item.attributes == {"os": "linux", "cpus": 8, "monitored": True}
    record = AuditRecord.objects.get(action="config_item.updated")
    assert (record.channel, record.actor_id) == ("web", story.dana.pk)
    bad = dana.post(f"/agent/config-items/{item.pk}/", {"name": "web-01b", "attr_cpus": "many"})
    assert bad.status_code == 422 and "Enter a number." in bad.content.decode()


def test_a_certificate_needs_its_expiry_and_names_are_unique(story: Story, types: Types) -> None:
    cert = add_item(story, types, "www", item_type=types.certificate, attributes={"expires_on": "2027-01-31"})
    add_item(story, types, "api", item_type=types.certificate, attributes={"expires_on": "2027-01-31"})
    dana = client_for(story.dana)
    response = dana.post(f"/agent/config-items/{cert.pk}/", {"name": "www", "attr_expires_on": ""})
    assert response.status_code == 422 and 'data-testid="error-attr_expires_on"' in response.content.decode()
    response = dana.post(f"/agent/config-items/{cert.pk}/", {"name": "API", "attr_expires_on": "2028-02-01"})
    assert response.status_code == 422 and 'data-testid="error-name"' in response.content.decode()
    cert.refresh_from_db()
    assert (cert.name, cert.attributes) == ("www", {"expires_on": "2027-01-31"})


def test_relations_are_added_and_removed_within_the_organisation(story: Story, types: Types) -> None:
    web, host = add_item(story, types, "web-01"), add_item(story, types, "host-01")
    theirs = add_item(story, types, "globex-host", organisation=story.globex)
    dana = client_for(story.dana)
    url = f"/agent/config-items/{web.pk}/relations/"
    assert dana.post(url, {"kind": "runs_on", "target": theirs.pk}).status_code == 422
    assert dana.post(url, {"kind": "runs_on", "target": web.pk}).status_code == 422
    assert dana.post(url, {"kind": "runs_on", "target": host.pk}).status_code == 302
    again = dana.post(url, {"kind": "runs_on", "target": host.pk})
    assert again.status_code == 422 and 'data-testid="relation-error"' in again.content.decode()
    relation = ConfigItemRelation.objects.get()
    page = " ".join(
        re.sub(r"<[^>]+>", " ", dana.get(f"/agent/config-items/{host.pk}/").content.decode()).split()
    )
    assert "web-01 runs on this" in page
    other = add_item(story, types, "other")
    remove = f"/agent/config-items/{other.pk}/relations/remove/"
    assert dana.post(remove, {"relation": relation.pk}).status_code == 404
    assert dana.post(f"/agent/config-items/{host.pk}/relations/remove/", {"relation": "x"}).status_code == 404
    assert (
        dana.post(f"/agent/config-items/{host.pk}/relations/remove/", {"relation": relation.pk}).status_code
        == 302
    )
    assert not ConfigItemRelation.objects.exists()


def test_the_item_page_lists_its_cases_for_the_agent(story: Story, types: Types) -> None:
    web = add_item(story, types, "web-01")
    case = case_services.case_create(
        actor=story.alice, organisation=story.acme, subject="Web down", channel="portal", config_item=web
    )
    page = client_for(story.dana).get(f"/agent/config-items/{web.pk}/").content.decode()
    assert f'href="/agent/cases/{case.number}/"' in page


def test_an_agent_adds_an_item_for_an_organisation(story: Story, types: Types) -> None:
    dana = client_for(story.dana)
    choose = dana.get("/agent/config-items/new/").content.decode()
    assert "?type=certificate" in choose
    url = "/agent/config-items/new/?type=certificate"
    assert 'name="attr_expires_on"' in dana.get(url).content.decode()
    missing = dana.post(url, {"name": "www", "attr_expires_on": "2027-05-01"})
    assert missing.status_code == 422 and "Choose the organisation." in missing.content.decode()
    done = dana.post(url, {"organisation": story.acme.pk, "name": "www", "attr_expires_on": "2027-05-01"})
    item = ConfigItem.objects.get(name="www")
    assert done.status_code == 302 and done["Location"] == f"/agent/config-items/{item.pk}/"
    assert (item.organisation, item.item_type, item.attributes) == (
        story.acme, types.certificate, {"expires_on": "2027-05-01"},
    )  # fmt: skip


def test_the_import_page_dry_runs_reports_lines_and_imports(story: Story, types: Types) -> None:
    dana = client_for(story.dana)
    assert dana.get("/agent/config-items/import/").status_code == 200
    text = "type,name,identifier,cpus\nserver,web-01,,2\nserver,web-02,,lots\n"
    form = {"organisation": story.acme.pk, "csv_text": text, "dry_run": "on"}
    report = dana.post("/agent/config-items/import/", form).content.decode()
    assert '<tr data-line="3"><td>3</td><td>cpus</td><td>Must be a number.</td></tr>' in report
    assert "Nothing is imported while a row is bad" in report
    partial = dana.post("/agent/config-items/import/", {**form, "dry_run": "", "partial": "on"})
    assert 'data-testid="import-created">1<' in partial.content.decode()
    assert list(ConfigItem.objects.values_list("name", flat=True)) == ["web-01"]
    upload = SimpleUploadedFile(
        "items.csv", b"\xef\xbb\xbftype,name,identifier\nserver,web-03,\n", "text/csv"
    )
    response = dana.post("/agent/config-items/import/", {"organisation": story.acme.pk, "csv_file": upload})
    assert 'data-testid="import-created">1<' in response.content.decode()
    assert ConfigItem.objects.filter(name="web-03", organisation=story.acme).exists()
    nothing = dana.post("/agent/config-items/import/", {"organisation": story.acme.pk})
    assert nothing.status_code == 422 and "Paste the CSV or choose a file." in nothing.content.decode()
