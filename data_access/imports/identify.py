"""What a file really is, from its first bytes (its "magic number"), whatever its name says.

A data manager who picks the wrong file (a screenshot, the PDF of a report, a Word document, an
old-format .xls) should be told what the file is and what to do, not that it "is not UTF-8".
"""

from __future__ import annotations

import io
import zipfile

EXPORT_ADVICE = (
    "Export the extract from the source system as CSV (UTF-8) or as an Excel workbook (.xlsx), "
    "then import that file."
)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image (a picture, perhaps a screenshot)"),
    (b"\xff\xd8\xff", "a JPEG image (a picture or a photo)"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a compressed (gzip) archive"),
    (b"Rar!", "a compressed (RAR) archive"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed (7-Zip) archive"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def not_a_table(data: bytes) -> str | None:
    """A plain-English refusal if ``data`` is clearly not a CSV or an .xlsx workbook, else None.

    Zip files are left to :func:`zip_problem` (an .xlsx is a zip), text files to the CSV reader.
    """
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return f"This file is {what}, not a spreadsheet or CSV extract. {EXPORT_ADVICE}"
    if data.startswith(_OLE_MAGIC):
        return _ole_problem(data)
    start = data[:512].lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        return (
            "This file is a web page (HTML), though it may be named .xls: some systems export "
            "tables that way. Open it in Excel and choose 'Save as: Excel Workbook (.xlsx)' or "
            "'CSV UTF-8', then import that file."
        )
    return None


def _ole_problem(data: bytes) -> str:
    """Older Microsoft Office files share one container format (OLE compound file)."""
    if _utf16("EncryptedPackage") in data:
        return (
            "This Excel file is protected by a password, so it cannot be read. Open it in Excel, "
            "remove the password (File → Info → Protect Workbook → Encrypt with Password, clear "
            "it), save, and import again."
        )
    if _utf16("WordDocument") in data:
        return f"This file is a Word document (.doc), not a spreadsheet. {EXPORT_ADVICE}"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return (
            "This file is an old-format Excel workbook (.xls, Excel 97-2003). Open it in Excel "
            "and choose 'Save as: Excel Workbook (.xlsx)' or 'CSV UTF-8', then import that file."
        )
    return (
        "This file is an older Microsoft Office file (Word, Excel or PowerPoint 97-2003), not a "
        f"CSV or .xlsx extract. {EXPORT_ADVICE}"
    )


def zip_problem(data: bytes) -> str | None:
    """None for an .xlsx workbook; otherwise what the zip file is and what to do."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return (
            "This file starts like an Excel workbook (a zip file) but is damaged or incomplete. "
            "Download or export it again, open it in Excel to check it, and import again."
        )
    if "xl/workbook.xml" in names:
        return None
    if "word/document.xml" in names:
        return f"This file is a Word document (.docx), not a spreadsheet. {EXPORT_ADVICE}"
    if "ppt/presentation.xml" in names:
        return f"This file is a PowerPoint presentation (.pptx), not a spreadsheet. {EXPORT_ADVICE}"
    if b"opendocument.spreadsheet" in mimetype:
        return (
            "This file is an OpenDocument spreadsheet (.ods). Open it and choose 'Save as: Excel "
            "Workbook (.xlsx)' or 'CSV UTF-8', then import that file."
        )
    if b"opendocument" in mimetype:
        return f"This file is an OpenDocument text or presentation file. {EXPORT_ADVICE}"
    shown = ", ".join(sorted(names)[:3]) + (" …" if len(names) > 3 else "")
    return (
        f"This file is a zip archive holding {len(names):,} file(s) ({shown}), not an Excel "
        "workbook. Unzip it and import the CSV or .xlsx extract inside."
    )
