"""The impact report of an open store: reads the caseload, the risk register and their
hospital events in a few plain queries, and hands them to `report.impact`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select

from mdtdesk.clock import today
from mdtdesk.impact.matching import Person
from mdtdesk.impact.report import WINDOW_DAYS, Impact, Member, impact
from mdtdesk.impact.windows import Event
from mdtdesk.store.models import HospitalEvent, Patient, RegisterEvent, RegisterPerson, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import HOSPITAL_DATA_FROM as DATA_FROM
from mdtdesk.store.vocab import HOSPITAL_DATA_TO as DATA_TO
from mdtdesk.store.vocab import hospital_event_word


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def store_impact(
    store: OpenStore, as_of: date | None = None, window_days: int = WINDOW_DAYS
) -> Impact:
    as_of = as_of or today(store.clock)
    with store.session() as s:
        ours: dict[str, list[Event]] = defaultdict(list)
        for pid, kind, planned, start, end in s.execute(
            select(
                HospitalEvent.patient_id,
                HospitalEvent.kind,
                HospitalEvent.planned,
                HospitalEvent.started_on,
                HospitalEvent.ended_on,
            ).where(~HospitalEvent.deleted)
        ):
            ours[pid].append(Event(hospital_event_word(kind, planned), start, end))
        caseload = [
            Member(Person(nhs, sex, born, efi, died), joined, ours.get(pid, []))
            for pid, nhs, sex, born, efi, died, joined in s.execute(
                select(
                    Patient.id,
                    Patient.nhs_number,
                    Patient.sex,
                    Patient.date_of_birth,
                    Patient.efi_score,
                    Patient.date_of_death,
                    Patient.referral_date,
                ).where(~Patient.deleted)
            )
        ]
        on_caseload = {m.person.nhs_number for m in caseload}
        theirs: dict[str, list[Event]] = defaultdict(list)
        for rid, event, start, end in s.execute(
            select(
                RegisterEvent.register_id,
                RegisterEvent.event,
                RegisterEvent.started_on,
                RegisterEvent.ended_on,
            )
        ):
            theirs[rid].append(Event(event, start, end))
        register = [
            Member(Person(nhs, sex, born, efi, died), None, theirs.get(rid, []))
            for rid, nhs, sex, born, efi, died in s.execute(
                select(
                    RegisterPerson.id,
                    RegisterPerson.nhs_number,
                    RegisterPerson.sex,
                    RegisterPerson.date_of_birth,
                    RegisterPerson.efi_score,
                    RegisterPerson.date_of_death,
                )
            )
            # Someone who joined the caseload since the register was imported is a case.
            if nhs not in on_caseload
        ]
        meta = dict(
            s.execute(
                select(StoreMeta.key, StoreMeta.value).where(
                    StoreMeta.key.in_((DATA_FROM, DATA_TO))
                )
            ).all()
        )
    return impact(
        caseload,
        register,
        as_of,
        window_days,
        _day(meta.get(DATA_FROM)),
        _day(meta.get(DATA_TO)),
    )
