"""Which people to propose for a meeting's agenda, and why: transparent rules, in an
order the team sets.

"Since the last meeting" means from the date of the meeting before this one up to and
including this meeting's date; something dated on the last meeting's day counts only
if that person was not on the last meeting's agenda (it may have happened after it).
With no meeting before, it means the seven days up to and including the meeting date.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.clock import short_day
from mdtdesk.labels import risk_label
from mdtdesk.meetings.schedule import get, local_day, previous_meeting
from mdtdesk.store.models import (
    Action,
    AgendaItem,
    CarePlan,
    DiscussionRequest,
    HospitalEvent,
    Meeting,
    Outcome,
    Patient,
    RiskScore,
    StaffMember,
    StoreMeta,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import OPEN_ACTION_STATUSES, efi_band

RULES: dict[str, str] = {
    "new_referral": "New referral since the last meeting",
    "review_due": "Review due by the meeting date (caseload review or care plan review)",
    "hospital": "Unplanned admission or A&E attendance since the last meeting",
    "risk": "Risk band raised since the last meeting, or eFI severe and not discussed "
    "for a number of weeks",
    "requested": "Coordinator asked for discussion (and it has not been discussed since)",
    "overdue_actions": "Actions overdue by the meeting date",
    "carried_forward": "Carried forward: not discussed at the last meeting",
}
ACTIVE_STATUSES = ("referred", "active")
SEVERE_WEEKS = 12
# Admission-risk scores are a percentage chance of an emergency admission in a year.
ADMISSION_BANDS = ((40.0, "high"), (20.0, "medium"), (0.0, "low"))
_BAND_RANK = {"fit": 0, "mild": 1, "moderate": 2, "severe": 3, "low": 0, "medium": 1, "high": 2}
_SETTINGS_KEY = "agenda_rules"
_DECIDED_SKIP = ("pending", "not_discussed")


@dataclass(frozen=True)
class RuleSettings:
    order: tuple[str, ...] = tuple(RULES)
    off: frozenset[str] = frozenset()
    severe_weeks: int = SEVERE_WEEKS

    @property
    def active(self) -> tuple[str, ...]:
        return tuple(r for r in self.order if r not in self.off)


@dataclass
class Proposal:
    patient_id: str
    name: str
    nhs_number: str
    coordinator_id: str | None
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (rule, words)

    @property
    def reason(self) -> str:
        return "; ".join(words for _rule, words in self.reasons)


def load_settings(session: Session) -> RuleSettings:
    raw = session.get(StoreMeta, _SETTINGS_KEY)
    if raw is None:
        return RuleSettings()
    saved = json.loads(raw.value)
    order = [r for r in saved.get("order", []) if r in RULES]
    order += [r for r in RULES if r not in order]  # rules added since are kept, at the end
    return RuleSettings(
        tuple(order),
        frozenset(r for r in saved.get("off", []) if r in RULES),
        int(saved.get("severe_weeks", SEVERE_WEEKS)),
    )


def save_settings(store: OpenStore, settings: RuleSettings) -> None:
    if sorted(settings.order) != sorted(RULES):
        raise ValueError("the rule order must name every rule once")
    if not 1 <= settings.severe_weeks <= 52:
        raise ValueError("weeks must be between 1 and 52")
    value = json.dumps(
        {
            "order": list(settings.order),
            "off": sorted(settings.off),
            "severe_weeks": settings.severe_weeks,
        }
    )
    with store.session() as s, s.begin():
        row = s.get(StoreMeta, _SETTINGS_KEY)
        if row is None:
            s.add(StoreMeta(key=_SETTINGS_KEY, value=value))
        else:
            row.value = value


def settings(store: OpenStore) -> RuleSettings:
    with store.session() as s:
        return load_settings(s)


def admission_band(score: float) -> str:
    return next(band for floor, band in ADMISSION_BANDS if score >= floor)


def _band(kind: str, value: float) -> str | None:
    if kind == "efi":
        return efi_band(value)
    if kind == "admission_risk":
        return admission_band(value)
    return None


@dataclass(frozen=True)
class _Window:
    day: date
    since: date
    last_agenda: frozenset[str]
    last_meeting: Meeting | None

    def holds(self, patient_id: str, when: date) -> bool:
        if when > self.day or when < self.since:
            return False
        return when > self.since or patient_id not in self.last_agenda


def propose(store: OpenStore, meeting_id: str) -> list[Proposal]:
    with store.session() as s:
        return propose_in(s, meeting_id)


def propose_in(session: Session, meeting_id: str) -> list[Proposal]:
    """People to propose, most pressing first, without those already on the agenda."""
    meeting = get(session, meeting_id)
    chosen = load_settings(session)
    day = local_day(meeting.starts_at)
    last = previous_meeting(session, meeting)
    last_agenda: frozenset[str] = frozenset()
    if last is not None:
        last_agenda = frozenset(
            session.execute(
                select(AgendaItem.patient_id).where(
                    AgendaItem.meeting_id == last.id, AgendaItem.deleted.is_(False)
                )
            ).scalars()
        )
    window = _Window(
        day,
        local_day(last.starts_at) if last else day - timedelta(days=6),
        last_agenda,
        last,
    )
    people = {
        pid: Proposal(pid, f"{family.upper()}, {given}", nhs, coordinator)
        for pid, family, given, nhs, coordinator in session.execute(
            select(
                Patient.id,
                Patient.family_name,
                Patient.given_name,
                Patient.nhs_number,
                Patient.named_coordinator_id,
            ).where(Patient.deleted.is_(False), Patient.caseload_status.in_(ACTIVE_STATUSES))
        )
    }
    on_agenda = set(
        session.execute(
            select(AgendaItem.patient_id).where(
                AgendaItem.meeting_id == meeting.id, AgendaItem.deleted.is_(False)
            )
        ).scalars()
    )
    finders = {
        "new_referral": _new_referrals,
        "review_due": _reviews_due,
        "hospital": _hospital,
        "risk": _risk,
        "requested": _requested,
        "overdue_actions": _overdue,
        "carried_forward": _carried_forward,
    }
    rank: dict[str, int] = {}
    for position, rule in enumerate(chosen.active):
        for pid, words in finders[rule](session, window, chosen, people):
            if pid in people and pid not in on_agenda:
                people[pid].reasons.append((rule, words))
                rank.setdefault(pid, position)
    found = [p for p in people.values() if p.reasons]
    found.sort(key=lambda p: (rank[p.patient_id], -len(p.reasons), p.name))
    return found


Found = list[tuple[str, str]]


def _new_referrals(s: Session, w: _Window, _c: RuleSettings, people: dict[str, Proposal]) -> Found:
    rows = s.execute(
        select(Patient.id, Patient.referral_date).where(
            Patient.id.in_(list(people)), Patient.referral_date.between(w.since, w.day)
        )
    )
    return [(pid, f"New referral ({short_day(on)})") for pid, on in rows if on and w.holds(pid, on)]


def _reviews_due(s: Session, w: _Window, _c: RuleSettings, people: dict[str, Proposal]) -> Found:
    found: Found = [
        (pid, f"Review due {short_day(on)}")
        for pid, on in s.execute(
            select(Patient.id, Patient.next_review_date).where(
                Patient.deleted.is_(False), Patient.next_review_date <= w.day
            )
        )
        if on is not None
    ]
    newest: dict[str, tuple[int, date | None]] = {}
    for pid, version, review in s.execute(
        select(CarePlan.patient_id, CarePlan.version, CarePlan.review_date).where(
            CarePlan.deleted.is_(False), CarePlan.status == "agreed"
        )
    ):
        if pid not in newest or version > newest[pid][0]:
            newest[pid] = (version, review)
    found += [
        (pid, f"Care plan review due {short_day(review)}")
        for pid, (_v, review) in newest.items()
        if review is not None and review <= w.day
    ]
    return found


def _hospital(s: Session, w: _Window, _c: RuleSettings, _p: dict[str, Proposal]) -> Found:
    rows = s.execute(
        select(HospitalEvent.patient_id, HospitalEvent.kind, HospitalEvent.started_on)
        .where(
            HospitalEvent.deleted.is_(False),
            HospitalEvent.planned.is_(False),
            HospitalEvent.started_on.between(w.since, w.day),
        )
        .order_by(HospitalEvent.started_on)
    )
    found: Found = []
    for pid, kind, on in rows:
        if w.holds(pid, on):
            what = "Unplanned admission" if kind == "admission" else "A&E attendance"
            found.append((pid, f"{what} {short_day(on)}"))
    return found


def _risk(s: Session, w: _Window, c: RuleSettings, people: dict[str, Proposal]) -> Found:
    history: dict[tuple[str, str], list[tuple[date, float]]] = defaultdict(list)
    for pid, kind, value, on in s.execute(
        select(RiskScore.patient_id, RiskScore.kind, RiskScore.value, RiskScore.recorded_on)
        .where(RiskScore.deleted.is_(False), RiskScore.recorded_on <= w.day)
        .order_by(RiskScore.recorded_on, RiskScore.created_at)
    ):
        history[(pid, kind)].append((on, value))
    found: Found = []
    for (pid, kind), scores in history.items():
        before = [v for on, v in scores if not w.holds(pid, on) and on <= w.since]
        recent = [v for on, v in scores if w.holds(pid, on)]
        if not before or not recent:
            continue
        was, now = _band(kind, before[-1]), _band(kind, recent[-1])
        if was and now and _BAND_RANK[now] > _BAND_RANK[was]:
            label = risk_label(kind)
            found.append((pid, f"{label} raised from {was} to {now}"))
    raised = {pid for pid, _ in found}
    since = w.day - timedelta(weeks=c.severe_weeks)
    discussed = _discussed_since(s, since, w.day)
    for pid, score in s.execute(
        select(Patient.id, Patient.efi_score).where(
            Patient.id.in_(list(people)), Patient.efi_score > 0.36
        )
    ):
        if pid not in raised and pid not in discussed:
            found.append(
                (pid, f"eFI severe ({score:.2f}), not discussed in {c.severe_weeks} weeks")
            )
    return found


def _discussed_since(s: Session, since: date, until: date) -> dict[str, date]:
    """People with a decided outcome at a meeting from `since` to before `until`."""
    latest: dict[str, date] = {}
    # A day's margin either side in SQL (times are UTC, days are local); exact below.
    start = datetime.combine(since - timedelta(days=1), time(), tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC)
    for pid, at in s.execute(
        select(Outcome.patient_id, Meeting.starts_at)
        .join(AgendaItem, AgendaItem.id == Outcome.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Outcome.deleted.is_(False),
            Outcome.outcome.not_in(_DECIDED_SKIP),
            Meeting.starts_at.between(start, end),
        )
    ):
        day = local_day(at)
        if since <= day < until and day > latest.get(pid, date.min):
            latest[pid] = day
    return latest


def _requested(s: Session, w: _Window, _c: RuleSettings, _p: dict[str, Proposal]) -> Found:
    requests = s.execute(
        select(DiscussionRequest, StaffMember.name)
        .outerjoin(StaffMember, StaffMember.id == DiscussionRequest.requested_by_id)
        .where(DiscussionRequest.deleted.is_(False), DiscussionRequest.requested_on <= w.day)
        .order_by(DiscussionRequest.requested_on)
    ).all()
    if not requests:
        return []
    discussed = _discussed_since(s, min(r.requested_on for r, _ in requests), w.day)
    found: Found = []
    for request, who in requests:
        last = discussed.get(request.patient_id)
        if last is not None and last >= request.requested_on:
            continue
        by = f" by {who}" if who else ""
        found.append(
            (
                request.patient_id,
                f"Discussion asked for{by} on {short_day(request.requested_on)}: {request.reason}",
            )
        )
    return found


def _overdue(s: Session, w: _Window, _c: RuleSettings, _p: dict[str, Proposal]) -> Found:
    counts: dict[str, list[date]] = defaultdict(list)
    for pid, due in s.execute(
        select(Action.patient_id, Action.due_date).where(
            Action.deleted.is_(False),
            Action.status.in_(OPEN_ACTION_STATUSES),
            Action.due_date < w.day,
        )
    ):
        if due is not None:
            counts[pid].append(due)
    found: Found = []
    for pid, dues in counts.items():
        n = len(dues)
        found.append(
            (pid, f"{n} action{'s' if n > 1 else ''} overdue (since {short_day(min(dues))})")
        )
    return found


def _carried_forward(s: Session, w: _Window, _c: RuleSettings, _p: dict[str, Proposal]) -> Found:
    if w.last_meeting is None or w.last_meeting.state != "finished":
        return []
    rows = s.execute(
        select(AgendaItem.patient_id, Outcome.outcome)
        .outerjoin(Outcome, (Outcome.agenda_item_id == AgendaItem.id) & Outcome.deleted.is_(False))
        .where(AgendaItem.meeting_id == w.last_meeting.id, AgendaItem.deleted.is_(False))
    )
    when = short_day(local_day(w.last_meeting.starts_at))
    return [
        (pid, f"Carried forward: not discussed on {when}")
        for pid, outcome in rows
        if outcome in (None, *_DECIDED_SKIP)
    ]
