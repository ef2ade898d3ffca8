"""Recovery keys: 160 random bits written as 8 groups of Crockford base32.

Each group is four data characters and one check character, so a mistyped or swapped
group is caught and named before any decryption is tried. The check is Luhn mod 32 over
the group's number and its four characters, so it is drawn from the key's own alphabet:
Crockford's mod-37 check, used by the first keys, put `*`, `~`, `$` or `=` in six keys
out of ten, which are hard to read aloud and which shells mangle. Keys with the old check
are still read.
"""

from __future__ import annotations

import secrets

from mdtdesk.errors import Refusal

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_OLD_CHECK_ALPHABET = _ALPHABET + "*~$=U"
_DECODE = {ch: i for i, ch in enumerate(_ALPHABET)}
# Crockford: letters easily read as digits are taken as those digits.
_DECODE.update({"O": 0, "I": 1, "L": 1})
GROUPS = 8
_DATA_PER_GROUP = 4


class RecoveryKeyFormatError(Refusal, ValueError):
    pass


def _check(values: list[int], group: int) -> str:
    """Luhn mod 32 over the group number and the data: it catches any one mistyped
    character, two neighbours swapped (all but 0 and Z, as Luhn misses 0 and 9), and (the
    group number being doubled, and at most 7) any two groups swapped."""
    total = 0
    for i, v in enumerate(reversed([group, *values])):
        addend = v * 2 if i % 2 == 0 else v
        total += addend // 32 + addend % 32
    return _ALPHABET[-total % 32]


def _old_check(values: list[int], group: int) -> str:
    total = sum((i + 1) * v for i, v in enumerate(values)) + 5 * (group + 1)
    return _OLD_CHECK_ALPHABET[total % 37]


def generate() -> str:
    """A new recovery key, formatted for showing once to the person."""
    return encode(secrets.token_bytes(20))


def encode(raw: bytes) -> str:
    if len(raw) != 20:
        raise ValueError("a recovery key is 20 bytes")
    number = int.from_bytes(raw, "big")
    chars = [_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(32))]
    groups = []
    for g in range(GROUPS):
        data = chars[g * _DATA_PER_GROUP : (g + 1) * _DATA_PER_GROUP]
        groups.append("".join(data) + _check([_DECODE[c] for c in data], g))
    return "-".join(groups)


def _same(expected: str, typed: str) -> bool:
    # O, I and L typed for a check character mean 0, 1 and 1, as in the data.
    return typed == expected or (typed in _DECODE and _ALPHABET[_DECODE[typed]] == expected)


def decode(text: str) -> bytes:
    """The 20 key bytes from what a person typed, or an error naming the bad group."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    if len(cleaned) != GROUPS * (_DATA_PER_GROUP + 1):
        raise RecoveryKeyFormatError(
            f"a recovery key has {GROUPS} groups of 5 characters "
            f"({GROUPS * 5} in all); this one has {len(cleaned)}"
        )
    groups = [cleaned[g * 5 : g * 5 + 5] for g in range(GROUPS)]
    data: list[list[int]] = []
    for g, group in enumerate(groups):
        try:
            data.append([_DECODE[c] for c in group[:4]])
        except KeyError as exc:
            raise RecoveryKeyFormatError(
                f"group {g + 1} ({group}) has a character that is not in a recovery key"
            ) from exc
    # A key carries one kind of check throughout; a key with any old check symbol
    # is an old key, and so is one whose every group passes the old check.
    old = any(group[4] in "*~$=U" for group in groups) or all(
        _same(_old_check(v, g), group[4])
        for g, (v, group) in enumerate(zip(data, groups, strict=True))
    )
    check = _old_check if old else _check
    number = 0
    for g, (values, group) in enumerate(zip(data, groups, strict=True)):
        if not _same(check(values, g), group[4]):
            raise RecoveryKeyFormatError(
                f"group {g + 1} ({group}) does not match its check character: "
                "look for a mistyped or swapped character"
            )
        for v in values:
            number = (number << 5) | v
    return number.to_bytes(20, "big")
