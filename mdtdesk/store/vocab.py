"""Fixed vocabularies: stored value -> label shown to people."""

from __future__ import annotations

CASELOAD_STATUS = {
    "referred": "Referred",
    "active": "Active",
    "stepped_down": "Stepped down",
    "discharged": "Discharged",
    "died": "Died",
}

CONSENT = {
    "given": "Given",
    "declined": "Declined",
    "best_interests": "Best-interests decision",
    "not_asked": "Not yet asked",
}


ORGANISATION_TYPE = {"health": "Health", "social_care": "Social care", "voluntary": "Voluntary"}

APP_ROLE = {"admin": "Administrator", "member": "Team member"}


def efi_band(score: float | None) -> str | None:
    """eFI band: fit 0-0.12, mild 0.13-0.24, moderate 0.25-0.36, severe above 0.36."""
    if score is None:
        return None
    if score <= 0.12:
        return "fit"
    if score <= 0.24:
        return "mild"
    if score <= 0.36:
        return "moderate"
    return "severe"


ACTION_STATUS = {
    "open": "Open",
    "in_progress": "In progress",
    "waiting": "Waiting on someone else",
    "done": "Done",
    "cancelled": "Cancelled",
}
# Action statuses that still need someone to do something.
OPEN_ACTION_STATUSES = ("open", "in_progress", "waiting")

PRIORITY = {"urgent": "Urgent", "high": "High", "routine": "Routine"}

# The kinds of risk score a record holds.
RISK_KIND = {"efi": "eFI", "admission_risk": "Admission risk"}

REFERRAL_STATUS = {"sent": "Sent", "accepted": "Accepted", "declined": "Declined", "seen": "Seen"}

# The services a new store offers for referrals; each practice edits its own list.
DEFAULT_SERVICES = (
    "District nursing",
    "Social services assessment",
    "Pulmonary rehabilitation",
    "Falls service",
    "Community mental health",
    "Voluntary sector",
    "Telecare / alarm",
    "Carers support",
)

CONTACT_KIND = {
    "home_visit": "Home visit",
    "phone": "Phone",
    "clinic": "Clinic",
    "video": "Video",
    "with_carer": "With carer",
    "with_professional": "With another professional",
}

MEETING_STATE = {
    "planned": "Planned",
    "agenda_circulated": "Agenda circulated",
    "in_progress": "In progress",
    "finished": "Finished",
}

# "pending" holds notes typed before the team has decided; finishing a meeting turns
# it into "not_discussed".
OUTCOME = {
    "pending": "Not yet decided",
    "continue": "Continue",
    "change_plan": "Change plan",
    "refer": "Refer",
    "step_down": "Step down",
    "discharge": "Discharge",
    "escalate": "Escalate",
    "not_discussed": "Not discussed",
}

DISCIPLINES = (
    "GP",
    "Nursing",
    "Social care",
    "Mental health",
    "Pharmacy",
    "Therapy",
    "Care coordination",
    "Voluntary sector",
    "Other",
)

# Checked in this order: a community psychiatric nurse is mental health, not nursing.
# A clue matches the start of a word ("psychiatr" in "psychiatric") or a whole phrase.
_DISCIPLINE_CLUES = (
    ("Mental health", ("psychiatr", "mental", "cpn")),
    ("GP", ("gp", "general practitioner")),
    ("Pharmacy", ("pharmac",)),
    ("Therapy", ("therap", "physio", "dietitian")),
    ("Nursing", ("nurse", "matron", "nursing")),
    ("Social care", ("social",)),
    ("Care coordination", ("coordinator", "navigator")),
    ("Voluntary sector", ("link worker", "volunt")),
)


def discipline_of(profession: str, organisation_type: str = "health") -> str:
    """The MDT discipline a profession counts as for quoracy."""
    text = profession.casefold()
    words = text.replace("-", " ").replace("/", " ").split()
    for discipline, clues in _DISCIPLINE_CLUES:
        for clue in clues:
            if (" " in clue and clue in text) or any(w.startswith(clue) for w in words):
                return discipline
    if organisation_type == "social_care":
        return "Social care"
    if organisation_type == "voluntary":
        return "Voluntary sector"
    return "Other"


# A care plan version's life: drafted, agreed with the person, then replaced.
PLAN_STATUS = {"draft": "Draft", "agreed": "Agreed", "superseded": "Superseded"}

GOAL_PROGRESS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "achieved": "Achieved",
    "not_relevant": "No longer relevant",
}

# Who supports the person, in the order the plan lists them (named coordinator first).
SUPPORT_ROLE = {
    "coordinator": "Named care coordinator",
    "gp": "GP",
    "nurse": "Nurse",
    "social_care": "Social care",
    "carer": "Carer",
    "voluntary": "Voluntary sector",
    "other": "Other support",
}

# The experience questionnaire's two time points (mdtdesk.patients.voice).
TIMEPOINT = {"joining": "At joining", "six_months": "At 6 months"}

AGREED_HOW = {
    "in_person": "in person at the practice",
    "home_visit": "at a home visit",
    "phone": "by phone",
    "video": "by video call",
    "representative": "with their carer or representative",
}


# Hospital activity as the impact report and the hospital import name it; the store
# keeps an admission with a planned flag.
EMERGENCY_ADMISSION, ELECTIVE_ADMISSION, AE_ATTENDANCE = (
    "emergency_admission",
    "elective_admission",
    "ae_attendance",
)
# store_meta keys: the first and last start date of any imported hospital event, which
# the report takes as the days the hospital data covers.
HOSPITAL_DATA_FROM, HOSPITAL_DATA_TO = "hospital_data_from", "hospital_data_to"


def hospital_event_word(kind: str, planned: bool) -> str:
    if kind == "ae_attendance":
        return AE_ATTENDANCE
    return ELECTIVE_ADMISSION if planned else EMERGENCY_ADMISSION
