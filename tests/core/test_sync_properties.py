"""Convergence and idempotence, as properties over random edit histories.

Two practices and their hub edit the same patients at random (coordinator, status,
phone, postcode, delete), the practices write sync files at random moments, and the
hub takes the files in in two different random orders: both hub copies must end
identical, taking every file in again must change nothing, and after a round of
updates both ways every practice must hold exactly what the hub holds for it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from mdtdesk.clock import FixedClock
from mdtdesk.store.models import Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.importing import import_file
from tests.sync_helpers import copy_open, enrol_both, make_hub, make_practice, state

VALUES: dict[str, list[Any]] = {
    "caseload_status": ["active", "stepped_down", "discharged"],
    "phone": ["01603 100100", "01603 200200", None],
    "postcode": ["NR1 1AA", "NR2 2BB"],
    "deleted": [True, False],
    "named_coordinator_id": [0, 1, 2],
}

edit = st.tuples(
    st.just("edit"),
    st.sampled_from(["a", "b"]),
    st.integers(0, 1),
    st.sampled_from(["practice", "hub"]),
    st.sampled_from(sorted(VALUES)),
    st.integers(0, 2),
)
send = st.tuples(st.just("send"), st.sampled_from(["a", "b"]))
histories = st.lists(st.one_of(edit, edit, send), min_size=1, max_size=10)


@dataclass
class Template:
    hub: OpenStore
    a: OpenStore
    b: OpenStore
    folder: Path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    from datetime import UTC, datetime

    folder = tmp_path_factory.mktemp("template")
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    hub = make_hub(folder / "hub", clock)
    a = make_practice(folder / "a", clock, "A81001", patients=3, first_number=0)
    b = make_practice(folder / "b", clock, "B82002", patients=3, first_number=5000)
    for practice in (a, b):
        with practice.session() as s, s.begin():
            # Everyone consented, so practice and hub hold the same fields.
            for p in s.execute(select(Patient)).scalars():
                p.consent_status = "given"
        enrol_both(hub, practice)
        import_file(hub, export_for_hub(practice, folder / f"{id(practice)}.mdtsync").path)
    yield Template(hub, a, b, folder)
    for store in (hub, a, b):
        store.close()


_counter = itertools.count()


def _apply_edit(store: OpenStore, patient: str, field: str, choice: int, staff: list[str]) -> None:
    value = VALUES[field][choice % len(VALUES[field])]
    if field == "named_coordinator_id":
        value = staff[value]
    with store.session() as s, s.begin():
        row = s.get(Patient, patient)
        assert row is not None
        setattr(row, field, value)


def _ids(store: OpenStore) -> tuple[list[str], list[str]]:
    with store.session() as s:
        patients = list(s.execute(select(Patient.id).order_by(Patient.id)).scalars())
        staff = list(s.execute(select(StaffMember.id).order_by(StaffMember.id)).scalars())
    return patients, staff


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories, order=st.randoms(use_true_random=False))
def test_any_import_order_converges_and_reimport_changes_nothing(
    template: Template, history: list[tuple[Any, ...]], order: Any
) -> None:
    run = template.folder / f"run{next(_counter)}"
    hub = copy_open(template.hub, run / "hub")
    practices = {"a": copy_open(template.a, run / "a"), "b": copy_open(template.b, run / "b")}
    other_hub: OpenStore | None = None
    try:
        ids = {k: _ids(v) for k, v in practices.items()}
        files: list[Path] = []
        for step in history:
            if step[0] == "send":
                files.append(export_for_hub(practices[step[1]], run / f"{len(files)}.mdtsync").path)
                continue
            _, which, index, where, field, choice = step
            patients, staff = ids[which]
            store = practices[which] if where == "practice" else hub
            _apply_edit(store, patients[index], field, choice, staff)
        for which, store in practices.items():
            files.append(export_for_hub(store, run / f"last-{which}.mdtsync").path)

        other_hub = copy_open(hub, run / "hub2")
        shuffled = list(files)
        order.shuffle(shuffled)
        for f in files:
            import_file(hub, f)
        for f in shuffled:
            import_file(other_hub, f)
        assert state(hub) == state(other_hub)

        settled = state(hub)
        for f in files:
            assert import_file(hub, f).outcome == "already imported"
        assert state(hub) == settled

        for _ in range(2):
            for which, store in practices.items():
                ods = store.practice().ods_code
                import_file(store, export_for_practice(hub, ods, run / f"d{which}{_}.mdtsync").path)
                import_file(hub, export_for_hub(store, run / f"u{which}{_}.mdtsync").path)
        for store in practices.values():
            assert state(store) == state(hub, home=store.practice().ods_code)
    finally:
        for store in (hub, *practices.values(), *([other_hub] if other_hub else [])):
            store.close()


def test_state_compares_values_not_bookkeeping(template: Template, tmp_path: Path) -> None:
    """The property above would prove nothing if `state` ignored real differences."""
    copy = copy_open(template.a, tmp_path / "a")
    try:
        before = state(copy)
        with copy.engine.begin() as conn:
            conn.execute(update(Patient).values(phone="01603 555555"))
        assert state(copy) != before
    finally:
        copy.close()
