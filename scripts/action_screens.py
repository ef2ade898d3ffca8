"""Screenshots of the actions work: the worklist, one action with its history, the
record's contact log and the contact dialog, the coordinators' loads, and the
home-visits list as a picture of its first page."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shots import OUT, demo_store, opened, save, settle, window_on  # beside this script

from mdtdesk.actions.worklist import Filter, worklist
from mdtdesk.clock import SystemClock, today
from mdtdesk.printing.visits_paper import save_visits
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.ui.actions.action_dialog import ActionDialog
from mdtdesk.ui.actions.action_forms import ContactDialog
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.widgets.worker import StoreWorker


def action_screens(
    app: QApplication, worker: StoreWorker, tmp: Path, clock: SystemClock, cost: KdfCost
) -> None:
    folder = tmp / "actions"
    demo_store(folder, clock, cost)
    with opened(folder, clock) as store:
        items = worklist(store, Filter()).items
        jo = next(i.owner_id for i in items if i.owner == "Jo Seago")
        referral = next(i for i in items if i.service and i.referral_status)
        assert jo is not None
        save_visits(store, jo, today(clock), tmp / "visits.pdf")
    window = window_on(folder, clock, worker, cost)
    settle(app, worker)
    workspace = window.workspace
    assert workspace is not None
    workspace.show_worklist()
    settle(app, worker)
    view = workspace.worklist
    view.owner.setCurrentIndex(view.owner.findData(jo))
    settle(app, worker)
    save(window, "worklist.png")
    dialog = ActionDialog(workspace.store, worker, referral.id, window)
    dialog.show()
    dialog.load()
    settle(app, worker)
    save(dialog, "action-dialog.png")
    dialog.reject()
    workspace.show_coordinators()
    settle(app, worker)
    loads = workspace.coordinators.rows.all()
    workspace.coordinators.table.selectRow([r.staff_id for r in loads].index(jo))
    settle(app, worker)
    save(window, "coordinators.png")
    record = workspace.open_patient(referral.patient_id)
    assert isinstance(record, PatientView)
    settle(app, worker)
    record.tabs.setCurrentWidget(record.work.contacts_tab)
    settle(app, worker)
    save(window, "contact-log.png")
    record.work.log_contact()
    settle(app, worker)
    contact = record.findChild(ContactDialog, "contact-dialog")
    assert contact is not None
    contact.kind.setCurrentIndex(contact.kind.findData("with_carer"))
    contact.with_whom.setText("Daughter, Sue")
    contact.notes.setPlainText("Sue is worried about nights; two near-falls going to the toilet.")
    contact.follow_up.setChecked(True)
    contact.action.description.setText("Ask the OT about a commode and bed rail")
    settle(app, worker)
    save(contact, "contact-dialog.png")
    contact.reject()
    window.close()
    settle(app, worker)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", str(tmp / "visits.pdf"),
         str(OUT / "visits-pdf")],
        check=True,
    )  # fmt: skip
