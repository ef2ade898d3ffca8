"""CI's small count of the torture harness: every write command killed (kill -9) at
random moments ends as before or as after, never half-done (`make torture` runs 220)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import needs_kill_9
from tests.torture.run import kill_trials


@needs_kill_9
def test_every_write_command_survives_kill_9_at_random_moments(tmp_path: Path) -> None:
    # A smaller caseload file than make torture's (1,500 rows, not 4,000): the kill
    # still lands at a random moment of the import, which is timed first.
    assert kill_trials(tmp_path, count=5, seed=3, csv_rows=1500) == 0
