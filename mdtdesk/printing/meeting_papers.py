"""The meeting's papers: the agenda the team is sent, the minutes, and one outcome
summary per person to file in their GP record.

The agenda carries only what attendees need to prepare (name, NHS number, reason,
presenter, slot); minutes and summaries carry the decisions. Every paper printed is
written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from mdtdesk.clock import long_day, short_day
from mdtdesk.meetings.agenda import AgendaRow
from mdtdesk.meetings.minutes import Case, MeetingRecord, meeting_record
from mdtdesk.nhs_number import format_nhs
from mdtdesk.printing.document import (
    build,
    file_safe,
    frame_width,
    log_print,
    para,
    rich,
    save,
    short_date,
    table,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import MEETING_STATE

TO = "\u2013"  # an en dash between two times


def _hm(when: datetime) -> str:
    return f"{when.astimezone():%H:%M}"


def _slot(case: Case) -> str:
    if case.slot is None:
        return ""
    return f"{case.slot.gp} {_hm(case.slot.start)}{TO}{_hm(case.slot.end)}"


def _heading(record: MeetingRecord, what: str) -> list[Flowable]:
    m = record.meeting
    end = m.starts_at.astimezone().timestamp() + m.length_minutes * 60
    ends = datetime.fromtimestamp(end).astimezone()
    facts = [
        f"<b>When:</b> {escape(long_day(record.day))}, {_hm(m.starts_at)}{TO}{ends:%H:%M}",
        f"<b>Where:</b> {escape(m.place or 'not set')}",
        f"<b>Chair:</b> {escape(m.chair or 'not set')}",
    ]
    return [
        para(f"{what}: multidisciplinary team meeting", "title"),
        rich(" &nbsp; · &nbsp; ".join(facts)),
        Spacer(1, 3 * mm),
    ]


def agenda_pdf(record: MeetingRecord, printed: datetime, printed_by: str) -> bytes:
    width = frame_width(wide=True)
    rows = []
    for n, case in enumerate(record.cases, start=1):
        reason = case.row.reason + ("\n(late addition)" if case.row.late else "")
        rows.append(
            [
                str(n),
                f"{_hm(case.start)}\n{case.row.minutes} min",
                case.row.name,
                format_nhs(case.row.nhs_number),
                reason,
                case.row.presenter or "—",
                _slot(case) or "—",
            ]
        )
    story = _heading(record, "Agenda")
    over = record.total_minutes - record.meeting.length_minutes
    length = record.meeting.length_minutes
    timing = f"{len(record.cases)} cases, {record.total_minutes} of {length} minutes planned"
    if over > 0:
        timing += f" — {over} minutes over"
    story.append(para(timing, "small"))
    if record.slots:
        story.append(
            para(
                "GP slots: "
                + "; ".join(f"{s.gp} {_hm(s.start)}{TO}{_hm(s.end)}" for s in record.slots),
                "small",
            )
        )
    story.append(Spacer(1, 3 * mm))
    story.append(
        table(
            ["#", "Time", "Name", "NHS number", "Reason for discussion", "Presenter", "GP slot"],
            rows,
            [w * width for w in (0.04, 0.08, 0.16, 0.11, 0.33, 0.13, 0.15)],
        )
    )
    return build(
        story,
        title=f"MDT agenda {short_day(record.day)}",
        header=f"{record.practice} ({record.ods_code}) · MDT agenda {short_day(record.day)}",
        printed=printed,
        printed_by=printed_by,
        wide=True,
    )


def _attendance(record: MeetingRecord) -> list[Flowable]:
    width = frame_width()
    present = [[a.name, a.discipline] for a in record.present] or [["No one recorded", ""]]
    story: list[Flowable] = [
        para("Attendance", "h2"),
        table(["Present", "Discipline"], present, [0.6 * width, 0.4 * width]),
    ]
    if record.apologies:
        story += [
            Spacer(1, 2 * mm),
            para("Not present: " + ", ".join(a.name for a in record.apologies), "small"),
        ]
    story.append(Spacer(1, 2 * mm))
    story.append(para(record.quoracy.describe()))
    return story


def _actions_table(case: Case) -> Flowable:
    width = frame_width()
    return table(
        ["Action", "Owner", "Due"],
        [[a.description, a.owner or "—", short_date(a.due)] for a in case.actions],
        [0.58 * width, 0.25 * width, 0.17 * width],
    )


def _presenter(row: AgendaRow, here: set[str]) -> str:
    """Who presented, as the minutes may say it: a presenter planned on the agenda who
    was not at the meeting did not present (the minutes once said both)."""
    if not row.presenter:
        return "not recorded"
    if row.presenter_id not in here:
        return f"not recorded ({row.presenter}, planned to present, was not present)"
    return row.presenter


def minutes_pdf(record: MeetingRecord, printed: datetime, printed_by: str) -> bytes:
    story = _heading(record, "Minutes")
    state = MEETING_STATE.get(record.meeting.state, record.meeting.state)
    if record.meeting.state != "finished":
        story.append(para(f"Draft: the meeting is {state.lower()}.", "h3"))
    story += _attendance(record)
    story.append(para("Cases discussed", "h2"))
    undiscussed = []
    here = {a.staff_id for a in record.present if a.staff_id}
    for n, case in enumerate(record.cases, start=1):
        if case.row.outcome in (None, "pending", "not_discussed"):
            undiscussed.append(case)
            continue
        block: list[Flowable] = [
            para(f"{n}. {case.row.name} — NHS {format_nhs(case.row.nhs_number)}", "h3"),
            rich(
                f"<b>Reason:</b> {escape(case.row.reason)}<br/>"
                f"<b>Presented by:</b> {escape(_presenter(case.row, here))}"
                f" &nbsp; <b>Outcome:</b> {escape(case.outcome)}"
            ),
        ]
        if case.row.notes:
            block.append(para(case.row.notes))
        if case.actions:
            block += [Spacer(1, 1.5 * mm), _actions_table(case)]
        story.append(KeepTogether(block))
    if undiscussed:
        story.append(para("Not discussed (carried forward)", "h2"))
        story.append(
            para(", ".join(f"{c.row.name} ({format_nhs(c.row.nhs_number)})" for c in undiscussed))
        )
    return build(
        story,
        title=f"MDT minutes {short_day(record.day)}",
        header=f"{record.practice} ({record.ods_code}) · MDT minutes {short_day(record.day)}",
        printed=printed,
        printed_by=printed_by,
    )


def outcome_summary_pdf(
    record: MeetingRecord, case: Case, printed: datetime, printed_by: str
) -> bytes:
    width = frame_width()
    disciplines = sorted({a.discipline for a in record.present})
    facts = [
        ["Name", case.row.name],
        ["NHS number", format_nhs(case.row.nhs_number)],
        ["Date of birth", short_day(case.date_of_birth)],
        ["Named coordinator", case.coordinator or "none"],
        ["Meeting", f"{long_day(record.day)}, {record.practice} MDT"],
        ["Disciplines present", ", ".join(disciplines) or "not recorded"],
    ]
    story: list[Flowable] = [
        para("MDT outcome summary", "title"),
        para("For filing in the GP record.", "small"),
        Spacer(1, 3 * mm),
        table(None, facts, [0.3 * width, 0.7 * width]),
        para("Why the team discussed this person", "h2"),
        para(case.row.reason),
        para("Discussion", "h2"),
        para(case.row.notes or "No notes recorded."),
        para("Outcome", "h2"),
        para(case.outcome),
        para("Actions agreed", "h2"),
    ]
    story.append(_actions_table(case) if case.actions else para("No actions agreed."))
    return build(
        story,
        title=f"MDT outcome summary {case.row.name} {short_day(record.day)}",
        header=f"{record.practice} ({record.ods_code}) · MDT outcome summary",
        printed=printed,
        printed_by=printed_by,
    )


@dataclass(frozen=True)
class Paper:
    kind: str  # agenda, minutes or outcome summary
    file_name: str
    pdf: bytes
    count: int  # cases on it


def paper(store: OpenStore, meeting_id: str, kind: str) -> Paper:
    """The agenda or the minutes, built in memory (nothing is written or audited yet)."""
    record = meeting_record(store, meeting_id)
    now, who = store.clock.now(), store.actor.name
    day = f"{record.day:%Y-%m-%d}"
    if kind == "agenda":
        return Paper(kind, f"{day} MDT agenda.pdf", agenda_pdf(record, now, who), len(record.cases))
    if kind == "minutes":
        return Paper(
            kind, f"{day} MDT minutes.pdf", minutes_pdf(record, now, who), len(record.cases)
        )
    raise ValueError(f"no paper called {kind!r}")


def summaries(store: OpenStore, meeting_id: str) -> list[Paper]:
    """One outcome summary per person discussed (not those carried forward)."""
    record = meeting_record(store, meeting_id)
    now, who = store.clock.now(), store.actor.name
    return [
        Paper(
            "outcome summary",
            summary_name(record, case),
            outcome_summary_pdf(record, case, now, who),
            1,
        )
        for case in record.cases
        if case.row.outcome not in (None, "pending", "not_discussed")
    ]


def log_printed(store: OpenStore, meeting_id: str, what: str, how: str, count: int) -> None:
    """Audit a paper leaving the store: saved to a file or sent to a printer."""
    log_print(store, "meeting", meeting_id, paper=what, to=how, cases=count)


def save_paper(store: OpenStore, meeting_id: str, kind: str, path: Path) -> Path:
    """Write the agenda or the minutes to path (atomically) and audit it."""
    made = paper(store, meeting_id, kind)
    save(path, made.pdf)
    log_printed(store, meeting_id, kind, "file", made.count)
    return path


def summary_name(record: MeetingRecord, case: Case) -> str:
    family, _, given = case.row.name.partition(", ")
    safe = file_safe(f"{family} {given}")
    return f"{record.day:%Y-%m-%d} MDT outcome - {safe} - {case.row.nhs_number}.pdf"


def print_outcome_summaries(store: OpenStore, meeting_id: str, folder: Path) -> list[Path]:
    """Each outcome summary into folder, as its own file."""
    made = summaries(store, meeting_id)
    written = [save(folder / p.file_name, p.pdf) for p in made]
    log_printed(store, meeting_id, "outcome summaries", "file", len(written))
    return written
