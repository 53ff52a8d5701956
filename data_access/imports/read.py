"""Step 1, reading: bytes of a CSV or .xlsx extract into a header and rows of text, or a plain
reason why the file cannot be read."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from data_access.imports.report import ImportRefused

MAX_BYTES = 50 * 1024 * 1024


def read_table(data: bytes, file_name: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows (as text) and notes on how the file was read. Raises ImportRefused."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"The file is {len(data) / 1024 / 1024:,.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
            "Split the extract (for example by month) and import each part."
        )
    if not data.strip(b"\xef\xbb\xbf\xff\xfe \r\n\t"):
        raise ImportRefused("The file is empty.")
    notes: list[str] = []
    if data[:2] == b"PK":
        rows = _read_xlsx(data)
        notes.append("Read as an Excel workbook (first sheet).")
    else:
        text = _decode(data, notes)
        sample = text[:65536]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        if delimiter != ",":
            notes.append(
                f"Columns are separated by '{delimiter}' rather than commas: read accordingly."
            )
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportRefused("The file is empty.")
    header, body = rows[0], rows[1:]
    if not body:
        raise ImportRefused("The file has a header row but no data rows.")
    return header, body, notes


def _decode(data: bytes, notes: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("Read as UTF-8 (the file starts with a byte-order mark, as Excel writes it).")
        return data[3:].decode("utf-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        notes.append("Read as UTF-16 (Excel's 'Unicode text' format).")
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        snippet = data[max(0, error.start - 20) : error.start + 10].decode("latin-1")
        raise ImportRefused(
            f"The file is not UTF-8: byte {error.start + 1:,} cannot be read (near '{snippet}'). It "
            "was probably saved as Latin-1/Windows-1252. In Excel choose 'Save as: CSV UTF-8', then "
            "import again."
        ) from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook gets the same answer
        raise ImportRefused(f"The Excel file cannot be read ({type(error).__name__}).") from None
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    workbook.close()
    return rows


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
