"""Import hospital activity (a trust's or the ICB's extract): admissions and A&E
attendances for the caseload, and for the risk register the impact report compares
with. Validated whole first, then written in one transaction.

An event already held (same person, event, start date and provider) is not added
twice, so the same extract, or one that overlaps the last, can be imported again. Rows
for people the store holds on neither list are skipped and counted: an extract usually
covers more people than one practice's caseload."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from mdtdesk import fields
from mdtdesk.caseload.csv_format import normalise_header, resolve
from mdtdesk.caseload.csv_import import ImportRefused, Problem, RowReader, Validation
from mdtdesk.caseload.csv_read import Progress, Shape, stream_rows
from mdtdesk.clock import today
from mdtdesk.store import audit, writes
from mdtdesk.store.ids import new_id
from mdtdesk.store.models import HospitalEvent, Patient, RegisterEvent, RegisterPerson, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import (
    AE_ATTENDANCE,
    ELECTIVE_ADMISSION,
    EMERGENCY_ADMISSION,
    HOSPITAL_DATA_FROM,
    HOSPITAL_DATA_TO,
    hospital_event_word,
)

REQUIRED = ("nhs_number", "event", "start_date")
OPTIONAL = ("end_date", "provider", "primary_diagnosis")
COLUMNS = REQUIRED + OPTIONAL
ALIASES: dict[str, tuple[str, ...]] = {
    "nhs_number": ("nhs_no", "nhs"),
    "event": ("event_type", "activity", "activity_type", "type"),
    "start_date": ("admission_date", "arrival_date", "date_of_admission", "start"),
    "end_date": ("discharge_date", "date_of_discharge", "end"),
    "provider": ("provider_code", "trust", "ods_code", "trust_code"),
    "primary_diagnosis": ("diagnosis", "icd10", "primary_diagnosis_code", "icd_10"),
}
EMERGENCY, ELECTIVE, AE = EMERGENCY_ADMISSION, ELECTIVE_ADMISSION, AE_ATTENDANCE
EVENT_WORDS = {
    EMERGENCY: EMERGENCY, "emergency": EMERGENCY, "non_elective": EMERGENCY,
    "non_elective_admission": EMERGENCY, "unplanned_admission": EMERGENCY,
    ELECTIVE: ELECTIVE, "elective": ELECTIVE, "planned_admission": ELECTIVE,
    AE: AE, "a_e_attendance": AE, "a_e": AE, "ae": AE, "emergency_department": AE,
}  # fmt: skip
_PROVIDER = re.compile(r"^[A-Z0-9]{3,6}$")
_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
DATA_FROM, DATA_TO = HOSPITAL_DATA_FROM, HOSPITAL_DATA_TO


@dataclass(frozen=True)
class EventRow:
    line: int
    nhs_number: str
    event: str
    start: date
    end: date | None
    provider: str | None
    diagnosis: str | None

    def key(self, person_id: str) -> tuple[str, str, date, str]:
        return person_id, self.event, self.start, self.provider or ""


@dataclass(frozen=True)
class HospitalImported:
    caseload_events: int
    register_events: int
    already_held: int
    unknown_people: int
    skipped: list[Problem] = field(default_factory=list)
    shape: Shape = field(default_factory=Shape)


def is_known(name: str) -> bool:
    return name in COLUMNS or any(name in names for names in ALIASES.values())


def _event(text: str) -> str:
    word = EVENT_WORDS.get(normalise_header(text))
    if word is None:
        raise fields.FieldError(
            f"{text.strip()[:40]!r} is not an event: use {EMERGENCY}, {ELECTIVE} or {AE}"
        )
    return word


def _code(text: str, pattern: re.Pattern[str], what: str) -> str | None:
    value = text.strip().upper()
    if not value:
        return None
    if not pattern.match(value):
        raise fields.FieldError(f"{text.strip()[:40]!r} is not {what}")
    return value.replace(".", "") if pattern is _ICD10 else value


def _day(text: str, what: str, on: date, required: bool = False) -> date | None:
    value = (fields.parse_date if required else fields.parse_optional_date)(text, what)
    if value is not None and value > on:
        raise fields.FieldError(f"the {what} {text.strip()} is in the future")
    if value is not None and value.year < 1890:
        raise fields.FieldError(f"the {what} {text.strip()} is before 1890")
    return value


def validate(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    on: date,
    column_map: Mapping[str, str] | None = None,
    header_line: int = 1,
) -> tuple[list[EventRow], Validation]:
    chosen = resolve(header, column_map, COLUMNS, ALIASES)
    position = {name: i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if chosen.get(c) not in position]
    if missing:
        problem = Problem(header_line, None, f"missing required column(s): {', '.join(missing)}")
        return [], Validation([], [problem], sum(1 for _ in rows))
    index = {c: position.get(chosen.get(c, "")) for c in COLUMNS}
    good: list[EventRow] = []
    problems: list[Problem] = []
    count = 0
    for line, cells in rows:
        count += 1
        r = RowReader(line, cells, index)
        nhs = r.parse("nhs_number", fields.parse_nhs_number)
        event = r.parse("event", _event)
        start = r.parse("start_date", lambda t: _day(t, "start date", on, required=True))
        end = r.parse("end_date", lambda t: _day(t, "end date", on))
        provider = r.parse("provider", lambda t: _code(t, _PROVIDER, "an ODS code (RJ1)"))
        diagnosis = r.parse(
            "primary_diagnosis", lambda t: _code(t, _ICD10, "an ICD-10 code (I50.9)")
        )
        if start is not None and end is not None and end < start:
            r.problems.append(Problem(line, "end_date", "the end date is before the start date"))
        if r.problems:
            problems.extend(r.problems)
            continue
        assert nhs and event and start
        # An A&E attendance has no stay: a departure date, if the extract gives one, is
        # not a discharge.
        good.append(
            EventRow(line, nhs, event, start, None if event == AE else end, provider, diagnosis)
        )
    return good, Validation([], problems, count)


def import_hospital(
    store: OpenStore,
    path: Path,
    *,
    skip_invalid: bool = False,
    column_map: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> HospitalImported:
    """All or nothing: with problems and not skip_invalid, raises ImportRefused."""
    shape = Shape()
    on = today(store.clock)
    with stream_rows(path, progress, shape, is_known) as (header, rows):
        good, validation = validate(header, rows, on, column_map, shape.header_line)
    if validation.problems and not skip_invalid:
        raise ImportRefused(validation)
    with store.session() as s, s.begin():
        patients = _ids(s, select(Patient.nhs_number, Patient.id).where(~Patient.deleted))
        register = _ids(s, select(RegisterPerson.nhs_number, RegisterPerson.id))
        held = _held(s)
        ours: list[dict[str, object]] = []
        theirs: list[dict[str, object]] = []
        already = unknown = 0
        for row in good:
            pid = patients.get(row.nhs_number)
            rid = None if pid else register.get(row.nhs_number)
            if pid is None and rid is None:
                unknown += 1
                continue
            key = row.key(pid or rid or "")
            if key in held:
                already += 1
                continue
            held.add(key)
            if pid is not None:
                ours.append({
                    "patient_id": pid, "kind": "ae_attendance" if row.event == AE else "admission",
                    "planned": row.event == ELECTIVE, "started_on": row.start,
                    "ended_on": row.end, "hospital": row.provider, "reason": row.diagnosis,
                })  # fmt: skip
            else:
                theirs.append({
                    "id": new_id(), "register_id": rid, "event": row.event,
                    "started_on": row.start, "ended_on": row.end, "provider": row.provider,
                    "diagnosis": row.diagnosis,
                })  # fmt: skip
        writes.bulk_insert(s, HospitalEvent, ours, file=path.name)
        for start in range(0, len(theirs), 2000):
            s.execute(insert(RegisterEvent), theirs[start : start + 2000])
        if ours or theirs:
            _widen_cover(s, [r.start for r in good])
        audit.log(
            s,
            "import",
            entity="hospital_event",
            file=path.name,
            caseload=len(ours),
            register=len(theirs),
            already_held=already,
            unknown_people=unknown,
            skipped=len(validation.problems),
        )
    store.checkpoint()
    return HospitalImported(len(ours), len(theirs), already, unknown, validation.problems, shape)


def _ids(s: Session, query: object) -> dict[str, str]:
    return {nhs: pid for nhs, pid in s.execute(query)}  # type: ignore[call-overload]


def _held(s: Session) -> set[tuple[str, str, date, str]]:
    held = {
        (pid, hospital_event_word(kind, planned), start, (hospital or "").upper())
        for pid, kind, planned, start, hospital in s.execute(
            select(
                HospitalEvent.patient_id,
                HospitalEvent.kind,
                HospitalEvent.planned,
                HospitalEvent.started_on,
                HospitalEvent.hospital,
            ).where(~HospitalEvent.deleted)
        )
    }
    held.update(
        (rid, event, start, provider or "")
        for rid, event, start, provider in s.execute(
            select(
                RegisterEvent.register_id,
                RegisterEvent.event,
                RegisterEvent.started_on,
                RegisterEvent.provider,
            )
        )
    )
    return held


def cover(s: Session) -> tuple[date | None, date | None]:
    """The first and last day the imported hospital data is known to cover."""
    meta = dict(
        s.execute(
            select(StoreMeta.key, StoreMeta.value).where(StoreMeta.key.in_((DATA_FROM, DATA_TO)))
        ).all()
    )
    first, last = meta.get(DATA_FROM), meta.get(DATA_TO)
    return (
        date.fromisoformat(first) if first else None,
        date.fromisoformat(last) if last else None,
    )


def _widen_cover(s: Session, starts: list[date]) -> None:
    first, last = cover(s)
    new_first = min([*starts, *([first] if first else [])])
    new_last = max([*starts, *([last] if last else [])])
    for key, value in ((DATA_FROM, new_first), (DATA_TO, new_last)):
        done = s.execute(update(StoreMeta).where(StoreMeta.key == key).values(value=str(value)))
        if getattr(done, "rowcount", 1) == 0:
            s.execute(insert(StoreMeta).values(key=key, value=str(value)))
