"""The worklist: buckets around midnight in UK time (stored UTC, shown local), counts,
filters, and an overdue action coming back to the next agenda by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mdtdesk.actions import referrals, tracking
from mdtdesk.actions.worklist import Filter, bucket_of, worklist
from mdtdesk.clock import FixedClock
from mdtdesk.meetings import rules
from mdtdesk.store.models import Patient
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import TODAY, action, coordinated, coordinator
from tests.meeting_helpers import MEETING_DAY, me, meeting_on


@pytest.mark.parametrize(
    ("utc", "due", "bucket"),
    [
        # Summer (BST, UTC+1): midnight in the UK is 23:00 UTC the evening before.
        (datetime(2026, 6, 30, 22, 59), date(2026, 6, 30), "today"),
        (datetime(2026, 6, 30, 23, 0), date(2026, 6, 30), "overdue"),
        (datetime(2026, 6, 30, 23, 0), date(2026, 7, 1), "today"),
        (datetime(2026, 6, 30, 22, 59), date(2026, 7, 1), "week"),
        # Winter (GMT): UK midnight is UTC midnight.
        (datetime(2026, 12, 1, 23, 59), date(2026, 12, 1), "today"),
        (datetime(2026, 12, 2, 0, 0), date(2026, 12, 1), "overdue"),
        # The night the clocks go forward (29 Mar 2026, 01:00 UTC).
        (datetime(2026, 3, 28, 23, 30), date(2026, 3, 28), "today"),
        (datetime(2026, 3, 29, 23, 30), date(2026, 3, 29), "overdue"),
    ],
)
def test_an_action_becomes_overdue_at_uk_midnight_not_utc_midnight(
    store: OpenStore, clock: FixedClock, uk_time: None, utc: datetime, due: date, bucket: str
) -> None:
    clock.current = utc.replace(tzinfo=UTC) - timedelta(days=2)
    aid = action(store, coordinated(store, "Ashworth", me(store)), due=due)
    clock.current = utc.replace(tzinfo=UTC)
    [item] = worklist(store).items
    assert (item.id, item.bucket) == (aid, bucket)


def test_this_week_is_the_next_seven_days() -> None:
    on = date(2026, 11, 23)
    assert [bucket_of(on + timedelta(days=d), "open", on) for d in (-1, 0, 1, 7, 8)] == [
        "overdue",
        "today",
        "week",
        "week",
        "later",
    ]
    assert bucket_of(None, "waiting", on) == "later"
    assert bucket_of(on - timedelta(days=9), "done", on) == "closed"


def test_the_worklist_counts_each_bucket_and_puts_the_most_pressing_first(
    store: OpenStore, clock: FixedClock
) -> None:
    clock.current -= timedelta(days=10)
    pid = coordinated(store, "Bellamy", me(store))
    due = {"overdue": -3, "today": 0, "week": 5, "later": 30}
    for name, days in due.items():
        action(store, pid, name, due=TODAY + timedelta(days=days))
    action(store, pid, "urgent today", due=TODAY, priority="urgent")
    closed = action(store, pid, "closed", due=TODAY)
    tracking.set_status(store, closed, "done")
    clock.current += timedelta(days=10)
    listed = worklist(store)
    assert [i.description for i in listed.items] == [
        "overdue",
        "urgent today",
        "today",
        "week",
        "later",
    ]
    assert listed.counts == {"overdue": 1, "today": 2, "week": 1, "later": 1, "closed": 0}
    everything = worklist(store, Filter(closed=True))
    assert everything.counts["closed"] == 1
    assert everything.items[-1].description == "closed"


def test_filters_by_owner_person_and_service(store: OpenStore) -> None:
    jo = coordinator(store)
    ann = coordinated(store, "Cotton", jo)
    bob = coordinated(store, "Dunmore", jo)
    falls = next(s for s in referrals.services(store) if s.name == "Falls service")
    mine = action(store, ann, "Mine", owner_id=me(store))
    jos = action(store, ann, "Jo's")
    referral = action(store, bob, "Refer to the falls service", service_id=falls.id)

    def ids(wanted: Filter) -> set[str]:
        return {i.id for i in worklist(store, wanted).items}

    assert ids(Filter()) == {mine, jos, referral}
    assert ids(Filter(owner_id=me(store))) == {mine}
    assert ids(Filter(owner_id=jo)) == {jos, referral}
    assert ids(Filter(patient="cott")) == {mine, jos}
    assert ids(Filter(patient="test dunm")) == {referral}
    with store.session() as s:
        number = s.get_one(Patient, bob).nhs_number
    assert ids(Filter(patient=f"{number[:3]} {number[3:6]} {number[6:]}")) == {referral}
    assert ids(Filter(service_id=falls.id)) == {referral}
    [item] = worklist(store, Filter(service_id=falls.id)).items
    assert (item.service, item.source, item.owner) == ("Falls service", "Ad hoc", "Jo Seago")


def test_an_overdue_action_is_proposed_for_the_next_agenda_until_it_is_done(
    store: OpenStore,
) -> None:
    meeting = meeting_on(store, MEETING_DAY)
    pid = coordinated(store, "Eastwood", me(store))
    # Due today (23 Nov), so overdue by the meeting on 24 Nov.
    aid = action(store, pid, "Chase the district nurse", due=TODAY)
    later = coordinated(store, "Fenwick", me(store))
    action(store, later, "Not due until after the meeting", due=MEETING_DAY)

    def overdue_reasons() -> dict[str, str]:
        return {
            p.name: reason
            for p in rules.propose(store, meeting)
            for rule, reason in p.reasons
            if rule == "overdue_actions"
        }

    assert overdue_reasons() == {"EASTWOOD, Test": "1 action overdue (since 23 Nov 2026)"}
    tracking.set_status(store, aid, "done")
    assert overdue_reasons() == {}
