"""The one rule for text entering the store: its length and the characters it may hold.

SQLite ignores `String(n)`, so a 300-character practice name was stored happily and
then refused by every hub it was sent to, for good. The limits here come from the
models' own column lengths and are checked wherever a value enters: typed (the write
path checks every flush), imported (the CSV import, row by row), merged (the sync wire).

Characters: control characters (NUL, terminal escapes) and the bidirectional
overrides that can make a name read backwards on screen or paper are refused. Line
breaks and tabs are allowed only in free text (Text columns).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, String, Table, Text

from mdtdesk.store.errors import StoreError

# Free text (notes, a care plan's content) has a ceiling too, so one record cannot
# carry a gigabyte; this is far beyond anything typed.
TEXT_LIMIT = 200_000
EARLIEST = date(1850, 1, 1)
LATEST = date(2199, 12, 31)

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_FREE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


class ValueRefused(StoreError, ValueError):
    """A value is too long, holds characters that cannot be stored, or is out of range."""


def column_limit(column: Column[Any]) -> int | None:
    """The most characters a String/Text column takes (None: not text)."""
    kind = column.type
    if isinstance(kind, String) and not isinstance(kind, Text):
        return kind.length or TEXT_LIMIT
    if isinstance(kind, Text):
        return TEXT_LIMIT
    return None


def text_problem(value: str, limit: int, free_text: bool = False) -> str | None:
    """What is wrong with `value` as stored text, or None."""
    if len(value) > limit:
        return f"is longer than {limit:,} characters (it has {len(value):,})"
    bad = (_FREE_TEXT if free_text else _ONE_LINE).search(value)
    if bad is not None:
        char = bad.group()
        name = unicodedata.name(char, "a control character")
        return f"holds a character that cannot be stored (U+{ord(char):04X}, {name.lower()})"
    return None


def date_problem(value: date | datetime) -> str | None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        return f"{day.isoformat()} is not between {EARLIEST.year} and {LATEST.year}"
    return None


def _what(table: str, column: str) -> str:
    return f"{table.replace('_', ' ')} {column.replace('_', ' ')}"


def check_values(table: Table, values: Mapping[str, Any], where: str = "") -> None:
    """Refuse a row whose text is too long or holds characters the store refuses."""
    for name, value in values.items():
        if not isinstance(value, str) or name not in table.c:
            continue
        column = table.c[name]
        limit = column_limit(column)
        if limit is None:
            continue
        problem = text_problem(value, limit, isinstance(column.type, Text))
        if problem is not None:
            raise ValueRefused(f"{where}The {_what(table.name, name)} {problem}.")
