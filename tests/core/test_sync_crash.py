"""A merge killed part-way leaves the hub's records as they were."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store import lifecycle
from mdtdesk.store.check import check_store
from mdtdesk.store.sync_tables import SyncFile
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.importing import import_file
from tests.helpers import PASSPHRASE, needs_kill_9
from tests.sync_helpers import enrol_both, make_hub, make_practice, state


@needs_kill_9
def test_killing_a_merge_part_way_leaves_the_store_as_before(
    tmp_path: Path, clock: FixedClock
) -> None:
    hub = make_hub(tmp_path / "hub", clock)
    practice = make_practice(tmp_path / "a", clock, "A81001", patients=1500)
    enrol_both(hub, practice)
    big = export_for_hub(practice, tmp_path / "a1.mdtsync")
    practice.close()
    before = state(hub)
    hub.close()

    env = dict(os.environ, MDTDESK_PASSPHRASE=PASSPHRASE, MDTDESK_USER="Hub Lead")
    merge = subprocess.Popen(
        [sys.executable, "-m", "mdtdesk", "hub", "merge", "--store", str(tmp_path / "hub"),
         str(big.path)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True,
    )  # fmt: skip
    assert merge.stderr is not None
    seen = ""
    for line in merge.stderr:
        seen += line
        found = re.search(r"(\d+) / (\d+) records", line)
        if found and 0 < int(found[1]) < int(found[2]):
            # Records are being written inside the import's transaction: kill it now.
            merge.send_signal(signal.SIGKILL)
            break
    merge.wait(timeout=60)
    assert merge.returncode == -signal.SIGKILL, seen

    hub = lifecycle.open_store(tmp_path / "hub", user="Hub Lead", passphrase=PASSPHRASE,
                               clock=clock)  # fmt: skip
    try:
        assert state(hub) == before
        report = check_store(hub)
        assert report.ok, report
        with hub.session() as s:
            assert not s.execute(select(SyncFile).where(SyncFile.outcome == "applied")).all()
        # The same file goes in whole afterwards.
        assert import_file(hub, big.path).added == big.records
    finally:
        hub.close()
