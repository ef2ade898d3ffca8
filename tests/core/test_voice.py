"""Issue 18's person's voice: the questionnaire as a data file, answers scored in two
scales, reminders at joining and at six months, and the figures the report shows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mdtdesk.careplan.content import Goal
from mdtdesk.clock import FixedClock
from mdtdesk.impact import questionnaire as voice_file
from mdtdesk.impact.questionnaire import QuestionnaireInvalid
from mdtdesk.patients import voice
from mdtdesk.patients.voice import AnswersInvalid, record_answers
from mdtdesk.patients.voice_figures import due_list, patient_voice, voice_figures, voice_lines
from mdtdesk.printing.care_plans import save_plan
from mdtdesk.store.models import QuestionnaireResponse
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.importing import import_file
from tests.action_helpers import TODAY
from tests.core.test_cli import mdtdesk
from tests.core.test_impact_data import _write
from tests.helpers import PASSPHRASE, USER
from tests.meeting_helpers import add_patient
from tests.plan_helpers import agreed_plan, full_content
from tests.sync_helpers import enrol_both, make_hub, make_practice

ALL = {"involved": 1, "what_matters": 1, "goals": 1, "manage": 1,
       "coordinator": 2, "plan_copy": 2, "tell_once": 2, "who_to_call": 2}  # fmt: skip


def test_the_bundled_questionnaire_has_two_scales_and_scores_0_to_3() -> None:
    made = voice_file.bundled()
    assert made.answers == ("Not at all", "A little", "Mostly", "Completely")
    assert {i.scale for i in made.items} == {"person_centred", "coordinated"}
    texts = [i.text for i in made.items]
    assert "I know who coordinates my care." in texts
    assert "I have a copy of my care plan." in texts
    assert voice_file.parse(made.as_json()) == made


def _file(**changes: Any) -> dict[str, Any]:
    return {**voice_file.bundled().as_json(), **changes}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_file(answers=["No", "Yes"]), "answers: give four"),
        (_file(scales={"person_centred": "P"}), "scales: name the two scales"),
        (_file(items=[]), "items: give 1 to 60 items"),
        (
            _file(items=[{"id": "a", "scale": "trust", "text": "I trust them."}]),
            "items[0].scale: 'trust' is not person_centred or coordinated",
        ),
        (
            _file(items=[{"id": "a", "scale": "coordinated", "text": "x"}] * 2),
            "items[1].id: 'a' is used twice",
        ),
        (_file(items=[{"id": "a", "scale": "coordinated", "text": "  "}]), "items[0].text"),
        (
            _file(items=[{"id": "a", "scale": "coordinated", "text": "One."}]),
            "no item is in the person_centred scale",
        ),
        (_file(title="x" * 121), "title: 121 characters, more than 120"),
    ],
)
def test_a_questionnaire_file_is_checked_and_the_fault_named(data: Any, says: str) -> None:
    with pytest.raises(QuestionnaireInvalid) as refused:
        voice_file.parse(data, "p3ceq.json")
    assert str(refused.value).startswith("p3ceq.json: ") and says in str(refused.value)


def test_loading_a_practice_questionnaire_and_refusing_broken_files(
    store: OpenStore, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(_file())[:200], encoding="utf-8")
    with pytest.raises(QuestionnaireInvalid, match=r"cut.json: line 1, column \d+: not JSON"):
        voice.load(store, cut)
    latin = tmp_path / "latin.json"
    text = json.dumps(_file(title="Zoë's care"), ensure_ascii=False)
    latin.write_bytes(text.encode("utf-8").replace("ë".encode(), b"\xeb"))
    with pytest.raises(QuestionnaireInvalid, match=r"latin.json: byte \d+ is not UTF-8"):
        voice.load(store, latin)
    with pytest.raises(QuestionnaireInvalid, match="cannot be read"):
        voice.load(store, tmp_path / "missing.json")
    with store.session() as s:
        assert voice.current(s) == voice_file.bundled()  # nothing changed
    licensed = tmp_path / "licensed.json"
    items = [{"id": "p1", "scale": "person_centred", "text": "I was asked what matters."},
             {"id": "c1", "scale": "coordinated", "text": "My care is joined up."}]  # fmt: skip
    licensed.write_text(json.dumps(_file(id="licensed-1", title="Licensed set", items=items)))
    voice.load(store, licensed)
    with store.session() as s:
        assert [i.id for i in voice.current(s).items] == ["p1", "c1"]


def test_answers_are_scored_as_each_scale_s_mean_and_a_second_answer_replaces(
    store: OpenStore,
) -> None:
    pid = add_patient(store, "Hewitt", referral_date=TODAY - timedelta(days=10))
    made = record_answers(store, pid, "joining", TODAY, {**ALL, "goals": None, "manage": 3})
    # Person-centred: 1, 1, (no answer), 3 -> 5/3; coordinated 2, 2, 2, 2 -> 2.
    assert made.person_centred == pytest.approx(5 / 3, abs=0.001)
    assert made.coordinated == 2.0
    record_answers(store, pid, "joining", TODAY, {**ALL, "involved": 3})
    with store.session() as s:
        rows = s.execute(select(QuestionnaireResponse)).scalars().all()
        assert len(rows) == 1 and rows[0].person_centred == 1.5
    with pytest.raises(AnswersInvalid, match="No item has an answer"):
        record_answers(store, pid, "six_months", TODAY, dict.fromkeys(ALL))
    with pytest.raises(AnswersInvalid, match="'trust' is not an item"):
        record_answers(store, pid, "joining", TODAY, {"trust": 2})
    with pytest.raises(AnswersInvalid, match="is not a score from 0 to 3"):
        record_answers(store, pid, "joining", TODAY, {**ALL, "goals": 4})
    with pytest.raises(AnswersInvalid, match="is in the future"):
        record_answers(store, pid, "joining", TODAY + timedelta(days=1), ALL)
    with pytest.raises(AnswersInvalid, match="is not a time point"):
        record_answers(store, pid, "yearly", TODAY, ALL)
    with store.session() as s:
        assert s.execute(select(func.count(QuestionnaireResponse.id))).scalar_one() == 1


def test_reminders_fall_due_at_joining_and_at_six_months() -> None:
    joined = date(2026, 1, 1)
    assert voice_file.due(None, "active", set(), TODAY) == []
    assert voice_file.due(joined, "active", set(), joined) == ["joining"]
    assert voice_file.due(joined, "active", {"joining"}, joined + timedelta(days=181)) == []
    assert voice_file.due(joined, "active", {"joining"}, joined + timedelta(days=182)) == [
        "six_months"
    ]
    assert voice_file.due(joined, "referred", set(), TODAY) == ["joining", "six_months"]
    assert voice_file.due(joined, "discharged", set(), TODAY) == []
    assert voice_file.due(joined, "died", set(), TODAY) == []


def test_the_report_s_voice_scores_plans_copies_and_goals(store: OpenStore, tmp_path: Path) -> None:
    early = add_patient(store, "Ames", referral_date=TODAY - timedelta(days=200))
    late = add_patient(store, "Brook", referral_date=TODAY - timedelta(days=20))
    add_patient(store, "Cole", referral_date=TODAY - timedelta(days=20), caseload_status="died")
    record_answers(store, early, "joining", TODAY - timedelta(days=199),
                   {"involved": 1, "coordinator": 2})  # fmt: skip
    record_answers(store, early, "six_months", TODAY, {"involved": 3, "coordinator": 3})
    record_answers(store, late, "joining", TODAY, {"involved": 2, "coordinator": 0})
    goals = (Goal("Walk to the shop", None, "achieved"), Goal("Sleep upstairs", None))
    agreed_plan(store, early, full_content(goals=goals))
    agreed_plan(store, late)
    save_plan(store, early, tmp_path / "copy.pdf", copy="patient")
    save_plan(store, late, tmp_path / "pro.pdf", copy="professional")  # not their copy
    figures = voice_figures(store)
    pc, co = figures.scales
    assert (pc.name, pc.joining, pc.six_months, pc.change) == (
        "Person-centred", (2, 1.5), (1, 3.0), (1, 2.0),
    )  # fmt: skip
    assert (co.joining, co.six_months, co.change) == ((2, 1.0), (1, 3.0), (1, 1.0))
    assert (figures.on_caseload, figures.plans_agreed, figures.plans_with_copy) == (2, 2, 1)
    assert (figures.goals, figures.goals_achieved) == (4, 1)  # 2 + the full plan's 2
    assert (figures.due_joining, figures.due_six_months) == (0, 0)
    lines = voice_lines(figures)
    assert lines[0] == ("Person-centred: at joining 1.50 of 3 (2 people); at 6 months 3.00 of 3 "
                        "(1 people); change for the 1 answered at both +2.00")  # fmt: skip
    assert "2 of 2 people on the caseload have an agreed plan; 1 were given" in lines[2]
    assert "1 of 4 in agreed plans achieved" in lines[3]
    assert patient_voice(store, late).due == [] and due_list(store) == []


def test_reminders_list_the_people_due_by_coordinator(store: OpenStore) -> None:
    pid = add_patient(store, "Hewitt", referral_date=TODAY - timedelta(days=190))
    add_patient(store, "Nobbs")  # no referral date: nothing due
    assert [(d.name, d.timepoint) for d in due_list(store)] == [
        ("Test Hewitt", "joining"), ("Test Hewitt", "six_months"),
    ]  # fmt: skip
    assert patient_voice(store, pid).due == ["joining", "six_months"]
    record_answers(store, pid, "joining", TODAY, ALL)
    assert patient_voice(store, pid).due == ["six_months"]
    assert due_list(store, "someone-else") == []


def test_answers_travel_to_the_hub_with_the_record(tmp_path: Path, clock: FixedClock) -> None:
    hub = make_hub(tmp_path / "hub", clock)
    practice = make_practice(tmp_path / "a", clock, "A81001")
    try:
        enrol_both(hub, practice)
        pid = add_patient(practice, "Hewitt", referral_date=TODAY)
        record_answers(practice, pid, "joining", TODAY, ALL)
        out = tmp_path / "to-hub.mdtsync"
        export_for_hub(practice, out)
        import_file(hub, out)
        with hub.session() as s:
            held = s.execute(select(QuestionnaireResponse)).scalars().one()
            assert (held.patient_id, held.coordinated, held.home) == (pid, 2.0, "A81001")
    finally:
        hub.close()
        practice.close()


def test_questionnaire_show_load_and_the_report_s_voice_from_the_command_line(
    store: OpenStore, tmp_path: Path
) -> None:
    pid = add_patient(store, "Hewitt", referral_date=TODAY - timedelta(days=30))
    record_answers(store, pid, "joining", TODAY, ALL)
    folder = store.paths.folder
    store.close()
    secret = _write(tmp_path, "pass.txt", PASSPHRASE + "\n")
    common = ("--store", folder, "--user", USER, "--passphrase-file", secret)
    shown = mdtdesk("questionnaire", "show", *common)
    assert shown.returncode == 0 and "[Coordinated] I know who coordinates my care." in shown.stdout
    as_json = mdtdesk("questionnaire", "show", *common, "--json")
    assert voice_file.parse(json.loads(as_json.stdout)) == voice_file.bundled()
    bad = _write(tmp_path, "bad.json", json.dumps(_file(answers=[])))
    refused = mdtdesk("questionnaire", "load", *common, bad)
    assert refused.returncode == 2
    assert (
        "bad.json: answers: give four" in refused.stderr and "Nothing was changed" in refused.stderr
    )
    report = mdtdesk("report", "impact", *common, "--json")
    assert report.returncode == 0, report.stderr
    said = json.loads(report.stdout)["voice"]
    assert said["scales"]["coordinated"]["joining"] == {"people": 1, "mean": 2.0}
    text = mdtdesk("report", "impact", *common)
    assert "The person's voice (Your care: a short questionnaire):" in text.stdout
