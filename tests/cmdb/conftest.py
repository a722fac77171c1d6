from __future__ import annotations

import pytest

from tests.cmdb.factories import Types, make_types
from tests.conftest import Story


@pytest.fixture
def types(story: Story) -> Types:
    return make_types(story)
