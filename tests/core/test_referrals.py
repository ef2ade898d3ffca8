"""Referrals to services: the editable service list, and a referral's progress
through sent, accepted or declined, and seen, moving its action along."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mdtdesk.actions import referrals, tracking
from mdtdesk.actions.worklist import detail, worklist
from mdtdesk.clock import FixedClock
from mdtdesk.store.models import Action
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import DEFAULT_SERVICES
from tests.action_helpers import TODAY, action, coordinated
from tests.meeting_helpers import me


def service(store: OpenStore, name: str) -> str:
    return next(s.id for s in referrals.services(store) if s.name == name)


def referral(store: OpenStore, name: str = "Falls service") -> str:
    pid = coordinated(store, "Ashworth", me(store))
    return action(store, pid, "Two falls this month", service_id=service(store, name))


def state(
    store: OpenStore, aid: str
) -> tuple[str, str | None, date | None, date | None, date | None]:
    with store.session() as s:
        a = s.get_one(Action, aid)
        return (
            a.status,
            a.referral_status,
            a.referral_sent_on,
            a.referral_replied_on,
            a.referral_seen_on,
        )


def test_a_new_store_offers_the_usual_services_once_and_the_list_is_editable(
    store: OpenStore,
) -> None:
    assert [s.name for s in referrals.services(store)] == list(DEFAULT_SERVICES)
    added = referrals.add_service(store, "  Hospice at home ")
    with pytest.raises(tracking.ActionError, match="Falls service is already in the list"):
        referrals.add_service(store, "falls SERVICE")
    referrals.rename_service(store, added, "Hospice at Home team")
    referrals.move_service(store, added, -100)
    falls = service(store, "Falls service")
    referrals.set_service_active(store, falls, False)
    names = [s.name for s in referrals.services(store)]
    assert names[0] == "Hospice at Home team"
    assert "Falls service" not in names
    assert "Falls service" in [s.name for s in referrals.services(store, retired=True)]
    # Retiring every service does not bring the defaults back.
    for s in referrals.services(store):
        referrals.set_service_active(store, s.id, False)
    assert referrals.services(store) == []


def test_a_retired_service_stays_on_old_referrals_but_takes_no_new_ones(
    store: OpenStore,
) -> None:
    aid = referral(store)
    falls = service(store, "Falls service")
    referrals.set_service_active(store, falls, False)
    assert worklist(store).items[0].service == "Falls service"
    with pytest.raises(tracking.ActionError, match="Falls service is retired"):
        action(store, coordinated(store, "Bellamy", me(store)), service_id=falls)
    assert detail(store, aid).item.service == "Falls service"


def test_a_referral_is_tracked_from_sent_to_seen_and_its_action_follows(
    store: OpenStore, clock: FixedClock
) -> None:
    aid = referral(store)
    assert state(store, aid) == ("open", None, None, None, None)
    referrals.set_referral(store, aid, "sent", TODAY)
    assert state(store, aid) == ("waiting", "sent", TODAY, None, None)
    clock.advance(timedelta(days=7))
    referrals.set_referral(store, aid, "accepted", TODAY + timedelta(days=6))
    clock.advance(timedelta(days=14))
    referrals.set_referral(store, aid, "seen", TODAY + timedelta(days=20), "Assessed at home")
    assert state(store, aid) == (
        "done",
        "seen",
        TODAY,
        TODAY + timedelta(days=6),
        TODAY + timedelta(days=20),
    )
    texts = [line.text for line in detail(store, aid).history]
    assert texts[1:4] == [
        "Referral: — → Sent",
        "Referral sent on: — → 23 Nov 2026",
        "Status: Open → Waiting on someone else",
    ]
    assert texts[-3:] == [
        "Referral: Accepted → Seen (Assessed at home)",
        "Seen by the service on: — → 13 Dec 2026 (Assessed at home)",
        "Status: Waiting on someone else → Done (Assessed at home)",
    ]


def test_a_declined_referral_goes_back_to_its_owner_and_can_be_sent_again(
    store: OpenStore, clock: FixedClock
) -> None:
    aid = referral(store, "Pulmonary rehabilitation")
    referrals.set_referral(store, aid, "sent", TODAY)
    clock.advance(timedelta(days=3))
    referrals.set_referral(store, aid, "declined", TODAY + timedelta(days=3), "Not housebound")
    assert state(store, aid) == ("open", "declined", TODAY, TODAY + timedelta(days=3), None)
    referrals.set_referral(store, aid, "sent", TODAY + timedelta(days=3))
    assert state(store, aid)[:4] == ("waiting", "sent", TODAY + timedelta(days=3), None)


@pytest.mark.parametrize(
    ("steps", "status", "day", "message"),
    [
        ((), "accepted", TODAY, "it is not sent yet; it cannot be marked accepted"),
        ((), "seen", TODAY, "not sent yet"),
        (("sent",), "sent", TODAY, "it is sent; it cannot be marked sent"),
        ((), "sent", TODAY + timedelta(days=1), "24 Nov 2026 is in the future"),
        (("sent",), "accepted", TODAY - timedelta(days=1), "before the referral was sent"),
        ((), "lost", TODAY, "Referral: choose"),
    ],
)
def test_referral_steps_out_of_order_are_refused(
    store: OpenStore, steps: tuple[str, ...], status: str, day: date, message: str
) -> None:
    aid = referral(store)
    for step in steps:
        referrals.set_referral(store, aid, step, TODAY)
    before = state(store, aid)
    with pytest.raises(tracking.ActionError, match=message):
        referrals.set_referral(store, aid, status, day)
    assert state(store, aid) == before


def test_only_referrals_have_referral_progress(store: OpenStore) -> None:
    aid = action(store, coordinated(store, "Cotton", me(store)))
    with pytest.raises(tracking.ActionError, match="not a referral"):
        referrals.set_referral(store, aid, "sent", TODAY)
    with store.session() as s:
        assert s.execute(select(Action.referral_status)).scalar_one() is None
