"""The impact report of an open store: reads the caseload, the risk register and their
hospital events in four plain queries, and hands them to `report.impact`.

The rows are read through the database driver itself, with dates parsed by
`date.fromisoformat`: SQLAlchemy's per-value type handling took 1.2 s of a 1.7 s read
at 10,000 caseload people, 20,000 register people and 200,000 events."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from mdtdesk.clock import today
from mdtdesk.impact import pooling
from mdtdesk.impact.matching import Person
from mdtdesk.impact.report import WINDOW_DAYS, Impact, Member, impact
from mdtdesk.impact.windows import Event
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import PracticeFigures
from mdtdesk.store.vocab import HOSPITAL_DATA_FROM, HOSPITAL_DATA_TO, hospital_event_word

_day = date.fromisoformat


def _maybe(value: str | None) -> date | None:
    return None if value is None else _day(value)


def store_impact(
    store: OpenStore, as_of: date | None = None, window_days: int = WINDOW_DAYS
) -> Impact:
    as_of = as_of or today(store.clock)
    with store.session() as session, session.connection() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        ours: dict[str, list[Event]] = defaultdict(list)
        for pid, kind, planned, start, end in raw.execute(
            "SELECT patient_id, kind, planned, started_on, ended_on FROM hospital_event "
            "WHERE NOT deleted"
        ):
            ours[pid].append(Event(hospital_event_word(kind, bool(planned)), _day(start),
                                   None if end is None else _day(end)))  # fmt: skip
        caseload = [
            Member(Person(nhs, sex, _day(born), efi, _maybe(died)), _maybe(joined), ours[pid])
            for pid, nhs, sex, born, efi, died, joined in raw.execute(
                "SELECT id, nhs_number, sex, date_of_birth, efi_score, date_of_death, "
                "referral_date FROM patient WHERE NOT deleted"
            )
        ]
        on_caseload = {m.person.nhs_number for m in caseload}
        theirs: dict[str, list[Event]] = defaultdict(list)
        for rid, event, start, end in raw.execute(
            "SELECT register_id, event, started_on, ended_on FROM register_event"
        ):
            theirs[rid].append(Event(event, _day(start), None if end is None else _day(end)))
        register = [
            Member(Person(nhs, sex, _day(born), efi, _maybe(died)), None, theirs[rid])
            for rid, nhs, sex, born, efi, died in raw.execute(
                "SELECT id, nhs_number, sex, date_of_birth, efi_score, date_of_death "
                "FROM register_person"
            )
            # Someone who joined the caseload since the register was imported is a case.
            if nhs not in on_caseload
        ]
        meta = dict(
            raw.execute(
                "SELECT key, value FROM store_meta WHERE key IN (?, ?)",
                (HOSPITAL_DATA_FROM, HOSPITAL_DATA_TO),
            )
        )
    return impact(
        caseload,
        register,
        as_of,
        window_days,
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
