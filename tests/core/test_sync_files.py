"""Sync files between a practice and its hub: enrolment, round trip, receipts, and
every way a file is refused with nothing changed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mdtdesk.clock import FixedClock
from mdtdesk.store import atomic
from mdtdesk.store.models import AuditEvent, Patient, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncFile, SyncPeer
from mdtdesk.sync import enrol, fileformat, keys
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.fileformat import SyncRefused
from mdtdesk.sync.importing import import_file
from tests.helpers import needs_age
from tests.sync_helpers import enrol_both, make_hub, make_practice, state


@dataclass
class World:
    hub: OpenStore
    a: OpenStore
    folder: Path


@pytest.fixture
def world(tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    hub = make_hub(tmp_path / "hub", clock)
    a = make_practice(tmp_path / "a", clock, "A81001", patients=12)
    enrol_both(hub, a)
    yield World(hub, a, tmp_path)
    hub.close()
    a.close()


def audit_rows(store: OpenStore) -> int:
    with store.session() as s:
        return s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def identity(store: OpenStore) -> str:
    with store.session() as s, s.begin():
        return str(keys.device_keys(s).identity)


def assert_refused(store: OpenStore, path: Path, words: str) -> SyncRefused:
    """The file is refused with `words` in the message, no record changes, and the
    refusal is in the audit log and the sync history."""
    before, rows_before = state(store), audit_rows(store)
    with pytest.raises(SyncRefused) as caught:
        import_file(store, path)
    assert words in str(caught.value)
    assert state(store) == before
    with store.session() as s:
        last = s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
        refused = s.execute(select(SyncFile).where(SyncFile.outcome == "refused")).scalars()
        assert any(words in r.message for r in refused)
    assert audit_rows(store) == rows_before + 1
    assert last is not None and json.loads(last.detail)["outcome"] == "refused"
    return caught.value


def rewrite(
    world: World,
    source: Path,
    target: Path,
    lines: Callable[[list[bytes]], list[bytes]] = lambda ls: ls,
    manifest: Callable[[dict[str, Any], str, int, int], dict[str, Any]] | None = None,
    sign: Callable[[bytes], bytes] | None = None,
) -> Path:
    """Re-make a real practice file with its lines or manifest changed (a forger's or a
    broken app's file), encrypted to the hub like the real one."""
    original: list[bytes] = []
    opened = fileformat.read(source, identity(world.hub), lambda *_: None, original.append)

    def finish(sha: str, size: int, count: int) -> dict[str, Any]:
        if manifest is None:
            fixed = dict(opened.manifest)
            fixed["payload"] = {"sha256": sha, "bytes": size, "lines": count}
            return fixed
        return manifest(dict(opened.manifest), sha, size, count)

    with world.a.session() as s, s.begin():
        device = keys.device_keys(s)
    recipient = enrol.own_enrolment(world.hub).age_recipient
    fileformat.write(
        target, lines(original), finish, sign or device.sign, recipient, lambda _: None
    )
    return target


def test_enrolment_files_show_the_same_fingerprint_on_both_sides(world: World) -> None:
    out = world.folder / "hub.enrol"
    written = enrol.export_enrolment(world.hub, out)
    read = enrol.read_enrolment(out)
    assert read.fingerprint == written.fingerprint == enrol.own_enrolment(world.hub).fingerprint
    assert len(read.fingerprint.split()) == 8
    with world.a.session() as s:
        peer = s.get(SyncPeer, world.hub.node_id)
    assert peer is not None and peer.fingerprint == read.fingerprint
    assert enrol.import_enrolment(world.a, read).already


def test_enrolment_refuses_a_changed_file_and_the_wrong_role(world: World) -> None:
    out = world.folder / "a.enrol"
    enrol.export_enrolment(world.a, out)
    body = json.loads(out.read_text())
    body["name"] = "Somebody Else"
    forged = world.folder / "forged.enrol"
    forged.write_text(json.dumps(body))
    with pytest.raises(enrol.EnrolmentRefused, match="not signed by the key"):
        enrol.read_enrolment(forged)
    with pytest.raises(enrol.EnrolmentRefused, match="takes a hub's enrolment"):
        enrol.import_enrolment(world.a, enrol.read_enrolment(out))


def test_a_practice_file_merges_into_the_hub_and_the_receipt_acknowledges_it(
    world: World,
) -> None:
    first = export_for_hub(world.a, world.folder / "a1.mdtsync")
    assert first.sequence == 1 and first.records > 12 and first.audit_rows > 0
    merged = import_file(world.hub, first.path)
    assert merged.outcome == "applied" and merged.added == first.records
    with world.hub.session() as s:
        homes = set(s.execute(select(Patient.home)).scalars())
    assert homes == {"A81001"}
    # Nothing has been acknowledged yet, so a second file carries everything again.
    assert export_for_hub(world.a, world.folder / "a2.mdtsync").records == first.records
    update = export_for_practice(world.hub, "A81001", world.folder / "h1.mdtsync")
    assert update.records == 0  # the hub holds nothing the practice has not sent
    assert import_file(world.a, update.path).outcome == "applied"
    with world.a.session() as s:
        peer = s.get(SyncPeer, world.hub.node_id)
        change_seq = int(s.get(StoreMeta, "change_seq").value)
    assert peer is not None and peer.acked_changes == first.changes[1]
    third = export_for_hub(world.a, world.folder / "a3.mdtsync")
    assert third.records == 0
    with world.a.session() as s, s.begin():
        patient = s.execute(select(Patient).limit(1)).scalars().one()
        patient.phone = "01603 000111"
    fourth = export_for_hub(world.a, world.folder / "a4.mdtsync")
    assert fourth.records == 1 and fourth.changes[1] > change_seq
    assert import_file(world.hub, fourth.path).updated == 1


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    f = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    import_file(world.hub, f)
    before = state(world.hub)
    again = import_file(world.hub, f)
    assert again.outcome == "already imported"
    assert state(world.hub) == before


def test_an_older_file_after_a_newer_one_is_already_imported(world: World) -> None:
    f1 = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    f2 = export_for_hub(world.a, world.folder / "a2.mdtsync").path
    assert import_file(world.hub, f2).outcome == "applied"
    before = state(world.hub)
    assert import_file(world.hub, f1).outcome == "already imported"
    assert state(world.hub) == before


def test_a_gap_in_the_sequence_warns_and_still_applies(world: World) -> None:
    f1 = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    export_for_hub(world.a, world.folder / "a2.mdtsync")
    f3 = export_for_hub(world.a, world.folder / "a3.mdtsync").path
    import_file(world.hub, f1)
    result = import_file(world.hub, f3)
    assert result.outcome == "applied"
    assert any("files 2 to 2" in w for w in result.warnings)
    with world.hub.session() as s:
        peer = s.get(SyncPeer, world.a.node_id)
    assert peer is not None and json.loads(peer.in_gaps) == [[2, 2]]


def test_a_file_for_another_hub_is_refused(world: World, clock: FixedClock) -> None:
    other = make_hub(world.folder / "hub2", clock)
    try:
        enrol.import_enrolment(other, enrol.own_enrolment(world.a))
        f = export_for_hub(world.a, world.folder / "a1.mdtsync").path
        assert_refused(other, f, "addressed to another store")
    finally:
        other.close()


def test_a_file_from_a_device_that_is_not_enrolled_is_refused(
    world: World, clock: FixedClock
) -> None:
    stranger = make_practice(world.folder / "c", clock, "C83003", patients=2)
    try:
        enrol.import_enrolment(stranger, enrol.own_enrolment(world.hub))
        f = export_for_hub(stranger, world.folder / "c1.mdtsync").path
        assert_refused(world.hub, f, "not enrolled here")
    finally:
        stranger.close()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda b: b[: len(b) // 2] + bytes([b[len(b) // 2] ^ 1]) + b[len(b) // 2 + 1 :],
         "changed, cut short or has bytes added"),
        (lambda b: b[:-100], "changed, cut short or has bytes added"),
        (lambda b: b + b"appended", "changed, cut short or has bytes added"),
        (lambda b: b[:40], "cut short"),
        (lambda b: b"PK\x03\x04 a zip file, not a sync file", "not an age-encrypted"),
    ],
    ids=["tampered", "truncated", "appended", "cut-in-header", "not-age"],
)  # fmt: skip
def test_a_damaged_file_is_refused(
    world: World, damage: Callable[[bytes], bytes], words: str
) -> None:
    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    bad = world.folder / "bad.mdtsync"
    bad.write_bytes(damage(good.read_bytes()))
    assert_refused(world.hub, bad, words)


def test_a_manifest_changed_after_signing_is_refused(world: World) -> None:
    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path

    def forge(m: dict[str, Any], sha: str, size: int, lines: int) -> dict[str, Any]:
        m["sequence"] = 99
        return m

    with world.a.session() as s, s.begin():
        device = keys.device_keys(s)
    original_sign = device.sign
    signed_first: list[bytes] = []

    def sign_original(body: bytes) -> bytes:
        # Sign what the practice really sent, then ship a changed manifest with it.
        signed_first.append(body)
        return original_sign(body.replace(b'"sequence":99', b'"sequence":1'))

    bad = rewrite(world, good, world.folder / "forged.mdtsync", manifest=forge, sign=sign_original)
    assert signed_first
    assert_refused(world.hub, bad, "signature is not")


def test_a_file_signed_by_another_key_is_refused(world: World) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    bad = rewrite(world, good, world.folder / "forged.mdtsync",
                  sign=Ed25519PrivateKey.generate().sign)  # fmt: skip
    assert_refused(world.hub, bad, "signature is not")


def test_a_payload_that_does_not_match_its_manifest_is_refused(world: World) -> None:
    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    kept: dict[str, Any] = {}

    def keep_original(m: dict[str, Any], sha: str, size: int, lines: int) -> dict[str, Any]:
        kept.update(m)
        return m  # the original payload hash, over lines that are no longer there

    bad = rewrite(world, good, world.folder / "bad.mdtsync", lines=lambda ls: ls[:-1],
                  manifest=keep_original)  # fmt: skip
    assert kept
    assert_refused(world.hub, bad, "payload does not match its manifest")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("format", 3, "sync format 3, newer than this app"),
     ("schema", "0099", "newer mdtdesk (schema 0099")],
)  # fmt: skip
def test_a_file_from_a_newer_app_is_refused(
    world: World, field: str, value: Any, words: str
) -> None:
    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path

    def newer(m: dict[str, Any], sha: str, size: int, lines: int) -> dict[str, Any]:
        m[field] = value
        m["payload"] = {"sha256": sha, "bytes": size, "lines": lines}
        return m

    bad = rewrite(world, good, world.folder / "newer.mdtsync", manifest=newer)
    assert_refused(world.hub, bad, words)


def test_invalid_records_refuse_the_whole_file_and_each_is_listed(world: World) -> None:
    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path

    def spoil(lines: list[bytes]) -> list[bytes]:
        """The first patient gets a bad NHS number, the second a bad date of birth."""
        out: list[bytes] = []
        fields: list[str] = []
        spoilt = 0
        for raw in lines:
            item = json.loads(raw)
            if isinstance(item, dict):
                fields = item["f"] if item["t"] == "patient" else []
            elif fields and spoilt < 2:
                name, value = (("nhs_number", "1234567890"), ("date_of_birth", "31/02/1940"))[
                    spoilt
                ]
                item[3 + fields.index(name)] = value
                raw = json.dumps(item).encode()
                spoilt += 1
            out.append(raw)
        return out

    bad = rewrite(world, good, world.folder / "bad.mdtsync", lines=spoil)
    refused = assert_refused(world.hub, bad, "record(s) in it are not valid")
    assert any("nhs_number: '1234567890' is not a valid NHS number" in p for p in refused.problems)
    assert any("date_of_birth: '31/02/1940' is not a date" in p for p in refused.problems)
    assert all(p.startswith("line ") for p in refused.problems)


def test_a_reference_to_a_record_nobody_has_is_refused(world: World) -> None:
    good = export_for_hub(world.a, world.folder / "a1.mdtsync").path

    def drop_patients(lines: list[bytes]) -> list[bytes]:
        out, table = [], None
        for raw in lines:
            item = json.loads(raw)
            if isinstance(item, dict):
                table = item["t"]
            elif table == "patient":
                continue
            out.append(raw)
        return out

    bad = rewrite(world, good, world.folder / "orphans.mdtsync", lines=drop_patients)
    refused = assert_refused(world.hub, bad, "not valid")
    assert any("refers to patient" in p for p in refused.problems)


@needs_age
def test_the_age_tool_decrypts_a_sync_file_with_the_hubs_identity(world: World) -> None:
    f = export_for_hub(world.a, world.folder / "a1.mdtsync").path
    key = world.folder / "hub-identity.txt"
    key.write_text(identity(world.hub) + "\n")
    plain = subprocess.run(
        ["age", "--decrypt", "--identity", str(key), str(f)], capture_output=True, check=True
    ).stdout
    assert plain.startswith(fileformat.MAGIC + b"MANIFEST ")
    manifest = json.loads(plain.split(b"\n")[1][len(b"MANIFEST ") :])
    assert manifest["sender"]["ods"] == "A81001" and manifest["sequence"] == 1


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_sync_files_and_copies_are_readable_by_their_owner_only(world: World) -> None:
    # Found driving the app as hub staff: sync files were written 0644 under umask 022.
    old = os.umask(0o022)
    try:
        made = export_for_hub(world.a, world.folder / "a1.mdtsync").path
        update = export_for_practice(world.hub, "A81001", world.folder / "h1.mdtsync").path
        copy = world.folder / "copy.mdtsync"
        atomic.copy_file(made, copy)
    finally:
        os.umask(old)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (made, update, copy)} == {0o600}
