"""The form an agent fills to file a case for a customer: what it offers (the chosen organisation's
contacts, the channels a customer asks through; organisations are offered by organisation_picker.py) and
what it reads back from a post.

The case's own fields (request type and its extra fields, priority, configuration item, watchers, files)
are the portal's, from supportal.web.cases.create_form and create_submit; the rules stay in the
services. Views in filing.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from supportal.accounts.models import User
from supportal.cases.models import Channel
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor
from supportal.orgs.selectors import organisations_visible_to
from supportal.web.cases import create_form, create_submit

# How a customer asked: the channels an agent files through.
FILING_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.WALK_IN, Channel.EMAIL)
REASON_MAX = 300
NAME_MAX = 200

# What the page shows before anything is typed.
DEFAULTS = {
    "requester": "",
    "requester_name": "",
    "channel": Channel.PHONE.value,
    "filed_reason": "",
    **create_submit.CASE_DEFAULTS,
}
# The fields the page shows next to their controls; a service message about any other goes to the top.
SHOWN = {"organisation", "config_item", "file", "watchers", "request_type", *DEFAULTS}


def organisation_by_id(actor: Actor, raw: str | None) -> Organisation | None:
    """The chosen active organisation, with its plan and virtual user; None if there is no such one."""
    if not raw or not raw.isdigit() or len(raw) > 12:
        return None
    return (
        organisations_visible_to(actor)
        .filter(is_active=True, pk=int(raw))
        .select_related("plan", "virtual_user__membership")
        .first()
    )


@dataclass
class Contacts:
    """Whom a case may be filed for: the organisation itself (its virtual user) and its active people."""

    organisation: Organisation
    people: list[User]
    virtual_user: User | None

    def find(self, raw: str) -> User | None:
        if self.virtual_user is not None and raw == str(self.virtual_user.pk):
            return self.virtual_user
        return next((person for person in self.people if str(person.pk) == raw), None)

    def needs_name(self, contact: User | None) -> bool:
        """Whether the caller's name must be written: filed as the organisation, or on a shared login."""
        if self.organisation.shared_login:
            return True
        return contact is not None and contact.pk == self.organisation.virtual_user_id


def contacts_of(organisation: Organisation) -> Contacts:
    """The organisation's contacts (one query for the people; its virtual user came with it)."""
    virtual = organisation.virtual_user
    if virtual is not None and not virtual.is_active:
        virtual = None
    return Contacts(organisation, create_form.people_of(organisation), virtual)


def picker_scope(organisation: Organisation | None) -> create_form.PickerScope:
    """Configuration item pickers offer the chosen organisation's items (none before it is chosen)."""
    path = reverse("agent:case_new_config_items")
    return create_form.PickerScope(organisation.pk if organisation else 0, path)


@dataclass(frozen=True)
class Filing:
    """Who asked, through which channel, and why: what the agent records beside the case's fields."""

    requester: User | None
    requester_name: str
    channel: str
    filed_reason: str


def filing_from(data: QueryDict, contacts: Contacts | None, problems: dict[str, list[str]]) -> Filing:
    """The contact, channel, reason and caller's name posted; what is wrong goes to `problems`."""
    raw = data.get("requester", "")
    requester = contacts.find(raw) if contacts is not None else None
    if contacts is not None and requester is None:
        problems["requester"] = ["Choose the contact who asked from the list."]
    channel = data.get("channel", "")
    if channel not in {c.value for c in FILING_CHANNELS}:
        problems["channel"] = ["Choose phone, chat, in person or email."]
    reason = " ".join(data.get("filed_reason", "").split())
    if not reason:
        problems["filed_reason"] = ["Say who asked and how, such as “Requested by J. Doe by phone”."]
    elif len(reason) > REASON_MAX:
        problems["filed_reason"] = [f"At most {REASON_MAX} characters."]
    name = " ".join(data.get("requester_name", "").split())
    if len(name) > NAME_MAX:
        problems["requester_name"] = [f"At most {NAME_MAX} characters."]
    elif not name and contacts is not None and contacts.needs_name(requester):
        problems["requester_name"] = [_name_needed(contacts, requester)]
    return Filing(requester, name, channel, reason)


def _name_needed(contacts: Contacts, requester: User | None) -> str:
    organisation = contacts.organisation.name
    if requester is not None and requester.pk == contacts.organisation.virtual_user_id:
        return f"The case is filed as {organisation} itself: write the caller's name."
    return f"{organisation} shares one login: write the caller's name."
