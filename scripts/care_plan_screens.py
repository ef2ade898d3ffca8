"""Screenshots of care plans: the record's Care plan tab, the editor on its goals,
two versions compared, and the pages of the person's copy (regular and large print)
and the professional copy, rendered with pdftoppm."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shots import OUT, demo_store, opened, save, settle, window_on  # beside this script
from sqlalchemy import func, select

from mdtdesk.clock import SystemClock
from mdtdesk.printing import care_plans
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.models import CarePlan, Patient
from mdtdesk.ui.careplan.care_plan_dialogs import CompareDialog
from mdtdesk.ui.careplan.care_plan_editor import CarePlanEditor
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.widgets.worker import StoreWorker


def _render(pdf: Path, name: str, pages: int) -> None:
    for page in range(1, pages + 1):
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page),
             str(pdf), str(OUT / f"{name}-{page}")],
            check=True,
        )  # fmt: skip


def care_plan_screens(
    app: QApplication, worker: StoreWorker, tmp: Path, clock: SystemClock, cost: KdfCost
) -> None:
    folder = tmp / "plans"
    demo_store(folder, clock, cost)
    with opened(folder, clock) as store:
        with store.session() as s, s.begin():
            # Someone with a superseded first version, so there is history to compare.
            pid = (
                s.execute(
                    select(CarePlan.patient_id)
                    .group_by(CarePlan.patient_id)
                    .having(func.count() == 2)
                    .order_by(CarePlan.patient_id)
                )
                .scalars()
                .first()
            )
            p = s.get(Patient, pid)
            assert p is not None
            p.given_name, p.family_name = "Zoë", "Łukasiewicz"  # an accented, invented name
        for copy, large, name, pages in (
            ("patient", False, "care-plan-person", 2),
            ("patient", True, "care-plan-large-print", 1),
            ("professional", False, "care-plan-professional", 2),
        ):
            out = tmp / f"{name}.pdf"
            care_plans.save_plan(store, str(pid), out, copy, large)
            _render(out, name, pages)
    window = window_on(folder, clock, worker, cost)
    settle(app, worker)
    workspace = window.workspace
    assert workspace is not None
    record = workspace.open_patient(str(pid))
    assert isinstance(record, PatientView)
    settle(app, worker)
    record.tabs.setCurrentWidget(record.plan_tab)
    settle(app, worker)
    save(window, "care-plan-tab.png")
    tab = record.plan_tab
    tab.compare()
    compare = tab.findChild(CompareDialog, "compare-plans-dialog")
    assert compare is not None
    settle(app, worker)
    save(compare, "care-plan-compare.png")
    compare.reject()
    tab.edit()
    settle(app, worker)
    editor = tab.findChild(CarePlanEditor, "care-plan-editor")
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    editor.goals.selectRow(0)
    settle(app, worker)
    save(editor, "care-plan-editor.png")
    editor.reject()
    window.close()
    settle(app, worker)
