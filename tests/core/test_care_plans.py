"""Care plan versions: draft -> agreed -> superseded, what a draft may hold, what
agreeing needs, comparison of versions, and reading early plans."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from mdtdesk.careplan import versions
from mdtdesk.careplan.content import Goal, PlanInvalid, Supporter, from_json, to_json
from mdtdesk.careplan.sections import compare, sections
from mdtdesk.careplan.versions import PlanError
from mdtdesk.store.models import KeyContact
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import TODAY, action, coordinated, coordinator
from tests.meeting_helpers import add_row, audit_details
from tests.plan_helpers import agreed_plan, full_content

REVIEW = date(2027, 5, 1)


def test_a_first_draft_is_filled_in_from_the_record(store: OpenStore) -> None:
    jo = coordinator(store)
    pid = coordinated(store, "Wilde", jo)
    add_row(store, KeyContact, patient_id=pid, name="Mary Wilde", relationship="Daughter",
            phone="07700 900 123", is_carer=True)  # fmt: skip
    add_row(store, KeyContact, patient_id=pid, name="Bob Next", relationship="Neighbour",
            is_carer=False)  # fmt: skip
    draft = versions.start_draft(store, pid)
    assert (draft.version, draft.status) == (1, "draft")
    people = [(p.role, p.name, p.phone) for p in draft.content.support]
    assert people == [("coordinator", "Jo Seago", ""), ("carer", "Mary Wilde", "07700 900 123")]
    assert "Jo Seago (named coordinator)" in draft.content.distribution
    # Opening the editor again gives the same draft, not a second one.
    assert versions.start_draft(store, pid).id == draft.id


def test_agreeing_a_draft_supersedes_the_version_before(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    first = agreed_plan(store, pid)
    assert (first.version, first.status, first.agreed_on) == (1, "agreed", TODAY)
    assert first.content.agreed_how == "home_visit"

    second = versions.start_draft(store, pid)
    assert second.version == 2
    # The new draft starts from the agreed words, goal ids and all.
    assert second.content.goals == first.content.goals
    changed = full_content(what_matters="Getting to my granddaughter's wedding.")
    versions.save_draft(store, second.id, changed, REVIEW)
    versions.agree(store, second.id, TODAY, "phone", REVIEW)
    kept = {v.version: (v.status, v.content.what_matters) for v in versions.versions(store, pid)}
    assert kept == {
        2: ("agreed", "Getting to my granddaughter's wedding."),
        1: ("superseded", "Staying in my bungalow with my dog, Pip."),
    }


def test_a_new_draft_drops_a_review_date_that_has_passed(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    agreed_plan(store, pid)
    store.clock.advance(timedelta(days=200))  # type: ignore[attr-defined]
    draft = versions.start_draft(store, pid)
    assert draft.review_date is None  # 1 May 2027 has passed
    saved = versions.save_draft(store, draft.id, draft.content, None)
    assert saved.content == draft.content
    with pytest.raises(PlanInvalid, match="Review date: choose a day after today"):
        versions.save_draft(store, draft.id, draft.content, REVIEW)


def test_an_agreed_version_is_never_changed(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    plan = agreed_plan(store, pid)
    with pytest.raises(PlanError, match="agreed plans are kept as they were"):
        versions.save_draft(store, plan.id, full_content(what_matters="Changed"), REVIEW)
    with pytest.raises(PlanError, match="Version 1 is agreed"):
        versions.agree(store, plan.id, TODAY, "phone", REVIEW)
    with pytest.raises(PlanError, match="Version 1 is agreed"):
        versions.discard_draft(store, plan.id)
    [only] = versions.versions(store, pid)
    assert only.content.what_matters == "Staying in my bungalow with my dog, Pip."


def test_a_discarded_draft_goes_and_the_agreed_plan_stays(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    agreed_plan(store, pid)
    draft = versions.start_draft(store, pid)
    versions.discard_draft(store, draft.id)
    assert [(v.version, v.status) for v in versions.versions(store, pid)] == [(1, "agreed")]
    assert audit_details(store, "delete")  # a tombstone, audited like every removal
    assert versions.start_draft(store, pid).version == 2


def test_agreeing_needs_the_persons_words_a_goal_and_who_to_call(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    draft = versions.start_draft(store, pid)
    bare = full_content(what_matters="", goals=(), in_hours="", support=())
    versions.save_draft(store, draft.id, bare, REVIEW)  # a draft may be incomplete
    with pytest.raises(PlanInvalid) as raised:
        versions.agree(store, draft.id, TODAY, "phone", REVIEW)
    assert set(raised.value.problems) == {"what_matters", "goals", "in_hours"}
    # A supporter's phone number is enough for who to call.
    some = full_content(in_hours="", support=(Supporter("coordinator", "Jo", "", "01603 1"),))
    versions.save_draft(store, draft.id, some, REVIEW)
    assert versions.agree(store, draft.id, TODAY, "phone", REVIEW).status == "agreed"


@pytest.mark.parametrize(
    ("agreed_on", "how", "review", "field"),
    [
        (TODAY + timedelta(days=1), "phone", REVIEW, "agreed_on"),
        (TODAY, "by pigeon", REVIEW, "agreed_how"),
        (TODAY, "phone", None, "review_date"),
        (TODAY, "phone", TODAY, "review_date"),
        (TODAY, "phone", TODAY + timedelta(days=4 * 366), "review_date"),
    ],
)
def test_agreement_dates_and_how_are_checked(
    store: OpenStore, agreed_on: date, how: str, review: date | None, field: str
) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    draft = versions.start_draft(store, pid)
    versions.save_draft(store, draft.id, full_content(), REVIEW)
    with pytest.raises(PlanInvalid) as raised:
        versions.agree(store, draft.id, agreed_on, how, review)
    assert list(raised.value.problems) == [field]
    assert versions.versions(store, pid)[0].status == "draft"


def test_a_draft_names_each_bad_item(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    draft = versions.start_draft(store, pid)
    bad = full_content(
        goals=(Goal("Fine"), Goal("  ".strip()), Goal("x", progress="nearly")),
        support=(Supporter("gp", ""),),
        about_me="x" * 4001,
    )
    with pytest.raises(PlanInvalid) as raised:
        versions.save_draft(store, draft.id, bad, REVIEW)
    assert raised.value.problems == {
        "about_me": "About me: keep it under 4,000 characters.",
        "goals.2.text": "Goal 2: say what the person wants to achieve.",
        "goals.3.progress": (
            "Goal 3: progress must be one of Not started, In progress, Achieved, "
            "No longer relevant."
        ),
        "support.1.name": "Care and support, row 1: give a name.",
    }


def test_goals_link_only_to_the_persons_own_actions(store: OpenStore) -> None:
    jo = coordinator(store)
    pid, other = coordinated(store, "Wilde", jo), coordinated(store, "Other", jo)
    mine, theirs = action(store, pid), action(store, other)
    draft = versions.start_draft(store, pid)
    linked = full_content(goals=(Goal("Walk", actions=(mine,)),))
    assert versions.save_draft(store, draft.id, linked, REVIEW).content.goals[0].actions == (mine,)
    wrong = full_content(goals=(Goal("Walk", actions=(theirs,)),))
    with pytest.raises(PlanInvalid, match="Goal 1: a linked action is not one of this person's"):
        versions.save_draft(store, draft.id, wrong, REVIEW)


def test_two_editors_of_one_draft_do_not_overwrite_each_other(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    draft = versions.start_draft(store, pid)
    saved = versions.save_draft(store, draft.id, full_content(), REVIEW, seen=draft.updated_at)
    store.clock.advance(timedelta(seconds=5))  # type: ignore[attr-defined]
    versions.save_draft(store, draft.id, full_content(about_me="B"), REVIEW, seen=saved.updated_at)
    with pytest.raises(PlanError, match="changed this draft since you opened it"):
        versions.save_draft(
            store, draft.id, full_content(about_me="A"), REVIEW, seen=saved.updated_at
        )


def test_versions_compare_section_by_section(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    first = agreed_plan(store, pid)
    draft = versions.start_draft(store, pid)
    goals = (
        Goal(
            first.content.goals[0].text, date(2027, 3, 1), "achieved", id=first.content.goals[0].id
        ),
        first.content.goals[1],
    )
    versions.save_draft(store, draft.id, first.content.with_goals(goals), REVIEW)
    second = versions.versions(store, pid)[0]
    rows = compare(first, second, {})
    changed = [r.title for r in rows if r.changed]
    assert changed == ["My goals", "Agreed with me"]
    goal_rows = next(r for r in rows if r.title == "My goals")
    assert goal_rows.old[0] == "Walk to the post office with my frame (by 1 Mar 2027): In progress"
    assert goal_rows.new[0] == "Walk to the post office with my frame (by 1 Mar 2027): Achieved"
    # A first version is compared with nothing: every section it fills is new.
    assert all(not r.old for r in compare(None, first, {}))


def test_sections_name_linked_actions_and_put_the_coordinator_first(store: OpenStore) -> None:
    pid = coordinated(store, "Wilde", coordinator(store))
    act = action(store, pid, "Refer to pulmonary rehab")
    plan = agreed_plan(store, pid, full_content(goals=(Goal("Breathe easier", actions=(act,)),)))
    by_title = {s.title: s.lines for s in sections(plan, {act: "Refer to pulmonary rehab"})}
    assert by_title["My goals"] == (
        "Breathe easier: Not started",
        "    action: Refer to pulmonary rehab",
    )
    assert by_title["My care and support"][0].startswith("Named care coordinator: Jo Seago")
    assert by_title["Planning ahead"][0] == "ReSPECT form: in place"


def test_early_plans_read_and_content_round_trips() -> None:
    early = from_json(
        json.dumps({"what_matters": "My cat", "goals": ["Walk", 3, {"text": "Sleep"}]})
    )
    assert early.what_matters == "My cat"
    assert [(g.text, g.progress) for g in early.goals] == [
        ("Walk", "not_started"),
        ("Sleep", "not_started"),
    ]
    assert from_json("not json") == from_json("{}")
    content = full_content()
    assert from_json(to_json(content)) == content
    # Names in any script survive the store's JSON.
    named = full_content(what_matters="Łukasz and Nguyễn Văn An visit; Zoë rings.")
    assert from_json(to_json(named)).what_matters == "Łukasz and Nguyễn Văn An visit; Zoë rings."
