"""Save offscreen screenshots of the main screens, for the README and for review.

Usage: python scripts/screenshots.py STORE_DIR PASSPHRASE
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from action_screens import action_screens  # beside this script
from care_plan_screens import care_plan_screens
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from shots import OUT, demo_store, enrolled_hub, opened, save, settle, window_on
from sqlalchemy import select

from mdtdesk.clock import SystemClock
from mdtdesk.printing import meeting_papers
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import Patient, StaffMember
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.importing import import_file
from mdtdesk.ui.access.first_run import FirstRunWizard
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.record.referral_dialog import ReferralDialog
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.worker import StoreWorker


def main() -> None:
    folder, passphrase = Path(sys.argv[1]), sys.argv[2]
    app = QApplication(sys.argv)
    worker = StoreWorker()
    clock = SystemClock()
    cost = KdfCost(target_seconds=0)
    kf = lifecycle.read_keyfile(StorePaths(folder))
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(folder, kf.users(), clock, worker, cost, settings, kf.users()[0])
        window.show()
        settle(app, worker)
        save(window, "unlock.png")
        window.enter(
            lifecycle.open_store(folder, user=kf.users()[0], passphrase=passphrase, clock=clock)
        )
        settle(app, worker)
        save(window, "caseload.png")
        workspace = window.workspace
        assert workspace is not None
        caseload = workspace.caseload
        caseload.review.setCurrentIndex(caseload.review.findData("overdue"))
        caseload.search.setText("NR2")
        settle(app, worker)
        save(window, "caseload-search.png")
        caseload.clear_filters()
        busiest = max(caseload.model.all_rows(), key=lambda r: r.open_actions)
        view = workspace.open_patient(busiest.patient_id)
        assert isinstance(view, PatientView)
        settle(app, worker)
        save(window, "patient-record.png")
        view.tabs.setCurrentIndex(4)
        settle(app, worker)
        save(window, "patient-timeline.png")
        view.form.inputs["postcode"].setText("NOWHERE")
        view.form.changed.emit()
        view.save()
        view.tabs.setCurrentIndex(0)
        settle(app, worker)
        save(window, "patient-validation.png")
        view.discard()
        settle(app, worker)
        workspace.new_referral()
        dialog = workspace.findChild(ReferralDialog, "referral-dialog")
        assert dialog is not None
        dialog.search.setText(busiest.family_name)
        settle(app, worker)
        save(dialog, "referral.png")
        dialog.reject()
        window.close()
        settle(app, worker)
        wizard = FirstRunWizard(Path(tmp) / "new", clock, worker, cost)
        wizard.show()
        wizard.practice_page.ods.setText("D82044")
        wizard.practice_page.name.setText("Aylsham Road Surgery")
        wizard.next()
        wizard.user_page.name.setText("Dr Priya Raman")
        wizard.next()
        wizard.passphrase_page.new.first.setText("heron quay lantern")
        wizard.passphrase_page.new.second.setText("heron quay lantern")
        settle(app, worker)
        save(wizard, "first-run-passphrase.png")
        wizard.close()
        sync_screens(app, worker, Path(tmp), clock, cost)
        meeting_screens(app, worker, Path(tmp), clock, cost)
        action_screens(app, worker, Path(tmp), clock, cost)
        care_plan_screens(app, worker, Path(tmp), clock, cost)


def sync_screens(
    app: QApplication, worker: StoreWorker, tmp: Path, clock: SystemClock, cost: KdfCost
) -> None:
    """A practice and its hub, one file each way, a conflict and a duplicate."""
    phrase, user = "screenshot stores only", "Dr Priya Raman"
    hub, practice = enrolled_hub(tmp, user, phrase, clock, cost)
    with practice.session() as s, s.begin():
        p = s.execute(select(Patient).where(Patient.consent_status == "given")).scalars().first()
        staff = list(s.execute(select(StaffMember.id)).scalars())
        p.caseload_status = "stepped_down"
        s.add(
            Patient(
                nhs_number=p.nhs_number,
                family_name=p.family_name,
                given_name=p.given_name,
                date_of_birth=p.date_of_birth,
                sex=p.sex,
                consent_status="given",
            )
        )
        pid = p.id
    with hub.session() as s, s.begin():
        s.get(Patient, pid).caseload_status = "active"
        s.get(Patient, pid).named_coordinator_id = staff[3]
    import_file(hub, export_for_hub(practice, tmp / "D82044-2.mdtsync").path)
    update = export_for_practice(hub, "D82044", tmp / "hub-to-D82044-1.mdtsync")
    hub.close()
    practice.close()

    for folder, shots in ((tmp / "practice", ("sync-practice.png",)),
                          (tmp / "hub", ("sync-hub-conflicts.png", "sync-hub-duplicates.png",
                                         "sync-hub-practices.png"))):  # fmt: skip
        settings = QSettings(str(tmp / f"{folder.name}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(folder, [user], clock, worker, cost, settings, user)
        window.show()
        window.enter(lifecycle.open_store(folder, user=user, passphrase=phrase, clock=clock))
        settle(app, worker)
        sync = window.workspace.sync
        window.workspace.show_sync()
        if folder.name == "practice":
            sync.import_files([update.path])
            settle(app, worker)
        settle(app, worker)
        for page, name in enumerate(shots, start=1 if folder.name == "hub" else 0):
            sync.pages.setCurrentIndex(page)
            settle(app, worker)
            save(window, name)
        window.close()
        settle(app, worker)


def meeting_screens(
    app: QApplication, worker: StoreWorker, tmp: Path, clock: SystemClock, cost: KdfCost
) -> None:
    """The agenda builder, meeting mode, and the agenda and minutes as PDF pages."""
    folder = tmp / "meetings"
    demo_store(folder, clock, cost)
    window = window_on(folder, clock, worker, cost, 950)
    settle(app, worker)
    workspace = window.workspace
    assert workspace is not None
    workspace.show_meetings()
    settle(app, worker)
    builder = workspace.meetings.builder
    builder.proposal_table.selectAll()
    rows = builder.proposals.all()
    builder.proposal_table.clearSelection()
    for n in range(min(7, len(rows))):
        builder.proposal_table.selectRow(n)
        builder.add_proposed()
        settle(app, worker)
    staff = {m.name: m.id for m in workspace.caseload.staff}
    for n, gp in enumerate(("Dr Samuel Okafor", "Dr Samuel Okafor", "Dr Hannah Kerrison")):
        builder.table.selectRow(n)
        settle(app, worker)
        builder.gp.setCurrentIndex(builder.gp.findData(staff[gp]))
        builder._person_changed("gp_id")
        settle(app, worker)
    builder.table.selectRow(1)
    settle(app, worker)
    save(window, "agenda-builder.png")
    meeting_id = builder.meeting_id
    assert meeting_id is not None
    pdfs = tmp / "papers"
    pdfs.mkdir()
    with opened(folder, clock) as store:
        meeting_papers.save_paper(store, meeting_id, "agenda", pdfs / "agenda.pdf")
    workspace.open_meeting_mode(meeting_id)
    settle(app, worker)
    mode = workspace.meeting_mode
    assert mode is not None
    mode.resize(1500, 950)
    for row in range(mode.people.rowCount()):
        if row % 4 != 3:
            mode.people.item(row, 0).setCheckState(Qt.CheckState.Checked)
            settle(app, worker)
    save(mode, "meeting-attendance.png")
    mode.go(0)
    settle(app, worker)
    mode.notes.setPlainText(
        "Daughter says nights are the problem: two falls getting to the toilet. "
        "Agreed commode and falls referral; review pendant alarm."
    )
    mode.choose("change_plan")
    mode.action_text.setText("Refer to falls service")
    mode.action_owner.setCurrentIndex(mode.action_owner.findData(staff["Ruth Fairweather"]))
    mode.add_action()
    settle(app, worker)
    mode.go(1)
    settle(app, worker)
    mode.choose("continue")
    settle(app, worker)
    mode.go(0)
    settle(app, worker)
    save(mode, "meeting-mode.png")
    mode.confirm_finish()
    settle(app, worker)
    with opened(folder, clock) as store:
        meeting_papers.save_paper(store, meeting_id, "minutes", pdfs / "minutes.pdf")
        [summary, *_] = meeting_papers.print_outcome_summaries(store, meeting_id, pdfs)
    mode.reject()
    window.close()
    settle(app, worker)
    # The papers as pictures (first page each), for review and the README.
    for pdf, name in ((pdfs / "agenda.pdf", "agenda-pdf"), (pdfs / "minutes.pdf", "minutes-pdf"),
                      (summary, "outcome-summary-pdf")):  # fmt: skip
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(OUT / name)], check=True
        )


if __name__ == "__main__":
    main()
