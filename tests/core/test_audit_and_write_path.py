"""The write path stamps and audits every change; the audit chain shows tampering."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import pytest
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import DatabaseError

from mdtdesk.store import audit, writes
from mdtdesk.store.check import check_store
from mdtdesk.store.models import AuditEvent, Condition, Patient
from mdtdesk.store.writes import WritePathError


def _patient() -> Patient:
    return Patient(
        nhs_number="9990000018",
        family_name="Hewitt",
        given_name="Iris",
        date_of_birth=date(1938, 5, 6),
        sex="female",
    )


def _events(store) -> list[AuditEvent]:
    with store.session() as s:
        return list(s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def test_create_update_delete_and_view_are_audited(store, clock) -> None:
    with store.session() as s, s.begin():
        p = _patient()
        s.add(p)
    assert len(p.id) == 36 and p.id[14] == "7"  # a UUIDv7 made where the record was made
    assert p.created_at == clock.now() and p.node_id == store.node_id
    clock.advance(timedelta(minutes=5))
    with store.session() as s, s.begin():
        loaded = s.get(Patient, p.id)
        assert loaded is not None
        audit.log(s, "view", entity="patient", record_id=p.id)
        loaded.postcode = "NR1 3AB"
    with store.session() as s, s.begin():
        loaded = s.get(Patient, p.id)
        assert loaded is not None
        loaded.deleted = True
    events = _events(store)
    tail = [(e.action, e.entity, e.record_id) for e in events[-4:]]
    assert tail == [
        ("create", "patient", p.id),
        ("view", "patient", p.id),
        ("update", "patient", p.id),
        ("delete", "patient", p.id),
    ]
    assert '"postcode"' in events[-2].detail
    with store.session() as s:
        again = s.get(Patient, p.id)
        assert again is not None and again.updated_at == clock.now()
    assert check_store(store).ok


def test_a_view_alone_is_written(store) -> None:
    with store.session() as s, s.begin():
        audit.log(s, "view", entity="patient", record_id="x")
    assert _events(store)[-1].action == "view"


def test_hard_deletes_are_refused(store) -> None:
    with store.session() as s, s.begin():
        s.add(_patient())
    with store.session() as s:
        p = s.execute(select(Patient)).scalar_one()
        s.delete(p)
        with pytest.raises(WritePathError, match="tombstone"):
            s.commit()


def test_audit_rows_cannot_be_added_changed_or_bulk_written_by_hand(store) -> None:
    with store.session() as s:
        s.add(
            AuditEvent(
                seq=999,
                id="x",
                at=store.clock.now(),
                actor_name="me",
                device="d",
                action="view",
                prev_hash="0",
                hash="0",
            )
        )
        with pytest.raises(WritePathError, match=r"audit\.log"):
            s.flush()
    with store.session() as s:
        event = s.execute(select(AuditEvent)).scalars().first()
        assert event is not None
        event.actor_name = "someone else"
        with pytest.raises(WritePathError, match="never changed"):
            s.flush()
    with store.session() as s, pytest.raises(WritePathError, match="bulk_insert"):
        s.execute(update(Patient).values(family_name="X"))


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(cast(Table, Patient.__table__)).values(family_name="X"),
        lambda: delete(cast(Table, Patient.__table__)),
        lambda: insert(cast(Table, AuditEvent.__table__)).values(seq=999, id="x"),
        lambda: orm_delete(Patient),
    ],
    ids=["core update", "core delete", "core insert", "orm delete"],
)
def test_core_statements_on_a_table_cannot_skip_the_write_path(store, statement) -> None:
    with store.session() as s, s.begin():
        s.add(_patient())
    before = _audit_count(store)
    with store.session() as s, pytest.raises(WritePathError, match="bulk_insert"):
        s.execute(statement())
    with store.session() as s:
        assert s.execute(select(Patient.family_name)).scalars().all() == ["Hewitt"]
    assert _audit_count(store) == before


def orm_delete(model):
    return delete(model).where(model.deleted.is_(False))


def _audit_count(store) -> int:
    with store.session() as s:
        return len(s.execute(select(AuditEvent.seq)).all())


def test_the_database_refuses_to_change_audit_rows(store) -> None:
    with store.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.exec_driver_sql("UPDATE audit_event SET actor_name = 'x'")
    with store.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.exec_driver_sql("DELETE FROM audit_event")


def test_tampering_is_found_by_the_chain(store) -> None:
    with store.session() as s, s.begin():
        s.add(_patient())
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        conn.exec_driver_sql("UPDATE audit_event SET actor_name = 'Mallory' WHERE seq = 2")
    report = check_store(store)
    assert not report.ok
    assert [(p.seq, p.reason) for p in report.audit_problems] == [
        (2, "its content does not match its hash")
    ]


def test_bulk_insert_stamps_rows_and_writes_one_audit_row(store) -> None:
    with store.session() as s, s.begin():
        s.add(_patient())
    with store.session() as s, s.begin():
        pid = s.execute(select(Patient.id)).scalar_one()
        ids = writes.bulk_insert(
            s, Condition, [{"patient_id": pid, "name": n} for n in ("COPD", "Frailty")]
        )
    with store.session() as s:
        rows = list(s.execute(select(Condition).order_by(Condition.name)).scalars())
    assert sorted(ids) == sorted(r.id for r in rows)
    assert all(r.node_id == store.node_id and r.created_at is not None for r in rows)
    last = _events(store)[-1]
    assert (last.action, last.entity) == ("create", "condition")
    assert '"count": 2' in last.detail


def test_a_rolled_back_change_leaves_no_audit_row(store) -> None:
    before = len(_events(store))
    with store.session() as s:
        s.add(_patient())
        s.flush()
        s.rollback()
    assert len(_events(store)) == before
    assert check_store(store).ok
