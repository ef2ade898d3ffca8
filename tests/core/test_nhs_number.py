from __future__ import annotations

from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdtdesk import nhs_number
from mdtdesk.nhs_number import NhsNumberError, format_nhs, normalise


def test_the_documented_example_is_valid() -> None:
    assert normalise("943 476 5919") == "9434765919"
    assert format_nhs("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("943 476 591", "9 digits"),
        ("94347659190", "11 digits"),
        ("943-476-591X", "other than digits"),
        ("943 476 5918", "check-digit"),
    ],
)
def test_bad_numbers_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(NhsNumberError, match=reason):
        normalise(text)


def test_stems_whose_check_digit_would_be_ten_are_never_valid() -> None:
    # 999000001: weights give a check value of 10, so no tenth digit makes it valid.
    stems = [s for s in range(999_000_000, 999_000_200) if nhs_number.check_digit(str(s)) is None]
    assert stems
    for stem in stems[:5]:
        assert not any(nhs_number.is_valid(f"{stem}{d}") for d in range(10))


def test_synthetic_numbers_are_valid_and_in_the_999_range() -> None:
    numbers = list(islice(nhs_number.synthetic_numbers(), 500))
    assert len(set(numbers)) == 500
    assert all(n.startswith("999") and nhs_number.is_valid(n) for n in numbers)


@given(st.integers(min_value=0, max_value=10_000), st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_error_is_caught(start: int, position: int, bump: int) -> None:
    number = next(nhs_number.synthetic_numbers(start))
    digits = list(number)
    digits[position] = str((int(digits[position]) + bump) % 10)
    assert not nhs_number.is_valid("".join(digits))
