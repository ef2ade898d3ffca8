"""`mdtdesk care-plan print|export-fhir`: a person's current care plan, found by NHS
number, as a PDF (either copy, large print for the person) or as FHIR R4 JSON."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from mdtdesk.cli.store_commands import unlock
from mdtdesk.nhs_number import NhsNumberError, normalise

# Printing (reportlab) and FHIR are imported by these two commands only: imported for
# every command, they cost each one about 0.4 s before it started.
COPIES = ("patient", "professional")


def add_parsers(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    plan = sub.add_parser("care-plan", help="print a care plan, or export it as FHIR")
    actions = plan.add_subparsers(dest="action", metavar="ACTION", required=True)
    printing = actions.add_parser("print", help="write a person's care plan as a PDF")
    common(printing)
    printing.add_argument("--nhs-number", required=True, metavar="N")
    printing.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    printing.add_argument("--copy", choices=COPIES, default="patient")
    printing.add_argument(
        "--large-print", action="store_true", help="16 pt text (the person's copy)"
    )
    printing.set_defaults(run=cmd_print)
    export = actions.add_parser("export-fhir", help="write the plan as a FHIR R4 Bundle (JSON)")
    common(export)
    export.add_argument("--nhs-number", required=True, metavar="N")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    export.set_defaults(run=cmd_export)


def _number(text: str) -> str | None:
    try:
        return normalise(text)
    except NhsNumberError as exc:
        print(f"mdtdesk: {exc}.", file=sys.stderr)
        return None


def cmd_print(args: argparse.Namespace) -> int:
    number = _number(args.nhs_number)
    if number is None:
        return 2
    if args.large_print and args.copy != "patient":
        print("mdtdesk: --large-print is for the person's copy (--copy patient).", file=sys.stderr)
        return 2
    from mdtdesk.careplan.printable import find_by_nhs_number
    from mdtdesk.printing.care_plans import COPIES as NAMES
    from mdtdesk.printing.care_plans import save_plan

    with unlock(args) as store:
        made = save_plan(
            store, find_by_nhs_number(store, number), args.out, args.copy, args.large_print
        )
    print(f"Wrote {args.out} ({NAMES[args.copy]}, {len(made.pdf):,} bytes).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    number = _number(args.nhs_number)
    if number is None:
        return 2
    from mdtdesk.careplan import fhir
    from mdtdesk.careplan.printable import find_by_nhs_number

    with unlock(args) as store:
        made = fhir.export(store, find_by_nhs_number(store, number), args.out)
    print(f"Wrote {args.out}: a FHIR R4 Bundle of {len(made['entry'])} resources.")
    print("The file holds patient data in plain text: keep it on encrypted storage.")
    return 0
