"""The impact report of an open store: reads the people and their emergency spells,
matches in Python (`matching.match`, which is sequential), then lets the database
count each group's windows (`tally.group`).

Rows are read through the database driver itself, with dates parsed by
`date.fromisoformat`: SQLAlchemy's per-value type handling took 1.2 s of a 1.7 s read
at 10,000 caseload people, 20,000 register people and 200,000 events; and reading
every event into Python to count it took most of the rest, which SQL now does."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from mdtdesk.clock import today
from mdtdesk.impact import pooling, tally
from mdtdesk.impact.matching import Person, match
from mdtdesk.impact.report import WINDOW_DAYS, Impact, finish
from mdtdesk.impact.windows import PreCounts, post_last
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import PracticeFigures
from mdtdesk.store.vocab import HOSPITAL_DATA_FROM, HOSPITAL_DATA_TO

_day = date.fromisoformat
_ORDINAL = tally.ORDINAL


def _maybe(value: str | None) -> date | None:
    return None if value is None else _day(value)


def _spells(raw: Any, sql: str) -> dict[str, str]:
    """Each person's emergency spells as one JSON text, [[starts], [ends]] in day
    ordinals in order of start: a row per person rather than per spell, read off the
    covering index (migration 0008); a person's are parsed only when matching first
    looks at them."""
    return dict(raw.execute(sql))


def _counter(spells: str | None) -> PreCounts:
    if spells is None:
        return PreCounts([], [])
    starts, ends = json.loads(spells)
    return PreCounts(starts, ends)


def store_impact(
    store: OpenStore, as_of: date | None = None, window_days: int = WINDOW_DAYS
) -> Impact:
    as_of = as_of or today(store.clock)
    with store.session() as session, session.connection() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        row_of: dict[str, str] = {}  # NHS number -> the row its events hang on
        cases: list[tuple[Person, date]] = []
        no_join = 0
        on_caseload: set[str] = set()
        for pid, nhs, sex, born, efi, died, joined in raw.execute(
            "SELECT id, nhs_number, sex, date_of_birth, efi_score, date_of_death, "
            "referral_date FROM patient WHERE NOT deleted"
        ):
            on_caseload.add(nhs)
            if joined is None:
                no_join += 1
            elif (t0 := _day(joined)) <= as_of:
                row_of[nhs] = pid
                cases.append((Person(nhs, sex, _day(born), efi, _maybe(died)), t0))
        register: list[Person] = []
        for rid, nhs, sex, born, efi, died in raw.execute(
            "SELECT id, nhs_number, sex, date_of_birth, efi_score, date_of_death "
            "FROM register_person"
        ):
            # Someone who joined the caseload since the register was imported is a case.
            if nhs not in on_caseload:
                row_of[nhs] = rid
                register.append(Person(nhs, sex, _day(born), efi, _maybe(died)))
        start, end = _ORDINAL.format("started_on"), _ORDINAL.format("ended_on")
        by_start = f"ORDER BY started_on, {end}"
        spell = (f"json_array(json_group_array({start} {by_start}), "
                 f"json_group_array(coalesce({end}, {start}) {by_start}))")  # fmt: skip
        spells = _spells(raw, f"SELECT patient_id, {spell} FROM hospital_event "
                              "WHERE kind = 'admission' AND NOT planned AND NOT deleted "
                              "GROUP BY patient_id")  # fmt: skip
        register_sql = (f"SELECT register_id, {spell} FROM register_event "
                        "WHERE event = 'emergency_admission' GROUP BY register_id")  # fmt: skip
        spells.update(_spells(raw, register_sql))
        counters: dict[str, PreCounts] = {}

        def pre_emergencies(person: Person, t0: date) -> int:
            counter = counters.get(person.nhs_number)
            if counter is None:
                counter = counters[person.nhs_number] = _counter(
                    spells.get(row_of[person.nhs_number])
                )
            return counter.count(t0, window_days)

        matches = match(cases, register, pre_emergencies)

        def measured(person: Person, t0: date) -> tuple[str, int, int]:
            last = post_last(t0, window_days, as_of, person.died)
            return row_of[person.nhs_number], t0.toordinal(), last.toordinal()

        ours = tally.group(raw, "caseload", [measured(m.case, m.t0) for m in matches],
                           window_days)  # fmt: skip
        theirs = tally.group(raw, "register",
                             [measured(c, m.t0) for m in matches for c in m.controls],
                             window_days)  # fmt: skip
        meta = dict(
            raw.execute(
                "SELECT key, value FROM store_meta WHERE key IN (?, ?)",
                (HOSPITAL_DATA_FROM, HOSPITAL_DATA_TO),
            )
        )
    return finish(
        ours,
        theirs,
        matches,
        no_join,
        window_days,
        as_of,
        _maybe(meta.get(HOSPITAL_DATA_FROM)),
        _maybe(meta.get(HOSPITAL_DATA_TO)),
    )


def hub_entries(store: OpenStore) -> list[pooling.Entry]:
    """At a hub: each practice's newest figures by ODS code, then the locality's pool
    (empty when no practice has sent figures)."""
    with store.session() as session:
        held = session.execute(select(PracticeFigures).order_by(PracticeFigures.ods_code)).scalars()
        entries = [
            pooling.Entry(p.ods_code, p.practice, pooling.from_counts(json.loads(p.figures)))
            for p in held
        ]
    if not entries:
        return []
    everyone = pooling.pool([e.figures for e in entries])
    return [
        *entries,
        pooling.Entry(
            "", f"Locality ({len(entries)} practice{'s' if len(entries) > 1 else ''})", everyone
        ),
    ]
