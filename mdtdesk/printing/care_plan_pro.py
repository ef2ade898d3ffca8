"""The professional copy of a care plan: every section in full, with the person's
conditions, risk, consent, the actions behind each goal and the version history."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from mdtdesk.careplan.content import ordered_support
from mdtdesk.careplan.printable import PlanPaperData
from mdtdesk.careplan.sections import RESPECT
from mdtdesk.clock import short_day, short_time
from mdtdesk.nhs_number import format_nhs
from mdtdesk.printing.document import frame_width, para, short_date, table
from mdtdesk.store.vocab import (
    ACTION_STATUS,
    AGREED_HOW,
    CONSENT,
    GOAL_PROGRESS,
    PLAN_STATUS,
    SUPPORT_ROLE,
)


def _facts(data: PlanPaperData) -> list[list[str]]:
    p, plan = data.person, data.plan
    consent = CONSENT.get(data.consent, data.consent)
    if data.consent_by and data.consent_at:
        consent += f" (recorded by {data.consent_by}, {short_day(data.consent_at)})"
    agreed = (
        f"{short_date(plan.agreed_on)} {AGREED_HOW.get(plan.content.agreed_how, '')}".strip()
        if plan.agreed_on
        else "not yet agreed"
    )
    return [
        ["Name", p.display_name, "NHS number", format_nhs(p.nhs_number)],
        ["Born", f"{short_date(p.date_of_birth)} (aged {p.age})", "Phone", p.phone or "—"],
        [
            "Address",
            f"{p.address} {p.postcode}".strip() or "—",
            "Coordinator",
            data.coordinator or "none",
        ],
        ["Plan", f"Version {plan.version}, {PLAN_STATUS[plan.status].lower()}", "Agreed", agreed],
        [
            "Review by",
            short_date(plan.review_date),
            "Medication review",
            short_date(plan.content.medication_review),
        ],
        ["Consent", consent, "Risk", "; ".join(data.risk) or "none recorded"],
    ]


def _text(title: str, text: str) -> list[Flowable]:
    return [para(title, "h3"), para(text or "Not recorded.")]


def professional_story(data: PlanPaperData) -> list[Flowable]:
    width = frame_width()
    c = data.plan.content
    story: list[Flowable] = [
        para("Personalised care and support plan: professional copy", "title"),
        table(None, _facts(data), [w * width for w in (0.13, 0.37, 0.17, 0.33)]),
        para("About me and what matters to me", "h2"),
        *_text("What matters to me (in the person's words)", c.what_matters),
        *_text("About me", c.about_me),
        para("Health conditions and needs", "h2"),
    ]
    if data.conditions:
        story.append(
            table(
                ("Condition (from the record)", "Since"),
                [[name, short_date(since)] for name, since in data.conditions],
                (0.75 * width, 0.25 * width),
            )
        )
    story += _text("Needs, as agreed with the person", c.needs)
    story.append(para("Goals", "h2"))
    goal_rows = []
    for n, g in enumerate(c.goals, start=1):
        linked = [data.actions.get(a) for a in g.actions]
        work = "\n".join(
            f"{a.description} ({a.owner}, due {short_date(a.due_date)}, "
            f"{ACTION_STATUS.get(a.status, a.status).lower()})"
            for a in linked
            if a is not None
        )
        goal_rows.append(
            [str(n), g.text, short_date(g.target), GOAL_PROGRESS[g.progress], work or "—"]
        )
    story.append(
        table(
            ("#", "Goal", "Target", "Progress", "Linked actions"),
            goal_rows or [["", "No goals recorded.", "", "", ""]],
            [w * width for w in (0.05, 0.33, 0.13, 0.13, 0.36)],
        )
    )
    story += [para("Self-management", "h2"), *_text("What I can do myself", c.self_care)]
    story += _text("Rescue medication", c.rescue_medication)
    story.append(para("Care and support (who does what)", "h2"))
    story.append(
        table(
            ("Role", "Name", "What they do", "Phone"),
            [[SUPPORT_ROLE[p.role], p.name, p.does, p.phone] for p in ordered_support(c)]
            or [["", "No one recorded.", "", ""]],
            [w * width for w in (0.22, 0.26, 0.32, 0.20)],
        )
    )
    if data.key_contacts:
        story += _text("Key contacts in the record", "\n".join(data.key_contacts))
    story.append(para("Contingency and crisis plan", "h2"))
    story += _text("Early signs of deterioration", c.early_signs)
    story += _text("Who to call in hours", c.in_hours)
    story += _text("Who to call out of hours", c.out_of_hours)
    story += _text("Crisis plan", c.crisis_plan)
    story.append(para("Advance care planning", "h2"))
    story.append(para(f"ReSPECT form: {RESPECT[c.respect_in_place]}."))
    story += _text("Where the ReSPECT form is kept", c.respect_kept)
    story += _text("Preferences and wishes", c.preferences)
    story += [para("Agreement and distribution", "h2")]
    story += _text("Distribution list", "\n".join(c.distribution))
    story += [Spacer(1, 2 * mm), para("Version history", "h2"), _history(data, width)]
    return story


def _history(data: PlanPaperData, width: float) -> Flowable:
    rows = [
        [
            str(v.version) + (" (this copy)" if v.id == data.plan.id else ""),
            PLAN_STATUS.get(v.status, v.status),
            short_date(v.agreed_on),
            AGREED_HOW.get(v.content.agreed_how, "—") if v.agreed_on else "—",
            short_date(v.review_date),
            f"{v.updated_by or '—'}, {short_time(v.updated_at)}",
        ]
        for v in data.history
    ]
    return table(
        ("Version", "Status", "Agreed", "How", "Review by", "Last changed by"),
        rows,
        [w * width for w in (0.13, 0.13, 0.14, 0.2, 0.14, 0.26)],
    )
