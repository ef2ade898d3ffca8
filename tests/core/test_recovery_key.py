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
