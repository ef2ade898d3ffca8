"""The Sync tab, driven offscreen: enrol, export, import by dropping a file, history,
and a hub's conflict and duplicate queues."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store.models import Patient, StaffMember
from mdtdesk.sync import conflicts, duplicates, enrol
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.hub import create_hub
from mdtdesk.sync.importing import import_file
from tests.helpers import FAST, PASSPHRASE, USER
from tests.sync_helpers import enrol_both, make_hub, make_practice
from tests.ui.conftest import answer_next_message_box, lock_and_unlock, settle, unlock


def drop(window, path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(QPoint(200, 200)), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(event)


def test_a_practice_enrols_exports_and_takes_in_a_dropped_update(
    qtbot, make_window, demo_dir: Path, tmp_path: Path, clock: FixedClock
) -> None:
    hub = make_hub(tmp_path / "hub", clock)
    enrol.export_enrolment(hub, tmp_path / "hub.json")
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    sync = workspace.sync
    settle(qtbot, window)
    assert "Not enrolled with a hub yet" in sync.heading.text()
    assert window.sync_label.text() == "Last sync: not set up yet"

    seen: list[str] = []
    timer = answer_next_message_box("Yes", seen)
    sync.enrol_from(tmp_path / "hub.json")
    timer.stop()
    assert enrol.own_enrolment(hub).fingerprint in seen[0]
    settle(qtbot, window)
    assert "Syncs with Test Hub" in sync.heading.text()
    enrol.import_enrolment(hub, enrol.own_enrolment(window.store))

    window.sync_export_action.setEnabled(True)
    sync.export_to(tmp_path / "practice-1.mdtsync")
    settle(qtbot, window)
    assert "Wrote practice-1.mdtsync: file 1 for Test Hub" in sync.result.text()
    assert import_file(hub, tmp_path / "practice-1.mdtsync").added > 80

    with hub.session() as s, s.begin():
        patient = s.execute(select(Patient).limit(1)).scalars().one()
        patient.postcode = "NR9 9ZZ"
        changed = patient.id
    update = export_for_practice(hub, window.store.practice().ods_code, tmp_path / "hub-1.mdtsync")
    drop(window, update.path)
    settle(qtbot, window)
    assert "hub-1.mdtsync (file 1 from Test Hub): 0 added, 1 updated" in sync.result.text()
    assert workspace.tabs.currentWidget() is sync
    rows = sync.history_model.all()
    assert [(r.direction, r.outcome) for r in rows[:2]] == [
        ("import", "applied"), ("export", "written"),
    ]  # fmt: skip
    assert window.sync_label.text().startswith("Last sync: ") and "never" not in (
        window.sync_label.text()
    )
    with window.store.session() as s:
        assert s.get(Patient, changed).postcode == "NR9 9ZZ"

    # The same file again: said, and nothing changes.
    drop(window, update.path)
    settle(qtbot, window)
    assert "already imported" in sync.result.text()
    hub.close()


def test_a_hub_resolves_a_conflict_and_merges_a_duplicate(
    qtbot, make_window, tmp_path: Path, clock: FixedClock
) -> None:
    hub = create_hub(tmp_path / "hub", name="Test Hub", user=USER, profession="Coordinator",
                     passphrase=PASSPHRASE, clock=clock, kdf_cost=FAST).store  # fmt: skip
    a = make_practice(tmp_path / "a", clock, "A81001", patients=6)
    enrol_both(hub, a)
    import_file(hub, export_for_hub(a, tmp_path / "a1.mdtsync").path)
    with a.session() as s, s.begin():
        p = s.execute(select(Patient).where(Patient.consent_status != "declined")).scalars().first()
        staff = list(s.execute(select(StaffMember.id)).scalars())
        p.named_coordinator_id = staff[1]
        twin = Patient(nhs_number=p.nhs_number, family_name=p.family_name,
                       given_name=p.given_name, date_of_birth=p.date_of_birth,
                       sex="female", consent_status="given")  # fmt: skip
        s.add(twin)
        pid = p.id
    with hub.session() as s, s.begin():
        s.get(Patient, pid).named_coordinator_id = staff[2]
    import_file(hub, export_for_hub(a, tmp_path / "a2.mdtsync").path)
    a.close()
    assert len(conflicts.open_conflicts(hub)) == 1
    hub.close()

    window = make_window(tmp_path / "hub")
    unlock(qtbot, window)
    window._show_sync()
    settle(qtbot, window)
    # Locked and unlocked on the Sync tab, it is shown before its practices are read;
    # the practice list then kept an empty list's width.
    lock_and_unlock(qtbot, window)
    sync = window.workspace.sync
    settle(qtbot, window)
    choice = sync.practice_choice
    assert choice.width() >= choice.fontMetrics().horizontalAdvance(choice.currentText())
    assert sync.pages.tabText(1) == "Conflicts (1)" and sync.pages.tabText(2) == "Duplicates (1)"
    queue = sync.conflicts
    assert queue.model.rowCount() == 1
    kept_text, other_text = queue.sides[0][0].text(), queue.sides[1][0].text()
    with window.store.session() as s:
        names = {i: s.get(StaffMember, i).name for i in staff[1:3]}
    assert {kept_text, other_text} == set(names.values())  # names, not record ids
    assert p.family_name.upper() in queue.model.data(queue.model.index(0, 0))
    assert "Alex Carter" in queue.sides[0][1].text() + queue.sides[1][1].text()
    record = window.workspace.open_patient(pid)
    qtbot.waitUntil(lambda: record.record is not None, timeout=10000)
    window._show_sync()
    queue.sides[1][2].click()  # use the value that was set aside
    settle(qtbot, window)
    assert sync.pages.tabText(1) == "Conflicts (0)"
    with window.store.session() as s:
        chosen = s.get(Patient, pid).named_coordinator_id
    assert names[chosen] == other_text
    # The open record reads the resolved value when it is shown again.
    window.workspace.open_patient(pid)
    settle(qtbot, window)
    assert record.form.values()["named_coordinator_id"] == chosen

    window._show_sync()
    dups = sync.duplicates
    assert dups.model.rowCount() == 2
    dups.table.selectRow([r[0].patients[r[1]].id for r in dups.model.all()].index(pid))
    seen: list[str] = []
    timer = answer_next_message_box("Cancel", seen)
    dups.keep.click()
    timer.stop()
    settle(qtbot, window)
    assert "cannot be undone" in seen[0] and "999 " in seen[0]
    assert sync.pages.tabText(2) == "Duplicates (1)"  # cancelled: nothing merged
    timer = answer_next_message_box("Yes", seen)
    dups.keep.click()
    timer.stop()
    settle(qtbot, window)
    assert dups.problem.text().startswith("Merged: kept")
    assert sync.pages.tabText(2) == "Duplicates (0)"
    with window.store.session() as s:
        assert duplicates.resolve_patient_id(s, twin.id) == pid
    rows = [json.loads(r.summary or "{}") for r in sync.history_model.all()]
    assert any(r.get("conflicts") == 1 and r.get("duplicates") == 1 for r in rows)
