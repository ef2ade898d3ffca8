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
from mdtdesk.impact.from_store import store_impact
from mdtdesk.impact.words import figures_table, headline


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

    report = sub.add_parser("report", help="reports: the impact report")
    kinds = report.add_subparsers(dest="action", metavar="REPORT", required=True)
    imp = kinds.add_parser("impact", help="emergency admissions before and after joining")
    common(imp)
    imp.add_argument("--window-days", type=_window, default=365, metavar="N")
    imp.add_argument("--as-of", type=_as_of, default=None, metavar="DATE")
    imp.add_argument("--json", action="store_true", help="print a JSON object")
    imp.add_argument("--pdf", type=Path, metavar="FILE", help="save the report as a PDF")
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
        impact = store_impact(store, args.as_of, args.window_days)
        if args.pdf is not None:
            from mdtdesk.printing.impact_paper import save_impact

            save_impact(store, impact, args.pdf)
    if args.json:
        print(json.dumps(impact.as_json(), indent=2))
    else:
        print(headline(impact))
        for warning in impact.warnings:
            print(f"Warning: {warning}")
        header, rows = figures_table(impact)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if args.pdf is not None:
        print(f"Saved the report to {args.pdf}.", file=sys.stderr if args.json else sys.stdout)
    return 0
