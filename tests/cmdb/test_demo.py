"""The demo's configuration items: every default type, items of each customer, relations between them,
and cases naming items."""

from __future__ import annotations

import pytest

from supportal.cases.models import Case
from supportal.cmdb.defaults import DEFAULT_TYPES
from supportal.cmdb.models import ConfigItem, ConfigItemRelation, ConfigItemType
from supportal.core.demo_data import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_shows_items_of_every_default_type_related_and_on_cases() -> None:
    load_demo_data()
    codes = {code for code, *_ in DEFAULT_TYPES}
    assert codes <= set(ConfigItemType.objects.values_list("code", flat=True))
    used = set(ConfigItem.objects.values_list("item_type__code", flat=True))
    assert codes <= used, codes - used
    assert ConfigItemRelation.objects.filter(kind="runs_on").exists()
    assert ConfigItemRelation.objects.filter(kind="depends_on").exists()
    assert Case.objects.exclude(config_item=None).exists()
    relations = ConfigItemRelation.objects.count()
    load_demo_data()  # again: nothing more
    assert ConfigItemRelation.objects.count() == relations
