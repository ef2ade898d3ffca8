"""Issue 18's data in: hospital activity, the risk register, and the caseload CSV's
referral and death dates; the impact report read from a real store."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.caseload.csv_import import ImportRefused, import_caseload
from mdtdesk.caseload.hospital_csv import cover, import_hospital
from mdtdesk.caseload.register_csv import import_register
from mdtdesk.caseload.rows import caseload_rows
from mdtdesk.clock import FixedClock
from mdtdesk.impact.from_store import store_impact
from mdtdesk.store.models import HospitalEvent, Patient, RegisterEvent, RegisterPerson
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync import fileformat, keys
from mdtdesk.sync.export import export_for_hub
from tests.core.test_cli import mdtdesk
from tests.helpers import PASSPHRASE, USER
from tests.sync_helpers import enrol_both, make_hub, make_practice

CASELOAD = (
    "nhs_number,family_name,given_name,date_of_birth,sex,postcode,efi_score,referral_date,"
    "date_of_death\n"
    "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,0.30,2025-03-01,\n"
    "9990000026,Nobbs,Walter,06/07/1935,M,NR2 4CD,0.2,01/04/2025,2026-01-10\n"
)
REGISTER = (
    "nhs_number,date_of_birth,sex,efi_score,date_of_death,family_name\n"
    "9990000034,1938-02-01,female,0.30,,Ames\n"
    "9990000042,1939-01-01,female,0.31,,Brook\n"
    "9990000018,1938-05-06,female,0.3,,Hewitt\n"  # on the caseload: skipped
)
HOSPITAL = (
    "nhs_number,event,start_date,end_date,provider,primary_diagnosis\n"
    "9990000018,emergency_admission,2024-06-10,2024-06-14,RM1,J44.1\n"
    "9990000018,emergency_admission,2025-02-27,2025-03-04,RM1,J44.1\n"  # the index spell
    "9990000018,ae_attendance,2025-05-01,,RM1,\n"
    "9990000018,elective_admission,2025-06-01,2025-06-01,RGP,\n"
    "9990000034,emergency_admission,24/08/2024,30/08/2024,RM1,I50.9\n"
    "9990000069,emergency_admission,2025-01-01,2025-01-03,RM1,\n"  # nobody this store holds
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _loaded(store: OpenStore, folder: Path) -> None:
    import_caseload(store, _write(folder, "caseload.csv", CASELOAD))
    import_register(store, _write(folder, "register.csv", REGISTER))
    import_hospital(store, _write(folder, "hospital.csv", HOSPITAL))


def test_caseload_csv_takes_referral_and_death_dates_and_a_death_implies_died(
    store: OpenStore, tmp_path: Path
) -> None:
    import_caseload(store, _write(tmp_path, "c.csv", CASELOAD))
    with store.session() as s:
        iris, walter = s.execute(select(Patient).order_by(Patient.nhs_number)).scalars()
        assert (iris.referral_date, iris.date_of_death, iris.caseload_status) == (
            date(2025, 3, 1), None, "active",
        )  # fmt: skip
        assert (walter.referral_date, walter.date_of_death, walter.caseload_status) == (
            date(2025, 4, 1), date(2026, 1, 10), "died",
        )  # fmt: skip
    out = tmp_path / "out.csv"
    export_caseload(store, out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith("caseload_status,referral_date,date_of_death")
    assert lines[2].endswith("died,2025-04-01,2026-01-10")


def test_a_death_with_another_status_or_a_future_date_is_refused_with_its_line(
    store: OpenStore, tmp_path: Path
) -> None:
    bad = (
        "nhs_number,family_name,given_name,date_of_birth,sex,postcode,caseload_status,"
        "date_of_death,referral_date\n"
        "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,active,2026-01-10,\n"
        "9990000026,Nobbs,Walter,1935-07-06,M,NR2 4CD,,,2027-01-01\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_caseload(store, _write(tmp_path, "bad.csv", bad))
    said = [str(p) for p in refused.value.validation.problems]
    assert said[0].startswith("line 2, column caseload_status: the row has a date of death")
    assert said[1] == "line 3, column referral_date: the referral date 2027-01-01 is in the future"


def test_hospital_import_adds_events_once_and_skips_people_it_does_not_hold(
    store: OpenStore, tmp_path: Path
) -> None:
    import_caseload(store, _write(tmp_path, "c.csv", CASELOAD))
    import_register(store, _write(tmp_path, "r.csv", REGISTER))
    done = import_hospital(store, _write(tmp_path, "h.csv", HOSPITAL))
    assert (done.caseload_events, done.register_events, done.already_held) == (4, 1, 0)
    assert done.unknown_people == 1
    with store.session() as s:
        kinds = s.execute(
            select(HospitalEvent.kind, HospitalEvent.planned, HospitalEvent.hospital,
                   HospitalEvent.reason).order_by(HospitalEvent.started_on)
        ).all()  # fmt: skip
        assert kinds[0] == ("admission", False, "RM1", "J441")
        assert kinds[2] == ("ae_attendance", False, "RM1", None)
        assert kinds[3] == ("admission", True, "RGP", None)
        assert s.execute(select(RegisterEvent.event, RegisterEvent.started_on)).one() == (
            "emergency_admission", date(2024, 8, 24),
        )  # fmt: skip
        assert cover(s) == (date(2024, 6, 10), date(2025, 6, 1))
    again = import_hospital(store, _write(tmp_path, "h2.csv", HOSPITAL))
    assert (again.caseload_events, again.register_events, again.already_held) == (0, 0, 5)


def test_hospital_import_is_all_or_nothing_unless_told_to_skip(
    store: OpenStore, tmp_path: Path
) -> None:
    import_caseload(store, _write(tmp_path, "c.csv", CASELOAD))
    bad = HOSPITAL + (
        "9990000018,admitted,2025-07-01,,,\n"
        "9990000018,emergency_admission,2025-08-10,2025-08-01,RM1,\n"
        "9990000018,emergency_admission,2099-01-01,,RM1,\n"
        "9990000018,emergency_admission,2025-09-01,,R?1,banana\n"
    )
    path = _write(tmp_path, "bad.csv", bad)
    with pytest.raises(ImportRefused) as refused:
        import_hospital(store, path)
    said = [str(p) for p in refused.value.validation.problems]
    assert said[0].startswith("line 8, column event: 'admitted' is not an event")
    assert said[1] == "line 9, column end_date: the end date is before the start date"
    assert said[2] == "line 10, column start_date: the start date 2099-01-01 is in the future"
    assert said[3].startswith("line 11, column provider:")
    assert said[4].startswith("line 11, column primary_diagnosis:")
    with store.session() as s:
        assert s.execute(select(func.count(HospitalEvent.id))).scalar_one() == 0
    done = import_hospital(store, path, skip_invalid=True)
    assert done.caseload_events == 4 and len(done.skipped) == 5


def test_register_people_are_never_listed_nor_sent_in_a_sync_file(
    tmp_path: Path, clock: FixedClock
) -> None:
    hub = make_hub(tmp_path / "hub", clock)
    practice = make_practice(tmp_path / "a", clock, "A81001")
    try:
        enrol_both(hub, practice)
        _loaded(practice, tmp_path)
        with practice.session() as s:
            assert s.execute(select(func.count(RegisterPerson.id))).scalar_one() == 2
        listed = {r.nhs_number for r in caseload_rows(practice)}
        assert listed == {"9990000018", "9990000026"}
        out = tmp_path / "to-hub.mdtsync"
        export_for_hub(practice, out)
        with hub.session() as s, s.begin():
            identity = str(keys.device_keys(s).identity)
        lines: list[bytes] = []
        manifests: list[dict[str, object]] = []
        fileformat.read(out, identity, lambda m, *_: manifests.append(m), lines.append)
        payload = b"\n".join(lines)
        assert b"9990000018" in payload  # the caseload person travels
        # The report's counts travel for the hub to pool, and nothing else of theirs.
        sent = fileformat.canonical(manifests[0])
        assert manifests[0]["impact"]["comparison"]["people"] == 1  # type: ignore[index]
        for register_only in (b"9990000034", b"9990000042", b"Ames", b"Brook", b"I509"):
            assert register_only not in payload
            assert register_only not in sent
    finally:
        hub.close()
        practice.close()


def test_the_report_from_a_store_matches_the_hand_counted_figures(
    store: OpenStore, tmp_path: Path
) -> None:
    _loaded(store, tmp_path)
    impact = store_impact(store, as_of=date(2026, 3, 1))
    # Iris joined 2025-03-01: one emergency admission in the year before (the stay
    # round the joining day is the index spell), one A&E and one elective after.
    # Walter joined 2025-04-01 and died 2026-01-10: nothing in either window.
    ours = impact.caseload
    assert ours.people == 2
    assert (ours.pre.emergency_admissions, ours.post.emergency_admissions) == (1, 0)
    assert (ours.post.ae_attendances, ours.post.elective_admissions) == (1, 1)
    assert ours.pre.emergency_bed_days == 4
    assert ours.post.person_years == pytest.approx((365 + 284) / 365.25)
    # Ames (the nearest birth date, alive, female, same bands, one pre admission) is
    # Iris's control; Walter (male) has no one like him.
    assert impact.comparison.people == 1 and impact.unmatched_cases == 1
    assert impact.comparison.pre.emergency_admissions == 1


def test_report_impact_json_and_pdf_from_the_command_line(store: OpenStore, tmp_path: Path) -> None:
    _loaded(store, tmp_path)
    folder = store.paths.folder
    store.close()
    secret = _write(tmp_path, "pass.txt", PASSPHRASE + "\n")
    pdf = tmp_path / "impact.pdf"
    common = ("--store", folder, "--user", USER, "--passphrase-file", secret)
    done = mdtdesk("report", "impact", *common, "--as-of", "2026-03-01", "--json", "--pdf", pdf)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert set(made) >= {
        "window_days", "as_of", "no_join_date", "unmatched_cases", "warnings", "caseload",
        "comparison", "difference_in_differences",
    }  # fmt: skip
    assert made["as_of"] == "2026-03-01" and made["window_days"] == 365
    pre = made["caseload"]["pre"]
    assert set(pre) == {
        "person_years", "emergency_admissions", "elective_admissions", "ae_attendances",
        "emergency_bed_days", "rate", "rate_ci",
    }  # fmt: skip
    assert set(made["caseload"]["rate_ratio"]) == {"value", "ci"}
    assert any("Small numbers" in w for w in made["warnings"])
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Impact report" in text and "regression to the mean" in text
    assert "Warning: Small numbers" in text
    refused = mdtdesk("report", "impact", *common, "--window-days", "5")
    assert refused.returncode == 2 and "from 30 to 1095" in refused.stderr
    hospital = mdtdesk("hospital", "import", *common, _write(tmp_path, "h.csv", HOSPITAL))
    assert hospital.returncode == 0, hospital.stderr
    assert "0 event(s) for caseload people" in hospital.stdout
    assert "5 already held" in hospital.stdout
