"""What a merge does with records: per-practice updates, consent, conflicts, deletes
and duplicate patients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store.models import (
    CarePlan,
    Condition,
    KeyContact,
    Patient,
    PatientRedirect,
    StaffMember,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncConflict
from mdtdesk.sync import conflicts, consent, duplicates
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.importing import import_file
from tests.sync_helpers import enrol_both, make_hub, make_practice


@dataclass
class World:
    hub: OpenStore
    a: OpenStore
    b: OpenStore
    folder: Path
    n: int = 0

    def file(self) -> Path:
        self.n += 1
        return self.folder / f"f{self.n}.mdtsync"

    def up(self, practice: OpenStore) -> None:
        """The practice sends its changes and the hub merges them."""
        import_file(self.hub, export_for_hub(practice, self.file()).path)

    def down(self, practice: OpenStore) -> None:
        """The hub sends the practice its receipt and update."""
        ods = practice.practice().ods_code
        import_file(practice, export_for_practice(self.hub, ods, self.file()).path)


@pytest.fixture
def world(tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    hub = make_hub(tmp_path / "hub", clock)
    a = make_practice(tmp_path / "a", clock, "A81001", patients=15, first_number=0)
    b = make_practice(tmp_path / "b", clock, "B82002", patients=8, first_number=5000)
    _someone_declined(a)
    enrol_both(hub, a)
    enrol_both(hub, b)
    w = World(hub, a, b, tmp_path)
    w.up(a)
    w.up(b)
    w.down(a)
    w.down(b)
    yield w
    for store in (hub, a, b):
        store.close()


def _someone_declined(store: OpenStore) -> None:
    """The demo's random caseload may hold no one who declined; the tests need one."""
    with store.session() as s, s.begin():
        people = list(s.execute(select(Patient).order_by(Patient.nhs_number)).scalars())
        if not any(p.consent_status == "declined" for p in people):
            people[-1].consent_status = "declined"


def a_patient(store: OpenStore, consent_status: str = "given") -> str:
    with store.session() as s:
        return s.execute(
            select(Patient.id).where(Patient.consent_status == consent_status).limit(1)
        ).scalar_one()


def staff_named_other_than(store: OpenStore, current: str | None) -> list[str]:
    with store.session() as s:
        ids = s.execute(select(StaffMember.id).order_by(StaffMember.name)).scalars()
        return [i for i in ids if i != current]


def test_a_hub_update_carries_only_that_practices_records(world: World) -> None:
    pa, pb = a_patient(world.a), a_patient(world.b)
    with world.hub.session() as s, s.begin():
        for pid in (pa, pb):
            row = s.get(Patient, pid)
            assert row is not None
            row.next_review_date = date(2027, 1, 4)
    update = export_for_practice(world.hub, "A81001", world.file())
    assert update.records == 1 and update.counts["patient"] == 1
    import_file(world.a, update.path)
    with world.a.session() as s:
        assert s.get(Patient, pb) is None
        mine = s.get(Patient, pa)
    assert mine is not None and mine.next_review_date == date(2027, 1, 4)


def test_a_person_who_declined_goes_to_the_hub_with_identity_coordinator_and_status_only(
    world: World,
) -> None:
    pid = a_patient(world.a, "declined")
    with world.a.session() as s:
        local = s.get(Patient, pid)
        assert local is not None
        children = s.execute(select(Condition.id).where(Condition.patient_id == pid)).all()
    with world.hub.session() as s:
        there = s.get(Patient, pid)
        assert there is not None
        assert (there.nhs_number, there.family_name, there.date_of_birth) == (
            local.nhs_number, local.family_name, local.date_of_birth,
        )  # fmt: skip
        assert there.named_coordinator_id == local.named_coordinator_id
        assert there.caseload_status == local.caseload_status
        assert there.address is None and there.phone is None and there.postcode is None
        assert there.efi_score is None and there.referral_reason is None
        for model in (Condition, KeyContact, CarePlan):
            assert not s.execute(select(model.id).where(model.patient_id == pid)).all()
    assert local.address is not None and children

    # Consent given later: the whole record and its history follow in the next file.
    with world.a.session() as s, s.begin():
        row = s.get(Patient, pid)
        assert row is not None
        row.consent_status = "given"
    world.up(world.a)
    with world.hub.session() as s:
        there = s.get(Patient, pid)
        assert there is not None and there.address == local.address
        assert there.efi_score == local.efi_score
        got = s.execute(select(Condition.id).where(Condition.patient_id == pid)).all()
    assert sorted(got) == sorted(children)


def test_the_consent_policy_can_send_more(world: World) -> None:
    pid = a_patient(world.a, "declined")
    with world.a.session() as s, s.begin():
        consent.set_policy(s, {"coordinator", "contact", "conditions"})
        assert consent.policy(s) == {"identity", "status", "coordinator", "contact", "conditions"}
        row = s.get(Patient, pid)
        assert row is not None
        address, phone = row.address, row.phone
        children = s.execute(select(Condition.id).where(Condition.patient_id == pid)).all()
    # Nothing about the person changed: the wider policy alone sends what it now allows.
    world.up(world.a)
    with world.hub.session() as s:
        there = s.get(Patient, pid)
        got = s.execute(select(Condition.id).where(Condition.patient_id == pid)).all()
        assert not s.execute(select(CarePlan.id).where(CarePlan.patient_id == pid)).all()
    assert there is not None and (there.address, there.phone) == (address, phone)
    assert there.efi_score is None  # risk is still held back
    assert sorted(got) == sorted(children) and children


def test_concurrent_coordinator_changes_open_a_conflict_and_its_resolution_syncs_back(
    world: World,
) -> None:
    pid = a_patient(world.a)
    with world.a.session() as s:
        current = s.get(Patient, pid).named_coordinator_id
    at_practice, at_hub = staff_named_other_than(world.a, current)[:2]
    with world.a.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = at_practice
        s.get(Patient, pid).phone = "01603 444555"
    with world.hub.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = at_hub
        s.get(Patient, pid).postcode = "NR2 2BB"
    world.up(world.a)
    items = conflicts.open_conflicts(world.hub)
    assert [(c.entity, c.record_id, c.field, c.kind) for c in items] == [
        ("patient", pid, "named_coordinator_id", "field")
    ]
    item = items[0]
    assert {json.loads(item.kept_value), json.loads(item.other_value)} == {at_practice, at_hub}
    assert {item.kept_by, item.other_by} == {"Alex Carter", "Hub Lead"}
    assert "Test Surgery" in (item.kept_from + item.other_from)
    with world.hub.session() as s:
        merged = s.get(Patient, pid)
    # Fields nobody argued over are simply merged: the practice's phone, the hub's postcode.
    assert merged is not None and (merged.phone, merged.postcode) == ("01603 444555", "NR2 2BB")

    # The person at the hub picks the value that lost; it travels back to the practice.
    resolved = conflicts.resolve(world.hub, item.id, "other")
    assert resolved.changed and resolved.value == json.loads(item.other_value)
    assert conflicts.open_conflicts(world.hub) == []
    world.down(world.a)
    with world.a.session() as s:
        back = s.get(Patient, pid)
    assert back is not None and back.named_coordinator_id == resolved.value
    assert back.postcode == "NR2 2BB"
    # Sending the same change round again opens nothing new.
    world.up(world.a)
    assert conflicts.open_conflicts(world.hub) == []


def test_a_hub_change_reaching_the_practice_first_opens_the_conflict_there(
    world: World,
) -> None:
    pid = a_patient(world.a)
    at_practice, at_hub = staff_named_other_than(world.a, None)[:2]
    with world.a.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = at_practice
    with world.hub.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = at_hub
    world.down(world.a)
    items = conflicts.open_conflicts(world.a)
    assert [(c.record_id, c.field) for c in items] == [(pid, "named_coordinator_id")]
    assert {json.loads(items[0].kept_value), json.loads(items[0].other_value)} == {
        at_practice, at_hub,
    }  # fmt: skip
    with world.a.session() as s:
        words = conflicts.labels(world.a, items)[items[0].id]
        names = {s.get(StaffMember, i).name for i in (at_practice, at_hub)}
    assert {words.kept, words.other} == names


def test_an_edit_at_the_practice_after_seeing_the_hubs_value_is_not_a_conflict(
    world: World,
) -> None:
    pid = a_patient(world.a)
    first, second = staff_named_other_than(world.a, None)[:2]
    with world.hub.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = first
    world.down(world.a)
    with world.a.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = second
    world.up(world.a)
    assert conflicts.open_conflicts(world.hub) == []
    with world.hub.session() as s:
        assert s.get(Patient, pid).named_coordinator_id == second


def test_an_edit_concurrent_with_a_delete_is_a_conflict(world: World) -> None:
    pid = a_patient(world.a)
    with world.a.session() as s, s.begin():
        s.get(Patient, pid).phone = "01603 999000"
    with world.hub.session() as s, s.begin():
        s.get(Patient, pid).deleted = True
    world.up(world.a)
    items = conflicts.open_conflicts(world.hub)
    assert [(c.record_id, c.field, c.kind) for c in items] == [(pid, "deleted", "delete")]
    conflicts.resolve(world.hub, items[0].id, "other")  # restore the record
    world.down(world.a)
    with world.a.session() as s:
        row = s.get(Patient, pid)
    assert row is not None and not row.deleted and row.phone == "01603 999000"


def test_the_same_nhs_number_at_two_practices_is_merged_leaving_a_redirect(
    world: World,
) -> None:
    pid = a_patient(world.a)
    with world.a.session() as s:
        original = s.get(Patient, pid)
    assert original is not None
    with world.b.session() as s, s.begin():
        copy = Patient(
            nhs_number=original.nhs_number, family_name=original.family_name,
            given_name=original.given_name, date_of_birth=original.date_of_birth,
            sex=original.sex, consent_status="given",
        )  # fmt: skip
        s.add(copy)
    world.up(world.b)
    found = duplicates.open_duplicates(world.hub)
    assert [d.nhs_number for d in found] == [original.nhs_number]
    assert {p.id for p in found[0].patients} == {pid, copy.id}
    merged = duplicates.merge(world.hub, found[0].id, keep=pid)
    assert merged.merged_away == [copy.id]
    assert duplicates.open_duplicates(world.hub) == []
    with world.hub.session() as s:
        assert duplicates.resolve_patient_id(s, copy.id) == pid
        assert s.get(Patient, copy.id).deleted
    world.down(world.b)
    with world.b.session() as s:
        gone = s.get(Patient, copy.id)
        redirect = s.execute(
            select(PatientRedirect).where(PatientRedirect.from_patient_id == copy.id)
        ).scalar_one()
    assert gone is not None and gone.deleted and redirect.to_patient_id == pid
    with world.hub.session() as s:
        conflict_rows = s.execute(select(SyncConflict)).all()
    assert conflict_rows == []


def test_every_table_about_a_person_follows_the_consent_policy() -> None:
    from mdtdesk.store.models import RECORD_MODELS

    about_a_person = {
        m.__tablename__
        for m in RECORD_MODELS
        if "patient_id" in m.__table__.c and m.__tablename__ != "patient"
    }
    assert about_a_person <= consent.CHILD_TABLES


def test_concurrent_action_status_changes_conflict_and_both_histories_are_kept(
    world: World,
) -> None:
    from mdtdesk.actions import referrals, tracking
    from mdtdesk.store.models import Action, ActionEvent, Service

    pid = a_patient(world.a)
    falls = next(s.id for s in referrals.services(world.a) if s.name == "Falls service")
    aid = tracking.create(
        world.a,
        tracking.NewAction(
            pid, "Refer after two falls", date(2026, 11, 30), owner_id=None, service_id=falls
        ),
    )
    referrals.set_referral(world.a, aid, "sent", date(2026, 11, 23))
    world.up(world.a)
    with world.hub.session() as s:
        arrived = s.get_one(Action, aid)
        assert (arrived.referral_status, arrived.status) == ("sent", "waiting")
        assert s.get_one(Service, falls).name == "Falls service"
    tracking.set_status(world.a, aid, "done", "Seen at home")
    tracking.set_status(world.hub, aid, "cancelled", "Moved to another area")
    world.up(world.a)
    items = conflicts.open_conflicts(world.hub)
    assert [(c.entity, c.record_id, c.field) for c in items] == [("action", aid, "status")]
    assert {json.loads(items[0].kept_value), json.loads(items[0].other_value)} == {
        "done",
        "cancelled",
    }
    with world.hub.session() as s:
        notes = set(
            s.execute(
                select(ActionEvent.note).where(
                    ActionEvent.action_id == aid, ActionEvent.field == "status"
                )
            ).scalars()
        )
    assert {"Seen at home", "Moved to another area"} <= notes
