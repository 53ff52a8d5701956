"""Step 1, reading: bytes of a CSV or .xlsx extract into a header and rows of text, or a plain
reason why the file cannot be read.

Every step is bounded so that one awkward file cannot hang the shared Streamlit process: the size
is checked before anything is decoded, CSV and workbook rows are streamed and counted, and reading
stops at the first limit with a message that says which limit and what to do.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from data_access.imports.identify import not_a_table, zip_problem
from data_access.imports.report import ImportRefused
from data_access.imports.workbook import read_xlsx

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 250_000  # data rows in one file (the header is not counted)
MAX_COLUMNS = 60  # no import kind has more than 20 columns
MAX_CELL_CHARACTERS = 1_000_000  # the CSV reader's own limit; columns have far lower limits
DELIMITERS = ",;\t|"

# Python's csv module refuses cells over 131,072 characters with a bare error. A higher limit lets
# a long cell be read and then refused, with its row and column, by the column's own length rule.
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARACTERS))


@dataclass
class Table:
    """The header, the non-blank rows, each row's number in the file (header = 1) and notes."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def too_big(size: int) -> str | None:
    """The refusal for a file of ``size`` bytes, or None. Callers check before reading."""
    if size <= MAX_BYTES:
        return None
    return (
        f"The file is {size / 1024 / 1024:,.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
        "Split the extract (for example by month) and import each part."
    )


def read_table(data: bytes, file_name: str) -> Table:
    """Header, rows (as text) and notes on how the file was read. Raises ImportRefused."""
    if message := too_big(len(data)):
        raise ImportRefused(message)
    if not data.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        raise ImportRefused("The file is empty.")
    if message := not_a_table(data):
        raise ImportRefused(message)
    notes: list[str] = []
    if data[:2] == b"PK":
        if message := zip_problem(data):
            raise ImportRefused(message)
        numbered = read_xlsx(data, notes, MAX_ROWS, MAX_COLUMNS, _cell_text)
    else:
        numbered = _read_csv(_decode(data, notes), notes)
    if not numbered:
        raise ImportRefused("The file is empty.")
    (_, header), body = numbered[0], numbered[1:]
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(
            f"The header row has {len(header):,} columns; no extract has more than "
            f"{MAX_COLUMNS}. Check that this is the right file and that the first row is the "
            "header."
        )
    if not body:
        raise ImportRefused("The file has a header row but no data rows.")
    return Table(header, [cells for _, cells in body], [number for number, _ in body], notes)


def _read_csv(text: str, notes: list[str]) -> list[tuple[int, list[str]]]:
    """Numbered non-blank records, streamed, stopping at the row limit or the first bad record."""
    first_line = text[: text.find("\n") if "\n" in text[:65536] else 65536].split("\r")[0]
    delimiter = max(DELIMITERS, key=first_line.count) if first_line else ","
    if not first_line.count(delimiter):
        delimiter = ","
    if delimiter != ",":
        notes.append(
            f"Columns are separated by '{delimiter}' rather than commas: read accordingly."
        )
    if "\r" in text[:65536] and "\n" not in text[:65536]:
        notes.append("Lines end with a carriage return only (Excel for Mac 'CSV (Macintosh)'): read accordingly.")  # fmt: skip
    # newline="" lets the csv module see \r, \n and \r\n line endings (and line breaks in quotes).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                raise ImportRefused(_too_many_rows())
            if any(cell.strip() for cell in cells):
                numbered.append((number, cells))
    except csv.Error as error:
        raise ImportRefused(_csv_error_message(error, number + 1)) from None
    return numbered


def _too_many_rows() -> str:
    return (
        f"The file has more than {MAX_ROWS:,} data rows, the most one import takes; reading "
        "stopped there and nothing was imported. Split the extract (for example by month) and "
        "import each part."
    )


def _csv_error_message(error: csv.Error, number: int) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (
            f"Row {number:,} has a cell of more than {MAX_CELL_CHARACTERS:,} characters, far more "
            "than any column allows. Check the row (often a missing closing quote mark) and "
            "import again."
        )
    if "NUL" in text:
        return (
            f"Row {number:,} contains a null character, which a text file never holds: the file "
            "is probably not a CSV. Save the extract as 'CSV UTF-8' and import again."
        )
    return f"Row {number:,} cannot be read as CSV ({text}). Check its quote marks and import again."


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte of the start is a NUL, as in UTF-16 text
    of Latin letters written without a byte-order mark; else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes, notes: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("Read as UTF-8 (the file starts with a byte-order mark, as Excel writes it).")
        return _strict(data[3:], "utf-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        notes.append("Read as UTF-16 (Excel's 'Unicode text' format).")
        return _strict(data, "utf-16")
    if encoding := _utf16_without_bom(data):
        notes.append("Read as UTF-16 (Unicode text without a byte-order mark).")
        return _strict(data, encoding)
    if b"\x00" in data[:4096]:
        raise ImportRefused(
            "This file holds binary data, not text: it is not a CSV or an Excel workbook. Export "
            "the extract as CSV (UTF-8) or Excel .xlsx and import that file."
        )
    return _strict(data, "utf-8")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding != "utf-8":
            raise ImportRefused(
                f"The file looks like UTF-16 text but byte {error.start + 1:,} cannot be read. "
                "Save it from Excel as 'CSV UTF-8' and import again."
            ) from None
        snippet = data[max(0, error.start - 20) : error.start + 10].decode("latin-1")
        raise ImportRefused(
            f"The file is not UTF-8: byte {error.start + 1:,} cannot be read (near '{snippet}'). It "
            "was probably saved as Latin-1/Windows-1252. In Excel choose 'Save as: CSV UTF-8', then "
            "import again."
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour or value.minute)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
