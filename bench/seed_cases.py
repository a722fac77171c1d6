"""Generating cases, chunk by chunk, as rows ready for the database (see rows.py for the columns).

Cases are made in order of creation, so ids and numbers (`YYMMNNNNNN`, a sequence per month continuing
the month counters found) grow together as they do for real. The search text is what `cases/search.py`
would have written: number, subject and description, then the public comments after a record separator,
the internal notes apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bench import shape, words
from bench.seed_history import CaseStart, History, Ids, Rows, SharedFile, Timestamp, walk
from bench.seed_people import OrgInfo, Person, Population

PHONE_REASON = "Phoned the service desk."


@dataclass
class CaseFactory:
    population: Population
    rng: random.Random
    ts: Timestamp
    ids: Ids
    file: SharedFile
    total: int
    start: float  # epoch seconds of the first case
    now: float
    zone: ZoneInfo  # the site's time zone: case numbers use the local month
    counters: dict[str, int]  # month ("YYMM") -> the last sequence number given out
    detail_after: float  # the first case created after this is the bench's 50-event case
    detail_number: str = ""
    _case_types_by_kind: dict[str, list[tuple[int, int, str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.population.request_types:
            self._case_types_by_kind.setdefault(row[3], []).append(row)

    def chunk(self, first: int, count: int) -> Rows:
        """The rows of cases first .. first + count - 1 (of `total`) and everything that hangs off them."""
        rows = Rows()
        for index in range(first, first + count):
            self._case(index, rows)
        return rows

    def _number(self, created: float) -> str:
        period = datetime.fromtimestamp(created, self.zone).strftime("%y%m")
        sequence = self.counters.get(period, 0) + 1
        self.counters[period] = sequence
        return f"{period}{sequence:06d}"

    def _case(self, index: int, rows: Rows) -> None:
        rng, pop = self.rng, self.population
        created = shape.created_at(index, self.total, self.start, self.now - self.start, rng)
        detail = not self.detail_number and (created >= self.detail_after or index == self.total - 1)
        org: OrgInfo = pop.orgs[0] if detail else shape.pick(rng, pop.orgs, pop.org_cum)
        requester = org.people[0] if detail else shape.pick(rng, org.people, org.people_cum)
        channel = "portal" if detail else shape.choose(rng, org.channels)
        if channel == "alert":
            requester = org.virtual
        team_id, agents = shape.pick(rng, pop.teams, pop.team_cum)
        agent = rng.choice(agents) if agents else rng.choice([a for _, team in pop.teams for a in team])
        filed_by = rng.choice(rng.choice(pop.teams)[1] or [agent]) if channel == "phone" else None
        urgency, impact = shape.choose(rng, shape.URGENCY), shape.choose(rng, shape.IMPACT)
        priority = "P3" if channel == "email" else pop.matrix[(urgency, impact)]
        request_type_id, case_type_id, type_code, kind = self._type()
        item = rng.choice(org.items) if org.items and rng.random() < shape.CONFIG_ITEM_SHARE else None
        fill = {"item": item[1] if item else "the server", "person": rng.choice(words.FIRST_NAMES)}
        topic_subject, sentences = rng.choice(words.TOPICS)
        subject = topic_subject.format(**fill)
        description = " ".join(sentence.format(**fill) for sentence in sentences)
        case_id = self.ids.case
        self.ids.case += 1
        number = self._number(created)
        if detail:
            self.detail_number = number
        history = History(
            CaseStart(case_id, number, created, requester, agent, channel, fill),
            rows, self.ids, self.ts, self.file, rng, pop.closer,
        )  # fmt: skip
        history.at = created
        created_by = filed_by or requester
        data = {
            "state": "new", "kind": kind, "type": type_code, "priority": priority, "urgency": urgency,
            "impact": impact, "subject": subject, "filed_reason": PHONE_REASON if filed_by else "",
            "requester_name": "",
        }  # fmt: skip
        history.event(
            "created", created_by, data, channel=channel, on_behalf_of=requester.id if filed_by else None
        )
        walk(history, team_id, self.now, urgent=priority == "P1", detail=detail)
        rows.cases.append(
            (
                case_id, number, kind, case_type_id, request_type_id, org.id, requester.id, "",
                filed_by.id if filed_by else None, PHONE_REASON if filed_by else "",
                item[0] if item else None,
                urgency, impact, priority, subject, description, shape.DETAIL_REFERENCE if detail else "",
                "organization" if detail else shape.choose(rng, shape.VISIBILITY), team_id, history.assignee,
                channel, history.state, 0, "{}", history.reject_count, history.close_reason, None,
                self.ts(created), self.ts(history.last), _maybe(self.ts, history.resolved_at),
                _maybe(self.ts, history.closed_at),
            )
        )  # fmt: skip
        rows.search.append((case_id, *search_texts(number, subject, description, history)))
        if len(org.people) > 1 and rng.random() < shape.WATCHER_SHARE:
            self._watcher(case_id, requester, org, created, rows)

    def _type(self) -> tuple[int | None, int, str, str]:
        """(request type, case type, its code, kind): a bare case type, or a request type's (maybe an
        order's)."""
        rng = self.rng
        orders = self._case_types_by_kind.get("order", [])
        cases = self._case_types_by_kind.get("case", [])
        roll = rng.random()
        if orders and roll < shape.KIND_ORDER_SHARE:
            pk, type_id, code, kind = rng.choice(orders)
            return pk, type_id, code, kind
        if cases and roll < shape.REQUEST_TYPE_SHARE:
            pk, type_id, code, kind = rng.choice(cases)
            return pk, type_id, code, kind
        type_id, code = rng.choice(self.population.case_types)
        return None, type_id, code, "case"

    def _watcher(self, case_id: int, requester: Person, org: OrgInfo, created: float, rows: Rows) -> None:
        colleague = self.rng.choice(org.people)
        if colleague.id != requester.id:
            rows.watchers.append((self.ids.watcher, case_id, colleague.id, colleague.email, self.ts(created)))
            self.ids.watcher += 1


def search_texts(number: str, subject: str, description: str, history: History) -> tuple[str, str]:
    """(public_text, internal_text) as `search.index_case` and `search.add_text` build them."""
    public = f"{number}\n{subject}\n{description}"
    if history.public_texts:
        public += "\n\x1e\n" + "\n".join(history.public_texts)
    return public, "\n".join(history.internal_texts)


def _maybe(ts: Timestamp, value: float | None) -> object:
    return None if value is None else ts(value)
