"""Export the caseload as CSV with the columns the import reads, so it imports back."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from mdtdesk.caseload.csv_format import EXPORT_COLUMNS
from mdtdesk.fields import neutralise
from mdtdesk.store import atomic, audit
from mdtdesk.store.models import Condition, Patient
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_names


def export_caseload(store: OpenStore, out: Path) -> int:
    """Write every patient in the caseload to out (atomically). Returns the count."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    with store.session() as s, s.begin():
        staff = staff_names(s)
        conditions: dict[str, list[str]] = defaultdict(list)
        for patient_id, name in s.execute(
            select(Condition.patient_id, Condition.name)
            .where(Condition.deleted.is_(False))
            .order_by(Condition.name)
        ):
            conditions[patient_id].append(name)
        patients = s.execute(
            select(Patient)
            .where(Patient.deleted.is_(False))
            .order_by(Patient.family_name, Patient.given_name, Patient.nhs_number)
        ).scalars()
        count = 0
        for p in patients:
            writer.writerow(
                neutralise(cell)
                for cell in [
                    p.nhs_number,
                    p.family_name,
                    p.given_name,
                    p.date_of_birth.isoformat(),
                    p.sex,
                    p.postcode or "",
                    p.phone or "",
                    "" if p.efi_score is None else repr(p.efi_score),
                    "; ".join(conditions.get(p.id, [])),
                    staff.get(p.named_coordinator_id, "") if p.named_coordinator_id else "",
                    p.caseload_status,
                    p.referral_date.isoformat() if p.referral_date else "",
                    p.date_of_death.isoformat() if p.date_of_death else "",
                ]
            )
            count += 1
        audit.log(s, "export", entity="patient", file=out.name, count=count)
        # With a byte-order mark, so Excel opens it as UTF-8 (without one it reads
        # Zoë as ZoÃ«); the import takes the mark off.
        atomic.write_bytes(out, buffer.getvalue().encode("utf-8-sig"))
    return count
