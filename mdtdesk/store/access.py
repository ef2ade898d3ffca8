"""Who can open a store: change a passphrase, add or remove a member, recover."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from mdtdesk.clock import Clock
from mdtdesk.store import audit, errors, journal, keyfile, lock
from mdtdesk.store import rekey as rekey_store
from mdtdesk.store.ids import new_id
from mdtdesk.store.keyfile import KdfCost, KeyFile, Slot, SlotLocked
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.lifecycle import open_with_recovery_key, read_keyfile
from mdtdesk.store.models import StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.passphrases import check_passphrase
from mdtdesk.store.staff import find_staff
from mdtdesk.store.vocab import APP_ROLE, ORGANISATION_TYPE

_write_keyfile = rekey_store.write_keyfile


def change_passphrase(
    folder: Path, *, user: str, current: str, new: str, clock: Clock, kdf_cost: KdfCost
) -> None:
    """Re-wrap one slot under a new passphrase. Only the key file is rewritten."""
    check_passphrase(new, (user,))
    paths = StorePaths(folder)
    kf = read_keyfile(paths)
    slot = kf.passphrase_slot(user)
    if slot is None:
        raise errors.UnknownUser(f"There is no user called {user!r} in this store.")
    try:
        private = keyfile.open_slot(slot, kf.store_id, keyfile.passphrase_secret(current))
    except SlotLocked:
        journal.note(paths, kf.store_id, "failed_unlock", slot.user or user, clock.now())
        raise errors.WrongPassphrase(
            f"The current passphrase for {slot.user} is not right."
        ) from None
    changed = keyfile.rewrap(
        slot, kf.store_id, private, keyfile.passphrase_secret(new), kdf_cost.tune()
    )
    _write_keyfile(paths, _with_slot(kf, changed))
    # The database stays byte-identical; the change reaches the audit log at next unlock.
    journal.note(
        paths,
        kf.store_id,
        "key_change",
        slot.user or user,
        clock.now(),
        detail="passphrase changed",
    )


def _with_slot(kf: KeyFile, slot: Slot) -> KeyFile:
    others = tuple(s for s in kf.slots if s.slot_id != slot.slot_id)
    return replace(kf, slots=(*others, slot))


def _staff_slot(
    store: OpenStore,
    kf: KeyFile,
    member: StaffMember,
    passphrase: str,
    kdf_cost: KdfCost,
    slot_id: str,
) -> Slot:
    """A passphrase slot for a staff member, sealed with the store's current key."""
    return keyfile.new_slot(
        store_id=kf.store_id,
        slot_id=slot_id,
        kind="passphrase",
        user=member.name,
        staff_id=member.id,
        created_at=store.clock.now().isoformat(),
        secret=keyfile.passphrase_secret(passphrase),
        cost=kdf_cost.tune(),
        db_keys={kf.generation: store.db_key},
    )


def _require_admin(store: OpenStore) -> None:
    with store.session() as s:
        me = store.acting_staff(s)
        if store.actor.staff_id is not None and (me is None or me.app_role != "admin"):
            raise errors.NotAllowed("Only an administrator can add or remove people.")


@dataclass(frozen=True)
class MemberAdded:
    staff_id: str
    name: str


def add_member(
    store: OpenStore,
    *,
    name: str,
    profession: str,
    passphrase: str,
    kdf_cost: KdfCost,
    organisation_type: str = "health",
    app_role: str = "member",
) -> MemberAdded:
    """Give a staff member a key slot (adding them to the staff list if new)."""
    _require_admin(store)
    check_passphrase(passphrase, (name,))
    if not name.strip() or not profession.strip():
        raise errors.StoreError("A new member needs a name and a profession.")
    if organisation_type not in ORGANISATION_TYPE:
        raise errors.StoreError(f"Unknown organisation type {organisation_type!r}.")
    if app_role not in APP_ROLE:
        raise errors.StoreError(f"Unknown role {app_role!r}: use one of {', '.join(APP_ROLE)}.")
    kf = read_keyfile(store.paths)
    if kf.passphrase_slot(name) is not None:
        raise errors.StoreError(f"{name} can already open this store.")
    with store.session() as s, s.begin():
        member = find_staff(s, name)
        if member is None:
            member = StaffMember(
                name=name.strip(),
                profession=profession.strip(),
                organisation_type=organisation_type,
                app_role=app_role,
            )
            s.add(member)
        else:
            member.active = True
            member.app_role = app_role
        s.flush()
        audit.log(s, "key_change", entity="staff_member", record_id=member.id, detail="added")
        slot = _staff_slot(store, kf, member, passphrase, kdf_cost, new_id())
        # Written inside the transaction: if the key file cannot be written, the
        # staff change rolls back with it.
        written = replace(kf, slots=(*kf.slots, slot))
        _write_keyfile(store.paths, written)
        result = MemberAdded(member.id, member.name)
    store.keyfile = written
    return result


def _require_alone(store: OpenStore) -> None:
    if not lock.alone(store.paths):
        # Another process cannot hold the store (the lock sees to that); another open
        # store in this process would keep writing to the file being replaced.
        raise errors.StoreBusy(
            "The store is open twice in this app: close the other one before re-keying."
        )


def remove_member(store: OpenStore, *, name: str) -> None:
    """Take away a member's access and re-key the database so an old copy of their
    key no longer opens it."""
    _require_admin(store)
    _require_alone(store)
    kf = read_keyfile(store.paths)
    slot = kf.passphrase_slot(name)
    if slot is None:
        raise errors.UnknownUser(f"{name!r} has no access to this store.")
    if slot.staff_id == store.actor.staff_id:
        raise errors.NotAllowed("You cannot remove your own access; ask another administrator.")
    remaining = tuple(s for s in kf.slots if s.slot_id != slot.slot_id)
    if not any(s.kind == "passphrase" for s in remaining):
        raise errors.NotAllowed("That would leave nobody able to open the store.")
    with store.session() as s, s.begin():
        member = s.get(StaffMember, slot.staff_id)
        if member is not None:
            member.active = False
        audit.log(
            s,
            "key_change",
            entity="staff_member",
            record_id=slot.staff_id,
            detail="access removed; database re-keyed",
        )
    rekey(store, remaining)


def rekey(store: OpenStore, slots: tuple[Slot, ...]) -> None:
    """Re-encrypt the database under a new key sealed to exactly these slots."""
    _require_alone(store)
    kf = read_keyfile(store.paths)
    rekey_store.run(store, kf, slots, kf.generation)


def recover(
    folder: Path,
    *,
    recovery_key: str,
    user: str,
    new_passphrase: str,
    clock: Clock,
    kdf_cost: KdfCost,
) -> None:
    """Set a new passphrase for a staff member using the recovery key."""
    check_passphrase(new_passphrase, (user,))
    with (
        open_with_recovery_key(folder, recovery_key, clock, lock.busy_wait()) as store,
        store.session() as s,
        s.begin(),
    ):
        member = find_staff(s, user)
        if member is None:
            raise errors.UnknownUser(f"There is no staff member called {user!r}.")
        member.active = True
        audit.log(
            s,
            "key_change",
            entity="staff_member",
            record_id=member.id,
            detail="passphrase reset with the recovery key",
        )
        kf = read_keyfile(store.paths)
        old = kf.passphrase_slot(member.name)
        slot = _staff_slot(
            store, kf, member, new_passphrase, kdf_cost, old.slot_id if old else new_id()
        )
        others = tuple(x for x in kf.slots if old is None or x.slot_id != old.slot_id)
        _write_keyfile(store.paths, replace(kf, slots=(*others, slot)))
