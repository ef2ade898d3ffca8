"""The patient record services: read (audited), edit with validation, hospital visits,
referral with duplicate warnings, and drafts kept across a lock."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mdtdesk.patients import drafts
from mdtdesk.patients.details import (
    ChangedElsewhere,
    DuplicateNhsNumber,
    FormInvalid,
    as_form,
    details_of,
    parse_form,
    save_details,
)
from mdtdesk.patients.hospital import parse_visit, save_visit
from mdtdesk.patients.record import load_record
from mdtdesk.patients.referral import likely_duplicates, refer, similar_names
from mdtdesk.store import access
from mdtdesk.store.check import check_store
from mdtdesk.store.models import AuditEvent, ContactLogEntry, Patient
from mdtdesk.store.staff import staff_choices
from tests.helpers import FAST

TODAY = date(2026, 11, 23)


def _form(**changes: str | bool) -> dict[str, str | bool]:
    form: dict[str, str | bool] = {
        "nhs_number": "999 000 0018",
        "family_name": "Hewitt",
        "given_name": "Iris",
        "date_of_birth": "06/05/1938",
        "sex": "female",
        "address": "3 Mill Lane, Aylsham",
        "postcode": "nr11 6aa",
        "phone": "01263 555 0101",
        "caseload_status": "referred",
        "named_coordinator_id": "",
        "consent_status": "not_asked",
        "efi_score": "0.31",
        "lives_alone": True,
        "is_a_carer": False,
        "has_respect_form": False,
        "next_review_date": "",
        "referral_date": "20/11/2026",
        "referral_source": "District nursing",
        "referral_reason": "Two falls in a month",
    }
    form.update(changes)
    return form


@pytest.fixture
def iris(store) -> str:
    return refer(store, parse_form(_form(), TODAY)).patient_id


def _audit(store, action: str) -> list[AuditEvent]:
    with store.session() as s:
        query = select(AuditEvent).where(AuditEvent.action == action)
        return list(s.execute(query).scalars())


def test_every_bad_field_is_named_with_what_is_wrong() -> None:
    with pytest.raises(FormInvalid) as raised:
        parse_form(
            _form(
                nhs_number="999 000 0017",
                family_name="  ",
                date_of_birth="31/02/1938",
                postcode="NOWHERE",
                efi_score="2",
                next_review_date="1/1/1930",
                sex="?",
            ),
            TODAY,
        )
    problems = raised.value.problems
    assert set(problems) == {
        "nhs_number",
        "family_name",
        "date_of_birth",
        "postcode",
        "efi_score",
        "sex",
    }
    assert "fails the check-digit test" in problems["nhs_number"]
    assert "UK postcode" in problems["postcode"]
    assert "not a date" in problems["date_of_birth"]


def test_review_before_birth_and_future_birth_are_refused() -> None:
    with pytest.raises(FormInvalid) as raised:
        parse_form(_form(next_review_date="01/01/1930"), TODAY)
    assert raised.value.problems == {
        "next_review_date": "the next review is before the date of birth"
    }
    with pytest.raises(FormInvalid) as raised:
        parse_form(_form(date_of_birth="01/01/2030"), TODAY)
    assert "future" in raised.value.problems["date_of_birth"]


def test_form_round_trips_and_normalises() -> None:
    parsed = parse_form(_form(), TODAY)
    assert parsed.nhs_number == "9990000018"
    assert parsed.postcode == "NR11 6AA"
    assert parsed.date_of_birth == date(1938, 5, 6)
    assert parse_form(as_form(parsed), TODAY) == parsed


def test_view_is_audited_and_record_has_the_patient(store, iris) -> None:
    record = load_record(store, iris)
    assert record.display_name == "HEWITT, Iris"
    assert record.age == 88
    assert record.risk_band == "moderate"
    assert [e.kind for e in record.timeline] == ["referral"]
    assert "District nursing: Two falls in a month" in record.timeline[0].text
    views = _audit(store, "view")
    assert [(v.entity, v.record_id) for v in views] == [("patient", iris)]


def test_save_writes_changed_fields_and_consent_stamp(store, clock, iris) -> None:
    record = load_record(store, iris)
    me = staff_choices_of(store)[0]
    clock.advance(timedelta(minutes=5))
    edited = parse_form(
        _form(consent_status="given", named_coordinator_id=me, postcode="NR11 6AB"), TODAY
    )
    saved = save_details(store, iris, edited, record.updated_at)
    assert set(saved.changed) == {"consent_status", "named_coordinator_id", "postcode"}
    again = load_record(store, iris)
    assert again.details.postcode == "NR11 6AB"
    assert again.coordinator == "Alex Carter"
    assert again.consent_recorded_by == "Alex Carter"
    assert again.consent_recorded_at == clock.now()
    assert any(e.kind == "consent" for e in again.timeline)
    updates = [json.loads(u.detail) for u in _audit(store, "update")]
    assert updates[-1]["fields"] == [
        "consent_recorded_at",
        "consent_recorded_by_id",
        "consent_status",
        "named_coordinator_id",
        "postcode",
    ]
    assert check_store(store).ok


def staff_choices_of(store) -> list[str]:
    with store.session() as s:
        return [c.id for c in staff_choices(s)]


def test_save_refuses_a_record_changed_since_it_was_opened(store, clock, iris) -> None:
    record = load_record(store, iris)
    clock.advance(timedelta(seconds=1))
    save_details(store, iris, parse_form(_form(phone="01263 555 0102"), TODAY), record.updated_at)
    with pytest.raises(ChangedElsewhere):
        save_details(store, iris, parse_form(_form(), TODAY), record.updated_at)


def test_nhs_number_of_another_patient_is_refused(store, iris) -> None:
    other = refer(
        store, parse_form(_form(nhs_number="9990000026", given_name="Ivy"), TODAY)
    ).patient_id
    record = load_record(store, other)
    with pytest.raises(DuplicateNhsNumber) as raised:
        save_details(store, other, parse_form(_form(), TODAY), record.updated_at)
    assert raised.value.patient_id == iris
    with pytest.raises(DuplicateNhsNumber):
        refer(store, parse_form(_form(given_name="Isobel"), TODAY))


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        (("Hewitt", "Iris"), ("HEWITT", "Irene"), True),  # same family name and initial
        (("Hewitt", "Iris"), ("Hewit", "Iris"), True),  # a typo
        (("Hewitt", "Iris"), ("Iris", "Hewitt"), True),  # swapped
        (("Łukasz", "Nowak"), ("Lukasz", "Nowak"), True),  # accents
        (("Hewitt", "Iris"), ("Sandford", "Peter"), False),
    ],
)
def test_similar_names(a, b, similar) -> None:
    assert similar_names(*a, *b) is similar


def test_likely_duplicates_by_nhs_number_or_birthday_and_name(store, iris) -> None:
    refer(
        store,
        parse_form(
            _form(nhs_number="9990000026", family_name="Sandford", given_name="Peter"), TODAY
        ),
    )
    same_nhs = likely_duplicates(store, "9990000018", date(1950, 1, 1), "Other", "Name")
    assert [(c.patient_id, c.why) for c in same_nhs] == [(iris, "same NHS number")]
    similar = likely_duplicates(store, "9990000034", date(1938, 5, 6), "Hewit", "Iris")
    assert [(c.patient_id, c.why) for c in similar] == [
        (iris, "same date of birth and a similar name")
    ]
    assert likely_duplicates(store, "9990000034", date(1938, 5, 7), "Hewitt", "Iris") == []


def test_hospital_visits_add_edit_and_validate(store, iris) -> None:
    visit = parse_visit(
        {
            "kind": "admission",
            "started_on": "01/11/2026",
            "ended_on": "05/11/2026",
            "hospital": "Norfolk and Norwich",
            "reason": "Fall, hip fracture",
        },
        TODAY,
    )
    saved = save_visit(store, iris, visit)
    edited = parse_visit(
        {
            "kind": "admission",
            "started_on": "01/11/2026",
            "ended_on": "09/11/2026",
            "hospital": "Norfolk and Norwich",
            "reason": "Fall, hip fracture",
            "planned": False,
        },
        TODAY,
    )
    save_visit(store, iris, edited, saved.event_id)
    record = load_record(store, iris)
    assert [(h.started_on, h.ended_on) for h in record.hospital] == [
        (date(2026, 11, 1), date(2026, 11, 9))
    ]
    assert [e.kind for e in record.timeline] == ["referral", "admission"]
    assert record.timeline[1].text.startswith("Unplanned admission at Norfolk and Norwich")
    with pytest.raises(FormInvalid) as raised:
        parse_visit(
            {"kind": "admission", "started_on": "09/11/2026", "ended_on": "01/11/2026"}, TODAY
        )
    assert raised.value.problems == {"ended_on": "the discharge date is before the admission date"}
    with pytest.raises(FormInvalid) as raised:
        parse_visit({"kind": "ward round", "started_on": "tomorrow"}, TODAY)
    assert set(raised.value.problems) == {"kind", "started_on"}
    # A problem with the reason is named as the reason, even with no hospital given.
    with pytest.raises(FormInvalid) as raised:
        parse_visit({"kind": "admission", "started_on": "01/11/2026", "reason": "x" * 2001}, TODAY)
    assert list(raised.value.problems) == ["reason"]


def test_timeline_is_newest_first_across_kinds(store, clock, iris) -> None:
    with store.session() as s, s.begin():
        s.add(
            ContactLogEntry(
                patient_id=iris,
                at=clock.now() - timedelta(days=1),
                kind="home_visit",
                staff_id=store.actor.staff_id,
                notes="Well",
            )
        )
    save_visit(
        store, iris, parse_visit({"kind": "ae_attendance", "started_on": "21/11/2026"}, TODAY)
    )
    kinds = [e.kind for e in load_record(store, iris).timeline]
    assert kinds == ["contact", "ae_attendance", "referral"]


def test_drafts_belong_to_the_user_who_typed_them(store, store_dir, clock, iris) -> None:
    assert drafts.keep_draft(store, iris, "details", {"phone": "0160 123"})
    assert drafts.keep_draft(store, iris, "details", {"phone": "0160 1234"})
    assert drafts.draft_for(store, iris, "details") == {"phone": "0160 1234"}
    access.add_member(
        store, name="Bea Moss", profession="Nurse", passphrase="bea's own passphrase", kdf_cost=FAST
    )
    from mdtdesk.store import lifecycle

    with lifecycle.open_store(
        store_dir, user="Bea Moss", passphrase="bea's own passphrase", clock=clock
    ) as bea:
        assert drafts.draft_for(bea, iris, "details") is None
    drafts.drop_draft(store, iris, "details")
    assert drafts.draft_for(store, iris, "details") is None
    with store.session() as s:
        assert s.get(Patient, iris) is not None


def test_a_date_of_death_on_the_record_needs_the_status_died(store, iris: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        parse_form(_form(date_of_death="01/11/2026"), TODAY)
    assert refused.value.problems == {"date_of_death": "a date of death needs the status Died"}
    with pytest.raises(FormInvalid) as refused:
        parse_form(_form(date_of_death="01/01/1930", caseload_status="died"), TODAY)
    assert "before the date of birth" in refused.value.problems["date_of_death"]
    with pytest.raises(FormInvalid) as refused:
        parse_form(_form(date_of_death="01/01/2099", caseload_status="died"), TODAY)
    assert "is in the future" in refused.value.problems["date_of_death"]
    pid = iris
    d = parse_form(_form(date_of_death="01/11/2026", caseload_status="died"), TODAY)
    record = load_record(store, pid)
    save_details(store, pid, d, record.updated_at)
    with store.session() as s:
        patient = s.get(Patient, pid)
        assert patient is not None and patient.date_of_death == date(2026, 11, 1)
    assert as_form(details_of(patient))["date_of_death"] == "01/11/2026"
