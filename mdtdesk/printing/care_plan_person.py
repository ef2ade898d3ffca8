"""The person's own copy of their care plan: plain English, their words first, who to
call on the first page, no codes or scores. Large print sets the body in 16 pt."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from mdtdesk.careplan.content import Supporter, ordered_support
from mdtdesk.careplan.printable import PlanPaperData
from mdtdesk.clock import plain_day
from mdtdesk.printing.document import (
    NHS_BLUE,
    PALE,
    TABLE_FONT,
    Sheet,
    frame_width,
    make_styles,
    para,
    table,
)
from mdtdesk.store.vocab import AGREED_HOW, GOAL_PROGRESS, SUPPORT_ROLE

REGULAR_PRINT = make_styles(body=12, cell=12)
LARGE_PRINT = make_styles(body=16, cell=16)
OUT_OF_HOURS = "NHS 111: call 111, day or night"
EMERGENCY = "Call 999 if it is an emergency or someone's life is at risk"

# Condition names as a person would say them; the record's names are what staff use.
PLAIN = {
    "COPD": "COPD (a long-term lung condition that makes it hard to breathe)",
    "Atrial fibrillation": "Atrial fibrillation (an irregular heartbeat)",
    "Chronic kidney disease": "Kidney disease (my kidneys do not work as well as they did)",
    "Hypertension": "High blood pressure",
    "Cancer (palliative)": "Cancer (care to keep me comfortable)",
    "Falls": "Falls (I have fallen, or I am at risk of falling)",
    "Frailty": "Frailty (I get tired and weak more easily)",
    "Osteoarthritis": "Arthritis (painful, stiff joints)",
}


def _coordinator(people: Sequence[Supporter]) -> Supporter | None:
    return next((p for p in people if p.role == "coordinator"), None)


def _who_to_call(data: PlanPaperData, sheet: Sheet, width: float) -> Flowable:
    c = data.plan.content
    lead = _coordinator(ordered_support(c))
    rows = []
    if lead is not None:
        rows.append(
            ["My care coordinator", f"{lead.name}\n{lead.phone or 'through my GP practice'}"]
        )
    rows.append(["Weekdays, in working hours", c.in_hours or f"My GP practice: {data.practice}"])
    rows.append(["Evenings, nights and weekends", c.out_of_hours or OUT_OF_HOURS])
    rows.append(["Emergency", EMERGENCY])
    cells = [[para("Who to call", "h2", sheet), para("", "body", sheet)]] + [
        [para(a, "h3", sheet), para(b, "body", sheet)] for a, b in rows
    ]
    box = Table(cells, colWidths=[0.36 * width, 0.64 * width])
    box.setStyle(
        TableStyle(
            [
                TABLE_FONT,
                ("SPAN", (0, 0), (-1, 0)),
                ("BOX", (0, 0), (-1, -1), 2.5, NHS_BLUE),
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 1), (-1, -2), 0.5, colors.HexColor("#AEB7BD")),
            ]
        )
    )
    return KeepTogether([box])


def _words(text: str, sheet: Sheet, width: float) -> Flowable:
    """The person's own words, set apart with a blue rule as a quotation."""
    quote = Table([[para(text, "body", sheet)]], colWidths=[width])
    quote.setStyle(
        TableStyle(
            [
                TABLE_FONT,
                ("LINEBEFORE", (0, 0), (0, -1), 4, NHS_BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return quote


def _section(title: str, sheet: Sheet, *parts: Flowable) -> list[Flowable]:
    return [para(title, "h2", sheet), *parts]


def person_story(data: PlanPaperData, large: bool) -> list[Flowable]:
    sheet = LARGE_PRINT if large else REGULAR_PRINT
    width = frame_width()
    c = data.plan.content
    plan = data.plan
    if plan.status == "draft":
        state = "This is a draft. It has not been agreed with me yet."
    else:
        state = f"I agreed this plan on {plain_day(plan.agreed_on)}." if plan.agreed_on else ""
    review = (
        f"It will be looked at again by {plain_day(plan.review_date)}." if plan.review_date else ""
    )
    story: list[Flowable] = [
        para("My care and support plan", "title", sheet),
        para(f"{data.person.full_name}. {state} {review}".strip(), "body", sheet),
        Spacer(1, 3 * mm),
        para("What matters to me", "h2", sheet),
        _words(c.what_matters or "(Not written yet.)", sheet, width),
        Spacer(1, 4 * mm),
        _who_to_call(data, sheet, width),
    ]
    if c.about_me:
        story += _section("About me", sheet, para(c.about_me, "body", sheet))
    if c.goals:
        rows = [
            [g.text, plain_day(g.target) if g.target else "", GOAL_PROGRESS[g.progress]]
            for g in c.goals
        ]
        story += _section(
            "My goals",
            sheet,
            table(
                ("What I want to achieve", "By when", "How it is going"),
                rows,
                (0.52 * width, 0.26 * width, 0.22 * width),
                sheet=sheet,
            ),
        )
    if c.self_care or c.rescue_medication:
        parts = [para(c.self_care, "body", sheet)] if c.self_care else []
        if c.rescue_medication:
            parts += [
                para("My rescue medicines", "h3", sheet),
                para(c.rescue_medication, "body", sheet),
            ]
        story += _section("What I can do myself", sheet, *parts)
    worse: list[Flowable] = []
    if c.early_signs:
        worse += [
            para("Signs that I am getting worse", "h3", sheet),
            para(c.early_signs, "body", sheet),
        ]
    if c.crisis_plan:
        worse += [para("What to do", "h3", sheet), para(c.crisis_plan, "body", sheet)]
    worse += [
        para("Who to call", "h3", sheet),
        para(
            f"In working hours: {c.in_hours or 'my GP practice, ' + data.practice}", "body", sheet
        ),
        para(f"At other times: {c.out_of_hours or OUT_OF_HOURS}", "body", sheet),
        para(f"In an emergency: {EMERGENCY.lower()}", "body", sheet),
    ]
    story += _section("If things get worse", sheet, *worse)
    people = ordered_support(c)
    if people:
        story += _section(
            "People who support me",
            sheet,
            table(
                ("Who", "What they do", "Phone"),
                [[f"{p.name}\n{SUPPORT_ROLE[p.role]}", p.does, p.phone] for p in people],
                (0.36 * width, 0.38 * width, 0.26 * width),
                sheet=sheet,
            ),
        )
    needs = [PLAIN.get(line.strip(), line.strip()) for line in c.needs.splitlines() if line.strip()]
    if needs:
        story += _section(
            "My health conditions and needs",
            sheet,
            *[para(f"•  {n}", "body", sheet) for n in needs],
        )
    story += _section("Planning ahead", sheet, *_ahead(data, sheet))
    story += _section("Reviews and copies", sheet, *_reviews(data, sheet))
    return story


def _ahead(data: PlanPaperData, sheet: Sheet) -> list[Flowable]:
    c = data.plan.content
    respect = {
        True: "I have a ReSPECT form (my wishes for emergency care and treatment).",
        False: "I do not have a ReSPECT form yet. I can talk about one with my GP.",
        None: "Ask me whether I have a ReSPECT form for emergency care and treatment.",
    }[c.respect_in_place]
    parts = [para(respect, "body", sheet)]
    if c.respect_kept:
        parts.append(para(f"It is kept: {c.respect_kept}", "body", sheet))
    if c.preferences:
        parts += [para("My wishes", "h3", sheet), para(c.preferences, "body", sheet)]
    return parts


def _reviews(data: PlanPaperData, sheet: Sheet) -> list[Flowable]:
    c, plan = data.plan.content, data.plan
    lines = []
    if c.medication_review:
        lines.append(f"My medicines will be reviewed by {plain_day(c.medication_review)}.")
    if plan.review_date:
        lines.append(f"This plan will be reviewed by {plain_day(plan.review_date)}.")
    if plan.agreed_on:
        how = AGREED_HOW.get(c.agreed_how, "")
        lines.append(
            f"We agreed this plan together on {plain_day(plan.agreed_on)} {how}.".replace(" .", ".")
        )
    if c.distribution:
        lines.append("Copies of this plan: " + "; ".join(c.distribution) + ".")
    return [para(line, "body", sheet) for line in lines]
