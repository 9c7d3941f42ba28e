r"""
What ketnap accepts as input: the size limits, how text is cleaned, and how a file is opened.

Every string that enters a record (a name, an id, a reference number) goes through
`clean_text`: it is normalised to Unicode NFC, so that a name typed with combining
marks (NFD, as older Vietnamese input methods produce) equals the same name typed
precomposed, and control characters, lone surrogates and bidirectional overrides are
refused, since they cannot be part of a name and a terminal would act on them.

The limits bound what one dossier, one sheet or one organisation tree may hold, so that
a malformed or hostile file fails with a clear error before it can exhaust memory. The
loader and the ``ketnap`` command check them before and while parsing; the model checks
the text length. `open_input` opens a file to read only if it is a regular file, so
that a pipe or a device named as an input is refused instead of blocking forever.

A text that leaves ketnap in a spreadsheet or a CSV file goes through `escape_formula`,
so that a spreadsheet program shows it instead of running it as a formula, and comes
back through `unescape_formula`, so that it reads back unchanged. A CSV text starts with
a byte-order mark (`csv_text`), so that Excel reads it as UTF-8.

>>> clean_text("Nguye\u0302\u0303n", field="name") == "Nguy\u1ec5n"
True
>>> clean_text("a\x1b[2J", field="name")
Traceback (most recent call last):
...
ketnap.errors.InvalidInput: name: contains a control character (U+001B)
>>> escape_formula('=HYPERLINK("http://evil/","x")')
'\'=HYPERLINK("http://evil/","x")'
>>> unescape_formula(escape_formula("-5")), escape_formula(-5)
('-5', -5)
"""

from __future__ import annotations

import csv
import io
import os
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Final, TypeVar

import attrs

from ketnap.errors import InvalidInput

__all__ = [
    "CSV_BOM",
    "LIMITS",
    "Limits",
    "clean_text",
    "csv_text",
    "escape_formula",
    "open_input",
    "unescape_formula",
]


@attrs.frozen(kw_only=True)
class Limits:
    """
    The largest input ketnap accepts.

    Attributes:
        document_bytes: one dossier document, as read from a file or a store.
        text_chars: one string (a name, an id, a document number), after NFC normalisation.
        list_items: one list in a document (history entries, votes, relatives ...).
        depth: nesting of JSON arrays and objects in a document.
        integer_digits: digits of one JSON integer (a vote count), and of a number in a
            sheet or in the organisation's data (members, quotas, trainees).
        sheet_bytes: one sheet file (.xlsx or .csv); for a workbook also the total of its
            parts once decompressed, read from the zip's directory before any is opened.
        sheet_parts: the parts (zip members) of one workbook.
        sheet_ratio: how many times larger than its compressed size one part of a
            workbook may be (checked for parts over 1 MiB); ordinary workbooks are 5 to
            20 times, a zip bomb hundreds of times.
        sheet_rows: rows of one sheet, besides the header.
        sheet_columns: columns of one sheet (and cells in one row); a workbook's row may
            hold 16 XML elements per column, a .csv row 4 characters per column of
            `text_chars`.
        sheet_strings: strings a workbook shares between its cells.
        sheet_elements: other XML elements a workbook holds whole while it is read
            (styles, merged cells, the workbook's own parts).
        tree_depth: levels of the organisation tree, the top unit being the first (the
            party's organisation has four or five).
    """

    document_bytes: int = 1_048_576
    text_chars: int = 1_000
    list_items: int = 1_000
    depth: int = 16
    integer_digits: int = 9
    sheet_bytes: int = 268_435_456
    sheet_parts: int = 1_000
    sheet_ratio: int = 100
    sheet_rows: int = 100_000
    sheet_columns: int = 256
    sheet_strings: int = 1_000_000
    sheet_elements: int = 100_000
    tree_depth: int = 12


LIMITS: Final = Limits()
"""The limits in force; documented in docs/storage.md."""

# Bidirectional embeddings, overrides and isolates: they reorder what a reader sees
# (a name that displays differently from what is stored), never part of a name.
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Cc: control characters (NUL, escape, newline); Cs: lone surrogates, which no UTF-8
# text can hold and which would break saving; Co and Cn: private-use and unassigned.
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cs", "Co", "Cn"})


def clean_text(value: object, *, field: str, max_chars: int = LIMITS.text_chars) -> str:
    """
    Return *value* normalised to NFC, or raise `InvalidInput` naming *field*.

    The value itself is never quoted in the error: it may be a name (personal data).

    Raises:
        InvalidInput: not a string, too long, or holding a control character, a lone
            surrogate, a private-use or unassigned code point or a bidirectional override.
    """
    if not isinstance(value, str):
        raise InvalidInput(field, f"expected a string, got {type(value).__name__}")
    if len(value) > max_chars * 4:
        # Checked before normalising, which cannot shrink a string by more than this.
        raise InvalidInput(field, f"longer than {max_chars:,} characters")
    if not value.isascii():
        for char in value:
            if unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BIDI:
                raise InvalidInput(
                    field, f"contains a character not allowed in text (U+{ord(char):04X})"
                )
        value = unicodedata.normalize("NFC", value)
    elif not value.isprintable():
        char = next(char for char in value if not char.isprintable())
        raise InvalidInput(field, f"contains a control character (U+{ord(char):04X})")
    if len(value) > max_chars:
        raise InvalidInput(field, f"longer than {max_chars:,} characters")
    return value


def open_input(path: Path) -> BinaryIO:
    """
    Open *path* for reading in binary, if it is a regular file.

    A named pipe would block until something writes to it, and a device (``/dev/zero``)
    never ends: both are refused before anything is read. The file is opened first and
    checked after, so that it cannot be swapped between the check and the reading.
    Callers still bound what they read, since a file can grow while it is read.

    Raises:
        InvalidInput: *path* is not a regular file (``"file"``).
        OSError: it cannot be opened (missing, no permission).
    """
    # O_NONBLOCK: opening a pipe with no writer returns at once instead of waiting;
    # it changes nothing for a regular file. Windows has no such flag and no pipes here.
    descriptor = os.open(
        path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        mode = os.fstat(descriptor).st_mode
    except BaseException:
        os.close(descriptor)
        raise
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise InvalidInput("file", "not a regular file (a folder, a pipe or a device)")
    return os.fdopen(descriptor, "rb")


# What a spreadsheet program takes as the start of a formula (OWASP, "CSV Injection"):
# = + - @, and a tab or carriage return that some programs skip before one.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

_Value = TypeVar("_Value")


def escape_formula(value: _Value) -> _Value | str:
    """
    Return *value* as a spreadsheet cell or a CSV field must hold it to stay text.

    A text that starts with ``= + - @``, a tab or a carriage return gets a single quote
    in front, which spreadsheet programs show and never run. So does a text that already
    starts with quotes followed by one of those, so that `unescape_formula` gives back
    exactly the text written. Anything else, numbers too (-5 is a number, not a formula),
    is returned as given.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


CSV_BOM: Final = "\ufeff"
"""
The byte-order mark every CSV text ketnap writes starts with.

Written as UTF-8 it is the three bytes EF BB BF, by which Excel knows the file is UTF-8
and shows Vietnamese as written (without it, Excel reads the file in the Windows code
page). Readers skip it: Python's ``utf-8-sig``, and `ketnap.sheets.csv_encoding`.
"""


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    r"""
    Return *rows* as CSV text: the byte-order mark first, every field escaped.

    Each field goes through `escape_formula`; lines end with ``\n``. Write the text
    as UTF-8 (``path.write_text(text, encoding="utf-8")``), not as ``utf-8-sig``,
    which would add a second mark.

    >>> csv_text([["metric", "value"], ["unit", "=H"], ["admitted", 3]])
    "\ufeffmetric,value\nunit,'=H\nadmitted,3\n"
    """
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([escape_formula(cell) for cell in row] for row in rows)
    return out.getvalue()


def unescape_formula(text: str) -> str:
    """Return *text* read from a cell without the quote `escape_formula` put in front."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text
