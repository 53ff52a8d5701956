"""The importer's checks in detail: personal data in free text (with no false alarms on the demo
data and the templates), per-column ranges, and file types told apart by their first bytes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access import models as m
from data_access.imports.bounds import STORE_INT_MAX, STORE_INT_MIN, date_bounds, int_bounds
from data_access.imports.formats import KINDS, Column, template_csv
from data_access.imports.identify import not_a_table
from data_access.imports.personal import first_names, personal_data_in
from data_access.imports.validate import validate

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("landline 01632 960 123", "a phone number"),
        ("call 0113 496 0000 after 5", "a phone number"),
        ("school office (01274) 123456", "a phone number"),
        ("London office 020 7946 0018", "a phone number"),
        ("mobile 07700 900123", "a phone number"),
        ("mobile +44 7700 900123", "a phone number"),
        ("mobile +44 (0)7700 900 123", "a phone number"),
        ("at 14 Oak Street", "a house number and street"),
        ("seen outside 2a, Manor Road", "a house number and street"),
        ("Flat 2, the Maltings", "a flat or house number"),
        ("Apartment 14", "a flat or house number"),
        ("Smith's flat", "someone's home"),
        ("Jane's house on the estate", "someone's home"),
        ("Visited Jane Smith today", "a person's name ('Jane Smith')"),
        ("Spoke to Imran Hussain", "a person's name ('Imran Hussain')"),
        ("Oliwia K. Nowak attended", "a person's name ('Oliwia Nowak')"),
        ("Mrs Khan reported it", "a person's name"),
        ("email j.smith@example.com", "an e-mail address"),
        ("seen at BD5 0AA", "a full postcode"),
    ],
)
def test_personal_data_in_free_text_is_found(text, what):
    assert what in (personal_data_in(text) or ""), personal_data_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Takeaway, Leeds Road", "Bus station, Interchange", "Victoria Road park", "Sainsbury's car park",
        "Ali Baba Kebab House", "Licensing laws, Child Abduction Warning Notices, SHPOs and STROs",
        "West Yorkshire Police", "Philomena Protocol launched in 2019", "St Giles Trust caseworkers",
        "Meeting on 2026-10-03 agreed 12 visits", "Phase 2 of 3 done; 45 staff trained",
        "Grace Church hall", "Oastler Centre", "Forster Square retail park", "Albert Dock",
        "Reference 2026/01/02 3", "A650 Bradford Road lay-by", "Kirkgate Centre, City Centre",
        "Leeds Road, Unit 4 car wash", "Children's home L-001", "English British", "Pakistani", "Any other White background",
    ],
)  # fmt: skip
def test_places_organisations_and_plain_notes_are_not_flagged(text):
    assert personal_data_in(text) is None


def test_the_first_name_list_is_shipped_and_large():
    names = first_names()
    assert len(names) > 2000
    assert {"Jane", "Imran", "Oliwia", "Muhammad", "Aisha", "Jakub"} <= names
    assert not {"Grace", "Will", "Mark", "May", "Paris"} & names  # everyday words left out


def test_demo_data_and_templates_hold_nothing_that_looks_personal(demo_engine):
    """The demo store's free text (what a round trip through an export and re-import would
    carry) and every template pass the checks: no false alarms on the names used in the demo."""
    with demo_engine.connect() as c:
        texts = [
            *c.execute(select(m.LocationOfConcern.name)).scalars(),
            *c.execute(select(m.StrategicAction.title)).scalars(),
            *c.execute(select(m.StrategicAction.lead_agency)).scalars(),
            *c.execute(select(m.ActionUpdate.note)).scalars(),
            *c.execute(select(m.Ward.name)).scalars(),
            *c.execute(select(m.AreaCommittee.name)).scalars(),
        ]
    assert len(texts) > 100
    flagged = {text: personal_data_in(text) for text in texts if personal_data_in(text)}
    assert flagged == {}
    for kind in KINDS:
        assert validate(template_csv(kind), "template.csv", kind, today=TODAY).clean


def test_whole_numbers_default_to_what_the_store_holds():
    plain = Column("count", "int", True, "", "1")
    assert int_bounds(plain, TODAY) == (STORE_INT_MIN, STORE_INT_MAX) == (-(2**31), 2**31 - 1)
    year = KINDS["population"].column("year")
    assert int_bounds(year, TODAY) == (2001, 2027)
    assert int_bounds(KINDS["action_updates"].column("progress_pct"), TODAY) == (0, 100)


def test_date_ranges_per_column():
    referred = KINDS["referrals"].column("referred_on")
    assert date_bounds(referred, TODAY) == (date(2000, 1, 1), TODAY)
    due = KINDS["action_updates"].column("due_on")
    assert date_bounds(due, TODAY) == (date(2000, 1, 1), date(2036, 11, 25))
    birth = KINDS["referrals"].column("birth_month")
    assert date_bounds(birth, TODAY) == (date(2000, 12, 1), date(2026, 11, 1))  # aged 0 to 25


def test_a_store_limit_number_is_refused_before_the_commit():
    head = "source_id,objective_number,action,lead_agency,due_on,updated_on,status,progress_pct"
    report = validate(f"{head}\nU-1,5,Licensing,Police,2027-03-31,2026-10-12,at_risk,2147483648\n".encode(),
                      "x.csv", "action_updates", today=TODAY)  # fmt: skip
    assert [(p.row, p.column) for p in report.problems] == [(2, "progress_pct")]
    assert "outside the range this column allows (0 to 100)" in report.problems[0].reason


@pytest.mark.parametrize(
    ("start", "what"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a", "GIF image"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "Workbook".encode("utf-16-le"), "(.xls, Excel 97-2003)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "EncryptedPackage".encode("utf-16-le"), "password"),
        (b"<html><table><tr><td>x</td></tr></table></html>", "web page (HTML)"),
    ],
)  # fmt: skip
def test_other_file_types_are_named(start, what):
    assert what in (not_a_table(start) or "")


def test_csv_text_is_not_mistaken_for_another_file_type():
    assert not_a_table(b"source_id,child_id\nR-1,C-1\n") is None


def test_a_refused_personal_value_is_not_repeated_and_long_values_are_shortened():
    """The report is shown, printed and downloadable: it must not carry the personal data it
    refused, nor a 204,000-character cell."""
    head = (
        "source_id,objective_number,action,lead_agency,due_on,updated_on,status,progress_pct,note"
    )
    row = "U-1,5,Licensing,Police,2027-03-31,2026-10-12,at_risk,60,call Jane Smith on 01632 960 123"
    problem = validate(
        f"{head}\n{row}\n".encode(), "x.csv", "action_updates", today=TODAY
    ).problems[0]
    assert (problem.row, problem.column) == (2, "note")
    assert problem.value == "(withheld: looks like personal data)"
    assert "01632" not in problem.reason and "Jane Smith" in problem.reason  # the reason names it
    long_id = "R" + "x" * 204_000
    header = "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode"
    data = f"{header}\n{long_id},LCS-1,2026-10-03,police,cce,risk_assessment,BD5 0AA\n".encode()
    problem = validate(data, "x.csv", "referrals", today=TODAY).problems[0]
    assert problem.value == "R" + "x" * 59 + "… (204,001 characters)"


def _workbook_without_dimension(rows: list[list[str]]) -> bytes:
    """An .xlsx whose sheet has no <dimension> element, as some exporters write it."""
    import io
    import zipfile

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )  # fmt: skip
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
             f'org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')  # fmt: skip
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for name in source.namelist():
            content = sheet.encode() if name == "xl/worksheets/sheet1.xml" else source.read(name)
            target.writestr(name, content)
    return out.getvalue()


def test_a_workbook_without_dimensions_is_read_whole():
    header = "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode"
    rows = [header.split(","), *[f"R-{i},LCS-{i},2026-10-03,police,cce,risk_assessment,BD5 0AA".split(",") for i in range(3)]]  # fmt: skip
    report = validate(_workbook_without_dimension(rows), "x.xlsx", "referrals", today=TODAY)
    assert report.clean and report.rows_in_file == 3
