"""`mdtdesk hub|enrol|sync ...`: sync by file, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from mdtdesk.cli import credentials
from mdtdesk.cli.store_commands import print_recovery_key, unlock
from mdtdesk.clock import SystemClock
from mdtdesk.store.errors import StoreError
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync import conflicts, consent, duplicates, enrol, status
from mdtdesk.sync.export import Exported, export_for_hub, export_for_practice
from mdtdesk.sync.fileformat import SyncRefused
from mdtdesk.sync.hub import create_hub
from mdtdesk.sync.importing import Imported, import_file


def _progress(label: str) -> Callable[[int, int], None]:
    """Progress on stderr: redrawn in place on a terminal, a line per tenth otherwise."""
    terminal = sys.stderr.isatty()
    shown = [-1]

    def show(done: int, total: int) -> None:
        of = f" / {total}" if total else ""
        if terminal:
            print(f"\r  {label} {done}{of} records", end="", file=sys.stderr, flush=True)
            return
        step = done * 10 // total if total else done // 10000
        if step != shown[0]:
            shown[0] = step
            print(f"  {label} {done}{of} records", file=sys.stderr, flush=True)

    return show


def cmd_hub_init(args: argparse.Namespace) -> int:
    if not args.user:
        raise credentials.MissingInput("Name the first user with --user NAME.")
    secret = credentials.passphrase(args.passphrase_file, confirm=True)
    created = create_hub(
        args.store,
        name=args.name,
        user=args.user,
        profession=args.profession,
        passphrase=secret,
        clock=SystemClock(),
        kdf_cost=credentials.kdf_cost(),
    )
    with created.store as store:
        mine = enrol.own_enrolment(store)
    print(f"Created hub store {args.name} in {args.store}.")
    print(f"Its fingerprint (read it to each practice when they enrol): {mine.fingerprint}")
    print_recovery_key(created.recovery_key)
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        if args.action == "export":
            mine = enrol.export_enrolment(store, args.out)
            print(f"Wrote the {mine.role} enrolment file for {mine.name} to {args.out}.")
            print(f"Fingerprint: {mine.fingerprint}")
            print("The other side should see the same fingerprint when they import it.")
            return 0
        theirs = enrol.read_enrolment(args.file)
        print(f"{theirs.role.capitalize()}: {theirs.name} ({theirs.ods_code})")
        print(f"Fingerprint: {theirs.fingerprint}")
        if not args.yes:
            if not sys.stdin.isatty():
                raise credentials.MissingInput(
                    "Compare the fingerprint with the other side (by phone), then run again "
                    "with --yes; nothing was changed."
                )
            answer = input("Does it match what the other side reads out? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Not enrolled; nothing was changed.")
                return 1
        done = enrol.import_enrolment(store, theirs)
    print(f"{theirs.name} was already enrolled." if done.already else f"Enrolled {theirs.name}.")
    return 0


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _print_exported(result: Exported) -> None:
    _end_progress()
    print(
        f"Wrote {result.path}: file {result.sequence} for {result.peer}, "
        f"{result.records} records, {result.audit_rows} audit rows "
        f"(changes {result.changes[0] + 1} to {result.changes[1]})."
    )
    if result.withheld:
        print(
            f"{result.withheld} patient(s) who declined sharing went with only what the "
            "consent policy allows (see sync consent-policy)."
        )


def _print_imported(result: Imported) -> None:
    _end_progress()
    if result.outcome == "already imported":
        print(
            f"{result.path.name}: file {result.sequence} from {result.peer} was already "
            "imported; nothing changed."
        )
        return
    print(
        f"{result.path.name}: file {result.sequence} from {result.peer}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged, {result.conflicts} conflicts, "
        f"{result.duplicates} duplicates."
    )
    for warning in result.warnings:
        print(f"  warning: {warning}", file=sys.stderr)


def _import_all(store: OpenStore, files: list[Path]) -> int:
    worst = 0
    for path in files:
        try:
            _print_imported(import_file(store, path, _progress(f"{path.name}:")))
        except SyncRefused as exc:
            _end_progress()
            print(f"mdtdesk: {exc}", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            worst = 2
    return worst


def cmd_sync(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        if args.action == "export":
            _print_exported(export_for_hub(store, args.out, _progress("writing")))
            return 0
        if args.action == "import":
            return _import_all(store, args.files)
        if args.action == "consent-policy":
            if args.allow is not None:
                with store.session() as s, s.begin():
                    consent.set_policy(s, {c.strip() for c in args.allow.split(",") if c.strip()})
            with store.session() as s:
                chosen = consent.policy(s)
            print("Sent to the hub for a person who declined sharing:")
            for name, text in consent.CATEGORIES.items():
                print(f"  [{'x' if name in chosen else ' '}] {name:<12} {text}")
            return 0
        report = status.peer_status(store)
        print(json.dumps(report, indent=2, default=str) if args.json else status.describe(report))
        return 0


def cmd_hub(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        if args.action == "merge":
            return _import_all(store, args.files)
        if args.action == "export":
            _print_exported(
                export_for_practice(store, args.practice, args.out, _progress("writing"))
            )
            return 0
        if args.action == "conflicts":
            return _conflicts(store, args)
        return _duplicates(store, args)


def _conflicts(store: OpenStore, args: argparse.Namespace) -> int:
    if args.resolve:
        done = conflicts.resolve(store, args.resolve, args.choose, args.value)
        print(f"Resolved: kept {json.dumps(done.value, default=str)}.")
        return 0
    items = conflicts.open_conflicts(store)
    words = conflicts.labels(store, items)
    for c in items:
        said = words[c.id]
        print(f"{c.id}  {said.record}: {c.field} ({c.kind})")
        print(f"    kept:  {said.kept}  by {c.kept_by} at {c.kept_from}")
        print(f"    other: {said.other}  by {c.other_by} at {c.other_from}")
    print(f"{len(items)} open conflict(s).")
    return 0


def _duplicates(store: OpenStore, args: argparse.Namespace) -> int:
    if args.merge:
        if not args.keep:
            raise StoreError("Say which record to keep with --keep PATIENT_ID.")
        done = duplicates.merge(store, args.merge, args.keep)
        print(f"Kept {done.kept}; merged away {', '.join(done.merged_away) or 'nothing'}.")
        return 0
    items = duplicates.open_duplicates(store)
    for d in items:
        print(f"{d.id}  NHS number {d.nhs_number}")
        for p in d.patients:
            print(
                f"    {p.id}  {p.family_name}, {p.given_name}  born {p.date_of_birth}  "
                f"from {p.home or 'here'}"
            )
    print(f"{len(items)} open duplicate(s).")
    return 0


def add_parsers(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    hub = sub.add_parser("hub", help="a locality hub: create, merge practice files, send updates")
    hub_actions = hub.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = hub_actions.add_parser("init", help="create a hub store with its sync keys")
    common(init)
    init.add_argument("--name", required=True, metavar="NAME", help="the hub's name")
    init.add_argument("--profession", required=True, metavar="PROF")
    init.set_defaults(run=cmd_hub_init)
    merge = hub_actions.add_parser("merge", help="merge practice sync files")
    common(merge)
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE")
    out = hub_actions.add_parser("export", help="write a receipt and update for one practice")
    common(out)
    out.add_argument("--practice", required=True, metavar="ODS")
    out.add_argument("--out", required=True, type=Path, metavar="FILE")
    conf = hub_actions.add_parser("conflicts", help="list open conflicts, or resolve one")
    common(conf)
    conf.add_argument("--resolve", metavar="ID")
    conf.add_argument("--choose", choices=("kept", "other", "edit"), default="kept")
    conf.add_argument("--value", help="the value to keep, with --choose edit")
    dup = hub_actions.add_parser("duplicates", help="list duplicate patients, or merge one")
    common(dup)
    dup.add_argument("--merge", metavar="ID")
    dup.add_argument("--keep", metavar="PATIENT_ID")
    hub.set_defaults(run=cmd_hub)

    en = sub.add_parser("enrol", help="exchange public keys between a practice and its hub")
    en_actions = en.add_subparsers(dest="action", metavar="ACTION", required=True)
    ex = en_actions.add_parser("export", help="write this store's enrolment file")
    common(ex)
    ex.add_argument("--out", required=True, type=Path, metavar="FILE")
    im = en_actions.add_parser("import", help="take in the other side's enrolment file")
    common(im)
    im.add_argument("file", type=Path, metavar="FILE")
    im.add_argument("--yes", action="store_true", help="the fingerprint was compared already")
    en.set_defaults(run=cmd_enrol)

    sy = sub.add_parser("sync", help="a practice's sync files to and from its hub")
    sy_actions = sy.add_subparsers(dest="action", metavar="ACTION", required=True)
    sx = sy_actions.add_parser("export", help="write everything the hub has not acknowledged")
    common(sx)
    sx.add_argument("--out", required=True, type=Path, metavar="FILE")
    si = sy_actions.add_parser("import", help="take in the hub's receipts and updates")
    common(si)
    si.add_argument("files", nargs="+", type=Path, metavar="FILE")
    cp = sy_actions.add_parser("consent-policy", help="what goes for people who declined")
    common(cp)
    cp.add_argument("--allow", metavar="CATEGORIES", help="comma-separated categories")
    st = sy_actions.add_parser("status", help="enrolled peers, sequences, gaps, audit heads")
    common(st)
    st.add_argument("--json", action="store_true")
    sy.set_defaults(run=cmd_sync)
