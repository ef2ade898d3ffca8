"""Fill a store with a realistic synthetic caseload. Same seed and day, same data."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from mdtdesk import nhs_number
from mdtdesk.clock import today
from mdtdesk.demo import activity, names, plans, voice
from mdtdesk.impact.questionnaire import bundled
from mdtdesk.store import writes
from mdtdesk.store.ids import new_id
from mdtdesk.store.models import (
    Action,
    ActionEvent,
    AgendaItem,
    CarePlan,
    Condition,
    ContactLogEntry,
    DiscussionRequest,
    HospitalEvent,
    KeyContact,
    Meeting,
    MeetingAttendee,
    Outcome,
    Patient,
    QuestionnaireResponse,
    Record,
    RegisterEvent,
    RegisterPerson,
    RiskScore,
    Service,
    StaffMember,
    StoreMeta,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import name_key, staff_ids_by_name
from mdtdesk.store.vocab import (
    DEFAULT_SERVICES,
    HOSPITAL_DATA_FROM,
    HOSPITAL_DATA_TO,
    discipline_of,
)

Progress = Callable[[int, int], None]
Rows = list[dict[str, Any]]

_ASKED = bundled()
_STATUS = (("active", 70), ("referred", 10), ("stepped_down", 8), ("discharged", 7), ("died", 5))
_CONSENT = (("given", 75), ("declined", 5), ("best_interests", 8), ("not_asked", 12))


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


class _Builder:
    def __init__(self, rng: random.Random, on: date) -> None:
        self.rng = rng
        self.on = on
        self.tables: dict[type[Record], Rows] = {}
        self.services: dict[str, str] = {}  # name -> id
        self.staff_names: dict[str, str] = {}  # id -> name

    def at(self, day: date) -> datetime:
        """A working-hours time on a day, never later than the start of today."""
        day = min(day, self.on - timedelta(days=1))
        return datetime.combine(day, time(self.rng.randint(8, 17), 0), tzinfo=UTC)

    def add(self, model: type[Record], **values: Any) -> str:
        values.setdefault("id", new_id())
        self.tables.setdefault(model, []).append(values)
        return str(values["id"])

    def day(self, back: int, forward: int = 0) -> date:
        return self.on + timedelta(days=self.rng.randint(-back, forward))


# Demo actions that are referrals, and the service each goes to.
_REFERRALS = {
    "Refer to falls service": "Falls service",
    "Social services assessment": "Social services assessment",
    "Pulmonary rehabilitation referral": "Pulmonary rehabilitation",
    "Telecare / alarm assessment": "Telecare / alarm",
    "Carers support referral": "Carers support",
    "Refer to community mental health team": "Community mental health",
}
# The referral's progress for each status of its action.
_REFERRAL_FOR = {"waiting": ("sent", "accepted"), "done": ("seen",)}


def _action(
    b: _Builder,
    pid: str,
    *,
    owner: str,
    creator: str,
    due: date,
    status: str,
    priority: str = "routine",
    description: str | None = None,
    made: datetime | None = None,
    **origin: str,
) -> str:
    rng = b.rng
    description = description or rng.choice(names.ACTIONS)
    values: dict[str, Any] = dict(
        patient_id=pid,
        description=description,
        owner_id=owner,
        created_by_id=creator,
        due_date=due,
        priority=priority,
        status=status,
        **origin,
    )
    service = b.services.get(_REFERRALS.get(description, ""))
    referral = rng.choice(_REFERRAL_FOR[status]) if service and status in _REFERRAL_FOR else None
    if service:
        values["service_id"] = service
    if referral:
        sent = min(due, b.on) - timedelta(days=rng.randint(10, 30))
        values.update(referral_status=referral, referral_sent_on=sent)
        if referral in ("accepted", "seen"):
            values["referral_replied_on"] = sent + timedelta(days=rng.randint(2, 6))
        if referral == "seen":
            values["referral_seen_on"] = sent + timedelta(days=rng.randint(7, 9))
    made = made or b.at(due - timedelta(days=rng.randint(14, 35)))
    values["created_at"] = made
    aid = b.add(Action, **values)
    if status != "open":
        changed = made + timedelta(days=rng.randint(1, 10))
        b.add(
            ActionEvent,
            action_id=aid,
            patient_id=pid,
            at=changed if changed.date() < b.on else made + timedelta(hours=1),
            staff_id=owner,
            field="status",
            old_value="open",
            new_value=status,
            note=None,
        )
    return aid


_WITH = {
    "with_carer": ("Daughter", "Son", "Husband", "Wife", "Neighbour"),
    "with_professional": (
        "District nurse",
        "Social worker",
        "Community pharmacist",
        "Occupational therapist",
        "Hospital discharge team",
    ),
}


def _contact(b: _Builder, pid: str, staff: list[str], coordinators: list[str]) -> None:
    rng = b.rng
    kind = rng.choice(names.CONTACT_KINDS)
    who = rng.choice(staff)
    at = b.at(b.day(2 * 365))
    contact = b.add(
        ContactLogEntry,
        patient_id=pid,
        at=at,
        kind=kind,
        staff_id=who,
        duration_minutes=rng.choice((10, 15, 20, 30, 45, 60)),
        notes=rng.choice(names.CONTACT_NOTES),
        with_whom=rng.choice(_WITH[kind]) if kind in _WITH else None,
    )
    if at.date() > b.on - timedelta(days=21) and rng.random() < 0.4:
        _action(
            b,
            pid,
            owner=who if who in coordinators else rng.choice(coordinators),
            creator=who,
            due=at.date() + timedelta(days=rng.choice((7, 14))),
            status=rng.choice(("open", "in_progress")),
            made=at + timedelta(minutes=30),
            contact_id=contact,
        )


def _patient(b: _Builder, number: str, staff: list[str], coordinators: list[str]) -> str:
    rng = b.rng
    female = rng.random() < 0.56
    given = rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
    age = min(104, int(rng.gauss(81, 8)))
    born = b.on - timedelta(days=age * 365 + rng.randint(0, 364))
    efi = round(min(0.75, max(0.03, rng.gauss(0.27, 0.1))), 3)
    status = _weighted(rng, _STATUS)
    consent = _weighted(rng, _CONSENT)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    coordinator = rng.choice(coordinators)
    has_respect = rng.random() < 0.3
    postcode = f"{rng.choice(names.OUTWARD)} {rng.randint(1, 9)}"
    postcode += rng.choice(letters) + rng.choice(letters)
    joined = b.day(3 * 365, -7)
    died = None
    if status == "died":
        died = min(b.on - timedelta(days=1), joined + timedelta(days=rng.randint(20, 700)))
    pid = b.add(
        Patient,
        nhs_number=number,
        family_name=rng.choice(names.FAMILY),
        given_name=given,
        date_of_birth=born,
        sex="female" if female else "male",
        address=f"{rng.randint(1, 120)} {rng.choice(names.STREETS)}\n{rng.choice(names.TOWNS)}",
        postcode=postcode,
        phone=f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        caseload_status=status,
        referral_date=joined,
        date_of_death=died,
        referral_source=rng.choice(names.REFERRAL_SOURCES),
        referral_reason="Complex needs; frequent contact with services",
        named_coordinator_id=coordinator,
        consent_status=consent,
        consent_recorded_by_id=None if consent == "not_asked" else rng.choice(staff),
        consent_recorded_at=None
        if consent == "not_asked"
        else datetime.combine(b.day(700, -1), time(10, 0), tzinfo=UTC),
        efi_score=efi,
        lives_alone=rng.random() < 0.35,
        has_respect_form=has_respect,
        is_a_carer=rng.random() < 0.08,
        next_review_date=b.day(30, 90) if status in ("active", "referred") else None,
    )
    conditions = rng.sample(names.CONDITIONS, rng.randint(1, 4))
    for name in conditions:
        b.add(Condition, patient_id=pid, name=name, since=b.day(15 * 365, -30))
    for _ in range(rng.randint(1, 3)):
        b.add(
            RiskScore,
            patient_id=pid,
            kind="efi",
            value=efi,
            source="GP system search",
            recorded_on=b.day(2 * 365),
        )
    b.add(
        RiskScore,
        patient_id=pid,
        kind="admission_risk",
        value=round(rng.random() * 60, 1),
        source="Risk stratification tool",
        recorded_on=b.day(180),
    )
    carers: list[tuple[str, str, str]] = []
    for _ in range(rng.randint(0, 2)):
        contact = dict(
            name=f"{rng.choice(names.GIVEN_FEMALE + names.GIVEN_MALE)} {rng.choice(names.FAMILY)}",
            relationship=rng.choice(("Daughter", "Son", "Spouse", "Neighbour", "Friend")),
            phone=f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            is_carer=rng.random() < 0.5,
            is_next_of_kin=rng.random() < 0.5,
        )
        b.add(KeyContact, patient_id=pid, **contact)
        if contact["is_carer"]:
            carers.append(
                (str(contact["name"]), str(contact["relationship"]), str(contact["phone"]))
            )
    for _ in range(rng.randint(0, 6)):
        _contact(b, pid, staff, coordinators)
    for visit in activity.caseload_visits(rng, efi, joined, b.on, died):
        b.add(
            HospitalEvent,
            patient_id=pid,
            kind=visit.kind,
            started_on=visit.start,
            ended_on=visit.end,
            planned=visit.planned,
            hospital=activity.hospital_name(visit),
            reason=activity.REASONS[visit.reason][0],
        )
    action_ids = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(40, 35, 15, 10))[0]):
        made = _action(
            b,
            pid,
            owner=rng.choice((*coordinators, staff[0])),
            creator=rng.choice(staff),
            due=b.day(21, 60),
            status=rng.choice(("open", "open", "in_progress", "waiting", "done")),
            priority=rng.choice(("routine", "routine", "urgent")),
        )
        action_ids.append(made)
    if status == "active" and rng.random() < 0.5:
        facts = plans.PlanFacts(
            coordinator=b.staff_names[coordinator],
            gp=b.staff_names[staff[0]],
            carers=carers,
            conditions=conditions,
            has_respect=has_respect,
            action_ids=action_ids,
        )
        for row in plans.rows(random.Random(rng.random()), pid, facts, b.on):
            b.add(CarePlan, **row)
    if status in ("referred", "active"):
        for answered in voice.rows(_ASKED, number, pid, joined, b.on):
            b.add(QuestionnaireResponse, **answered)
    return pid


_OUTCOME_NOTES = (
    "Team agreed the plan is working; carer coping well.",
    "Falls risk discussed; daughter worried about nights.",
    "Breathlessness worse since discharge; rescue pack not used.",
    "Wants to stay at home; ReSPECT conversation to be revisited.",
    "Medication burden high; pharmacist to review.",
)


def _meetings(b: _Builder, patient_ids: list[str], staff: list[str]) -> None:
    """A weekly Tuesday series: half a year of finished meetings and the next three."""
    rng = b.rng
    last_tuesday = b.on - timedelta(days=(b.on.weekday() - 1) % 7)
    series = new_id()
    for week in range(-26, 3):
        day = last_tuesday + timedelta(weeks=week)
        past = day < b.on
        mid = b.add(
            Meeting,
            id=series if week == -26 else new_id(),
            starts_at=datetime.combine(day, time(12, 30), tzinfo=UTC),
            length_minutes=90,
            place="Practice meeting room",
            chair_id=staff[0],
            state="finished" if past else "planned",
            series_id=series,
        )
        if not patient_ids or not past:
            # Coming meetings start empty: the agenda builder proposes their cases.
            continue
        for n, (name, profession, organisation) in enumerate(names.STAFF):
            b.add(
                MeetingAttendee,
                meeting_id=mid,
                staff_id=staff[n],
                name=name,
                discipline=discipline_of(profession, organisation),
                present=rng.random() < 0.8,
            )
        for position, pid in enumerate(rng.sample(patient_ids, min(8, len(patient_ids)))):
            item = b.add(
                AgendaItem,
                meeting_id=mid,
                patient_id=pid,
                position=position,
                reason=rng.choice(
                    (
                        "New referral",
                        "Review due",
                        "Recent admission",
                        "eFI severe",
                        "Coordinator asked for discussion",
                    )
                ),
                minutes_planned=rng.choice((5, 10, 10, 15)),
                presenter_id=rng.choice(staff),
                seconds_spent=rng.randint(180, 900),
            )
            outcome = rng.choice(("continue", "change_plan", "refer", "step_down", "not_discussed"))
            b.add(
                Outcome,
                agenda_item_id=item,
                patient_id=pid,
                outcome=outcome,
                notes="" if outcome == "not_discussed" else rng.choice(_OUTCOME_NOTES),
                recorded_by_id=staff[0],
            )
            if outcome in ("change_plan", "refer"):
                _action(
                    b,
                    pid,
                    owner=rng.choice(staff[2:]),
                    creator=staff[0],
                    due=day + timedelta(days=rng.choice((7, 14, 28))),
                    status="done" if day < b.on - timedelta(days=28) else "open",
                    made=datetime.combine(day, time(14, 0), tzinfo=UTC),
                    meeting_id=mid,
                    agenda_item_id=item,
                )
    for pid in rng.sample(patient_ids, min(6, len(patient_ids))):
        b.add(
            DiscussionRequest,
            patient_id=pid,
            requested_by_id=rng.choice(staff[2:]),
            requested_on=b.day(6),
            reason=rng.choice(
                (
                    "Carer at breaking point",
                    "Two falls this month",
                    "Declining to engage with district nurses",
                    "Wants to talk about end-of-life wishes",
                )
            ),
        )


def populate(
    store: OpenStore,
    *,
    patients: int,
    seed: int,
    progress: Progress | None = None,
    first_number: int | None = None,
) -> DemoSummary:
    """Add demo staff, patients and their history to an open (normally new) store.

    `first_number` places the synthetic NHS numbers, so several demo practices can be
    given caseloads that do not overlap.
    """
    rng = random.Random(seed)
    b = _Builder(rng, today(store.clock))
    with store.session() as s:
        existing = staff_ids_by_name(s)
    # Reuse staff the store already has (the demo's own user is one of them).
    staff = [
        existing.get(name_key(n))
        or b.add(StaffMember, name=n, profession=p, organisation_type=o, app_role="member")
        for n, p, o in names.STAFF
    ]
    coordinators = staff[2:]
    b.staff_names = {sid: n for sid, (n, _p, _o) in zip(staff, names.STAFF, strict=True)}
    b.services = {
        n: b.add(Service, name=n, active=True, position=i) for i, n in enumerate(DEFAULT_SERVICES)
    }
    start = rng.randint(0, 1000) if first_number is None else first_number
    numbers = nhs_number.synthetic_numbers(start=start)
    patient_ids = []
    for i in range(patients):
        patient_ids.append(_patient(b, next(numbers), staff, coordinators))
        if progress is not None and (i + 1) % 500 == 0:
            progress(i + 1, patients)
    active = [r["id"] for r in b.tables.get(Patient, []) if r["caseload_status"] == "active"]
    _meetings(b, active, staff)
    register, register_events = activity.register(rng, numbers, 3 * patients, b.on)
    counts: dict[str, int] = {}
    with store.session() as s, s.begin():
        # Parents before children, so foreign keys hold at every insert.
        for model in (
            StaffMember,
            Service,
            Patient,
            Meeting,
            MeetingAttendee,
            AgendaItem,
            Outcome,
            DiscussionRequest,
            Condition,
            RiskScore,
            KeyContact,
            ContactLogEntry,
            HospitalEvent,
            Action,
            ActionEvent,
            CarePlan,
            QuestionnaireResponse,
        ):
            rows = b.tables.get(model, [])
            writes.bulk_insert(s, model, rows, source="demo data", seed=seed)
            counts[model.__tablename__] = len(rows)
        # The comparison pool: local to the store, never listed or synced.
        now = store.clock.now()
        for table, rows in ((RegisterPerson, register), (RegisterEvent, register_events)):
            for start in range(0, len(rows), 2000):
                chunk = rows[start : start + 2000]
                if table is RegisterPerson:
                    chunk = [{**row, "imported_at": now} for row in chunk]
                s.execute(insert(table), chunk)
            counts[table.__tablename__] = len(rows)
        if b.tables.get(HospitalEvent):
            _meta(s, HOSPITAL_DATA_FROM, (b.on - timedelta(days=activity.SPAN)).isoformat())
            _meta(s, HOSPITAL_DATA_TO, b.on.isoformat())
    if progress is not None:
        progress(patients, patients)
    return DemoSummary(counts)


def _meta(s: Session, key: str, value: str) -> None:
    done = s.execute(update(StoreMeta).where(StoreMeta.key == key).values(value=value))
    if getattr(done, "rowcount", 1) == 0:
        s.execute(insert(StoreMeta).values(key=key, value=value))
