from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdtdesk.store import recovery_key
from mdtdesk.store.recovery_key import RecoveryKeyFormatError


@given(st.binary(min_size=20, max_size=20))
def test_round_trip(raw: bytes) -> None:
    text = recovery_key.encode(raw)
    assert len(text.split("-")) == 8
    assert recovery_key.decode(text) == raw
    assert recovery_key.decode(text.lower().replace("-", " ")) == raw


def test_a_typo_names_its_group() -> None:
    key = recovery_key.generate()
    groups = key.split("-")
    wrong = groups[2][0]
    groups[2] = ("A" if wrong != "A" else "B") + groups[2][1:]
    with pytest.raises(RecoveryKeyFormatError, match="group 3"):
        recovery_key.decode("-".join(groups))


def test_swapped_groups_are_caught() -> None:
    groups = recovery_key.encode(bytes(range(1, 21))).split("-")
    assert groups[0] != groups[1]
    groups[0], groups[1] = groups[1], groups[0]
    with pytest.raises(RecoveryKeyFormatError, match="group 1"):
        recovery_key.decode("-".join(groups))


def test_wrong_length_is_explained() -> None:
    with pytest.raises(RecoveryKeyFormatError, match="8 groups"):
        recovery_key.decode("ABCDE-FGHJK")


def test_letters_read_as_digits_are_accepted() -> None:
    raw = bytes(20)  # all zeros encodes as 0000 groups
    text = recovery_key.encode(raw)
    assert recovery_key.decode(text.replace("0", "O")) == raw


@given(st.binary(min_size=20, max_size=20))
def test_keys_use_only_their_own_alphabet(raw: bytes) -> None:
    # Crockford's check symbols (* ~ $ = U) are hard to read aloud and shells mangle them.
    text = recovery_key.encode(raw)
    assert set(text) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ-")


def test_keys_with_the_old_check_symbols_still_open() -> None:
    # Written by mdtdesk before the Luhn check: sha1(b"\0") with Crockford's mod-37 check.
    old = "BEMK*-S7DG4-SZWK3-YMNNF-47BM8-43J3*-YVPTY-4Y2FP"
    raw = bytes.fromhex("5ba93c9db0cff93f52b521d7420e43f6eda2784f")
    assert recovery_key.decode(old) == raw
    assert recovery_key.decode(old.lower()) == raw
    typo = old.replace("S7DG4", "S7DG5")
    with pytest.raises(RecoveryKeyFormatError, match="group 2"):
        recovery_key.decode(typo)


@given(st.binary(min_size=20, max_size=20), st.integers(0, 7), st.integers(0, 3), st.data())
def test_any_one_mistyped_character_is_caught(
    raw: bytes, group: int, place: int, data: st.DataObject
) -> None:
    groups = recovery_key.encode(raw).split("-")
    wrong = data.draw(st.sampled_from([c for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
                                       if c != groups[group][place]]))  # fmt: skip
    groups[group] = groups[group][:place] + wrong + groups[group][place + 1 :]
    with pytest.raises(RecoveryKeyFormatError, match=f"group {group + 1}"):
        recovery_key.decode("-".join(groups))


@given(st.binary(min_size=20, max_size=20), st.integers(0, 7), st.integers(0, 3))
def test_two_neighbours_swapped_are_caught(raw: bytes, group: int, place: int) -> None:
    groups = recovery_key.encode(raw).split("-")
    g = groups[group]
    # Luhn mod 32 cannot tell 0Z from Z0 (as mod 10 cannot tell 09 from 90).
    if g[place] == g[place + 1] or {g[place], g[place + 1]} == {"0", "Z"}:
        return
    groups[group] = g[:place] + g[place + 1] + g[place] + g[place + 2 :]
    with pytest.raises(RecoveryKeyFormatError, match=f"group {group + 1}"):
        recovery_key.decode("-".join(groups))
