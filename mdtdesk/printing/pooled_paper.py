"""The hub's impact report on paper: each practice's figures and the locality's pool,
under NHS disclosure control (mdtdesk.impact.pooling), landscape for its columns."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from mdtdesk.clock import long_day
from mdtdesk.impact.pooling import (
    DISCLOSURE,
    SHORT_HEADER,
    Entry,
    disclosed_warnings,
    short_rows,
)
from mdtdesk.impact.words import METHODS
from mdtdesk.printing.document import build, frame_width, log_print, para, save, table
from mdtdesk.store.opened import OpenStore

POOLING = (
    "How the locality's figures are made: each practice's app works out its own report "
    "(the same definition as below) and sends only its counts and person-years in its "
    "sync files, never a person. The hub adds up the counts and person-years of every "
    "practice for each group and window and works out the rates and intervals again from "
    "the sums. Each practice's figures are as of its newest sync file."
)


def pooled_pdf(store: OpenStore, entries: list[Entry]) -> bytes:
    width = frame_width(wide=True)
    locality = entries[-1].figures
    # Practice, group, people, two counts, two person-years, two rates, two ratios.
    shares = (0.14, 0.08, 0.06, 0.08, 0.06, 0.095, 0.06, 0.065, 0.06, 0.15, 0.15)
    story: list[Flowable] = [
        para("Impact across the locality: emergency admissions before and after joining", "title"),
        para(
            f"Newest report date {long_day(locality.as_of)}  ·  window "
            f"{locality.window_days} days  ·  {entries[-1].practice}"
        ),
        para(DISCLOSURE),
        Spacer(1, 2 * mm),
    ]
    for warning in disclosed_warnings(locality):
        story.append(para(f"Warning (the locality): {warning}"))
    story += [
        Spacer(1, 3 * mm),
        para("Rates are emergency admissions per 1,000 person-years."),
        table(SHORT_HEADER, short_rows(entries), [s * width for s in shares]),
        Spacer(1, 4 * mm),
        para("How these figures are made", "h3"),
        para(POOLING),
        *(para(text) for text in METHODS),
    ]
    hub = store.practice()
    return build(
        story,
        title=f"Locality impact report {locality.as_of.isoformat()}",
        header=f"{hub.name}  ·  Locality impact report",
        printed=store.clock.now(),
        printed_by=store.actor.name,
        wide=True,
    )


def save_pooled(store: OpenStore, entries: list[Entry], path: Path) -> Path:
    save(path, pooled_pdf(store, entries))
    log_print(store, "impact", None, paper="locality impact report", to="file")
    return path
