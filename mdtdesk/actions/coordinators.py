"""Each named coordinator's load: their people, when each was last contacted, when
each is next reviewed, and the actions open and overdue, so gaps show (people not
seen for weeks, reviews passed, people with no coordinator at all).

At a hub the rows of every practice are here; each coordinator carries their
practice's ODS code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from mdtdesk.clock import today
from mdtdesk.store.models import Action, ContactLogEntry, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import OPEN_ACTION_STATUSES

ON_CASELOAD = ("referred", "active")
QUIET_WEEKS = 8  # no contact for this long is a gap


@dataclass(frozen=True, slots=True)
class PersonLoad:
    patient_id: str
    name: str
    nhs_number: str
    status: str
    last_contact: datetime | None
    next_review: date | None
    open_actions: int  # everyone's actions for this person
    overdue_actions: int


@dataclass(frozen=True, slots=True)
class CoordinatorLoad:
    staff_id: str | None  # None: people with no named coordinator
    name: str
    practice: str  # ODS code at a hub; empty at a practice
    people: tuple[PersonLoad, ...]
    open_actions: int  # actions this coordinator owns, for anyone
    overdue_actions: int
    quiet: int  # people not contacted for QUIET_WEEKS weeks (or ever)
    reviews_due: int  # people whose review date has passed or is not set

    @property
    def last_contact(self) -> datetime | None:
        return max((p.last_contact for p in self.people if p.last_contact), default=None)


@dataclass(frozen=True)
class Loads:
    on: date
    rows: list[CoordinatorLoad]


def loads(store: OpenStore) -> Loads:
    on = today(store.clock)
    quiet_since = store.clock.now() - timedelta(weeks=QUIET_WEEKS)
    with store.session() as s:
        staff = {
            m.id: (m.name, m.home or "")
            for m in s.execute(select(StaffMember).where(StaffMember.deleted.is_(False))).scalars()
        }
        people = s.execute(
            select(
                Patient.id,
                Patient.family_name,
                Patient.given_name,
                Patient.nhs_number,
                Patient.caseload_status,
                Patient.next_review_date,
                Patient.named_coordinator_id,
            ).where(Patient.deleted.is_(False), Patient.caseload_status.in_(ON_CASELOAD))
        ).all()
        last = dict(
            s.execute(
                select(ContactLogEntry.patient_id, func.max(ContactLogEntry.at))
                .where(ContactLogEntry.deleted.is_(False))
                .group_by(ContactLogEntry.patient_id)
            ).all()
        )
        # The same actions the worklist lists: none for a person merged away or deleted,
        # or a coordinator's count here disagrees with their worklist.
        actions = s.execute(
            select(Action.patient_id, Action.owner_id, Action.due_date)
            .join(Patient, Patient.id == Action.patient_id)
            .where(
                Action.deleted.is_(False),
                Action.status.in_(OPEN_ACTION_STATUSES),
                Patient.deleted.is_(False),
            )
        ).all()
    open_for: Counter[str] = Counter()
    overdue_for: Counter[str] = Counter()
    open_by: Counter[str | None] = Counter()
    overdue_by: Counter[str | None] = Counter()
    for patient_id, owner_id, due in actions:
        late = due is not None and due < on
        open_for[patient_id] += 1
        open_by[owner_id] += 1
        if late:
            overdue_for[patient_id] += 1
            overdue_by[owner_id] += 1
    grouped: dict[str | None, list[PersonLoad]] = defaultdict(list)
    for pid, family, given, nhs, status, review, coordinator in people:
        grouped[coordinator if coordinator in staff else None].append(
            PersonLoad(
                pid,
                f"{family.upper()}, {given}",
                nhs,
                status,
                last.get(pid),
                review,
                open_for[pid],
                overdue_for[pid],
            )
        )
    # Everyone who coordinates someone or owns an open action has a row.
    ids = set(grouped) | {o for o in open_by if o in staff}
    rows = []
    for sid in ids:
        mine = sorted(grouped.get(sid, []), key=lambda p: p.name)
        name, practice = staff[sid] if sid is not None else ("No named coordinator", "")
        rows.append(
            CoordinatorLoad(
                staff_id=sid,
                name=name,
                practice=practice,
                people=tuple(mine),
                open_actions=open_by[sid] if sid is not None else 0,
                overdue_actions=overdue_by[sid] if sid is not None else 0,
                quiet=sum(
                    1 for p in mine if p.last_contact is None or p.last_contact < quiet_since
                ),
                reviews_due=sum(1 for p in mine if p.next_review is None or p.next_review < on),
            )
        )
    rows.sort(key=lambda r: (r.staff_id is None, r.practice, r.name.casefold()))
    return Loads(on, rows)
