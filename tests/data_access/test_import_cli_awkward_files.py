"""The awkward files real extracts arrive as, through the command line (``python -m data_access
import FILE``) on SQLite and PostgreSQL: each is read or refused with its exit code and a message
in plain words naming the row and column, never a traceback, and a refused file changes nothing
(every table's row count and the import log are compared before and after)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data_access import models as m
from data_access.__main__ import main
from data_access.engine import make_engine, migrate
from data_access.reference import load_reference
from tests.conftest import fresh_postgres_database

HEADER = "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode"
GOOD = "R-1,LCS-1,2026-10-03,police,cce,risk_assessment,BD5 0AA"
ACTIONS = "source_id,objective_number,action,lead_agency,due_on,updated_on,status,progress_pct,note"
ACTION = "U-1,5,Licensing,Police,2027-03-31,2026-10-12,at_risk,60,{note}"
LOCATIONS = "source_id,location_type,name,postcode,first_reported,status"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory) -> str:  # noqa: ANN001
    """One store per dialect for the module, holding one committed import: every refused file
    below must leave it exactly as it is."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'store.sqlite'}"
        yield from _prepared(url)
    else:
        with fresh_postgres_database() as url:
            yield from _prepared(url)


def _prepared(url: str):  # noqa: ANN202
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as connection:
        load_reference(connection)
    engine.dispose()
    yield url


@pytest.fixture()
def cli(store_url, monkeypatch, capsys, tmp_path):  # noqa: ANN001, ANN201
    """Run the CLI import against the module's store; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "test-key-for-the-suite-0123456789")

    def run(path: Path, kind: str = "referrals", *extra: str) -> tuple[int, str, str]:
        code = main(["import", str(path), "--kind", kind, *extra])
        out = capsys.readouterr()
        return code, out.out, out.err

    if _counts(store_url)["import_log"] == 0:  # the first test of each store commits one file
        first = tmp_path / "first.csv"
        first.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
        assert run(first)[0] == 0
    return run


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar()
            for table in m.Base.metadata.sorted_tables
        }
        counts["last_import"] = connection.execute(select(func.max(m.ImportLog.id))).scalar() or 0
    engine.dispose()
    return counts


def _csv(tmp_path: Path, text: str, name: str = "extract.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path: Path, build: Callable, name: str = "extract.xlsx") -> Path:
    book = Workbook()
    build(book.active)
    path = tmp_path / name
    book.save(path)
    return path


def _zip(tmp_path: Path, members: dict[str, bytes], name: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def _formula_without_value(sheet) -> None:  # noqa: ANN001
    sheet.append(HEADER.split(","))
    sheet.append(GOOD.split(","))
    sheet.append(['=A2&"-2"', *GOOD.split(",")[1:]])  # openpyxl saves no cached value


def _merged(sheet) -> None:  # noqa: ANN001
    sheet.append(HEADER.split(","))
    sheet.append(GOOD.split(","))
    sheet.append(["R-2", *GOOD.split(",")[1:]])
    sheet.merge_cells("B2:B3")


def _damaged(tmp_path: Path) -> Path:
    """A workbook whose sheet is cut off half-way (an interrupted download)."""
    whole = _xlsx(
        tmp_path, lambda s: [s.append([f"R-{i}", "LCS-1"]) for i in range(500)], "whole.xlsx"
    )
    members = {}
    with zipfile.ZipFile(whole) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            members[name] = content[: len(content) // 2] if name.endswith("sheet1.xml") else content
    return _zip(tmp_path, members, "extract.xlsx")


# (file builder, kind, expected exit code, words the output must contain)
REFUSED = {
    "a 204,000-character cell": (
        lambda t: _csv(t, f"{HEADER}\n{GOOD.replace('R-1', 'R' + 'x' * 204_000)}\n"), "referrals", 1,
        ["row 2, column source_id", "Too long: 204,001 characters where at most 64 are allowed"],
    ),
    "a count of 10^20": (
        lambda t: _csv(t, "lsoa_code,year,children_0_17\nE01010620,2025,100000000000000000000\n"),
        "population", 1, ["row 2, column children_0_17", "outside the range this column allows (0 to 10,000)"],
    ),
    "a population year of 3000": (
        lambda t: _csv(t, "lsoa_code,year,children_0_17\nE01010620,3000,500\n"), "population", 1,
        ["row 2, column year", "3000 is outside the range"],
    ),
    "a row with more cells than the header": (
        lambda t: _csv(t, f"{HEADER}\n{GOOD}\n{GOOD.replace('R-1', 'R-2')},Leeds Road\n"), "referrals", 1,
        ["row 3", "Row 3 has 8 cells but the header has 7 columns", "double quotes"],
    ),
    "a date before 2000": (
        lambda t: _csv(t, f"{HEADER}\n{GOOD.replace('2026-10-03', '1999-12-31')}\n"), "referrals", 1,
        ["row 2, column referred_on", "before 1 January 2000"],
    ),
    "the year 1": (
        lambda t: _csv(t, f"{HEADER}\n{GOOD.replace('2026-10-03', '0001-01-01')}\n"), "referrals", 1,
        ["row 2, column referred_on", "before 1 January 2000"],
    ),
    "a birth month in the future": (
        lambda t: _csv(t, f"{HEADER},birth_month\n{GOOD},2099-01\n"), "referrals", 1,
        ["row 2, column birth_month", "is in the future"],
    ),
    "a birth month of someone over 25": (
        lambda t: _csv(t, f"{HEADER},birth_month\n{GOOD},1980-01\n"), "referrals", 1,
        ["row 2, column birth_month", "older than 25"],
    ),
    "a note naming a person at a home address with a landline": (
        lambda t: _csv(t, f'{ACTIONS}\n{ACTION.format(note=chr(34) + "Visited Jane Smith at 14 Oak Street, landline 01632 960 123" + chr(34))}\n'),
        "action_updates", 1,
        ["row 2, column note", "personal data", "Jane Smith", "a phone number", "house number and street"],
    ),
    "a landline on its own": (
        lambda t: _csv(t, f"{ACTIONS}\n{ACTION.format(note='ring the school on 01274 123456')}\n"),
        "action_updates", 1, ["row 2, column note", "a phone number"],
    ),
    "a home as a location of concern": (
        lambda t: _csv(t, f'{LOCATIONS}\nL-1,other,"Jane Smith\'s flat, 14 Oak Street",BD1 1AA,2026-09-01,open\n'),
        "locations_of_concern", 1, ["row 2, column name", "Jane Smith", "a home address"],
    ),
    "a flat number as a location of concern": (
        lambda t: _csv(t, f'{LOCATIONS}\nL-1,other,"Flat 2, Manor House",BD1 1AA,2026-09-01,open\n'),
        "locations_of_concern", 1, ["row 2, column name", "a flat or house number"],
    ),
    "a duplicated column": (
        lambda t: _csv(t, f"{HEADER},postcode\n{GOOD},BD5 0AA\n"), "referrals", 1,
        ["Column 'postcode' appears twice (columns G and H)"],
    ),
    "a PNG renamed .xlsx": (
        lambda t: _csv_bytes(t, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "extract.xlsx"), "referrals", 1,
        ["PNG image", "not a spreadsheet", "CSV (UTF-8) or as an Excel workbook"],
    ),
    "a PDF renamed .csv": (
        lambda t: _csv_bytes(t, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "extract.csv"), "referrals", 1,
        ["PDF document"],
    ),
    "a Word .docx renamed .xlsx": (
        lambda t: _zip(t, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}, "extract.xlsx"),
        "referrals", 1, ["Word document (.docx)"],
    ),
    "a Word .doc renamed .xlsx": (
        lambda t: _csv_bytes(t, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le"), "extract.xlsx"),
        "referrals", 1, ["Word document (.doc)"],
    ),
    "a zip that is not a workbook": (
        lambda t: _zip(t, {"referrals.csv": f"{HEADER}\n{GOOD}\n".encode()}, "extract.xlsx"), "referrals", 1,
        ["zip archive", "referrals.csv", "Unzip it"],
    ),
    "formulas with no saved values": (
        lambda t: _xlsx(t, _formula_without_value), "referrals", 1,
        ["Row 3, column A ('source_id') holds a formula", "Open it in Excel and save it again"],
    ),
    "merged cells": (
        lambda t: _xlsx(t, _merged), "referrals", 1, ["merged cells (B2:B3)", "Unmerge"],
    ),
    "a damaged workbook": (
        _damaged, "referrals", 1, ["The Excel file is damaged", "save it again"],
    ),
    "a sheet that runs to row 1,048,576": (
        lambda t: _xlsx(t, lambda s: (s.append(HEADER.split(",")), s.append(GOOD.split(",")),
                                     s.cell(row=1_048_576, column=1, value="x"))),
        "referrals", 1, ["more than 250,000 data rows", "reading stopped there"],
    ),
}  # fmt: skip


def _csv_bytes(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_with_plain_words_and_nothing_changed(cli, store_url, tmp_path, case):
    build, kind, exit_code, words = REFUSED[case]
    path = build(tmp_path)
    before = _counts(store_url)
    code, out, err = cli(path, kind)
    assert code == exit_code, (out, err)
    assert "Traceback" not in out + err
    for word in words:
        assert word in out + err, (word, out, err)
    assert "Nothing was imported" in err
    assert _counts(store_url) == before


def test_the_refused_rows_are_refused_even_with_valid_rows_only(cli, store_url, tmp_path):
    """--valid-rows-only leaves out an out-of-range row instead of crashing the commit."""
    path = _csv(tmp_path, "lsoa_code,year,children_0_17\nE01010620,2025,10000000000000000000\n"
                          "E01010620,2024,512\n")  # fmt: skip
    before = _counts(store_url)
    code, out, err = cli(path, "population", "--valid-rows-only")
    assert code == 0, (out, err)
    assert "row 2, column children_0_17" in out and "1 rejected row(s) were left out" in out
    after = _counts(store_url)
    assert after["population"] == before["population"] + 1
    assert after["import_log"] == before["import_log"] + 1


@pytest.mark.parametrize(
    ("case", "words"),
    [("folder", "is a folder, not a file"), ("missing", "no such file"),
     ("too big", "the limit is 50 MB"), ("pipe", "is not an ordinary file")],
)  # fmt: skip
def test_paths_that_cannot_be_imported(cli, store_url, tmp_path, case, words):
    if case == "folder":
        path = tmp_path
    elif case == "missing":
        path = tmp_path / "nowhere.csv"
    elif case == "pipe":  # reading a named pipe would wait for ever
        path = tmp_path / "extract.csv"
        os.mkfifo(path)
    else:
        path = tmp_path / "huge.csv"
        with path.open("wb") as handle:  # a sparse 60 MB file: refused from its size alone
            handle.truncate(60 * 1024 * 1024)
    before = _counts(store_url)
    code, out, err = cli(path)
    assert code == 2 and words in err and "Traceback" not in out + err
    assert _counts(store_url) == before


@pytest.mark.parametrize(
    ("case", "data", "note"),
    [
        ("CR-only line endings", f"{HEADER}\r{GOOD}\r".encode(), "carriage return only"),
        ("UTF-16 without a byte-order mark", f"{HEADER}\r\n{GOOD}\r\n".encode("utf-16-le"), "UTF-16"),
        ("big-endian UTF-16 without a BOM", f"{HEADER}\n{GOOD}\n".encode("utf-16-be"), "UTF-16"),
        ("tabs in UTF-16 with a BOM", f"{HEADER}\n{GOOD}\n".replace(",", "\t").encode("utf-16"), "UTF-16"),
    ],
)  # fmt: skip
def test_awkward_encodings_and_line_endings_are_read(cli, store_url, tmp_path, case, data, note):
    path = _csv_bytes(tmp_path, data, "extract.csv")
    before = _counts(store_url)
    code, out, err = cli(path, "referrals", "--dry-run")
    assert code == 0, (case, out, err)
    assert "1 rows read; 1 valid; 0 rejected" in out and note in out
    assert _counts(store_url) == before  # a dry run writes nothing


def test_an_unexpected_error_is_a_sentence_not_a_traceback(cli, store_url, tmp_path, monkeypatch):
    import data_access.imports as imports

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("a bug")

    monkeypatch.setattr(imports, "validate", broken)
    before = _counts(store_url)
    code, out, err = cli(_csv(tmp_path, f"{HEADER}\n{GOOD}\n"))
    assert code == 3 and "could not be checked because of an unexpected error" in err
    assert "Nothing was imported" in err and "Traceback" not in out + err
    assert _counts(store_url) == before
