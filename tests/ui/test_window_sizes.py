"""Every window can be used on a 1024x700 screen (issue 15, defect 9)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from mdtdesk.ui.widgets.guarded import GuardedDialog
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from tests.ui.conftest import settle, unlock

SMALL = (1024, 700)


def _fits(widget: QWidget) -> tuple[int, int]:
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    return hint.width(), hint.height()


def test_main_window_record_and_meeting_mode_fit_a_small_laptop(
    qtbot, demo_dir, make_window
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    sizes = []
    for i in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(i)
        settle(qtbot, window)
        w, h = _fits(window)
        sizes.append((workspace.tabs.tabText(i), w, h))
    pid = workspace.caseload.model.row_at(0).patient_id
    view = workspace.open_patient(pid)
    qtbot.waitUntil(lambda: view.record is not None, timeout=10000)
    for i in range(view.tabs.count()):
        view.tabs.setCurrentIndex(i)
        w, h = _fits(window)
        sizes.append((f"record: {view.tabs.tabText(i)}", w, h))
    meeting = workspace.meetings.builder.meeting_id
    workspace.open_meeting_mode(meeting)
    mode = workspace.meeting_mode
    qtbot.waitUntil(lambda: mode.loaded is not None, timeout=10000)
    w, h = _fits(mode)
    sizes.append(("meeting mode", w, h))
    too_big = [t for t in sizes if t[1] > SMALL[0] or t[2] > SMALL[1]]
    assert too_big == []


def test_a_preview_opens_within_the_screen_and_remembers_its_size(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    preview = PdfPreview("Agenda", "agenda.pdf", b"%PDF-1.4\n%%EOF\n", lambda _how: None, parent)
    room = preview.screen().availableGeometry()
    assert preview.height() <= room.height() and preview.width() <= room.width()
    assert _fits(preview)[1] <= SMALL[1]
    preview.show()
    preview.resize(500, 400)
    preview.hide()
    again = PdfPreview("Agenda", "agenda.pdf", b"%PDF-1.4\n%%EOF\n", lambda _how: None, parent)
    assert (again.width(), again.height()) == (500, 400)


def test_every_dialog_the_menus_open_fits_a_small_laptop(qtbot, demo_dir, make_window) -> None:
    # The shortcuts list, a message box, grew until its button was below 768 px.
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    view = workspace.open_patient(workspace.caseload.model.row_at(0).patient_id)
    qtbot.waitUntil(lambda: view.record is not None, timeout=10000)
    sizes = []
    for action in (
        window.keys_action,
        window.referral_action,
        window.import_action,
        window.prefs_action,
        window.services_action,
        window.contact_action,
        window.care_plan_action,
        window.plan_action,
    ):
        before = set(QApplication.topLevelWidgets())
        action.trigger()
        settle(qtbot, window)
        opened = [
            w
            for w in QApplication.topLevelWidgets()
            if w not in before and isinstance(w, QDialog) and w.isVisible()
        ]
        opened += [d for d in window.findChildren(QDialog) if d.isVisible() and d not in before]
        assert opened, action.text()
        for dialog in set(opened):
            w, h = _fits(dialog)
            sizes.append((action.text(), w, h))
            if isinstance(dialog, GuardedDialog):
                dialog.close_unasked()
            else:
                dialog.reject()
        settle(qtbot, window)
    too_big = [s for s in sizes if s[1] > SMALL[0] or s[2] > SMALL[1]]
    assert too_big == []


def test_a_window_left_small_stays_on_screen_when_the_workspace_opens(
    qtbot, demo_dir, make_window
) -> None:
    # Found on a fresh machine: the locked window, left small near the middle, grew to
    # the workspace's size from where it stood and ran off the bottom of the screen.
    window = make_window(demo_dir)
    room = window.screen().availableGeometry()
    window.resize(450, 260)
    window.move(room.right() - 460, room.bottom() - 280)
    unlock(qtbot, window)
    settle(qtbot, window)

    def on_screen() -> bool:
        frame: QRect = window.frameGeometry()
        return bool(
            frame.left() >= room.left()
            and frame.top() >= room.top()
            and (frame.right() <= room.right() or frame.left() == room.left())
            and (frame.bottom() <= room.bottom() or frame.top() == room.top())
        )

    qtbot.waitUntil(on_screen, timeout=5000)
