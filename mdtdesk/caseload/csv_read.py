"""Reading a CSV as GP systems and Excel write them, in constant memory.

EMIS Web and SystmOne reports put title lines above the header; Excel re-saves a file
as Windows-1252 ("CSV"), as UTF-16 with tabs ("Unicode Text"), or with semicolons where
the comma is the decimal mark. The reader finds the encoding (byte-order mark, UTF-8,
UTF-16, else Windows-1252), the separator and the header row, and says what it found.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from mdtdesk.caseload.csv_format import known, normalise_header
from mdtdesk.errors import Refusal
from mdtdesk.fields import restore

Progress = Callable[[int, int], None]
Rows = Iterator[tuple[int, list[str]]]
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16 (Excel's Unicode Text)",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252 (Excel's CSV)",
}
# How far down a header row may be (EMIS puts a few title lines above it).
HEADER_SEARCH = 30


class CsvFileError(Refusal, ValueError):
    """The file as a whole cannot be read as a CSV."""


@dataclass
class Shape:
    """What was found about a file: for the preview, and so a person can tell why a
    file reads oddly."""

    encoding: str = "utf-8"
    delimiter: str = ","
    header_line: int = 1
    # Line from which an 8-bit file turned out to be Windows-1252, not UTF-8.
    switched_at: int | None = None
    columns: list[str] = field(default_factory=list)

    def describe(self) -> str:
        encoding = ENCODINGS.get(self.encoding, self.encoding)
        if self.switched_at is not None:
            encoding = f"{ENCODINGS['cp1252']} (from line {self.switched_at})"
        said = f"Read as {encoding}, columns separated by {DELIMITERS[self.delimiter]}"
        if self.header_line > 1:
            above = self.header_line - 1
            said += (
                f", header on line {self.header_line} ({above} title "
                f"line{'s' if above > 1 else ''} above it skipped)"
            )
        return said + "."


def _encoding(start: bytes) -> str:
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a mark: text in Latin letters has every other byte zero.
    pairs = start[: len(start) // 2 * 2]
    if pairs and pairs[1::2].count(0) > len(pairs) // 4 and pairs[0::2].count(0) == 0:
        return "utf-16-le"
    if pairs and pairs[0::2].count(0) > len(pairs) // 4 and pairs[1::2].count(0) == 0:
        return "utf-16-be"
    return "utf-8"


def _eight_bit_lines(path: Path, raw: BinaryIO, shape: Shape) -> Iterator[str]:
    """UTF-8 line by line, so a bad byte is named on its line; a file whose first
    non-ASCII line is not UTF-8 is Windows-1252 from there on (Excel's 'CSV' save)."""
    utf8_seen = False
    for number, data in enumerate(raw, start=1):
        try:
            text = data.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            if utf8_seen:
                raise CsvFileError(
                    f"{path}, line {number}: not UTF-8 text, though earlier lines are "
                    "(save the file as CSV UTF-8 and try again)"
                ) from None
            shape.switched_at = number
            shape.encoding = "cp1252"
            yield from _eight_bit_lines_from(path, number, data, raw, shape)
            return
        utf8_seen = utf8_seen or not text.isascii()
        yield text


def _eight_bit_lines_from(
    path: Path, number: int, first: bytes, raw: BinaryIO, shape: Shape
) -> Iterator[str]:
    for n, data in enumerate(itertools.chain([first], raw), start=number):
        try:
            yield data.decode("cp1252")
        except UnicodeDecodeError:
            raise CsvFileError(
                f"{path}, line {n}: neither UTF-8 nor Windows-1252 text "
                "(save the file as CSV UTF-8 and try again)"
            ) from None


def _wide_lines(path: Path, raw: BinaryIO, encoding: str) -> Iterator[str]:
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    number = 0
    try:
        for number, line in enumerate(text, start=1):  # noqa: B007 - read after the loop
            yield line
    except UnicodeDecodeError:
        raise CsvFileError(
            f"{path}, near line {number + 1}: not {ENCODINGS[encoding]} text"
        ) from None
    finally:
        text.detach()


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _find_header(lines: list[str], is_known: Callable[[str], bool] = known) -> tuple[int, str]:
    """(index of the header line, separator): the first line naming three or more of
    the caseload's columns; else the first line with text, split on its commonest
    separator (the person maps the columns)."""
    for i, line in enumerate(lines):
        best, hits = ",", 0
        for delimiter in DELIMITERS:
            found = sum(is_known(normalise_header(c)) for c in _cells(line, delimiter))
            if found > hits:
                best, hits = delimiter, found
        if hits >= 3:
            return i, best
    for i, line in enumerate(lines):
        if line.strip():
            counts = {d: line.count(d) for d in DELIMITERS}
            delimiter = max(counts, key=lambda d: counts[d])
            return i, delimiter if counts[delimiter] else ","
    return 0, ","


@contextmanager
def stream_rows(
    path: Path,
    progress: Progress | None = None,
    shape: Shape | None = None,
    is_known: Callable[[str], bool] = known,
) -> Iterator[tuple[list[str], Rows]]:
    """The header (normalised) and an iterator over the data rows, read as they are
    needed. progress gets (bytes read, file size); shape is filled in as it is found;
    is_known tells a header name of the file's kind (the caseload's by default)."""
    shape = shape if shape is not None else Shape()
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except FileNotFoundError:
        raise CsvFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot be read ({exc.strerror})") from None
    with raw:
        size = os.fstat(raw.fileno()).st_size
        shape.encoding = _encoding(raw.read(4096))
        raw.seek(0)
        if shape.encoding.startswith("utf-16"):
            lines = _wide_lines(path, raw, shape.encoding)
        else:
            lines = _eight_bit_lines(path, raw, shape)
        ahead = list(itertools.islice(lines, HEADER_SEARCH))
        skip, shape.delimiter = _find_header(ahead, is_known)
        shape.header_line = skip + 1
        reader = csv.reader(itertools.chain(ahead[skip:], lines), delimiter=shape.delimiter)

        def failed(exc: Exception) -> CsvFileError:
            return CsvFileError(f"{path}, line {reader.line_num + skip}: {exc}")

        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise failed(exc) from None
        if header is None or not any(h.strip() for h in header):
            raise CsvFileError(f"{path}: the file is empty (it needs a header row)")
        shape.columns = [normalise_header(h) for h in header]

        def rows() -> Rows:
            try:
                for n, cells in enumerate(reader):
                    if progress is not None and n % 5000 == 0:
                        progress(raw.tell(), size)
                    if any(c.strip() for c in cells):
                        yield reader.line_num + skip, [restore(c) for c in cells]
                if progress is not None:
                    progress(size, size)
            except csv.Error as exc:
                raise failed(exc) from None

        yield shape.columns, rows()


def read_rows(
    path: Path, is_known: Callable[[str], bool] = known
) -> tuple[list[str], list[tuple[int, list[str]]], Shape]:
    """Header names (normalised), (line number, cells) for each data row, all held, and
    what was found about the file: for the desktop's column-mapping preview."""
    shape = Shape()
    with stream_rows(path, shape=shape, is_known=is_known) as (header, rows):
        return header, list(rows), shape
