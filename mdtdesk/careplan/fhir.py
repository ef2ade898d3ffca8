"""A care plan as an HL7 FHIR R4 Bundle (type collection) for a shared care record:
Patient (NHS number identifier), CarePlan, CareTeam with a Practitioner or
RelatedPerson for each supporter, a Goal per goal and a Task per linked action.
Every resource is referenced by its urn:uuid fullUrl, so the bundle stands alone."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mdtdesk.careplan.content import Goal, Supporter, ordered_support
from mdtdesk.careplan.printable import PlanPaperData, read
from mdtdesk.careplan.sections import RESPECT
from mdtdesk.careplan.versions import PlanError
from mdtdesk.store import audit
from mdtdesk.store.atomic import write_bytes
from mdtdesk.store.ids import new_id
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import SUPPORT_ROLE

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
PLAN_STATUS = {"draft": "draft", "agreed": "active", "superseded": "revoked"}
# Goal progress -> (lifecycleStatus, achievementStatus code)
GOAL_STATUS = {
    "not_started": ("accepted", None),
    "in_progress": ("active", "in-progress"),
    "achieved": ("completed", "achieved"),
    "not_relevant": ("cancelled", "not-attainable"),
}
TASK_STATUS = {
    "open": "requested",
    "in_progress": "in-progress",
    "waiting": "on-hold",
    "done": "completed",
    "cancelled": "cancelled",
}
ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GENDER = {"female": "female", "male": "male", "other": "other"}


def _urn(record_id: str) -> str:
    return f"urn:uuid:{record_id}"


def _entry(record_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": _urn(record_id), "resource": {**resource, "id": record_id}}


def _patient(data: PlanPaperData) -> dict[str, Any]:
    p = data.person
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": p.nhs_number}],
        "name": [{"use": "official", "family": p.family_name, "given": [p.given_name]}],
        "gender": GENDER.get(p.sex, "unknown"),
        "birthDate": p.date_of_birth.isoformat(),
    }
    if p.phone:
        patient["telecom"] = [{"system": "phone", "value": p.phone, "use": "home"}]
    if p.address or p.postcode:
        patient["address"] = [
            {"use": "home", "line": p.address.splitlines(), "postalCode": p.postcode}
        ]
    return patient


def _member(person: Supporter, patient_ref: str) -> dict[str, Any]:
    kind = "RelatedPerson" if person.role == "carer" else "Practitioner"
    resource: dict[str, Any] = {"resourceType": kind, "name": [{"text": person.name}]}
    if kind == "RelatedPerson":
        resource["patient"] = {"reference": patient_ref}
        resource["relationship"] = [{"text": person.does or "Carer"}]
    if person.phone:
        resource["telecom"] = [{"system": "phone", "value": person.phone}]
    return resource


def _goal(goal: Goal, patient_ref: str) -> dict[str, Any]:
    lifecycle, achievement = GOAL_STATUS[goal.progress]
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "lifecycleStatus": lifecycle,
        "description": {"text": goal.text},
        "subject": {"reference": patient_ref},
    }
    if achievement:
        resource["achievementStatus"] = {
            "coding": [{"system": ACHIEVEMENT, "code": achievement}],
            "text": achievement.replace("-", " "),
        }
    if goal.target:
        resource["target"] = [{"dueDate": goal.target.isoformat()}]
    return resource


def _notes(data: PlanPaperData) -> list[dict[str, str]]:
    c = data.plan.content
    parts = [
        ("About me", c.about_me),
        ("My health conditions and needs", c.needs),
        ("What I can do myself", c.self_care),
        ("Rescue medication", c.rescue_medication),
        ("Early signs that things are getting worse", c.early_signs),
        ("Who to call in hours", c.in_hours),
        ("Who to call out of hours", c.out_of_hours),
        ("Crisis plan", c.crisis_plan),
        ("ReSPECT form", "" if c.respect_in_place is None else RESPECT[c.respect_in_place]),
        ("Where the ReSPECT form is kept", c.respect_kept),
        ("Preferences and wishes", c.preferences),
        ("Medication review by", c.medication_review.isoformat() if c.medication_review else ""),
        ("Agreed", c.agreed_how),
        ("Copies to", "; ".join(c.distribution)),
    ]
    return [{"text": f"{label}: {text}"} for label, text in parts if text]


def bundle(data: PlanPaperData, made: datetime) -> dict[str, Any]:
    plan = data.plan
    patient_ref = _urn(data.person.patient_id)
    entries = [_entry(data.person.patient_id, _patient(data))]
    team_id = new_id()
    participants = []
    for person in ordered_support(plan.content):
        member_id = new_id()
        entries.append(_entry(member_id, _member(person, patient_ref)))
        participants.append(
            {
                "role": [{"text": SUPPORT_ROLE[person.role]}],
                "member": {"reference": _urn(member_id), "display": person.name},
            }
        )
    team: dict[str, Any] = {
        "resourceType": "CareTeam",
        "status": "active",
        "name": f"Care team of {data.person.full_name}",
        "subject": {"reference": patient_ref},
    }
    if participants:
        team["participant"] = participants
    entries.append(_entry(team_id, team))
    goal_refs, activities = [], []
    for goal in plan.content.goals:
        entries.append(_entry(goal.id, _goal(goal, patient_ref)))
        goal_refs.append({"reference": _urn(goal.id)})
        for action_id in goal.actions:
            action = data.actions.get(action_id)
            if action is None:
                continue
            task: dict[str, Any] = {
                "resourceType": "Task",
                "status": TASK_STATUS.get(action.status, "requested"),
                "intent": "plan",
                "description": action.description,
                "for": {"reference": patient_ref},
                "basedOn": [{"reference": _urn(plan.id)}],
                "reasonReference": {"reference": _urn(goal.id)},
                "owner": {"display": action.owner},
            }
            if action.due_date:
                task["restriction"] = {"period": {"end": action.due_date.isoformat()}}
            entries.append(_entry(action_id, task))
            activities.append({"reference": {"reference": _urn(action_id)}})
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": _urn(plan.id)}],
        "status": PLAN_STATUS[plan.status],
        "intent": "plan",
        "title": f"Personalised care and support plan, version {plan.version}",
        "description": plan.content.what_matters or "Not yet written",
        "subject": {"reference": patient_ref},
        "careTeam": [{"reference": _urn(team_id)}],
    }
    if plan.agreed_on:
        care_plan["created"] = plan.agreed_on.isoformat()
    period = _period(plan.agreed_on, plan.review_date)
    if period:
        care_plan["period"] = period
    if goal_refs:
        care_plan["goal"] = goal_refs
    if activities:
        care_plan["activity"] = activities
    notes = _notes(data)
    if notes:
        care_plan["note"] = notes
    entries.insert(1, _entry(plan.id, care_plan))
    return {
        "resourceType": "Bundle",
        "id": new_id(),
        "type": "collection",
        "timestamp": made.isoformat(),
        "entry": entries,
    }


def _period(start: date | None, end: date | None) -> dict[str, str]:
    period = {}
    if start:
        period["start"] = start.isoformat()
    if end:
        period["end"] = end.isoformat()
    return period


def export(store: OpenStore, patient_id: str, path: Path) -> dict[str, Any]:
    """Write the person's current plan as FHIR JSON (atomically) and audit the export.
    Refused when the person declined to share their information."""
    data = read(store, patient_id)
    if data.consent == "declined":
        raise PlanError(
            f"{data.person.full_name} declined to share their information beyond the practice, "
            "so their plan cannot be exported to a shared care record."
        )
    made = bundle(data, store.clock.now())
    write_bytes(path, json.dumps(made, ensure_ascii=False, indent=2).encode("utf-8"))
    with store.session() as s, s.begin():
        audit.log(
            s, "export", entity="care_plan", record_id=data.plan.id, to="FHIR", file=path.name
        )
    return made
