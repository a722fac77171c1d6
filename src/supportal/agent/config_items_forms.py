"""The workspace's configuration item forms: an item's fields with its attributes typed by its type's
definitions (text, number, date, yes/no, one of a list), and a relation to another item. They only
parse; cmdb.services checks and writes, and its InvalidInput lands on the fields here (`add_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms

from supportal.cmdb.models import AttributeKind, ConfigItem, ConfigItemType, RelationKind
from supportal.cmdb.services import IDENTIFIER_MAX, ITEM_NAME_MAX
from supportal.core.errors import DomainError

PREFIX = "attr_"


class NumberField(forms.CharField):
    """A whole number stays an int (4, not 4.0), any other number a float."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        for number in (int, float):
            try:
                return number(text)
            except ValueError:
                continue
        raise forms.ValidationError("Enter a number.")


def attribute_field(definition: dict[str, Any]) -> forms.Field:
    kind, required, label = definition["kind"], bool(definition.get("required")), definition["label"]
    field: forms.Field
    if kind == AttributeKind.NUMBER:
        field = NumberField(label=label, required=required)
    elif kind == AttributeKind.DATE:
        field = forms.DateField(
            label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
        )
    elif kind == AttributeKind.BOOLEAN:
        choices = [("", "Not set"), ("true", "Yes"), ("false", "No")]
        field = forms.TypedChoiceField(
            label=label, required=required, choices=choices, coerce=lambda v: v == "true", empty_value=None
        )
    elif kind == AttributeKind.CHOICE:
        field = forms.ChoiceField(
            label=label,
            required=required,
            choices=[("", "Not set"), *((c, c) for c in definition["choices"])],
        )
    else:
        field = forms.CharField(label=label, required=required, max_length=2000)
    css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
    field.widget.attrs.setdefault("class", css)
    return field


class ItemForm(forms.Form):
    name = forms.CharField(max_length=ITEM_NAME_MAX)
    identifier = forms.CharField(
        max_length=IDENTIFIER_MAX, required=False, help_text="A hostname, UUID or serial number."
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(
        self, *args: Any, item_type: ConfigItemType, item: ConfigItem | None = None, **kw: Any
    ) -> None:
        if item is not None and "initial" not in kw:
            kw["initial"] = {
                "name": item.name,
                "identifier": item.identifier,
                "is_active": item.is_active,
                **{PREFIX + k: _initial(v) for k, v in item.attributes.items()},
            }
        super().__init__(*args, **kw)
        self.item_type = item_type
        if item is None:
            del self.fields["is_active"]
        for name in ("name", "identifier"):
            self.fields[name].widget.attrs["class"] = "form-control"
        for definition in item_type.attributes:
            self.fields[PREFIX + definition["key"]] = attribute_field(definition)

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PREFIX)]

    def attributes(self) -> dict[str, Any]:
        """The attribute values (after is_valid), dates as YYYY-MM-DD, unset ones left out."""
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(PREFIX) and value not in (None, ""):
                values[name.removeprefix(PREFIX)] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
        return values

    def add_errors(self, error: DomainError) -> None:
        """A service's error on the fields it names ("attributes.<key>" → that attribute's field)."""
        if not error.fields:
            self.add_error(None, error.detail)
        for name, messages in error.fields.items():
            field = PREFIX + name.removeprefix("attributes.") if name.startswith("attributes.") else name
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


def _initial(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class RelationForm(forms.Form):
    kind = forms.ChoiceField(
        choices=RelationKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    target = forms.TypedChoiceField(
        label="Item", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, others: list[ConfigItem], **kw: Any) -> None:
        super().__init__(*args, **kw)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [(o.pk, f"{o.name} ({o.item_type.name})") for o in others]
