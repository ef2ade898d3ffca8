"""Make the golden store for the current schema (run once per released schema).

    python tests/golden/make_golden.py tests/golden/schema-NNNN

Golden stores are kept forever: CI opens and upgrades each one with the newest app.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.models import Patient

PASSPHRASE = "golden store passphrase"
USER = "Golden Admin"


def main() -> None:
    folder = Path(sys.argv[1])
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    created = lifecycle.create_store(
        folder, ods_code="Y99998", practice_name="Golden Test Practice", user=USER,
        profession="GP", passphrase=PASSPHRASE, clock=clock, kdf_cost=KdfCost(0),
    )
    with created.store as store:
        populate(store, patients=25, seed=7)
        with store.session() as s, s.begin():
            s.add(Patient(nhs_number="9990000018", family_name="Golden", given_name="Zoë",
                          date_of_birth=date(1931, 2, 3), sex="female", postcode="NR1 1AA"))
    (folder / "RECOVERY_KEY.txt").write_text(created.recovery_key + "\n")


if __name__ == "__main__":
    main()
