"""The GUI thread never touches the store: every read and write goes through the
store worker (issue 15, "no store reads on the GUI thread")."""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import Qt
from sqlalchemy import event

from tests.ui.conftest import settle, unlock


def test_working_through_the_screens_reads_the_store_only_off_the_gui_thread(
    qtbot, demo_dir, make_window
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    on_gui: list[str] = []

    def checkout(*_args: object) -> None:
        if threading.current_thread() is threading.main_thread():
            on_gui.append("".join(traceback.format_stack(limit=12)))

    engine = window.store.engine
    event.listen(engine, "checkout", checkout)
    try:
        workspace = window.workspace
        record = workspace.open_patient(workspace.caseload.model.row_at(0).patient_id)
        qtbot.waitUntil(lambda: record.record is not None, timeout=10000)
        phone = record.form.inputs["phone"]
        phone.setText("01603 555 0101")
        phone.textEdited.emit("01603 555 0101")
        record.save()
        settle(qtbot, window)
        for show in (
            window.worklist_action,
            window.coordinators_action,
            window.meetings_action,
            window.sync_action,
        ):
            show.trigger()
            settle(qtbot, window)
        workspace.show_caseload()
        settle(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        settle(qtbot, window)
    finally:
        event.remove(engine, "checkout", checkout)
    assert on_gui == []
