"""Commands that create, open, inspect and guard a store."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from mdtdesk.cli import credentials
from mdtdesk.clock import SystemClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import access, backup, errors, lifecycle, lock
from mdtdesk.store.check import check_store
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.summary import describe

DEMO_PASSPHRASE = "mdt demo 2026"
DEMO_USER = "Dr Hannah Kerrison"


def unlock(args: argparse.Namespace, purpose: str = "command") -> OpenStore:
    """Open the --store folder as the acting user, with their passphrase."""
    kf = lifecycle.read_keyfile(StorePaths(args.store))
    user = credentials.user(args.user, kf.users())
    secret = credentials.passphrase(args.passphrase_file)
    return lifecycle.open_store(
        args.store,
        user=user,
        passphrase=secret,
        clock=SystemClock(),
        purpose=purpose,
        wait=lock.busy_wait(),
    )


def print_recovery_key(key: str) -> None:
    print("\nRecovery key (shown only now: write it down and keep it somewhere safe;")
    print("it opens the store if every passphrase is forgotten):\n")
    print(f"    {key}\n")


def cmd_init(args: argparse.Namespace) -> int:
    first = args.user or os.environ.get("MDTDESK_USER")
    if not first:
        raise credentials.MissingInput("Name the first user with --user NAME or MDTDESK_USER.")
    practice = lifecycle.check_practice_code(args.practice)
    secret = credentials.passphrase(args.passphrase_file, confirm=True)
    created = lifecycle.create_store(
        args.store,
        ods_code=practice,
        practice_name=args.practice_name,
        user=first,
        profession=args.profession,
        passphrase=secret,
        clock=SystemClock(),
        kdf_cost=credentials.kdf_cost(),
    )
    created.store.close()
    print(f"Created a store for {args.practice_name} ({args.practice.upper()}) in {args.store}.")
    print_recovery_key(created.recovery_key)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    user = args.user or os.environ.get("MDTDESK_USER") or DEMO_USER
    # A demo never prompts: the published demo passphrase unless one is given.
    given = args.passphrase_file or os.environ.get("MDTDESK_PASSPHRASE")
    secret = credentials.passphrase(args.passphrase_file) if given else DEMO_PASSPHRASE
    created = lifecycle.create_store(
        args.store,
        ods_code="Y99999",
        practice_name="Riverside Medical Practice (demo)",
        user=user,
        profession="GP",
        passphrase=secret,
        clock=SystemClock(),
        kdf_cost=credentials.kdf_cost(),
    )
    with created.store as store:

        def show(done: int, total: int) -> None:
            print(f"\r  {done:>6} / {total} patients", end="", file=sys.stderr, flush=True)

        summary = populate(store, patients=args.patients, seed=args.seed, progress=show)
    print(file=sys.stderr)
    print(f"Demo store in {args.store}: {summary.counts['patient']} synthetic patients.")
    print(f"User: {user}")
    if not given:
        print(f"Passphrase: {DEMO_PASSPHRASE}")
    print_recovery_key(created.recovery_key)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        info = describe(store)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    practice = info["practice"]
    print(f"Practice:       {practice['name']} ({practice['ods_code']})")
    print(f"Store:          {info['store']}")
    print(f"Schema version: {info['schema_version']}")
    for name, n in info["counts"].items():
        print(f"{name.replace('_', ' ').capitalize() + ':':<16}{n}")
    print("Users:")
    for u in info["users"]:
        key = "" if u["can_unlock"] else " (no passphrase)"
        print(f"  {u['name']} — {u['profession']}, {u['role']}{key}")
    return 0


def _print_some(problems: list[str], most: int = 20) -> None:
    lines = [line for p in problems for line in p.splitlines() if line.strip()]
    for line in lines[:most]:
        print(f"  {line}")
    if len(lines) > most:
        print(f"  … and {len(lines) - most} more")


def cmd_check(args: argparse.Namespace) -> int:
    try:
        store = unlock(args, purpose="check")
    except errors.StoreDamaged as exc:
        # Damage where opening reads (the schema, the store's own facts) still gets a
        # whole report: which pages, and what could not be checked because of them.
        print("SQLCipher page check: FAILED")
        print(f"  {exc}")
        print("SQLite integrity:     not checked (the store cannot be opened)")
        print("Audit chain:          not read (the store cannot be opened)")
        return 1
    with store:
        report = check_store(store)
    print("SQLCipher page check: " + ("ok" if not report.cipher_problems else "FAILED"))
    _print_some(report.cipher_problems)
    print("SQLite integrity:     " + ("ok" if not report.integrity_problems else "FAILED"))
    _print_some(report.integrity_problems)
    verdict = "ok" if not report.audit_problems else "BROKEN"
    print(f"Audit chain:          {report.audit_rows} rows, {verdict}")
    for chain in report.audit_problems:
        print(f"  row {chain.seq}: {chain.reason}")
    return 0 if report.ok else 1


def cmd_passphrase(args: argparse.Namespace) -> int:
    if args.action == "change":
        kf = lifecycle.read_keyfile(StorePaths(args.store))
        user = credentials.user(args.user, kf.users())
        current = credentials.passphrase(args.passphrase_file)
        new = credentials.new_passphrase(args.new_passphrase_file)
        access.change_passphrase(
            args.store,
            user=user,
            current=current,
            new=new,
            clock=SystemClock(),
            kdf_cost=credentials.kdf_cost(),
        )
        print(f"Changed the passphrase for {user}. Only the key file was rewritten.")
        return 0
    if not args.name:
        raise credentials.MissingInput(f"Say whose access to {args.action} with --name NAME.")
    with unlock(args) as store:
        if args.action == "add":
            if not args.profession:
                raise credentials.MissingInput("Give the new member's --profession.")
            new = credentials.new_passphrase(args.new_passphrase_file)
            added = access.add_member(
                store,
                name=args.name,
                profession=args.profession,
                passphrase=new,
                kdf_cost=credentials.kdf_cost(),
                organisation_type=args.organisation_type,
                app_role=args.role,
            )
            print(f"{added.name} can now open this store.")
        else:
            access.remove_member(store, name=args.name)
            print(f"Removed {args.name}'s access and re-keyed the database.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    if not args.user:
        raise credentials.MissingInput("Say whose passphrase to reset with --user NAME.")
    key = credentials.recovery_key(args.recovery_key_file)
    new = credentials.new_passphrase(args.new_passphrase_file)
    access.recover(
        args.store,
        recovery_key=key,
        user=args.user,
        new_passphrase=new,
        clock=SystemClock(),
        kdf_cost=credentials.kdf_cost(),
    )
    print(f"{args.user} has a new passphrase. The recovery key still works; keep it safe.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with unlock(args) as store:
        done = backup.backup(
            store, args.out, progress=lambda step: print(backup.STEPS[step], file=sys.stderr)
        )
    print(f"Backed up {done.patients:,} people to {done.path} ({done.size / 1e6:.1f} MB), "
          "checked after writing. It opens only with a passphrase of this store or its "
          "recovery key.")  # fmt: skip
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    backup.check_target(args.store)
    held = backup.read(args.file)  # checked whole before anyone is asked for a secret
    if args.recovery_key_file is not None or os.environ.get("MDTDESK_RECOVERY_KEY"):
        key = credentials.recovery_key(args.recovery_key_file)
        done = backup.restore(held, args.store, SystemClock(), recovery_key=key)
    else:
        user = credentials.user(args.user, held.keys.users())
        secret = credentials.passphrase(args.passphrase_file)
        done = backup.restore(held, args.store, SystemClock(), user=user, passphrase=secret)
    print(f"Restored {done.patients:,} people into {done.folder} from the backup taken "
          f"{done.taken_at[:16].replace('T', ' ')} UTC; the store passed its check. Use it "
          "in place of the store it was taken from, not beside it: two copies of one "
          "device would send the hub clashing changes.")  # fmt: skip
    return 0


def store_path(text: str) -> Path:
    return Path(text).expanduser().resolve()
