"""
Opening an office's sheet file within the limits: the machinery under `ketnap.sheets`.

A sheet comes from outside (a clerk's spreadsheet, a file sent by e-mail), so it is read
as hostile until proven otherwise, with every bound in `ketnap.inputs.LIMITS`:

- only a regular file is opened (`ketnap.inputs.open_input`), no larger than
  ``sheet_bytes``;
- a .csv file is decoded as UTF-8, or by its byte-order mark (UTF-8, UTF-16), or in the
  encoding given (Windows-1258, which Excel writes on Vietnamese Windows); a row is
  bounded before the csv module sees it;
- a .xlsx workbook is a zip of XML parts: its directory is checked (how many parts, how
  large once decompressed, how much each is compressed) and every part is scanned with a
  streaming parser, counting what openpyxl would hold, before openpyxl opens it. Measured
  with openpyxl 3.1: an 11 MB row of empty cells takes 600 MB, 62 MB of styles 1.7 GB.

What cannot be read becomes `Unreadable` (a row and a reason), which `ketnap.sheets`
reports as a `ketnap.sheets.SheetProblem`, or `InvalidInput` for the file as a whole.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final
from xml.parsers import expat

from ketnap.errors import InvalidInput
from ketnap.inputs import LIMITS, open_input
from ketnap.messages import Message

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "ENCODINGS",
    "Extent",
    "Unreadable",
    "csv_encoding",
    "csv_rows",
    "numbered",
    "row_estimate",
    "workbook",
    "workbook_rows",
]


class Unreadable(Exception):
    """A row that cannot be read; *row* is 0 until `numbered` knows it."""

    def __init__(self, reason: Message, row: int = 0) -> None:
        self.reason = reason
        self.row = row
        super().__init__(reason.render("en"))


_TOO_MANY_ROWS = Message(
    vi="quá {n:,} dòng: hãy chia thành nhiều tệp",
    en="more than {n:,} rows: split the list into several files",
)
_TOO_MANY_COLUMNS = Message(vi="quá {n:,} cột", en="more than {n:,} columns")
_ROW_TOO_LONG = Message(vi="dòng dài quá {n:,} ký tự", en="a row longer than {n:,} characters")
_NOT_UTF_8 = Message(
    vi="không phải văn bản UTF-8; tệp CSV do Excel trên Windows tiếng Việt ghi thường "
    "theo bảng mã Windows-1258: hãy chỉ rõ bảng mã (--encoding cp1258)",
    en="not UTF-8 text; a CSV file saved by Excel on Vietnamese Windows is usually "
    "Windows-1258: give the encoding (--encoding cp1258)",
)
_NOT_IN_ENCODING = Message(vi="không phải văn bản {encoding}", en="not {encoding} text")
_NUL = Message(
    vi="có ký tự NUL: không phải tệp văn bản (hoặc UTF-16 thiếu dấu BOM)",
    en="holds a NUL character: not a text file (or UTF-16 without its byte-order mark)",
)
_CELL_TOO_LONG = Message(vi="có ô dài quá {n:,} ký tự", en="a cell is longer than {n:,} characters")
_NOT_CSV = Message(vi="không đọc được dòng CSV này", en="not a row of CSV")
_BROKEN_ROW = Message(
    vi="không đọc được dòng này của bảng tính (dữ liệu XML hỏng)",
    en="this row of the workbook cannot be read (broken XML data)",
)


def numbered(rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    """
    The rows of a sheet, the header being row 1, bounded by ``sheet_rows`` and ``sheet_columns``.

    Raises:
        Unreadable: a row cannot be read, or there are too many; its number is set.
    """
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except Unreadable as exc:
            raise Unreadable(exc.reason, number) from None
        if number > LIMITS.sheet_rows + 1:
            raise Unreadable(_TOO_MANY_ROWS.bind(n=LIMITS.sheet_rows), number)
        if len(row) > LIMITS.sheet_columns:
            raise Unreadable(_TOO_MANY_COLUMNS.bind(n=LIMITS.sheet_columns), number)
        yield row


def _too_large() -> InvalidInput:
    return InvalidInput("file", f"larger than a sheet may be ({LIMITS.sheet_bytes:,} bytes)")


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    with open_input(path) as file:
        if os.fstat(file.fileno()).st_size > LIMITS.sheet_bytes:
            raise _too_large()
        yield file


# --- .csv --------------------------------------------------------------------------------------

ENCODINGS: Final = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1258": "Windows-1258"}
"""The encodings a .csv file may be read in, by Python's codec name, with their usual names."""

_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _encoding(encoding: str | None) -> str:
    """The codec *encoding* names (UTF-8 when None), one of `ENCODINGS`."""
    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        name = ""
    name = {"utf-8-sig": "utf-8"}.get(name, name)
    if name not in ENCODINGS:
        known = ", ".join(f"{code} ({label})" for code, label in ENCODINGS.items())
        raise InvalidInput("encoding", f"expected one of {known}")
    return name


def _codec(head: bytes, encoding: str | None) -> tuple[str, int]:
    """The codec a file starting with *head* is read with, and its byte-order mark's length."""
    name = _encoding(encoding)
    for bom, codec in _BOMS:
        if head.startswith(bom):  # the file says what it is: that wins over a guess
            return codec, len(bom)
    # UTF-16 without a byte-order mark: little-endian, as Windows writes it.
    return ("utf-16-le" if name == "utf-16" else name), 0


def _label(codec: str) -> str:
    return ENCODINGS[codec.removesuffix("-le").removesuffix("-be")]


def csv_encoding(path: Path, encoding: str | None = None) -> str:
    """
    The encoding a .csv file is read in, by its usual name (``"UTF-8"``, ``"Windows-1258"``).

    Its byte-order mark if it has one (UTF-8 or UTF-16), else *encoding*, else UTF-8.

    Raises:
        InvalidInput: *encoding* is not one of `ENCODINGS`, or the file is not a regular file.
    """
    _encoding(encoding)  # an unknown name is refused before the file is opened
    with _opened(path) as file:
        return _label(_codec(file.read(4), encoding)[0])


def _row_chars() -> int:
    """The longest row of a .csv file: every column holding the longest text, 4 times over."""
    return LIMITS.sheet_columns * LIMITS.text_chars * 4


# A line ends at \r\n, \n or \r, as Python's own reading with newline="" splits it. Only
# the endings are searched for: a pattern for whole lines retries from every character of
# a long line without one, in quadratic time.
_LINE_END: Final = re.compile(r"\r\n|\n|\r")


class _Lines:
    """
    The decoded lines of a file, for `csv.reader`, each row bounded before it is parsed.

    `chars` counts the characters given since the caller last set it to 0 (a row's start).
    """

    def __init__(self, file: BinaryIO, codec: str) -> None:
        self._file = file
        self._codec = codec
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self._codec)("strict")
        pending, read, final = "", 0, False
        while not final:
            chunk = self._file.read(1 << 16)
            read += len(chunk)
            if read > LIMITS.sheet_bytes:  # the file grew after it was measured
                raise _too_large()
            final = not chunk
            broken = False
            try:
                pending += decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                # Give the rows before the bad bytes first, so the error names its row.
                pending += exc.object[: exc.start].decode(self._codec, "replace")
                broken = True
            start = 0
            for ending in _LINE_END.finditer(pending):
                if ending.end() == len(pending) and ending.group() == "\r" and not final:
                    break  # maybe the first half of \r\n
                yield self._checked(pending[start : ending.end()])
                start = ending.end()
            pending = pending[start:]
            if broken:
                raise self._undecodable(pending)
            if len(pending) > _row_chars():
                raise Unreadable(_ROW_TOO_LONG.bind(n=_row_chars()))
        if pending:
            yield self._checked(pending)

    def _undecodable(self, before: str) -> Unreadable:
        """Why a row's bytes after *before* are no text in the codec."""
        if "\x00" in before:  # UTF-16 without its mark, or no text at all
            return Unreadable(_NUL)
        if self._codec == "utf-8":
            return Unreadable(_NOT_UTF_8)
        return Unreadable(_NOT_IN_ENCODING.bind(encoding=_label(self._codec)))

    def _checked(self, line: str) -> str:
        self.chars += len(line)
        if self.chars > _row_chars():
            raise Unreadable(_ROW_TOO_LONG.bind(n=_row_chars()))
        if "\x00" in line:
            raise Unreadable(_NUL)
        return line


@contextlib.contextmanager
def csv_rows(path: Path, encoding: str | None) -> Iterator[Iterator[Sequence[object]]]:
    """
    The rows of a .csv file, decoded (see `csv_encoding`), each row bounded.

    Raises:
        InvalidInput: the file is not a regular file, is too large, or *encoding* is unknown.
        Unreadable: while iterating, a row cannot be read.
    """
    _encoding(encoding)
    with _opened(path) as file:
        codec, bom = _codec(file.read(4), encoding)
        file.seek(bom)
        yield _parsed(_Lines(file, codec))


def _parsed(lines: _Lines) -> Iterator[Sequence[object]]:
    reader = csv.reader(lines)
    while True:
        lines.chars = 0
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module's own bound on a field (131,072 characters by default, for
            # every user of the module in the process: it is not ours to change).
            if "field limit" in str(exc):
                raise Unreadable(_CELL_TOO_LONG.bind(n=csv.field_size_limit())) from None
            raise Unreadable(_NOT_CSV) from None
        yield row


# --- .xlsx -------------------------------------------------------------------------------------

_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _STRING = f"{_MAIN} row", f"{_MAIN} c", f"{_MAIN} si"
_RATIO_FROM: Final = 1 << 20  # small parts (a few KB of repeated XML) compress very well


class Extent:
    """The rows and columns a workbook's sheets reach, as scanned; within the limits."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.strings = 0
        self.elements = 0
        # Within the part being scanned.
        self._row = self._rows = self._column = self._cells = self._row_elements = 0
        self._in_row = self._in_string = 0

    def scan(self, part: IO[bytes]) -> None:
        """Scan one part of the workbook; stop quietly where it is not XML."""
        self._row = self._rows = self._in_row = self._in_string = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = _no_doctype
        try:
            while chunk := part.read(1 << 16):
                parser.Parse(chunk, False)  # noqa: FBT003 - pyexpat takes it positionally
            parser.Parse(b"", True)  # noqa: FBT003
        except expat.ExpatError:
            # Not XML (an image), or broken: openpyxl stops at the same place, if it
            # reads this part at all, and what comes before was counted.
            return

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self._in_row:
            self._in_row += 1
            self._row_elements += 1
            # A cell is a few elements (<c><v>, <c><is><t>, rich text runs): 16 a column.
            if self._row_elements > LIMITS.sheet_columns * 16:
                raise _refused(
                    f"row {self._row:,} holds more than {LIMITS.sheet_columns * 16:,} XML elements"
                )
            if name == _CELL:
                self._cell(attributes)
        elif self._in_string:
            self._in_string += 1
        elif name == _ROW:
            self._in_row = 1
            self._row_elements = self._cells = self._column = 0
            self._row = _row_number(attributes.get("r")) or self._row + 1
            self._rows += 1
            if max(self._row, self._rows) > LIMITS.sheet_rows + 1:
                raise _refused(f"a sheet has more than {LIMITS.sheet_rows:,} rows: split the list")
            self.rows = max(self.rows, self._row)
        elif name == _STRING:
            self._in_string = 1
            self.strings += 1
            if self.strings > LIMITS.sheet_strings:
                raise _refused(f"more than {LIMITS.sheet_strings:,} shared strings")
        else:
            self.elements += 1
            if self.elements > LIMITS.sheet_elements:
                raise _refused(
                    f"more than {LIMITS.sheet_elements:,} XML elements besides its cells"
                )

    def _cell(self, attributes: dict[str, str]) -> None:
        self._cells += 1
        self._column = _column_number(attributes.get("r")) or self._column + 1
        if max(self._column, self._cells) > LIMITS.sheet_columns:
            raise _refused(f"row {self._row:,} has more than {LIMITS.sheet_columns:,} columns")
        self.columns = max(self.columns, self._column)

    def _end(self, _name: str) -> None:
        if self._in_row:
            self._in_row -= 1
        elif self._in_string:
            self._in_string -= 1


def _refused(reason: str) -> InvalidInput:
    return InvalidInput("file", f"the workbook is too large to read: {reason}")


def _no_doctype(*_args: object) -> None:
    # A workbook never declares a document type; one that does may define entities that
    # expand a few bytes into millions of elements.
    raise InvalidInput("file", "not a readable .xlsx workbook (it declares a document type)")


def _row_number(text: str | None) -> int | None:
    # As openpyxl reads it: an integer, or a float with an integer value ("5.0").
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None  # openpyxl refuses it when it reads the row
    if not value.is_integer():
        return None
    return int(min(value, 2.0**62))


_COLUMN_LETTERS: Final = re.compile(r"\$?([A-Za-z]+)")


def _column_number(reference: str | None) -> int | None:
    # "AB12" or "$AB$12" -> 28; anything else is left to openpyxl, which refuses it.
    found = _COLUMN_LETTERS.match(reference or "")
    if found is None:
        return None
    number = 0
    for letter in found.group(1)[:4]:  # four letters are already past any limit
        number = number * 26 + ord(letter.upper()) - ord("A") + 1
    return number


_UNREADABLE_WORKBOOK = "not a readable .xlsx workbook"
# What zipfile, zlib and a truncated file raise on a broken or unsupported archive.
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)


_END, _LOCATOR = b"PK\x05\x06", b"PK\x06\x07"
_ENTRY_BYTES: Final = 1024  # a part's entry in the directory: its name and extras, generously


def _directory_bytes(file: BinaryIO) -> int:
    """
    The largest size of a zip's central directory its end records give, 0 if none is found.

    zipfile reads the whole directory into objects as soon as it opens a file (about
    600 bytes for each part, a part taking 46 bytes of directory): it is measured first,
    from the end records zipfile reads (the plain one, and the zip64 one before it).
    """
    end = file.seek(0, os.SEEK_END)
    start = max(0, end - (1 << 16) - 22 - 20 - 56)  # the longest comment, and the records
    file.seek(start)
    tail = file.read()
    at = len(tail) - 22 if tail[-22:-18] == _END else tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        return 0  # not a zip: zipfile says so
    sizes = [int.from_bytes(tail[at + 12 : at + 16], "little")]
    locator = tail[max(at - 20, 0) : at]
    if locator.startswith(_LOCATOR):
        # The zip64 record: right before the locator, or where the locator says it is.
        record = tail[max(at - 76, 0) : at - 20]
        sizes.append(int.from_bytes(record[40:48], "little"))
        file.seek(int.from_bytes(locator[8:16], "little"))
        sizes.append(int.from_bytes(file.read(56)[40:48], "little"))
    return max(sizes)


def _checked(file: BinaryIO) -> Extent:
    """Check a workbook's zip directory, then scan its parts; before openpyxl opens it."""
    if _directory_bytes(file) > LIMITS.sheet_parts * _ENTRY_BYTES:
        raise _refused(f"more than {LIMITS.sheet_parts:,} parts")
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except _ZIP_ERRORS:
        raise InvalidInput("file", _UNREADABLE_WORKBOOK) from None
    extent = Extent()
    with archive:
        parts = archive.infolist()
        if len(parts) > LIMITS.sheet_parts:
            raise _refused(f"more than {LIMITS.sheet_parts:,} parts")
        if sum(part.file_size for part in parts) > LIMITS.sheet_bytes:
            raise _refused(f"more than {LIMITS.sheet_bytes:,} bytes once decompressed")
        for part in parts:
            if part.file_size > _RATIO_FROM and (
                part.file_size > LIMITS.sheet_ratio * max(part.compress_size, 1)
            ):
                raise _refused(
                    f"a part is compressed more than {LIMITS.sheet_ratio} times (a zip bomb?)"
                )
        try:
            for part in parts:
                # zipfile stops at the size the directory gives (a CRC error past it), so
                # what the directory says bounds what is decompressed.
                with archive.open(part) as member:
                    extent.scan(member)
        except InvalidInput:  # a limit the scan found (InvalidInput is a ValueError too)
            raise
        except _ZIP_ERRORS:
            raise InvalidInput("file", _UNREADABLE_WORKBOOK) from None
    return extent


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """
    Silence openpyxl's warnings around one call into it.

    They are about what it leaves out of a workbook (data validation, conditional
    formats, a missing default style, a date cell out of range, which reads as an error
    value); the values are read all the same, and a clerk cannot act on a line printed
    on a terminal. Only openpyxl's UserWarnings, and only around each call, not across a
    whole reading: the warning filters are the whole process's.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        yield


@contextlib.contextmanager
def workbook(path: Path) -> Iterator[tuple[Workbook, Extent]]:
    """
    Open a workbook read-only, once checked (see `Extent`); closed when the block ends.

    Raises:
        InvalidInput: the file is not a regular file, not a readable workbook, or holds
            more than the limits.
    """
    import openpyxl  # noqa: PLC0415 - only .xlsx users pay for importing it

    with _opened(path) as file:
        extent = _checked(file)
        file.seek(0)
        try:
            with _quiet():
                book = openpyxl.load_workbook(
                    file, read_only=True, data_only=True, keep_links=False
                )
        except Exception:  # noqa: BLE001 - any unreadable workbook is one clear error
            raise InvalidInput("file", _UNREADABLE_WORKBOOK) from None
        try:
            yield book, extent
        finally:
            book.close()


def workbook_rows(sheet: Worksheet, extent: Extent) -> Iterator[Sequence[Any]]:
    """
    The rows of *sheet*, as many as the scan found and as wide (never what the sheet claims).

    Raises:
        Unreadable: while iterating, openpyxl cannot read a row (a number or a date cell
            it cannot parse, a broken part).
    """
    # The sheet's own <dimension> may claim a million rows of 16,384 columns: openpyxl
    # would pad every row to it. The scan's figures are what is really there.
    try:
        rows = sheet.iter_rows(
            max_row=max(extent.rows, 1), max_col=max(extent.columns, 1), values_only=True
        )
    except AttributeError:  # a chart sheet named as the list: no rows to read
        raise Unreadable(_BROKEN_ROW) from None
    while True:
        try:
            with _quiet():
                row = next(rows)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - openpyxl raises what its parsers raise
            raise Unreadable(_BROKEN_ROW) from None
        yield row


# --- how long a reading will be ----------------------------------------------------------------

_ROW_TAG: Final = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION: Final = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?[A-Za-z]+\$?\d+(?::\$?[A-Za-z]+\$?(\d+))?\""
)
_WORKSHEET: Final = re.compile(r"xl/worksheets/[^/]+\.xml")


def _rows_in(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The rows a worksheet part claims (its dimension), else the row elements it holds."""
    with archive.open(part) as member:
        head = member.read(4096)
        found = _DIMENSION.search(head)
        if found is not None and found.group(1) is not None:
            return int(found.group(1)[:7])
        # No dimension first (a write-only workbook puts none there): the row tags are
        # counted in the bytes as they are decompressed, never parsed.
        rows, tail = 0, b""
        chunk = head
        while chunk:
            text = tail + chunk
            rows += len(_ROW_TAG.findall(text)) - len(_ROW_TAG.findall(tail))
            tail = text[-16:]
            chunk = member.read(1 << 20)
        return rows


def row_estimate(path: Path) -> int:
    """
    About how many rows a sheet file holds besides its header: for a progress bar only.

    A .csv file's line breaks are counted in its bytes (never decoded or parsed); a
    workbook's rows are the most any of its worksheets holds: the ``<dimension>`` in its
    first kilobytes, else its row tags counted in the bytes (never parsed), within the
    limits reading it checks. Capped at ``sheet_rows``; 0 when the file gives no figure
    or would be refused (reading it then says why).
    """
    try:
        with _opened(path) as file:
            if path.suffix.lower() == ".csv":
                breaks = 0
                while chunk := file.read(1 << 20):
                    breaks += chunk.count(b"\n")
                return min(max(breaks - 1, 0), LIMITS.sheet_rows)
            if _directory_bytes(file) > LIMITS.sheet_parts * _ENTRY_BYTES:
                return 0
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                parts = archive.infolist()[: LIMITS.sheet_parts]
                if sum(part.file_size for part in parts) > LIMITS.sheet_bytes or any(
                    part.file_size > _RATIO_FROM
                    and part.file_size > LIMITS.sheet_ratio * max(part.compress_size, 1)
                    for part in parts
                ):
                    return 0  # what reading it refuses: no figure
                counts = [_rows_in(archive, p) for p in parts if _WORKSHEET.fullmatch(p.filename)]
                return min(max(max(counts, default=0) - 1, 0), LIMITS.sheet_rows)
    except (InvalidInput, *_ZIP_ERRORS):
        return 0
