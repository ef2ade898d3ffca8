"""Import the practice's risk register: the GP system's search of people eligible for
case management. They are the pool the impact report draws its comparison group from.

Register people live in their own table: never in caseload lists, agendas or sync
files. People already on the caseload are skipped and counted. A person imported again
(same NHS number) takes the file's values; nobody is removed, so the history of people
who have since left the search still counts for the comparison."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, update

from mdtdesk import fields
from mdtdesk.caseload.csv_format import ALIASES as CASELOAD_ALIASES
from mdtdesk.caseload.csv_format import resolve
from mdtdesk.caseload.csv_import import ImportRefused, Problem, RowReader, Validation
from mdtdesk.caseload.csv_read import Progress, Shape, stream_rows
from mdtdesk.clock import today
from mdtdesk.store import audit
from mdtdesk.store.ids import new_id
from mdtdesk.store.models import Patient, RegisterPerson
from mdtdesk.store.opened import OpenStore

REQUIRED = ("nhs_number", "date_of_birth", "sex", "efi_score")
OPTIONAL = ("date_of_death", "family_name", "given_name", "postcode")
COLUMNS = REQUIRED + OPTIONAL
ALIASES = {c: CASELOAD_ALIASES.get(c, ()) for c in COLUMNS} | {
    "date_of_death": ("dod", "died_on", "death_date")
}


@dataclass(frozen=True)
class RegisterImported:
    added: int
    updated: int
    on_caseload: int
    skipped: list[Problem] = field(default_factory=list)
    shape: Shape = field(default_factory=Shape)


def is_known(name: str) -> bool:
    return name in COLUMNS or any(name in names for names in ALIASES.values())


def _optional_name(text: str, what: str) -> str | None:
    return fields.parse_name(text, what) if text.strip() else None


def _death(text: str, on: date) -> date | None:
    died = fields.parse_optional_date(text, "date of death")
    if died is not None and died > on:
        raise fields.FieldError(f"the date of death {text.strip()} is in the future")
    return died


def validate(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    on: date,
    column_map: Mapping[str, str] | None = None,
    header_line: int = 1,
) -> tuple[list[dict[str, object]], Validation]:
    chosen = resolve(header, column_map, COLUMNS, ALIASES)
    position = {name: i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if chosen.get(c) not in position]
    if missing:
        problem = Problem(header_line, None, f"missing required column(s): {', '.join(missing)}")
        return [], Validation([], [problem], sum(1 for _ in rows))
    index = {c: position.get(chosen.get(c, "")) for c in COLUMNS}
    good: list[dict[str, object]] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    count = 0
    for line, cells in rows:
        count += 1
        r = RowReader(line, cells, index)
        values: dict[str, object] = {
            "nhs_number": r.parse("nhs_number", fields.parse_nhs_number),
            "date_of_birth": r.parse("date_of_birth", lambda t: fields.parse_date_of_birth(t, on)),
            "sex": r.parse("sex", fields.parse_sex),
            "efi_score": r.parse("efi_score", fields.parse_efi),
            "date_of_death": r.parse("date_of_death", lambda t: _death(t, on)),
            "family_name": r.parse("family_name", lambda t: _optional_name(t, "family name")),
            "given_name": r.parse("given_name", lambda t: _optional_name(t, "given name")),
            "postcode": r.parse(
                "postcode", lambda t: fields.parse_postcode(t) if t.strip() else None
            ),
        }
        nhs = values["nhs_number"]
        if isinstance(nhs, str):
            if nhs in first_line:
                r.problems.append(
                    Problem(line, "nhs_number", f"same NHS number as line {first_line[nhs]}")
                )
            first_line.setdefault(nhs, line)
        born, died = values["date_of_birth"], values["date_of_death"]
        if isinstance(born, date) and isinstance(died, date) and died < born:
            r.problems.append(
                Problem(line, "date_of_death", "the date of death is before the birth")
            )
        if r.problems:
            problems.extend(r.problems)
            continue
        good.append(values)
    return good, Validation([], problems, count)


def import_register(
    store: OpenStore,
    path: Path,
    *,
    skip_invalid: bool = False,
    column_map: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> RegisterImported:
    shape = Shape()
    on = today(store.clock)
    with stream_rows(path, progress, shape, is_known) as (header, rows):
        good, validation = validate(header, rows, on, column_map, shape.header_line)
    if validation.problems and not skip_invalid:
        raise ImportRefused(validation)
    now = store.clock.now()
    with store.session() as s, s.begin():
        on_caseload = set(s.execute(select(Patient.nhs_number).where(~Patient.deleted)).scalars())
        known = dict(s.execute(select(RegisterPerson.nhs_number, RegisterPerson.id)).all())
        new: list[dict[str, object]] = []
        skipped = updated = 0
        for values in good:
            nhs = values["nhs_number"]
            if nhs in on_caseload:
                skipped += 1
            elif nhs in known:
                s.execute(
                    update(RegisterPerson)
                    .where(RegisterPerson.id == known[str(nhs)])
                    .values(**values, imported_at=now)
                )
                updated += 1
            else:
                new.append({**values, "id": new_id(), "imported_at": now})
        for start in range(0, len(new), 2000):
            s.execute(insert(RegisterPerson), new[start : start + 2000])
        audit.log(
            s,
            "import",
            entity="register_person",
            file=path.name,
            created=len(new),
            updated=updated,
            on_caseload=skipped,
            skipped=len(validation.problems),
        )
    store.checkpoint()
    return RegisterImported(len(new), updated, skipped, validation.problems, shape)
