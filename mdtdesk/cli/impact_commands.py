"""`mdtdesk hospital import`, `mdtdesk register import` and `mdtdesk report impact`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mdtdesk import fields
from mdtdesk.caseload.csv_import import CsvFileError, ImportRefused, Problem
from mdtdesk.caseload.hospital_csv import import_hospital
from mdtdesk.caseload.register_csv import import_register
from mdtdesk.cli.caseload_commands import print_refusal
from mdtdesk.cli.store_commands import unlock
from mdtdesk.impact.export import save_figures_csv
from mdtdesk.impact.from_store import hub_entries, store_impact
from mdtdesk.impact.pooling import (
    DISCLOSURE,
    SHORT_HEADER,
    Entry,
    disclosed_json,
    disclosed_warnings,
    short_rows,
)
from mdtdesk.impact.questionnaire import QuestionnaireInvalid
from mdtdesk.impact.report import WINDOW_DAYS
from mdtdesk.impact.words import figures_table, headline
from mdtdesk.patients import voice
from mdtdesk.patients.voice_figures import voice_figures, voice_lines
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync import keys


def add_parsers(sub: Any, common: Callable[..., None]) -> None:
    for name, text in (
        ("hospital", "import hospital activity (admissions, A&E) as CSV"),
        ("register", "import the risk register (the comparison pool) as CSV"),
    ):
        parser = sub.add_parser(name, help=text)
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        imp = actions.add_parser("import", help=text)
        common(imp)
        imp.add_argument("file", type=Path, metavar="FILE.csv")
        imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows only")
        parser.set_defaults(run=cmd_hospital if name == "hospital" else cmd_register)

    ask = sub.add_parser("questionnaire", help="the experience questionnaire: show or load")
    asks = ask.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = asks.add_parser("show", help="print the questionnaire's items")
    common(show)
    show.add_argument("--json", action="store_true", help="print it as JSON (the load format)")
    take = asks.add_parser("load", help="use another item set (for example, a licensed P3CEQ)")
    common(take)
    take.add_argument("file", type=Path, metavar="FILE.json")
    ask.set_defaults(run=cmd_questionnaire)

    report = sub.add_parser("report", help="reports: the impact report")
    kinds = report.add_subparsers(dest="action", metavar="REPORT", required=True)
    imp = kinds.add_parser("impact", help="emergency admissions before and after joining")
    common(imp)
    imp.add_argument("--window-days", type=_window, default=365, metavar="N")
    imp.add_argument("--as-of", type=_as_of, default=None, metavar="DATE")
    imp.add_argument("--json", action="store_true", help="print a JSON object")
    imp.add_argument("--pdf", type=Path, metavar="FILE", help="save the report as a PDF")
    imp.add_argument("--csv", type=Path, metavar="FILE", help="save the figures as CSV")
    report.set_defaults(run=cmd_report)


def _window(text: str) -> int:
    if not text.isdigit() or not 30 <= int(text) <= 1095:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of days from 30 to 1095")
    return int(text)


def _as_of(text: str) -> Any:
    try:
        return fields.parse_date(text, "the report date")
    except fields.FieldError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _skipped(problems: list[Problem]) -> None:
    if problems:
        print(f"Skipped {len(problems)} invalid value(s):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)


def cmd_hospital(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        try:
            done = import_hospital(store, args.file, skip_invalid=args.skip_invalid)
        except CsvFileError as exc:
            print(f"Cannot import: {exc}. Nothing was imported.", file=sys.stderr)
            return 2
        except ImportRefused as refused:
            print_refusal(args.file, refused)
            return 2
    print(
        f"Imported {args.file}: {done.caseload_events} event(s) for caseload people, "
        f"{done.register_events} for register people; {done.already_held} already held; "
        f"{done.unknown_people} row(s) for people this store does not hold were skipped."
    )
    _skipped(done.skipped)
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        try:
            done = import_register(store, args.file, skip_invalid=args.skip_invalid)
        except CsvFileError as exc:
            print(f"Cannot import: {exc}. Nothing was imported.", file=sys.stderr)
            return 2
        except ImportRefused as refused:
            print_refusal(args.file, refused)
            return 2
    print(
        f"Imported {args.file}: {done.added} new register people, {done.updated} updated; "
        f"{done.on_caseload} already on the caseload were skipped. Register people are "
        "never listed or synced: they are only compared with."
    )
    _skipped(done.skipped)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        with store.session() as s:
            hub = keys.role(s) == "hub"
        if hub:
            return _pooled_report(store, args)
        impact = store_impact(store, args.as_of, args.window_days)
        voice = voice_figures(store)
        if args.pdf is not None:
            from mdtdesk.printing.impact_paper import save_impact

            save_impact(store, impact, args.pdf, voice)
        if args.csv is not None:
            practice = store.practice()
            entry = Entry(practice.ods_code, practice.name, impact)
            save_figures_csv(store, [entry], args.csv, suppress=False)
    if args.json:
        print(json.dumps({**impact.as_json(), "voice": voice.as_json()}, indent=2))
    else:
        print(headline(impact))
        for warning in impact.warnings:
            print(f"Warning: {warning}")
        _print_table(*figures_table(impact))
        print(f"\nThe person's voice ({voice.questionnaire}):")
        for line in voice_lines(voice):
            print(f"  {line}")
    _saved(args)
    return 0


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _saved(args: argparse.Namespace) -> None:
    for path in (args.pdf, args.csv):
        if path is not None:
            print(f"Saved the report to {path}.", file=sys.stderr if args.json else sys.stdout)


def _pooled_report(store: OpenStore, args: argparse.Namespace) -> int:
    """At a hub: each practice's figures and the locality's, under disclosure control
    (the hub's figures are as each practice last sent them: no --as-of or window)."""
    if args.as_of is not None or args.window_days != WINDOW_DAYS:
        print("A hub pools the figures each practice sent (a 365-day window, as of each "
              "practice's newest sync file): --as-of and --window-days are for a "
              "practice's store.", file=sys.stderr)  # fmt: skip
        return 2
    entries = hub_entries(store)
    if not entries:
        print("No practice has sent its impact figures yet: they come in each practice's "
              "sync file (mdtdesk sync export), once imported here.", file=sys.stderr)  # fmt: skip
        return 2 if args.pdf is not None or args.csv is not None else 0
    if args.pdf is not None:
        from mdtdesk.printing.pooled_paper import save_pooled

        save_pooled(store, entries, args.pdf)
    if args.csv is not None:
        save_figures_csv(store, entries, args.csv, suppress=True)
    locality = entries[-1].figures
    if args.json:
        print(json.dumps({"disclosure_control": DISCLOSURE,
                          "warnings": disclosed_warnings(locality),
                          "rows": disclosed_json(entries)}, indent=2))  # fmt: skip
    else:
        print(DISCLOSURE)
        for warning in disclosed_warnings(locality):
            print(f"Warning (the locality): {warning}")
        _print_table(SHORT_HEADER, short_rows(entries))
    _saved(args)
    return 0


def cmd_questionnaire(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        if args.action == "load":
            try:
                made = voice.load(store, args.file)
            except QuestionnaireInvalid as exc:
                print(f"Cannot load the questionnaire: {exc}. Nothing was changed.",
                      file=sys.stderr)  # fmt: skip
                return 2
            print(f"Loaded {made.title!r} ({len(made.items)} items) from {args.file}: the "
                  "app asks these from now on.")  # fmt: skip
            return 0
        with store.session() as s:
            made = voice.current(s)
    if args.json:
        print(json.dumps(made.as_json(), indent=2, ensure_ascii=False))
        return 0
    print(f"{made.title} ({made.id})")
    print("Answers: " + ", ".join(f"{n} {w}" for n, w in enumerate(made.answers)))
    for item in made.items:
        print(f"  [{made.scales[item.scale]}] {item.text}")
    return 0
