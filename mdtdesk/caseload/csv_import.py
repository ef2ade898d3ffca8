"""Import a caseload CSV: validate the whole file, then write it in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk import fields
from mdtdesk.caseload.csv_format import OPTIONAL, REQUIRED, resolve
from mdtdesk.caseload.csv_read import CsvFileError, Progress, Shape, stream_rows
from mdtdesk.clock import today
from mdtdesk.errors import Refusal
from mdtdesk.store import audit, writes
from mdtdesk.store.models import Condition, Patient, RiskScore
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import name_key, staff_ids_by_name

T = TypeVar("T")
__all__ = ["CsvFileError", "ImportRefused", "import_caseload", "validate", "validate_file"]


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ParsedRow:
    line: int
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str
    postcode: str
    phone: str | None
    efi_score: float | None
    conditions: list[str]
    coordinator_id: str | None
    status: str | None
    referral_date: date | None = None
    date_of_death: date | None = None


@dataclass(frozen=True)
class Validation:
    rows: list[ParsedRow]
    problems: list[Problem]
    data_lines: int


class ImportRefused(Refusal):
    def __init__(self, validation: Validation) -> None:
        super().__init__(f"{len(validation.problems)} problem(s); nothing was imported")
        self.validation = validation


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: list[Problem] = field(default_factory=list)
    shape: Shape = field(default_factory=Shape)


class RowReader:
    """One row's cells by column name, collecting a problem for each bad value."""

    def __init__(self, line: int, cells: list[str], index: Mapping[str, int | None]) -> None:
        self.line = line
        self.cells = cells
        self.index = index
        self.problems: list[Problem] = []

    def cell(self, column: str) -> str:
        i = self.index[column]
        return self.cells[i] if i is not None and i < len(self.cells) else ""

    def parse(self, column: str, parser: Callable[[str], T]) -> T | None:
        try:
            return parser(self.cell(column))
        except fields.FieldError as exc:
            self.problems.append(Problem(self.line, column, str(exc)))
            return None


def validate(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    staff: Mapping[str, str],
    on: date,
    column_map: Mapping[str, str] | None = None,
    keep: Callable[[ParsedRow], None] | None = None,
    header_line: int = 1,
) -> Validation:
    """Check every row; return the good ones and every problem, line by line.

    column_map maps our column names to the file's header names, for files whose
    headers differ (the desktop import lets a person choose them). With keep, good
    rows go to it as they are read and are not held (the import streams).
    """
    chosen = resolve(header, column_map)
    position = {name: i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if chosen.get(c) not in position]
    if missing:
        problem = Problem(header_line, None, f"missing required column(s): {', '.join(missing)}")
        return Validation([], [problem], sum(1 for _ in rows))
    index = {c: position.get(chosen.get(c, "")) for c in (*REQUIRED, *OPTIONAL)}

    good: list[ParsedRow] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    count = 0
    for line, cells in rows:
        count += 1
        reader = RowReader(line, cells, index)
        nhs = reader.parse("nhs_number", fields.parse_nhs_number)
        family = reader.parse("family_name", lambda t: fields.parse_name(t, "family name"))
        given = reader.parse("given_name", lambda t: fields.parse_name(t, "given name"))
        dob = reader.parse("date_of_birth", lambda t: fields.parse_date_of_birth(t, on))
        sex = reader.parse("sex", fields.parse_sex)
        postcode = reader.parse("postcode", fields.parse_postcode)
        phone = reader.parse("phone", fields.parse_phone)
        efi = reader.parse("efi_score", fields.parse_efi)
        status = reader.parse("caseload_status", fields.parse_status)
        conditions = reader.parse("conditions", fields.parse_conditions) or []
        referred = reader.parse("referral_date", lambda t: _past_date(t, "referral date", on))
        died = reader.parse("date_of_death", lambda t: _past_date(t, "date of death", on))
        if died is not None:
            # A date of death implies the status; a row that says otherwise is wrong.
            if status not in (None, "died"):
                reader.problems.append(
                    Problem(line, "caseload_status",
                            f"the row has a date of death but the status {status!r}")
                )  # fmt: skip
            status = "died"
            if dob is not None and died < dob:
                reader.problems.append(
                    Problem(line, "date_of_death", "the date of death is before the birth")
                )
        coordinator_name = " ".join(reader.cell("named_coordinator").split())
        coordinator_id = None
        if coordinator_name:
            coordinator_id = staff.get(name_key(coordinator_name))
            if coordinator_id is None:
                reader.problems.append(
                    Problem(
                        line,
                        "named_coordinator",
                        f"no staff member called {coordinator_name!r} "
                        "(add them to the store first, or leave the cell empty)",
                    )
                )
        if nhs is not None:
            if nhs in first_line:
                reader.problems.append(
                    Problem(line, "nhs_number", f"same NHS number as line {first_line[nhs]}")
                )
            else:
                first_line[nhs] = line
        if reader.problems:
            problems.extend(reader.problems)
            continue
        assert nhs and family and given and dob and sex and postcode
        (keep or good.append)(
            ParsedRow(
                line,
                nhs,
                family,
                given,
                dob,
                sex,
                postcode,
                phone,
                efi,
                conditions,
                coordinator_id,
                status,
                referred,
                died,
            )
        )
    return Validation(good, problems, count)


def _past_date(text: str, what: str, on: date) -> date | None:
    parsed = fields.parse_optional_date(text, what)
    if parsed is not None and parsed > on:
        raise fields.FieldError(f"the {what} {text.strip()} is in the future")
    if parsed is not None and parsed.year < 1890:
        raise fields.FieldError(f"the {what} {text.strip()} is before 1890")
    return parsed


def validate_file(
    store: OpenStore,
    path: Path,
    column_map: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    keep: Callable[[ParsedRow], None] | None = None,
    shape: Shape | None = None,
) -> Validation:
    with store.session() as s:
        staff = staff_ids_by_name(s)
    shape = shape if shape is not None else Shape()
    with stream_rows(path, progress, shape) as (header, rows):
        on = today(store.clock)
        return validate(header, rows, staff, on, column_map, keep, shape.header_line)


def import_caseload(
    store: OpenStore,
    path: Path,
    *,
    skip_invalid: bool = False,
    column_map: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Add new patients and update known ones (same NHS number), all or nothing.

    With problems and not skip_invalid, raises ImportRefused and writes nothing.
    """

    # Two passes over the file, so memory stays flat whatever its size: the first
    # checks every row and keeps only the problems, the second writes the good rows in
    # chunks inside one transaction. Progress: bytes read over both passes.
    def part(offset: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, size: progress(offset * size + done, 2 * size)

    shape = Shape()
    validation = validate_file(store, path, column_map, part(0), keep=lambda _: None, shape=shape)
    if validation.problems and not skip_invalid:
        raise ImportRefused(validation)
    on = today(store.clock)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with store.session() as s, s.begin():
        chunk: list[ParsedRow] = []

        def take(row: ParsedRow) -> None:
            chunk.append(row)
            if len(chunk) >= _WRITE_CHUNK:
                _write_chunk(s, chunk, on, path.name, counts)
                chunk.clear()

        validate_file(store, path, column_map, part(1), keep=take)
        _write_chunk(s, chunk, on, path.name, counts)
        audit.log(
            s,
            "import",
            entity="patient",
            file=path.name,
            created=counts["created"],
            updated=counts["updated"],
            skipped=len(validation.problems),
        )
    store.checkpoint()
    return ImportResult(
        counts["created"], counts["updated"], counts["unchanged"], validation.problems, shape
    )


def _write_chunk(
    s: Session, chunk: list[ParsedRow], on: date, file: str, counts: dict[str, int]
) -> None:
    existing = _existing_by_nhs(s, [r.nhs_number for r in chunk])
    known_conditions = _conditions_of(s, [p.id for p in existing.values()])
    new_rows: list[ParsedRow] = []
    for row in chunk:
        patient = existing.get(row.nhs_number)
        if patient is None:
            new_rows.append(row)
        elif _update(s, patient, row, on, known_conditions.get(patient.id, set())):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    s.flush()
    _create_all(s, new_rows, on, file)
    counts["created"] += len(new_rows)
    # Nothing is kept between chunks but the counts.
    s.expunge_all()


_WRITE_CHUNK = 2000


def _create_all(session: Session, rows: list[ParsedRow], on: date, file: str) -> None:
    """New patients, their conditions and eFI scores: one bulk insert each (an audit row
    per insert, not one per person: 100,000 rows took 283 s through the ORM)."""
    if not rows:
        return
    ids = writes.bulk_insert(session, Patient, [_new_patient(r, on) for r in rows], file=file)
    conditions = [
        {"patient_id": pid, "name": name}
        for pid, row in zip(ids, rows, strict=True)
        for name in row.conditions
    ]
    writes.bulk_insert(session, Condition, conditions, file=file)
    scores = [
        {"patient_id": pid, "kind": "efi", "value": row.efi_score,
         "source": "caseload import", "recorded_on": on}
        for pid, row in zip(ids, rows, strict=True)
        if row.efi_score is not None
    ]  # fmt: skip
    writes.bulk_insert(session, RiskScore, scores, file=file)


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    # SQLite caps the number of bound parameters in one statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_by_nhs(session: Session, numbers: list[str]) -> dict[str, Patient]:
    found: dict[str, Patient] = {}
    for chunk in _chunks(numbers):
        query = select(Patient).where(Patient.nhs_number.in_(chunk), Patient.deleted.is_(False))
        for patient in session.execute(query).scalars():
            found.setdefault(patient.nhs_number, patient)
    return found


def _conditions_of(session: Session, patient_ids: list[str]) -> dict[str, set[str]]:
    """Each patient's current condition names (case-folded), in one query per chunk."""
    known: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(patient_ids):
        query = select(Condition.patient_id, Condition.name).where(
            Condition.patient_id.in_(chunk), Condition.deleted.is_(False)
        )
        for patient_id, name in session.execute(query):
            known[patient_id].add(name.casefold())
    return known


def _values(row: ParsedRow) -> dict[str, object]:
    """The patient fields a row sets, whether the patient is new or known."""
    return {
        "family_name": row.family_name,
        "given_name": row.given_name,
        "date_of_birth": row.date_of_birth,
        "sex": row.sex,
        "postcode": row.postcode,
        "phone": row.phone,
        "efi_score": row.efi_score,
        "named_coordinator_id": row.coordinator_id,
        "caseload_status": row.status,
        "referral_date": row.referral_date,
        "date_of_death": row.date_of_death,
    }


def _new_patient(row: ParsedRow, on: date) -> dict[str, object]:
    return {
        **_values(row),
        "nhs_number": row.nhs_number,
        "caseload_status": row.status or "active",
        "referral_date": row.referral_date or on,
        "referral_source": "caseload import",
    }


def _update(
    session: Session, patient: Patient, row: ParsedRow, on: date, known_conditions: set[str]
) -> bool:
    """Apply the row's values; blank optional cells leave what the store has."""
    values = _values(row)
    if row.efi_score is not None and patient.efi_score != row.efi_score:
        _add_efi(session, patient, row.efi_score, on)
    changed = False
    for name, value in values.items():
        if value is not None and getattr(patient, name) != value:
            setattr(patient, name, value)
            changed = True
    added = _add_conditions(session, patient, row.conditions, known_conditions)
    return changed or added


def _add_conditions(session: Session, patient: Patient, names: list[str], known: set[str]) -> bool:
    added = False
    for name in names:
        if name.casefold() not in known:
            session.add(Condition(patient_id=patient.id, name=name))
            added = True
    return added


def _add_efi(session: Session, patient: Patient, score: float, on: date) -> None:
    session.add(
        RiskScore(
            patient_id=patient.id, kind="efi", value=score, source="caseload import", recorded_on=on
        )
    )
