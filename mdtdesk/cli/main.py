"""Entry point: `mdtdesk [--store DIR]` opens the app; subcommands work headless."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mdtdesk import __version__
from mdtdesk.cli import (
    care_plan_commands,
    caseload_commands,
    credentials,
    display,
    impact_commands,
    store_commands,
    sync_commands,
)
from mdtdesk.cli.store_commands import store_path
from mdtdesk.errors import Refusal
from mdtdesk.logs import log_unexpected, start_logging
from mdtdesk.store.errors import for_people
from mdtdesk.store.layout import default_store_dir


def _common(parser: argparse.ArgumentParser, *, top: bool = False, unlocks: bool = True) -> None:
    # Only the top level has defaults: a subcommand's default would overwrite a value
    # given before the subcommand (`mdtdesk --store DIR info`).
    parser.add_argument(
        "--store",
        type=store_path,
        default=default_store_dir() if top else argparse.SUPPRESS,
        help="the store folder (default: the user data folder)",
    )
    parser.add_argument(
        "--user", default=None if top else argparse.SUPPRESS, help="acting user (or MDTDESK_USER)"
    )
    if unlocks:
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="read the passphrase from the first line of FILE (or MDTDESK_PASSPHRASE)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdtdesk", description="MDT meetings, caseload and care plans for GP practices."
    )
    parser.add_argument("--version", action="version", version=f"mdtdesk {__version__}")
    parser.add_argument(
        "--check-window",
        action="store_true",
        help="open the first window, say which it is, and close (does the app start here?)",
    )
    _common(parser, top=True, unlocks=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser("init", help="create a new store")
    _common(init)
    init.add_argument("--practice", required=True, metavar="ODS", help="practice ODS code")
    init.add_argument("--practice-name", required=True, metavar="NAME")
    init.add_argument("--profession", required=True, metavar="PROF")
    init.set_defaults(run=store_commands.cmd_init)

    demo = sub.add_parser("demo", help="create a store full of synthetic demo data")
    _common(demo)
    demo.add_argument("--patients", type=int, default=500, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.set_defaults(run=store_commands.cmd_demo)

    info = sub.add_parser("info", help="practice, schema, counts and users (no patient data)")
    _common(info)
    info.add_argument("--json", action="store_true", help="print a JSON object")
    info.set_defaults(run=store_commands.cmd_info)

    check = sub.add_parser("check", help="verify encryption pages, integrity and audit chain")
    _common(check)
    check.set_defaults(run=store_commands.cmd_check)

    caseload = sub.add_parser("caseload", help="import or export the caseload as CSV")
    actions = caseload.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import a caseload CSV")
    _common(imp)
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows only")
    exp = actions.add_parser("export", help="export the caseload as CSV")
    _common(exp)
    exp.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    caseload.set_defaults(run=caseload_commands.cmd_caseload)

    phrase = sub.add_parser("passphrase", help="add, change or remove a passphrase")
    phrase_actions = phrase.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (
        ("add", "give a staff member access"),
        ("change", "change your own passphrase"),
        ("remove", "take a staff member's access away (re-keys the database)"),
    ):
        p = phrase_actions.add_parser(action, help=text)
        _common(p)
        p.add_argument("--new-passphrase-file", type=Path, metavar="FILE")
        if action != "change":
            p.add_argument("--name", help="the staff member whose access changes")
        if action == "add":
            p.add_argument("--profession")
            p.add_argument(
                "--organisation-type",
                default="health",
                choices=("health", "social_care", "voluntary"),
            )
            p.add_argument("--role", default="member", choices=("member", "admin"))
    phrase.set_defaults(run=store_commands.cmd_passphrase)

    recover = sub.add_parser("recover", help="set a new passphrase with the recovery key")
    _common(recover, unlocks=False)
    recover.add_argument("--recovery-key-file", type=Path, metavar="FILE")
    recover.add_argument("--new-passphrase-file", type=Path, metavar="FILE")
    recover.set_defaults(run=store_commands.cmd_recover)

    saved = sub.add_parser("backup", help="write a verified, encrypted backup of the store")
    _common(saved)
    saved.add_argument("--out", type=Path, required=True, metavar="FILE")
    saved.set_defaults(run=store_commands.cmd_backup)

    restored = sub.add_parser("restore", help="make a new store from a backup file")
    _common(restored)
    restored.add_argument("file", type=Path, metavar="FILE")
    restored.add_argument(
        "--recovery-key-file",
        type=Path,
        metavar="FILE",
        help="open it with the recovery key (or MDTDESK_RECOVERY_KEY)",
    )
    restored.set_defaults(run=store_commands.cmd_restore)

    sync_commands.add_parsers(sub, _common)
    care_plan_commands.add_parsers(sub, _common)
    impact_commands.add_parsers(sub, _common)
    return parser


def _console_never_fails() -> None:
    """A console that cannot show a letter shows '?' for it: on Windows, piped output is
    cp1252, and a name such as Łukasz ended the command in UnicodeEncodeError after its
    change had been made, so the person could not tell whether it had been."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _quiet_stdout() -> None:
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):  # not a real file (a test's buffer)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    _console_never_fails()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        lacking = display.problem()
        if lacking is not None:
            print(f"mdtdesk: {lacking}", file=sys.stderr)
            return 2
        from mdtdesk.ui.shell.app import run_app

        return run_app(args.store, args.user, credentials.kdf_cost(), probe=args.check_window)
    try:
        code: int = args.run(args)
    except Refusal as exc:
        print(f"mdtdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nmdtdesk: stopped; nothing more was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`mdtdesk report impact | head`): not a fault. Output
        # goes nowhere from here, so Python's own flush at exit cannot complain.
        _quiet_stdout()
        return 141
    except Exception as exc:  # the last resort: one line here, the details in the log
        log_path = start_logging()
        log_unexpected(exc, f"the {args.command} command")
        refusal = for_people(exc)
        if refusal is not None:
            print(f"mdtdesk: {refusal}", file=sys.stderr)
            return 2
        print(
            f"mdtdesk: {args.command} stopped on an unexpected fault; work is written in "
            f"whole transactions, so nothing is half-done. Details (no patient data) are "
            f"in {log_path}.",
            file=sys.stderr,
        )
        return 1
    return code
