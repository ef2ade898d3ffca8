"""Care plans on paper, read back from the PDF: what each copy says and leaves out,
the furniture on every page, large print, names in any script, a plan long enough
to flow over many pages, batches, and the audit of every copy that leaves."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mdtdesk.careplan import versions
from mdtdesk.careplan.content import Goal
from mdtdesk.meetings import agenda
from mdtdesk.printing import care_plans
from mdtdesk.store.models import Condition, KeyContact, Patient
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import action, coordinated, coordinator
from tests.meeting_helpers import MEETING_DAY, add_row, audit_details, meeting_on
from tests.plan_helpers import agreed_plan, full_content


def pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def sizes_of(pdf: bytes, wanted: str) -> set[float]:
    """The font sizes at which text containing `wanted` is drawn."""
    found: set[float] = set()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if wanted in text:
            found.add(round(size * tm[3], 1))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return found


def fonts_of(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]  # pypdf's PdfObject
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def person(store: OpenStore, given: str = "Edith", family: str = "Wilde", **more: object) -> str:
    pid = coordinated(store, family, coordinator(store))
    with store.session() as s, s.begin():
        p = s.get(Patient, pid)
        assert p is not None
        p.given_name, p.nhs_number, p.efi_score = given, "9990044406", 0.41
        p.consent_status = "given"
        for key, value in more.items():
            setattr(p, key, value)
    add_row(store, Condition, patient_id=pid, name="COPD")
    add_row(store, KeyContact, patient_id=pid, name="Mary Wilde", relationship="Daughter")
    return pid


def test_the_persons_copy_puts_their_words_and_who_to_call_first(store: OpenStore) -> None:
    pid = person(store)
    act = action(store, pid, "Refer to pulmonary rehab")
    plan = full_content(
        goals=(
            Goal("Walk to the post office", progress="in_progress", actions=(act,)),
            *full_content().goals[1:],
        )
    )
    agreed_plan(store, pid, plan)
    text = pages(care_plans.paper(store, pid, "patient").pdf)
    first = flat(text[0])
    assert "My care and support plan" in first
    assert first.index("What matters to me") < first.index("Who to call")
    assert "Staying in my bungalow with my dog, Pip." in first
    for line in ("My care coordinator Jo Seago 01603 555 042", "NHS 111", "Call 999"):
        assert line in first
    whole = flat(" ".join(text))
    for wanted in (
        "Walk to the post office",
        "Stay out of hospital this winter",
        "In progress",
        "1 April 2027",
        "COPD (a long-term lung condition that makes it hard to breathe)",
        "I have a ReSPECT form",
        "Red folder by the front door",
        "This plan will be reviewed by 1 May 2027.",
        "We agreed this plan together on 23 November 2026 at a home visit.",
    ):
        assert wanted in whole, wanted
    # No scores, codes, consent or staff bookkeeping on the person's copy.
    for unwanted in ("eFI", "0.41", "Consent", "Version history", "Refer to pulmonary rehab"):
        assert unwanted not in whole, unwanted


def test_the_professional_copy_is_complete(store: OpenStore) -> None:
    pid = person(store)
    act = action(store, pid, "Refer to pulmonary rehab")
    agreed_plan(store, pid)
    draft = versions.start_draft(store, pid)
    linked = full_content(goals=(Goal("Breathe easier", actions=(act,)),))
    versions.save_draft(store, draft.id, linked, full_content().medication_review)
    versions.agree(
        store,
        draft.id,
        draft.updated_at.date(),
        "phone",
        versions.versions(store, pid)[1].review_date,
    )
    whole = flat(" ".join(pages(care_plans.paper(store, pid, "professional").pdf)))
    for wanted in (
        "professional copy",
        "999 004 4406",
        "WILDE, Edith",
        "COPD",
        "eFI 0.41 (severe frailty)",
        "Consent Given",
        "Refer to pulmonary rehab (Jo Seago, due 23 Nov 2026, open)",
        "Mary Wilde (Daughter)",
        "Where the ReSPECT form is kept",
        "Version history",
        "2 (this copy) Agreed",
        "1 Superseded",
    ):
        assert wanted in whole, wanted


def test_every_page_has_the_person_version_printed_date_and_page_numbers(
    store: OpenStore,
) -> None:
    pid = person(store)
    agreed_plan(store, pid)
    for copy in care_plans.COPIES:
        text = pages(care_plans.paper(store, pid, copy).pdf)
        assert len(text) >= 2
        for n, page in enumerate(text, start=1):
            page = flat(page)
            assert "WILDE, Edith · NHS number 999 004 4406 · Born 6 May 1938" in page
            assert "version 1" in page
            assert f"Page {n} of {len(text)}" in page
            assert "Printed 23 Nov 2026" in page
            assert "CONFIDENTIAL: contains personal information" in page


def test_large_print_sets_the_body_in_16_point(store: OpenStore) -> None:
    pid = person(store)
    agreed_plan(store, pid)
    words = "Staying in my bungalow"
    regular = care_plans.paper(store, pid, "patient").pdf
    large = care_plans.paper(store, pid, "patient", large=True).pdf
    assert sizes_of(regular, words) == {12.0}
    assert sizes_of(large, words) == {16.0}
    assert min(sizes_of(large, "Weigh myself every morning")) >= 16
    assert len(pages(large)) > len(pages(regular))
    assert care_plans.paper(store, pid, "patient", large=True).file_name.endswith(
        "v1 patient large print.pdf"
    )
    # Defect: the header, footer and page numbers stayed tiny (8-10.5 pt) in large print.
    assert sizes_of(regular, "Page 1 of") == {9.0}
    assert sizes_of(large, "Page 1 of") == {16.0}
    assert sizes_of(large, "WILDE, Edith") == {16.0}
    assert min(sizes_of(large, "Printed 23 Nov 2026")) >= 14
    assert min(sizes_of(large, "CONFIDENTIAL")) >= 14
    text = flat(pages(large)[0])
    assert "CONFIDENTIAL: contains personal information" in text  # wrapped, not cut off
    assert "leave unattended." in text


def test_names_in_any_script_print_in_the_embedded_font(store: OpenStore) -> None:
    names = [("Zoë", "Brontë"), ("Łukasz", "Wróblewski"), ("Thị Hoa", "Nguyễn")]
    for given, family in names:
        pid = person(store, given, family)
        agreed_plan(store, pid, full_content(what_matters=f"{given} wants to stay at home."))
        pdf = care_plans.paper(store, pid, "patient").pdf
        text = flat(" ".join(pages(pdf)))
        assert f"{family.upper()}, {given}" in text
        assert f"{given} {family}." in text
        assert f"{given} wants to stay at home." in text
        # Every glyph comes from the shipped Source Sans, none from a base-14 font.
        assert all("SourceSans" in f for f in fonts_of(pdf)), fonts_of(pdf)


def test_a_very_long_plan_flows_over_pages_with_nothing_lost(store: OpenStore) -> None:
    pid = person(store)
    goals = tuple(
        Goal(f"Goal number {n}: " + "keep going with the exercises " * 6) for n in range(1, 41)
    )
    long = full_content(goals=goals, about_me="I like the garden. " * 200)
    agreed_plan(store, pid, long)
    for copy in care_plans.COPIES:
        text = pages(care_plans.paper(store, pid, copy).pdf)
        assert len(text) >= 5
        whole = flat(" ".join(text))
        for n in range(1, 41):
            assert f"Goal number {n}:" in whole
        assert all(f"of {len(text)}" in flat(p) for p in text)


def test_a_meetings_plans_print_as_one_batch_numbered_per_person(store: OpenStore) -> None:
    ada, bea, cal = (
        person(store, "Ada", "Ash"),
        person(store, "Bea", "Birch"),
        person(store, "Cal", "Cole"),
    )
    agreed_plan(store, ada)
    agreed_plan(store, cal)
    mid = meeting_on(store, MEETING_DAY)
    agenda.add(store, mid, [(ada, "r"), (bea, "r"), (cal, "r")])
    made = care_plans.meeting_batch(store, mid)
    assert made.missing == ("BIRCH, Bea",)
    text = [flat(p) for p in pages(made.pdf)]
    one = care_plans.paper(store, ada, "patient").pdf
    per_person = len(pages(one))
    assert len(text) == 2 * per_person
    assert "ASH, Ada" in text[0] and f"Page 1 of {per_person}" in text[0]
    assert "COLE, Cal" in text[per_person] and f"Page 1 of {per_person}" in text[per_person]
    care_plans.log_printed(store, made, "patient", "printer")
    printed = [d for d in audit_details(store, "print")]
    assert [(d["copy"], d["to"]) for d in printed] == [("patient", "printer")] * 2


def test_a_draft_says_so_and_saving_a_copy_is_audited(store: OpenStore, tmp_path: Path) -> None:
    pid = person(store)
    versions.save_draft(store, versions.start_draft(store, pid).id, full_content(), None)
    out = tmp_path / "plan.pdf"
    care_plans.save_plan(store, pid, out, "professional")
    first = flat(pages(out.read_bytes())[0])
    assert "version 1 · DRAFT, not yet agreed" in first
    [logged] = audit_details(store, "print")
    assert (logged["copy"], logged["to"]) == ("professional", "file")


def test_no_plan_is_a_clear_error(store: OpenStore) -> None:
    pid = person(store)
    with pytest.raises(versions.PlanError, match=r"^Edith Wilde has no care plan yet\.$"):
        care_plans.paper(store, pid)
