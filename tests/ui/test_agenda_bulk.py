"""Adding everyone proposed asks first (issue 15, defect 10)."""

from __future__ import annotations

from tests.ui.conftest import answer_next_message_box, settle
from tests.ui.test_meetings_ui import open_meetings, order


def test_add_all_says_how_many_and_adds_only_when_told(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    meeting = builder.loaded.meeting.id
    proposed = len(builder.proposals.all())
    assert proposed > 1
    seen: list[str] = []
    timer = answer_next_message_box("Cancel", seen)
    builder.add_all_button.click()
    timer.stop()
    settle(qtbot, window)
    assert f"Add all {proposed} people proposed" in seen[0]
    assert order(window, meeting) == []
    timer = answer_next_message_box("Yes", seen)
    builder.add_all_button.click()
    timer.stop()
    settle(qtbot, window)
    assert len(order(window, meeting)) == proposed
