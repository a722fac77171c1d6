"""Only `cases/services/` changes a case's state: a scan of the source finds any other writer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "supportal"
ALLOWED = SRC / "cases" / "services"
WRITERS = {"create", "update", "get_or_create", "update_or_create"}


def _names_case(node: ast.AST) -> bool:
    """Whether an expression such as `Case.objects` or `models.Case.objects.filter(...)` starts at Case."""
    while True:
        if isinstance(node, ast.Name):
            return node.id == "Case"
        if isinstance(node, ast.Attribute):
            if node.attr == "Case":
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found: list[ast.expr] = []
        for target in node.targets:
            found += list(target.elts) if isinstance(target, ast.Tuple | ast.List) else [target]
        return found
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def state_writes(source: str, filename: str = "<source>") -> list[str]:
    """Each place in `source` that writes a state: `x.state = ...`, `setattr(x, "state", ...)`,
    `.update(state=...)`, and `state=` given to `Case(...)` or to a create/update of Case rows."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        for target in _targets(node):
            if isinstance(target, ast.Attribute) and target.attr == "state" and not _not_a_case(target):
                found.append(f"{filename}:{target.lineno}: assigns .state")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        keywords = {k.arg for k in node.keywords}
        if (
            isinstance(func, ast.Name)
            and func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "state"
        ):
            found.append(f"{filename}:{node.lineno}: setattr(..., 'state', ...)")
        if "state" not in keywords:
            continue
        if isinstance(func, ast.Attribute) and func.attr == "update":
            found.append(f"{filename}:{node.lineno}: .update(state=...)")
        elif isinstance(func, ast.Attribute) and func.attr in WRITERS and _names_case(func.value):
            found.append(f"{filename}:{node.lineno}: Case .{func.attr}(state=...)")
        elif (isinstance(func, ast.Name) and func.id == "Case") or (
            isinstance(func, ast.Attribute) and func.attr == "Case"
        ):
            found.append(f"{filename}:{node.lineno}: Case(state=...)")
    return found


# Objects with a `state` of their own that is not a case's: catalog.ApprovalRequirement (pending,
# approved, rejected), written by catalog/services/approvals.py under the case's lock.
NOT_CASES = frozenset({"requirement"})


def _not_a_case(target: ast.Attribute) -> bool:
    return isinstance(target.value, ast.Name) and target.value.id in NOT_CASES


def sources() -> list[Path]:
    return [
        path
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts and not path.is_relative_to(ALLOWED)
    ]


def test_nothing_outside_the_case_services_writes_a_state() -> None:
    files = sources()
    assert len(files) > 50, "the scan must see the whole source tree"
    assert any(p.parts[-2:] == ("cases", "selectors.py") for p in files)
    found = [hit for path in files for hit in state_writes(path.read_text(), str(path.relative_to(SRC)))]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        'case.state = "open"',
        'case.state, case.updated_at = "open", now',
        'self.case.state: str = "open"',
        'setattr(case, "state", "closed")',
        'Case.objects.filter(pk=1).update(state="closed")',
        'queryset.update(state="closed", closed_at=now)',
        'Case.objects.create(number="2601000001", state="open")',
        'models.Case.objects.get_or_create(number="1", defaults={}, state="open")',
        'Case(number="2601000001", state="open").save()',
    ],
)
def test_the_checker_flags_state_writes(source: str) -> None:
    assert len(state_writes(source)) == 1, source


@pytest.mark.parametrize(
    "source",
    [
        'if case.state == "open": pass',
        'Case.objects.filter(state="resolved")',
        'StateLabel.objects.create(state="open", label="Working on it")',
        "self._state.adding = False",
    ],
)
def test_the_checker_leaves_reads_and_other_models_alone(source: str) -> None:
    assert state_writes(source) == []


def test_the_case_services_themselves_are_where_state_is_written() -> None:
    """The scan recognises the real writer, so excluding services/ is what keeps the first test green."""
    writer = (ALLOWED / "transitions.py").read_text()
    assert state_writes(writer)
