"""NHS numbers: ten digits, the last a modulus-11 check digit, shown 3-3-4."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from mdtdesk.errors import Refusal

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


class NhsNumberError(Refusal, ValueError):
    pass


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def _ascii_digit(ch: str) -> str:
    value = unicodedata.decimal(ch, None)
    return str(value) if value is not None else ch


def normalise(text: str) -> str:
    """Ten plain digits from what a person typed, or NhsNumberError saying what is wrong."""
    # Full-width or Arabic-Indic digits are the same number (a GP system may export
    # them); anything else that merely looks like a digit (superscripts) is refused.
    digits = "".join(_ascii_digit(ch) for ch in text if ch not in " -")
    if not digits:
        raise NhsNumberError("NHS number is empty")
    if not (digits.isascii() and digits.isdigit()):
        raise NhsNumberError(f"NHS number {text.strip()!r} contains characters other than digits")
    if len(digits) != 10:
        raise NhsNumberError(f"NHS number {text.strip()!r} has {len(digits)} digits, not 10")
    expected = check_digit(digits[:9])
    if expected is None or expected != int(digits[9]):
        raise NhsNumberError(f"NHS number {format_nhs(digits)} fails the check-digit test")
    return digits


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except NhsNumberError:
        return False
    return True


def format_nhs(digits: str) -> str:
    """Show ten digits as 3-3-4 (e.g. 999 000 0018)."""
    if len(digits) != 10:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def synthetic_numbers(start: int = 0) -> Iterator[str]:
    """Valid numbers in the 999 range (never issued to a person), from stem offset start."""
    for stem in range(999_000_000 + start, 1_000_000_000):
        digit = check_digit(str(stem))
        if digit is not None:
            yield f"{stem}{digit}"
