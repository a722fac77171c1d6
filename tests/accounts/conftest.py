from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """`with committed(): ...` runs what the code inside schedules on commit (emails), as production would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
