"""The home-visits list a coordinator takes on the road: one block per person with
where they live, how to reach them and their carers, the actions due, and room to
write. Marked confidential on every page like every paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from mdtdesk.actions.referrals import referral_line
from mdtdesk.actions.visits import Visit, VisitList, visit_list
from mdtdesk.clock import long_day
from mdtdesk.nhs_number import format_nhs
from mdtdesk.printing.document import (
    build,
    frame_width,
    log_print,
    para,
    save,
    short_date,
    table,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import ACTION_STATUS, PRIORITY


@dataclass(frozen=True)
class VisitsPaper:
    pdf: bytes
    count: int
    name: str  # a file name to offer


def _what(visit: Visit) -> list[list[str]]:
    rows = []
    for a in visit.actions:
        what = a.description
        if a.service:
            what += f"\nReferral to {referral_line(a.service, a.referral_status)}"
        late = " (overdue)" if a.bucket == "overdue" else ""
        rows.append(
            [
                f"{short_date(a.due_date)}{late}",
                PRIORITY.get(a.priority, a.priority),
                what,
                ACTION_STATUS.get(a.status, a.status),
            ]
        )
    return rows


def _block(visit: Visit, width: float) -> Flowable:
    reach = [f"Phone: {visit.phone or 'none recorded'}"]
    if visit.carers:
        reach.append("Carers: " + "; ".join(visit.carers))
    parts: list[Flowable] = [
        para(f"{visit.name}  ·  NHS {format_nhs(visit.nhs_number)}", "h3"),
        para(
            f"Born {short_date(visit.born)} ({visit.age})  ·  "
            f"{visit.address or 'no address recorded'} {visit.postcode}".strip()
        ),
        para("\n".join(reach)),
        Spacer(1, 2 * mm),
        table(
            ("Due", "Priority", "Action", "Status"),
            _what(visit),
            (0.17 * width, 0.11 * width, 0.55 * width, 0.17 * width),
        ),
        para("Visit notes:", "small"),
        # Room to write at the door: three ruled lines.
        table(None, [[""], [""], [""]], (width,), (8 * mm,) * 3),
        Spacer(1, 4 * mm),
    ]
    return KeepTogether(parts)


def visits_pdf(
    store: OpenStore, owner_id: str, day: date, patient_ids: Sequence[str] | None = None
) -> VisitsPaper:
    made = visit_list(store, owner_id, day, patient_ids)
    return VisitsPaper(_render(store, made), len(made.visits), _file_name(made))


def _render(store: OpenStore, made: VisitList) -> bytes:
    width = frame_width()
    story: list[Flowable] = [
        para(f"Home visits: {made.owner}", "title"),
        para(
            f"{long_day(made.day)}  ·  {len(made.visits)} "
            f"{'person' if len(made.visits) == 1 else 'people'} with actions due "
            "that day or overdue, in postcode order."
        ),
        Spacer(1, 3 * mm),
    ]
    if not made.visits:
        story.append(para("Nothing is due: no open actions are due on or before this day."))
    story += [_block(v, width) for v in made.visits]
    practice = store.practice()
    printed_by = store.actor.name
    return build(
        story,
        title=f"Home visits {made.owner} {made.day.isoformat()}",
        header=f"{practice.name} ({practice.ods_code})  ·  Home visits",
        printed=store.clock.now(),
        printed_by=printed_by,
    )


def _file_name(made: VisitList) -> str:
    safe = "".join(ch for ch in made.owner if ch.isalnum() or ch in " .-").strip()
    return f"{made.day:%Y-%m-%d} home visits - {safe}.pdf"


def log_visits_printed(store: OpenStore, owner_id: str, how: str, count: int) -> None:
    log_print(store, "worklist", owner_id, paper="home visits", to=how, people=count)


def save_visits(
    store: OpenStore, owner_id: str, day: date, path: Path, patient_ids: Sequence[str] | None = None
) -> Path:
    made = visits_pdf(store, owner_id, day, patient_ids)
    save(path, made.pdf)
    log_visits_printed(store, owner_id, "file", made.count)
    return path
