"""The kinds of CSV the import dialog takes: the caseload, hospital activity and the
risk register. Each names its columns, how a file's headers are guessed, how rows are
checked and imported, and what the import changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdtdesk.caseload import csv_format, hospital_csv, register_csv
from mdtdesk.caseload.csv_import import Validation, import_caseload, validate
from mdtdesk.caseload.csv_read import Progress
from mdtdesk.clock import today
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_ids_by_name
from mdtdesk.ui.widgets.changes import Change

Cells = tuple[int, list[str]]


@dataclass(frozen=True)
class CsvKind:
    name: str  # "caseload CSV", in "Import a caseload CSV"
    placeholder: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    is_known: Callable[[str], bool]
    guess: Callable[[list[str]], dict[str, str]]
    # (rows ready, the problems) for the rows as mapped
    check: Callable[[OpenStore, list[str], list[Cells], Mapping[str, str]], tuple[int, Validation]]
    run: Callable[[OpenStore, Path, bool, Mapping[str, str], Progress], Any]
    describe: Callable[[Any], str]
    changes: Change


def _check_caseload(
    store: OpenStore, header: list[str], rows: list[Cells], mapping: Mapping[str, str]
) -> tuple[int, Validation]:
    with store.session() as s:
        staff = staff_ids_by_name(s)
    v = validate(header, rows, staff, today(store.clock), mapping)
    return len(v.rows), v


def _skipped(result: Any) -> str:
    return f", {len(result.skipped)} skipped" if result.skipped else ""


CASELOAD = CsvKind(
    "caseload CSV",
    "The CSV your GP system search exported",
    csv_format.REQUIRED,
    csv_format.OPTIONAL,
    csv_format.known,
    csv_format.resolve,
    _check_caseload,
    lambda store, path, skip, mapping, progress: import_caseload(
        store, path, skip_invalid=skip, column_map=mapping, progress=progress
    ),
    lambda r: (
        f"Imported: {r.created} new, {r.updated} updated, {r.unchanged} unchanged"
        + _skipped(r)
        + "."
    ),
    Change.RECORDS,
)


def _checker(module: Any) -> Callable[..., tuple[int, Validation]]:
    def check(
        store: OpenStore, header: list[str], rows: list[Cells], mapping: Mapping[str, str]
    ) -> tuple[int, Validation]:
        good, v = module.validate(header, rows, today(store.clock), mapping)
        return len(good), v

    return check


HOSPITAL = CsvKind(
    "hospital activity CSV",
    "Admissions and A&E attendances from the trust or the ICB",
    hospital_csv.REQUIRED,
    hospital_csv.OPTIONAL,
    hospital_csv.is_known,
    lambda header: csv_format.resolve(header, None, hospital_csv.COLUMNS, hospital_csv.ALIASES),
    _checker(hospital_csv),
    lambda store, path, skip, mapping, progress: hospital_csv.import_hospital(
        store, path, skip_invalid=skip, column_map=mapping, progress=progress
    ),
    lambda r: (
        f"Imported: {r.caseload_events} event(s) for caseload people, "
        f"{r.register_events} for register people, {r.already_held} already held, "
        f"{r.unknown_people} for people this store does not hold" + _skipped(r) + "."
    ),
    Change.PATIENTS | Change.REPORTS,
)

REGISTER = CsvKind(
    "risk register CSV",
    "The GP system's search of people eligible for case management",
    register_csv.REQUIRED,
    register_csv.OPTIONAL,
    register_csv.is_known,
    lambda header: csv_format.resolve(header, None, register_csv.COLUMNS, register_csv.ALIASES),
    _checker(register_csv),
    lambda store, path, skip, mapping, progress: register_csv.import_register(
        store, path, skip_invalid=skip, column_map=mapping, progress=progress
    ),
    lambda r: (
        f"Imported: {r.added} new register people, {r.updated} updated, "
        f"{r.on_caseload} already on the caseload" + _skipped(r) + ". Register people are "
        "never listed or synced: they are only compared with."
    ),
    Change.REPORTS,
)
