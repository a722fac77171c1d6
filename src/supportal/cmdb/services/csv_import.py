"""Bulk loading an organisation's configuration items from CSV.

Columns: type (a type's code), name, identifier, then attribute keys (a union over the file's types: a
cell a row's type does not have stays empty). A row whose type and name (any case) name an existing item
updates it: its identifier and the attributes whose columns the file has (an empty cell clears one);
others create an item. Every row is checked with the rules of config_item_create and config_item_update
first; problems are reported with the line they start on. Nothing is written when any row is bad, unless
`partial` (then the good rows are), nor ever on a dry run, which reports what would be done.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from supportal.audit.services import audit_record
from supportal.cmdb import policies
from supportal.cmdb.models import AttributeKind, ConfigItem, ConfigItemType
from supportal.cmdb.services.items import (
    clean_attributes,
    clean_identifier,
    clean_name,
    config_item_create,
    config_item_update,
)
from supportal.core.errors import DomainError, Forbidden, InvalidInput
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor

COLUMNS = ("type", "name", "identifier")
MAX_ROWS = 5000
MAX_TEXT = 5_000_000
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    """Rows created and updated (or, on a dry run, that would be), and every problem found."""

    created: int = 0
    updated: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class _Row:
    line: int
    item_type: ConfigItemType
    name: str
    identifier: str
    attributes: dict[str, Any]
    existing: ConfigItem | None


def config_items_import(
    *,
    actor: Actor,
    channel: str,
    organisation: Organisation,
    csv_text: str,
    dry_run: bool,
    partial: bool = False,
) -> ImportReport:
    """Check every row, then write all of them, the good ones (`partial`), or none; see the module."""
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may import configuration items.")
    if len(csv_text) > MAX_TEXT:
        raise InvalidInput("The file is too large.", fields={"csv": [f"At most {MAX_TEXT} characters."]})
    if "\x00" in csv_text:
        raise InvalidInput("The file holds NUL characters.", fields={"csv": ["Not a text file."]})
    report = ImportReport(dry_run=dry_run)
    rows = _checked_rows(organisation, csv_text, report.errors)
    if report.errors and not partial:
        return report
    if dry_run:
        report.created = sum(1 for row in rows if row.existing is None)
        report.updated = len(rows) - report.created
        return report
    with transaction.atomic():
        for row in rows:
            try:
                _write(actor, channel, organisation, row, report)
            except DomainError as error:  # e.g. an item of that name added meanwhile
                report.errors.append(ImportProblem(row.line, _field_of(error), error.detail))
                if not partial:
                    transaction.set_rollback(True)
                    report.created = report.updated = 0
                    return report
        if report.created or report.updated:
            audit_record(
                actor=actor,
                action="config_item.imported",
                channel=channel,
                target=organisation,
                organisation_id=organisation.pk,
                new={"created": report.created, "updated": report.updated, "errors": len(report.errors)},
            )
    report.errors.sort(key=lambda p: p.line)
    return report


def _write(actor: Actor, channel: str, organisation: Organisation, row: _Row, report: ImportReport) -> None:
    with transaction.atomic():  # a savepoint: a partial import goes on after a failed row
        if row.existing is None:
            config_item_create(
                actor=actor, channel=channel, organisation=organisation, item_type=row.item_type,
                name=row.name, identifier=row.identifier, attributes=row.attributes,
            )  # fmt: skip
            report.created += 1
        else:
            config_item_update(
                actor=actor, channel=channel, item=row.existing, name=row.name, identifier=row.identifier,
                attributes=row.attributes,
            )  # fmt: skip
            report.updated += 1


def _checked_rows(organisation: Organisation, csv_text: str, problems: list[ImportProblem]) -> list[_Row]:
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(ImportProblem(1, "header", f"Not CSV: {error}."))
        return []
    keys = [cell.strip().lower() for cell in header or []]
    message = _header_problem(keys)
    if message:
        problems.append(ImportProblem(1, "header", message))
        return []
    types = {t.code: t for t in ConfigItemType.objects.all()}
    existing = {
        (item.item_type_id, item.name.lower()): item
        for item in ConfigItem.objects.filter(organisation=organisation).select_related("item_type")
    }
    rows: list[_Row] = []
    seen: dict[tuple[int, str], int] = {}
    count = 0
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append(ImportProblem(line, "row", f"Not CSV: {error}."))
            return rows
        if cells is None:
            return rows
        if any(cell.strip() for cell in cells):
            count += 1
            if count > MAX_ROWS:
                problems.append(ImportProblem(line, "row", f"At most {MAX_ROWS} rows in one import."))
                return rows
            row = _row(line, keys, cells, types, existing, problems)
            if row is not None:
                key = (row.item_type.pk, row.name.lower())
                if key in seen:
                    problems.append(ImportProblem(line, "name", f"The same item is on line {seen[key]}."))
                else:
                    seen[key] = line
                    rows.append(row)
        line = reader.line_num + 1


def _header_problem(keys: list[str]) -> str | None:
    if tuple(keys[:3]) != COLUMNS:
        return "The first columns must be type,name,identifier, then attribute keys."
    if len(set(keys)) != len(keys) or "" in keys:
        return "Every column needs a name, each once."
    return None


def _row(
    line: int,
    keys: list[str],
    cells: list[str],
    types: dict[str, ConfigItemType],
    existing: dict[tuple[int, str], ConfigItem],
    problems: list[ImportProblem],
) -> _Row | None:
    if len(cells) != len(keys):
        problems.append(ImportProblem(line, "row", f"{len(cells)} cells where the header has {len(keys)}."))
        return None
    values = dict(zip(keys, cells, strict=True))
    found: list[ImportProblem] = []
    item_type = types.get(values["type"].strip())
    if item_type is None:
        found.append(ImportProblem(line, "type", f"No configuration item type {values['type'].strip()!r}."))
    name = identifier = ""
    try:
        name = clean_name(values["name"])
    except InvalidInput as error:
        found.extend(_problems(line, error))
    try:
        identifier = clean_identifier(values["identifier"])
    except InvalidInput as error:
        found.extend(_problems(line, error))
    if item_type is None:
        problems.extend(found)
        return None
    item = existing.get((item_type.pk, name.lower()))
    attributes = _attributes(item_type, item, {k: v for k, v in values.items() if k not in COLUMNS})
    try:
        attributes = clean_attributes(item_type, attributes)
    except InvalidInput as error:
        found.extend(_problems(line, error))
    if found:
        problems.extend(found)
        return None
    return _Row(line, item_type, name, identifier, attributes, item)


def _attributes(item_type: ConfigItemType, item: ConfigItem | None, cells: dict[str, str]) -> dict[str, Any]:
    """The item's attributes (none for a new one) with the file's cells over them, typed by the type's
    definitions; a cell of a key the type does not have is kept only when filled (to be refused)."""
    definitions = {d["key"]: d for d in item_type.attributes}
    values: dict[str, Any] = dict(item.attributes) if item is not None else {}
    for key, cell in cells.items():
        text = cell.strip()
        if key not in definitions:
            if text:
                values[key] = text
            continue
        values[key] = _typed(definitions[key]["kind"], text) if text else None
    return {k: v for k, v in values.items() if v is not None}


def _typed(kind: str, text: str) -> Any:
    """A cell as its attribute's kind holds it; left as text when it is not one (clean_attributes says)."""
    if kind == AttributeKind.NUMBER:
        for number in (int, float):
            try:
                return number(text)
            except ValueError:
                continue
        return text
    if kind == AttributeKind.BOOLEAN:
        lowered = text.lower()
        return True if lowered in TRUE else False if lowered in FALSE else text
    return text


def _problems(line: int, error: InvalidInput) -> list[ImportProblem]:
    if not error.fields:
        return [ImportProblem(line, "row", error.detail)]
    return [
        ImportProblem(line, name.removeprefix("attributes."), message)
        for name, messages in error.fields.items()
        for message in messages
    ]


def _field_of(error: DomainError) -> str:
    return next(iter(error.fields), "name").removeprefix("attributes.") if error.fields else "name"
