"""A request type's form: every kind of extra field, required or optional, with clear messages."""

from __future__ import annotations

from typing import Any

import pytest

from supportal.cases import services
from supportal.cases.models import Case, RequestType
from supportal.core.errors import InvalidInput
from tests.cases.conftest import CaseMaker, RequestTypeMaker
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

CHOICES = ["eu-west", "us-east", "ap-south"]


@pytest.fixture
def form(request_type: RequestTypeMaker) -> RequestType:
    """One optional field of every kind, and a required text field."""
    return request_type(
        "hosting",
        fields=[
            {"key": "hostname", "kind": "text", "required": True, "label": "Host name"},
            {"key": "notes", "kind": "long_text"},
            {"key": "cores", "kind": "number"},
            {"key": "go_live", "kind": "date"},
            {"key": "region", "kind": "choice", "choices": CHOICES},
            {"key": "backups", "kind": "multi_choice", "choices": CHOICES},
            {"key": "owner", "kind": "user"},
            {"key": "server", "kind": "config_item"},
            {"key": "version", "kind": "version"},
        ],
    )


def test_good_values_are_kept_normalised(story: Story, cases: CaseMaker, form: RequestType) -> None:
    web = add_item(story, make_types(story), "web-01")
    case = cases(
        request_type=form,
        extra={
            "hostname": "  web-01.acme.example ", "notes": "Long\ntext", "cores": "4",
            "go_live": "2026-05-01",
            "region": "us-east", "backups": ["ap-south", "eu-west", "ap-south"], "owner": "BOB@acme.example",
            "server": str(web.pk), "version": "v2.4.1-rc1",
        },
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).extra == {
        "hostname": "web-01.acme.example", "notes": "Long\ntext", "cores": 4, "go_live": "2026-05-01",
        "region": "us-east", "backups": ["eu-west", "ap-south"], "owner": story.bob.pk, "server": web.pk,
        "version": "v2.4.1-rc1",
    }  # fmt: skip
    assert (case.case_type.code, case.request_type) == ("incident", form)


def test_optional_fields_may_be_left_out(cases: CaseMaker, form: RequestType) -> None:
    assert cases(request_type=form, extra={"hostname": "db-1", "notes": "", "backups": []}).extra == {
        "hostname": "db-1"
    }


def test_a_missing_required_field_is_named_by_its_label(cases: CaseMaker, form: RequestType) -> None:
    count = Case.objects.count()
    for extra in [None, {}, {"hostname": ""}, {"hostname": None}]:
        with pytest.raises(InvalidInput) as error:
            cases(request_type=form, extra=extra)
        assert error.value.fields == {"extra.hostname": ["Host name is required."]}
    assert Case.objects.count() == count


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("hostname", 42, "Must be text."),
        ("hostname", "x" * 1001, "At most 1000 characters."),
        ("notes", "x" * 20_001, "At most 20000 characters."),
        ("cores", "four", "Must be a number."),
        ("cores", True, "Must be a number."),
        ("cores", "1e20", "Must be a finite number below 10^15."),
        ("cores", "NaN", "Must be a finite number below 10^15."),
        ("go_live", "01/05/2026", "Must be a date as YYYY-MM-DD."),
        ("go_live", "2026-02-30", "Must be a date as YYYY-MM-DD."),
        ("region", "mars", "Choose one of: eu-west, us-east, ap-south."),
        ("backups", "eu-west", "Choose any of: eu-west, us-east, ap-south."),
        ("backups", ["eu-west", "moon"], "Choose any of: eu-west, us-east, ap-south."),
        ("owner", "nobody@acme.example", "No such user."),
        ("owner", "charlie@globex.example", "No such user."),
        ("owner", 999_999, "No such user."),
        ("server", "web-01", "Must be a configuration item's id."),
        ("server", 999_999, "No such configuration item in this organisation."),
        ("version", "latest", "Must be a version such as 2.4 or 1.0.3-rc1."),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    cases: CaseMaker, form: RequestType, key: str, value: Any, message: str
) -> None:
    count = Case.objects.count()
    extra = {"hostname": "db-1", key: value}
    with pytest.raises(InvalidInput) as error:
        cases(request_type=form, extra=extra)
    assert error.value.fields == {f"extra.{key}": [message]}
    assert Case.objects.count() == count


def test_another_organisations_item_is_refused(story: Story, cases: CaseMaker, form: RequestType) -> None:
    theirs = add_item(story, make_types(story), "globex-db", organisation=story.globex)
    with pytest.raises(InvalidInput) as error:
        cases(request_type=form, extra={"hostname": "db-1", "server": theirs.pk})
    assert error.value.fields == {"extra.server": ["No such configuration item in this organisation."]}
    with pytest.raises(InvalidInput) as error:
        cases(config_item=theirs)
    assert error.value.fields == {"config_item": ["No such configuration item in this organisation."]}


def test_every_bad_field_is_reported_at_once(cases: CaseMaker, form: RequestType) -> None:
    with pytest.raises(InvalidInput) as error:
        cases(request_type=form, extra={"cores": "x", "region": "mars", "colour": "blue"})
    assert set(error.value.fields) == {"extra.hostname", "extra.cores", "extra.region", "extra.colour"}
    assert error.value.fields["extra.colour"] == ["This request type has no such field."]


def test_extra_values_without_a_request_type_are_refused(cases: CaseMaker) -> None:
    with pytest.raises(InvalidInput) as error:
        cases(extra={"hostname": "db-1"})
    assert error.value.fields == {"extra.hostname": ["This request type has no such field."]}


def test_editing_the_form_checks_it_again_and_records_the_change(
    story: Story, cases: CaseMaker, form: RequestType
) -> None:
    case = cases(request_type=form, extra={"hostname": "db-1"})
    with pytest.raises(InvalidInput):
        services.case_update(actor=story.dana, case=case, channel="portal", extra={"hostname": ""})
    services.case_update(
        actor=story.dana, case=case, channel="portal", extra={"hostname": "db-2", "cores": 8}
    )
    assert Case.objects.get(pk=case.pk).extra == {"hostname": "db-2", "cores": 8}
    event = case.events.get(kind="field_changed")
    assert (event.data["field"], event.data["old"], event.data["new"]) == (
        "extra", {"hostname": "db-1"}, {"hostname": "db-2", "cores": 8},
    )  # fmt: skip
