"""The home-visits worklist PDF: who is on it, what it says (read back from the PDF's
text), that it is marked confidential, and that printing it is audited."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from mdtdesk.actions import referrals
from mdtdesk.clock import FixedClock
from mdtdesk.printing.visits_paper import save_visits, visits_pdf
from mdtdesk.store.models import KeyContact
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import TODAY, action, coordinator
from tests.meeting_helpers import add_patient, add_row, audit_details


def text(source: Path | bytes) -> str:
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_visits_list_has_each_person_due_with_how_to_reach_them(
    store: OpenStore, clock: FixedClock, tmp_path: Path
) -> None:
    jo, gail = coordinator(store), coordinator(store, "Gail Platten")
    ada = add_patient(
        store,
        "Ashworth",
        given_name="Ada",
        nhs_number="9990004446",
        address="4 Mill Lane, Aylsham",
        postcode="NR11 6AB",
        phone="01263 555 019",
        named_coordinator_id=jo,
    )
    add_row(
        store,
        KeyContact,
        patient_id=ada,
        name="Sue Ashworth",
        relationship="Daughter",
        phone="07700 900123",
        is_carer=True,
    )
    ben = add_patient(
        store,
        "Bellamy",
        given_name="Ben",
        nhs_number="9990004454",
        postcode="NR10 1AA",
        named_coordinator_id=jo,
    )
    cal = add_patient(
        store, "Cotton", given_name="Cal", postcode="NR1 1AA", named_coordinator_id=jo
    )
    falls = next(s.id for s in referrals.services(store) if s.name == "Falls service")
    clock.current -= timedelta(days=4)
    action(store, ada, "Check the pendant alarm works", due=TODAY - timedelta(days=1))
    action(store, ben, "Review the rescue pack", due=TODAY + timedelta(days=1))
    action(store, ben, "Refer after two falls", due=TODAY + timedelta(days=1), service_id=falls)
    action(store, cal, "Not due till next month", due=TODAY + timedelta(days=30))
    action(store, ada, "Gail's visit", due=TODAY, owner_id=gail)
    clock.current += timedelta(days=4)

    path = save_visits(store, jo, TODAY + timedelta(days=1), tmp_path / "visits.pdf")
    words = text(path)
    assert "Home visits: Jo Seago" in words
    assert "Tuesday 24 November 2026" in words
    assert "CONFIDENTIAL" in words
    assert "ASHWORTH, Ada · NHS 999 000 4446" in words
    assert "4 Mill Lane, Aylsham NR11 6AB" in words
    assert "Phone: 01263 555 019" in words
    assert "Sue Ashworth (daughter) 07700 900123" in words
    assert "Check the pendant alarm works" in words and "(overdue)" in words
    assert "Refer after two falls" in words
    assert "Referral to Falls service: not sent yet" in words
    assert "Phone: none recorded" in words  # Ben has no phone
    assert "Not due till next month" not in words
    assert "COTTON" not in words
    assert "Gail's visit" not in words
    # Postcode order: NR10 before NR11.
    assert words.index("BELLAMY") < words.index("ASHWORTH")
    assert audit_details(store, "print")[-1] == {
        "paper": "home visits",
        "to": "file",
        "people": 2,
    }


def test_chosen_people_only_and_an_empty_day_says_so(store: OpenStore) -> None:
    jo = coordinator(store)
    ada = add_patient(store, "Ashworth", named_coordinator_id=jo)
    ben = add_patient(store, "Bellamy", named_coordinator_id=jo)
    action(store, ada, "Visit Ada", due=TODAY + timedelta(days=10))
    action(store, ben, "Visit Ben", due=TODAY)
    chosen = visits_pdf(store, jo, TODAY, [ada])
    assert chosen.count == 1
    assert "Visit Ada" in text(chosen.pdf) and "Visit Ben" not in text(chosen.pdf)
    nobody = visits_pdf(store, coordinator(store, "Gail Platten"), TODAY)
    assert nobody.count == 0
    assert nobody.name == "2026-11-23 home visits - Gail Platten.pdf"
    assert "Nothing is due" in text(nobody.pdf)
