"""A store's impact report (matched in Python, counted by SQL: impact/tally.py) gives
the same figures as the readable reference that counts person by person
(report.impact), on random people with random hospital use (issue 18)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from mdtdesk import nhs_number
from mdtdesk.impact.from_store import store_impact
from mdtdesk.impact.matching import Person
from mdtdesk.impact.report import Member, impact
from mdtdesk.impact.windows import AE, ELECTIVE, EMERGENCY, Event
from mdtdesk.store import writes
from mdtdesk.store.ids import new_id
from mdtdesk.store.models import HospitalEvent, Patient, RegisterEvent, RegisterPerson
from mdtdesk.store.opened import OpenStore

AS_OF = date(2026, 12, 1)


def _people(rng: random.Random, count: int, numbers: Any) -> list[Member]:
    out = []
    for _ in range(count):
        # Few distinct births, t0s and stays, so ties, band edges and index spells occur.
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 3650) // 7 * 7)
        joined = AS_OF - timedelta(days=rng.choice((0, 1, 30, 200, 365, 400, 800, 1200)))
        died = rng.choice((None, None, None, joined + timedelta(days=rng.randint(-20, 300))))
        events = []
        for _ in range(rng.randint(0, 6)):
            start = joined + timedelta(days=rng.randint(-400, 400))
            kind = rng.choice((EMERGENCY, EMERGENCY, ELECTIVE, AE))
            stay = None if kind == AE else rng.choice((None, 0, 1, 3, 20))
            events.append(Event(kind, start, None if stay is None else start + timedelta(stay)))
        person = Person(next(numbers), rng.choice(("female", "male")), born,
                        rng.choice((None, 0.1, 0.2, 0.3, 0.4)), died)  # fmt: skip
        out.append(Member(person, rng.choice((joined, joined, joined, None)), events))
    return out


def _store_them(store: OpenStore, caseload: list[Member], register: list[Member]) -> None:
    with store.session() as s, s.begin():
        ids = writes.bulk_insert(s, Patient, [
            {"nhs_number": m.person.nhs_number, "family_name": "Test", "given_name": "Case",
             "date_of_birth": m.person.date_of_birth, "sex": m.person.sex,
             "efi_score": m.person.efi, "date_of_death": m.person.died,
             "caseload_status": "died" if m.person.died else "active",
             "referral_date": m.joined}
            for m in caseload
        ])  # fmt: skip
        events = [
            {"patient_id": pid, "kind": "ae_attendance" if e.kind == AE else "admission",
             "planned": e.kind == ELECTIVE, "started_on": e.start, "ended_on": e.end}
            for pid, m in zip(ids, caseload, strict=True) for e in m.events
        ]  # fmt: skip
        writes.bulk_insert(s, HospitalEvent, events)
        for m in register:
            rid = new_id()
            s.execute(insert(RegisterPerson).values(
                id=rid, nhs_number=m.person.nhs_number, date_of_birth=m.person.date_of_birth,
                sex=m.person.sex, efi_score=m.person.efi, date_of_death=m.person.died,
                imported_at=datetime.now(UTC)))  # fmt: skip
            for e in m.events:
                s.execute(insert(RegisterEvent).values(
                    id=new_id(), register_id=rid, event=e.kind, started_on=e.start,
                    ended_on=e.end))  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_the_store_counts_every_figure_as_the_reference_does(store: OpenStore, seed: int) -> None:
    rng = random.Random(seed)
    numbers = nhs_number.synthetic_numbers(start=seed * 1000)
    caseload = _people(rng, 40, numbers)
    register = [Member(m.person, None, m.events) for m in _people(rng, 90, numbers)]
    _store_them(store, caseload, register)
    window = rng.choice((365, 180))
    expected = impact(caseload, register, AS_OF, window).as_json()
    got = store_impact(store, AS_OF, window).as_json()
    assert got["comparison"]["people"] > 0 and got["caseload"]["pre"]["emergency_admissions"] > 0
    assert _same(got, expected)


def _same(got: Any, expected: Any, where: str = "") -> bool:
    """Equal, floats within rounding; says where they differ."""
    if isinstance(expected, dict):
        assert set(got) == set(expected), where
        return all(_same(got[k], expected[k], f"{where}.{k}") for k in expected)
    if isinstance(expected, list):
        assert len(got) == len(expected), where
        return all(
            _same(g, e, f"{where}[{i}]") for i, (g, e) in enumerate(zip(got, expected, strict=True))
        )
    if isinstance(expected, float):
        assert got == pytest.approx(expected), where
        return True
    assert got == expected, where
    return True
