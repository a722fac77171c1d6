"""Who is emailed about a case: the customer side (requester and watchers) and the provider side (the
assignee), each person filtered by their notification preferences.

A case's people are loaded once per event (`case_people`: the watchers in one query, everyone's
preferences in another), so sending costs the same however long the watchlist is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from supportal.accounts.models import User, UserKind
from supportal.cases import policies
from supportal.cases.models import Case, Visibility, Watcher
from supportal.notifications.models import NotificationPreference
from supportal.notifications.preferences import preferences_for_users

# People with a mailbox: system and integration users are programs, never emailed. Virtual users stand
# for an organisation and carry its group alias address, so they are.
EMAILED_KINDS = frozenset({UserKind.CUSTOMER, UserKind.AGENT, UserKind.VIRTUAL})

# The preference each kind of email obeys (None: sent regardless, e.g. the confirmation of a new case).
COMMENTS = "email_on_comment"
STATE_CHANGES = "email_on_state_change"


def emailable(user: User | None) -> bool:
    """Active people with a real mailbox. A virtual user without a group alias has an address in the
    reserved `.invalid` domain (orgs.services.VIRTUAL_USER_DOMAIN): there is nobody to write to."""
    if user is None or not user.is_active or user.kind not in EMAILED_KINDS:
        return False
    return deliverable(user.email)


def deliverable(address: str) -> bool:
    domain = address.strip().rpartition("@")[2].lower().rstrip(".")
    return bool(domain) and domain != "invalid" and not domain.endswith(".invalid")


@dataclass
class CasePeople:
    """A case's requester, watchers and assignee with their preferences, loaded once."""

    case: Case
    watchers: list[Watcher]
    preferences: dict[int, NotificationPreference] = field(default_factory=dict)

    def wants(self, user: User, preference: str | None) -> bool:
        if preference is None:
            return True
        saved = self.preferences.get(user.pk) or NotificationPreference(user_id=user.pk)
        return bool(getattr(saved, preference))

    def customer_side(self, *, preference: str | None, skip: Iterable[int | None] = ()) -> list[str]:
        """The requester and every watcher (users who want it; plain addresses always), minus `skip`."""
        skipped = {uid for uid in skip if uid}
        skipped_addresses = {u.email for u in self._users() if u.pk in skipped}
        found: list[str] = []
        people: list[User | str] = [self.case.requester]
        people += [w.user if w.user is not None else w.email for w in self.watchers]
        for person in people:
            if isinstance(person, str):
                address = person if deliverable(person) else ""
            elif person.pk in skipped or not emailable(person) or not self.wants(person, preference):
                continue
            else:
                address = person.email
            if address and address.lower() not in skipped_addresses:
                found.append(address.lower())
        return list(dict.fromkeys(found))

    def provider_side(
        self, *, preference: str | None, skip: Iterable[int | None] = (), besides: Iterable[str] = ()
    ) -> list[str]:
        """The assignee, unless skipped, unwilling, or already among `besides` (one email per person)."""
        assignee = self.case.assignee
        if assignee is None or assignee.pk in set(skip) or not emailable(assignee):
            return []
        if not self.wants(assignee, preference) or assignee.email.lower() in set(besides):
            return []
        return [assignee.email.lower()]

    def watcher_user_ids(self) -> set[int]:
        return {w.user_id for w in self.watchers if w.user_id}

    def _users(self) -> list[User]:
        users = [self.case.requester, *(w.user for w in self.watchers if w.user is not None)]
        return users + ([self.case.assignee] if self.case.assignee is not None else [])


def case_people(case: Case) -> CasePeople:
    """Load the watchers (with their users) and everyone's preferences: two queries. The case should
    come with its requester and assignee (select_related)."""
    watchers = list(Watcher.objects.filter(case=case).select_related("user").order_by("id"))
    ids = {case.requester_id, *(w.user_id for w in watchers if w.user_id)}
    if case.assignee_id:
        ids.add(case.assignee_id)
    return CasePeople(case, watchers, preferences_for_users(ids))


def colleagues_told_of_new_case(people: CasePeople, *, skip: Iterable[int | None] = ()) -> list[str]:
    """Colleagues who asked to hear of every new case of their organisation and may see this one (it is
    shared with the organisation). The requester and watchers are left out: they hear anyway."""
    case = people.case
    if case.visibility != Visibility.ORGANIZATION:
        return []
    left_out = {uid for uid in skip if uid} | {case.requester_id} | people.watcher_user_ids()
    candidates = (
        User.objects.filter(
            membership__organisation_id=case.organisation_id,
            notification_preference__email_on_new_case_in_organisation=True,
            is_active=True,
            kind=UserKind.CUSTOMER,
        )
        .exclude(pk__in=left_out)
        .select_related("membership")
        .prefetch_related("membership__groups")
        .order_by("id")
    )
    case.watcher_user_ids = people.watcher_user_ids()  # type: ignore[attr-defined]  # read by policies
    found: list[str] = []
    for user in candidates:
        user._supportal_membership = user.membership  # type: ignore[attr-defined]  # the policies' cache
        if policies.can_list_organisation_cases(user) and policies.can_view_case(user, case):
            found.append(user.email.lower())
    return found
