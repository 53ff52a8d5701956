"""Reading the first sheet of an .xlsx workbook, streamed and bounded.

openpyxl's ``read_only`` mode parses one row at a time; the rows are counted as they come and
reading stops at the first limit. Before that the archive's expanded size is checked (a 1 MB
workbook can expand to gigabytes), and afterwards two things that make rows look empty are
looked for and explained: formulas whose values were never saved, and merged cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from data_access.imports.report import ImportRefused

MAX_EXPANDED_BYTES = 1024 * 1024 * 1024
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _dimensions_before_sheet_data(sheet) -> None:  # noqa: ANN001 - openpyxl ReadOnlyWorksheet
    """openpyxl's read-only sheet looks for the <dimension> element by parsing until the END of
    <sheetData> when the element is missing, holding every row it passes: a 25 MB workbook of 5
    million rows without one took 420 MB and 20 s before reading began. The schema puts
    <dimension> before <sheetData>, so this stops at the START of <sheetData>."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG, iterparse

    with sheet._get_source() as source:  # noqa: SLF001 - the method openpyxl itself uses
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == DIMENSION_TAG:
                reference = element.get("ref") or ""
                if ":" not in reference:
                    reference = f"{reference}:{reference}"
                try:
                    bounds = range_boundaries(reference)
                except (ValueError, TypeError):
                    return
                if None not in bounds:
                    sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = bounds  # noqa: SLF001
                return
            if element.tag == DATA_TAG:
                return


def read_xlsx(data: bytes, notes: list[str], max_rows: int, max_columns: int,
              cell_text: Callable[[object], str]) -> list[tuple[int, list[str]]]:  # fmt: skip
    """Numbered non-blank rows of the first sheet as text (row 1 is the header row)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _dimensions_before_sheet_data  # noqa: SLF001 - bounded, see above
    _check_expanded_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook gets the same answer
        raise ImportRefused(
            f"The Excel file cannot be opened ({type(error).__name__}): it may be damaged. Open it "
            "in Excel, save it again as an Excel Workbook (.xlsx) and import again."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        sheet_path = getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml")
        notes.append(f"Read as an Excel workbook (first sheet, '{sheet.title}').")
        if len(workbook.worksheets) > 1:
            notes.append(f"The workbook has {len(workbook.worksheets)} sheets; only the first was read.")  # fmt: skip
        width = min(sheet.max_column or max_columns + 1, max_columns + 1)
        numbered = _rows(sheet, width, max_rows, cell_text)
        merged, has_formulas = _scan_sheet_xml(data, sheet_path)
    except ImportRefused:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged archive or sheet, found while streaming
        raise ImportRefused(
            f"The Excel file is damaged and cannot be read to the end ({type(error).__name__}). "
            "Open it in Excel, save it again as an Excel Workbook (.xlsx) and import again."
        ) from None
    finally:
        workbook.close()
    if merged:
        shown = ", ".join(merged[:3]) + (
            f" and {len(merged) - 3:,} more" if len(merged) > 3 else ""
        )
        raise ImportRefused(
            f"The sheet has merged cells ({shown}). A merged cell keeps its value only in its "
            "first cell, so the other rows would look empty. Select the sheet, choose Home → "
            "Merge & Center → Unmerge Cells, fill in every row, save and import again."
        )
    if has_formulas:
        _refuse_formulas_without_values(data, numbered, width, max_rows)
    return numbered


def _check_expanded_size(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > MAX_EXPANDED_BYTES:
        raise ImportRefused(
            f"This workbook expands to {expanded / 1024 / 1024:,.0f} MB when opened (the limit is "
            f"{MAX_EXPANDED_BYTES // 1024 // 1024:,} MB): it holds far more than one extract. "
            "Check it is the right file, or split it and import each part."
        )


def _rows(sheet, width: int, max_rows: int, cell_text: Callable[[object], str]) -> list[tuple[int, list[str]]]:  # noqa: ANN001  # fmt: skip
    numbered: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=width), start=1):
        if number > max_rows + 1:
            raise ImportRefused(
                f"The sheet has more than {max_rows:,} data rows, the most one import takes; "
                "reading stopped there and nothing was imported. Check for rows filled far down "
                "the sheet, or split the extract (for example by month) and import each part."
            )
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            numbered.append((number, cells))
    return numbered


def _scan_sheet_xml(data: bytes, sheet_path: str) -> tuple[list[str], bool]:
    """Merged ranges and whether any formula appears, read from the sheet's XML in chunks."""
    merged: list[str] = []
    has_formulas = False
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path) as source:
        while chunk := source.read(1024 * 1024):
            window = tail + chunk
            has_formulas = has_formulas or bool(_FORMULA_RE.search(window))
            merged += [m.decode() for m in _MERGE_RE.findall(window) if m.decode() not in merged]
            tail = window[-200:]
    return merged, has_formulas


def _refuse_formulas_without_values(data: bytes, numbered: list[tuple[int, list[str]]],
                                    width: int, max_rows: int) -> None:  # fmt: skip
    """A formula cell with no saved value reads as empty: find the first and say so."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    read = dict(numbered)
    header = numbered[0][1] if numbered else []
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        rows = workbook.worksheets[0].iter_rows(
            values_only=True, max_col=width, max_row=max_rows + 1
        )
        for number, formulas in enumerate(rows, start=1):
            values = read.get(number, [])
            for index, formula in enumerate(formulas):
                empty = index >= len(values) or not values[index].strip()
                if empty and isinstance(formula, str) and formula.startswith("="):
                    name = header[index] if index < len(header) and number > 1 else ""
                    column = f"column {get_column_letter(index + 1)}" + (
                        f" ('{name}')" if name else ""
                    )
                    raise ImportRefused(
                        f"Row {number:,}, {column} holds a formula ({formula[:40]}) whose value was "
                        "never saved: the file was written by a program that does not calculate "
                        "formulas. Open it in Excel and save it again (or copy the sheet and Paste "
                        "Special → Values), then import again."
                    )
    finally:
        workbook.close()
