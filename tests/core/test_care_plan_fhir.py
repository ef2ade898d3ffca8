"""Care plans as FHIR R4: the bundle validates against the R4 models (fhir.resources
6.4, FHIR 4.0.1), its references resolve inside it, and it carries the NHS number,
goals with their progress, the care team and a Task for each linked action. Also
the command line that prints and exports a plan, run as a separate process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources import __fhir_version__
from fhir.resources.bundle import Bundle
from pypdf import PdfReader

from mdtdesk.careplan import fhir, versions
from mdtdesk.careplan.content import Goal
from mdtdesk.careplan.printable import find_by_nhs_number, read
from mdtdesk.store.models import Patient
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import action, coordinated, coordinator
from tests.core.test_cli import UNLOCK, mdtdesk
from tests.helpers import USER
from tests.meeting_helpers import audit_details
from tests.plan_helpers import agreed_plan, full_content

# Required bindings in R4 that the models do not enforce themselves.
CODES = {
    "CarePlan": ("status", "draft active on-hold revoked completed entered-in-error unknown"),
    "Goal": (
        "lifecycleStatus",
        "proposed planned accepted active on-hold completed cancelled entered-in-error rejected",
    ),
    "Task": (
        "status",
        "draft requested received accepted rejected ready cancelled in-progress on-hold "
        "failed completed entered-in-error",
    ),
    "CareTeam": ("status", "proposed active suspended inactive entered-in-error"),
}


def planned(store: OpenStore) -> tuple[str, str]:
    pid = coordinated(store, "Nguyễn", coordinator(store))
    with store.session() as s, s.begin():
        p = s.get(Patient, pid)
        assert p is not None
        p.given_name, p.nhs_number, p.consent_status = "Thị Hoa", "9990044406", "given"
    act = action(store, pid, "Refer to pulmonary rehab")
    goals = (
        Goal("Walk to the post office", progress="achieved", actions=(act,)),
        Goal("Stay at home", progress="not_relevant"),
    )
    agreed_plan(store, pid, full_content(goals=goals))
    return pid, act


def test_the_bundle_validates_as_fhir_r4(store: OpenStore) -> None:
    pid, _ = planned(store)
    made = fhir.bundle(read(store, pid), store.clock.now())
    assert __fhir_version__ == "4.0.1"
    parsed = Bundle.parse_obj(made)  # raises on any structural error
    kinds = [e.resource.resource_type for e in parsed.entry]
    assert kinds[:2] == ["Patient", "CarePlan"]
    assert kinds.count("Goal") == 2 and kinds.count("Task") == 1 and kinds.count("CareTeam") == 1
    assert {"Practitioner", "RelatedPerson"} <= set(kinds)
    for entry in made["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] in CODES:
            field, allowed = CODES[resource["resourceType"]]
            assert resource[field] in allowed.split()
    # Every reference points at a resource in the bundle.
    urls = {e["fullUrl"] for e in made["entry"]}
    refs = set(_references(made["entry"]))
    assert refs and refs <= urls


def _references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def test_the_bundle_says_who_what_and_how_it_is_going(store: OpenStore) -> None:
    pid, act = planned(store)
    made = fhir.bundle(read(store, pid), store.clock.now())
    by_type: dict[str, list[dict[str, object]]] = {}
    for e in made["entry"]:
        by_type.setdefault(e["resource"]["resourceType"], []).append(e["resource"])
    [patient] = by_type["Patient"]
    assert patient["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990044406"}
    ]
    assert patient["name"] == [{"use": "official", "family": "Nguyễn", "given": ["Thị Hoa"]}]
    [plan] = by_type["CarePlan"]
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["description"] == "Staying in my bungalow with my dog, Pip."
    assert plan["period"] == {"start": "2026-11-23", "end": "2027-05-01"}
    goals = {g["description"]["text"]: g for g in by_type["Goal"]}  # type: ignore[index]
    assert goals["Walk to the post office"]["lifecycleStatus"] == "completed"
    assert goals["Stay at home"]["lifecycleStatus"] == "cancelled"
    [task] = by_type["Task"]
    assert task["description"] == "Refer to pulmonary rehab"
    assert task["status"] == "requested" and task["id"] == act
    [team] = by_type["CareTeam"]
    participants: Any = team["participant"]
    roles = [p["role"][0]["text"] for p in participants]
    assert roles[0] == "Named care coordinator"


def test_a_draft_is_a_draft_and_declined_consent_stops_the_export(
    store: OpenStore, tmp_path: Path
) -> None:
    pid, _ = planned(store)
    versions.start_draft(store, pid)
    out = tmp_path / "plan.json"
    made = fhir.export(store, pid, out)
    assert json.loads(out.read_text("utf-8")) == made
    assert made["entry"][1]["resource"]["status"] == "active"  # the agreed version
    [logged] = audit_details(store, "export")
    assert logged["to"] == "FHIR"
    with store.session() as s, s.begin():
        p = s.get(Patient, pid)
        assert p is not None
        p.consent_status = "declined"
    with pytest.raises(versions.PlanError, match="declined to share"):
        fhir.export(store, pid, tmp_path / "no.json")
    assert not (tmp_path / "no.json").exists()


def test_the_command_line_prints_and_exports_a_plan(
    store: OpenStore, store_dir: Path, tmp_path: Path
) -> None:
    planned(store)
    store.close()
    pdf, js = tmp_path / "plan.pdf", tmp_path / "plan.json"
    common = ("--store", store_dir, "--user", USER, "--nhs-number", "999 004 4406")
    done = mdtdesk("care-plan", "print", *common, "--out", pdf, "--large-print", env=UNLOCK)
    assert done.returncode == 0, done.stderr
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "NGUYỄN, Thị Hoa" in text and "Who to call" in text
    done = mdtdesk("care-plan", "export-fhir", *common, "--out", js, env=UNLOCK)
    assert done.returncode == 0, done.stderr
    Bundle.parse_obj(json.loads(js.read_text("utf-8")))
    bad = mdtdesk("care-plan", "print", *common[:4], "--nhs-number", "999 004 4407",
                  "--out", tmp_path / "x.pdf", env=UNLOCK)  # fmt: skip
    assert bad.returncode == 2 and "fails the check-digit test" in bad.stderr
    nobody = mdtdesk("care-plan", "print", *common[:4], "--nhs-number", "9990044414",
                     "--out", tmp_path / "x.pdf", env=UNLOCK)  # fmt: skip
    assert nobody.returncode == 2 and "No one with NHS number 9990044414" in nobody.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_finding_a_person_by_nhs_number_names_what_is_wrong(store: OpenStore) -> None:
    pid, _ = planned(store)
    assert find_by_nhs_number(store, "9990044406") == pid
    with pytest.raises(versions.PlanError, match="No one with NHS number 9990044414"):
        find_by_nhs_number(store, "9990044414")
    twin = coordinated(store, "Twin")
    with store.session() as s, s.begin():
        p = s.get(Patient, twin)
        assert p is not None
        p.nhs_number = "9990044406"  # as a hub sees a duplicate before it is merged
    with pytest.raises(versions.PlanError, match="2 records share NHS number 9990044406"):
        find_by_nhs_number(store, "9990044406")
