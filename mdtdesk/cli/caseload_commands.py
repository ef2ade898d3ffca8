"""`mdtdesk caseload import|export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.caseload.csv_import import CsvFileError, ImportRefused, import_caseload
from mdtdesk.caseload.csv_read import Shape
from mdtdesk.cli.store_commands import unlock


def print_refusal(file: Path, refused: ImportRefused) -> None:
    validation = refused.validation
    print(
        f"{file}: {len(validation.problems)} problem(s) in "
        f"{validation.data_lines} row(s); nothing was imported:",
        file=sys.stderr,
    )
    for problem in validation.problems:
        print(f"  {problem}", file=sys.stderr)
    print("Fix the file, or use --skip-invalid to import the valid rows.", file=sys.stderr)


def cmd_caseload(args: argparse.Namespace) -> int:
    if args.action == "export":
        with unlock(args) as store:
            count = export_caseload(store, args.out)
        print(f"Wrote {count} patients to {args.out}.")
        print("The file holds patient data in plain text: keep it on encrypted storage.")
        return 0
    with unlock(args) as store:
        try:
            result = import_caseload(store, args.file, skip_invalid=args.skip_invalid)
        except CsvFileError as exc:
            print(f"Cannot import: {exc}. Nothing was imported.", file=sys.stderr)
            return 2
        except ImportRefused as refused:
            print_refusal(args.file, refused)
            return 2
    if result.shape.describe() != Shape().describe():
        print(result.shape.describe())
    print(
        f"Imported {args.file}: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
    if result.skipped:
        print(f"Skipped {len(result.skipped)} invalid value(s):", file=sys.stderr)
        for problem in result.skipped:
            print(f"  {problem}", file=sys.stderr)
    return 0
