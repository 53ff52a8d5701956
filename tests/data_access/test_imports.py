"""Imports: every documented format round-trips, every kind of bad input gets a clear message and
changes nothing, commits are atomic and idempotent (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl
import pytest
from openpyxl import Workbook
from sqlalchemy import func, inspect, select

from data_access import mace, queries
from data_access import models as m
from data_access.imports import ImportRefused, commit, validate
from data_access.imports import personal as importer_personal
from data_access.imports.formats import KINDS, dictionary_markdown, template_csv
from data_access.imports.formats_measures import MEASURE_KINDS
from data_access.imports.report import Problem
from data_access.sql import Scope
from domain.csv_safe import to_safe_csv
from domain.roles import RoleScope
from tests.conftest import REPO_ROOT

TODAY = date(2026, 11, 25)
HEADER = "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode"
GOOD = "R-1,LCS-1,2026-10-03,police,cce,risk_assessment,BD5 0AA"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "test-key-for-the-suite-0123456789")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def check(data: bytes, kind: str = "referrals"):  # noqa: ANN201
    return validate(data, "extract.csv", kind, today=TODAY)


def count(engine, model) -> int:  # noqa: ANN001
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def only_problem(report) -> Problem:  # noqa: ANN001
    assert len(report.problems) == 1, [(p.row, p.column, p.reason) for p in report.problems]
    return report.problems[0]


# ------------------------------------------------------------- formats round-trip


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in MEASURE_KINDS])  # own tests
def test_each_template_imports_and_reaches_the_pages(empty_engine, kind):
    report = validate(template_csv(kind), f"template-{kind}.csv", kind, today=TODAY)
    assert report.clean, [(p.column, p.reason) for p in report.problems]
    result = commit(empty_engine, report, "data@bradford.gov.uk")
    assert result.inserted == 1
    with empty_engine.connect() as c:
        if kind == "referrals":
            frame = queries.referral_counts(
                c, Scope(date(2026, 10, 1), date(2026, 10, 1)), ["exploitation_type"]
            )
            assert frame.rows() == [("cce", 1)]
        elif kind == "risk_assessments":
            frame = queries.cohort_counts(
                c, Scope(date(2026, 10, 1), date(2026, 10, 1)), ["risk_level"]
            )
            assert frame.rows() == [("moderate", 1)]
        elif kind == "missing_episodes":
            frame = queries.missing_counts(
                c, Scope(date(2026, 10, 1), date(2026, 10, 1)), ["placement_type"]
            )
            assert frame.rows() == [("residential", 1, 1)]
        elif kind == "locations_of_concern":
            places = mace.locations(c, RoleScope("mace"))
            assert (
                places["name"].to_list() == ["Takeaway, Leeds Road"]
                and places["ward"].item() is not None
            )
        elif kind == "action_updates":
            actions = queries.action_status(c, date(2026, 10, 31))
            assert actions.select("objective_number", "status", "progress_pct").rows() == [
                (5, "at_risk", 60)
            ]
        elif kind == "service_cases":
            from data_access.services import case_counts

            frame = case_counts(
                c, Scope(date(2026, 9, 1), date(2026, 9, 1)), ["service", "postcode_district"],
                "open_cases",
            )  # fmt: skip
            assert frame.rows() == [("trusted_relationships", "BD5", 1)]
        else:
            population = mace.area_population(c, "ward", 2025)
            assert population["population"].sum() == 512 and not population["synthetic"].any()


def test_xlsx_round_trip_with_real_date_cells(empty_engine):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "R-9",
            "LCS-9",
            datetime(2026, 9, 30),
            "health",
            "online_grooming",
            "early_help",
            "BD21 1AA",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    report = validate(buffer.getvalue(), "extract.xlsx", "referrals", today=TODAY)
    assert report.clean and "Excel workbook" in report.notes[0]
    assert commit(empty_engine, report, "d@b.uk").inserted == 1


def test_documentation_matches_the_formats():
    assert (REPO_ROOT / "docs" / "data-dictionary.md").read_text(
        encoding="utf-8"
    ).strip() == dictionary_markdown().strip()


# ------------------------------------------------------------- personal data


def test_child_ids_are_replaced_by_a_keyed_hash_and_postcodes_dropped(empty_engine, monkeypatch):
    commit(empty_engine, check(csv_bytes(HEADER, GOOD)), "d@b.uk")
    with empty_engine.connect() as c:
        child = c.execute(select(m.Child.pseudo_id, m.Child.source_hash)).one()
        referral_columns = {col["name"] for col in inspect(c).get_columns("referral")}
    assert "LCS-1" not in child.pseudo_id and "LCS-1" not in child.source_hash
    assert len(child.source_hash) == 64 and "postcode" not in referral_columns
    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "another-key-entirely-0123456789")
    assert importer_personal.pseudonymise("LCS-1") != child.source_hash  # the key matters
    monkeypatch.delenv("DASHBOARD_PSEUDONYM_KEY")
    with pytest.raises(ImportRefused, match="DASHBOARD_PSEUDONYM_KEY"):
        commit(empty_engine, check(csv_bytes(HEADER, GOOD.replace("R-1", "R-2"))), "d@b.uk")


def test_names_dates_of_birth_and_personal_free_text_are_refused():
    report = check(csv_bytes(HEADER + ",surname", GOOD + ",Smith"))
    assert "looks like personal data" in report.file_problems[0].reason
    report = check(csv_bytes(HEADER + ",birth_month", GOOD + ",2011-06-15"))
    assert "month and year only" in only_problem(report).reason
    head = (
        "source_id,objective_number,action,lead_agency,due_on,updated_on,status,progress_pct,note"
    )
    for note, what in (("call Jo on 07700 900123", "phone"), ("email j.smith@example.com", "e-mail"),
                       ("Mr Smith reported it", "name"), ("seen at BD5 0AA", "postcode")):  # fmt: skip
        report = check(
            csv_bytes(head, f"U-1,5,Licensing,Police,2027-03-31,2026-10-12,at_risk,60,{note}"),
            "action_updates",
        )
        assert what in only_problem(report).reason


# ------------------------------------------------------------- bad input: clear message


def test_latin1_is_refused_but_utf8_bom_utf16_and_semicolons_are_read():
    latin = (HEADER + "\n" + GOOD.replace("R-1", "R-é") + "\n").encode("latin-1")
    assert "not UTF-8" in only_problem(check(latin)).reason
    assert check(b"\xef\xbb\xbf" + csv_bytes(HEADER, GOOD)).clean
    assert check(
        ("\n".join([HEADER.replace(",", "\t"), GOOD.replace(",", "\t")]) + "\n").encode("utf-16")
    ).clean
    semicolons = check(csv_bytes(HEADER.replace(",", ";"), GOOD.replace(",", ";")))
    assert semicolons.clean and "';'" in semicolons.notes[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("45123", "Excel date number"),
        ("10/25/2026", "US order"),
        ("31/02/2026", "not a real date"),
        ("2026-12-25", "in the future"),
        ("yesterday", "not a date"),
    ],
)
def test_date_problems(value, message):
    problem = only_problem(check(csv_bytes(HEADER, GOOD.replace("2026-10-03", value))))
    assert (problem.row, problem.column, problem.value) == (2, "referred_on", value)
    assert message in problem.reason


def test_uk_day_month_order_is_read():
    report = check(csv_bytes(HEADER, GOOD.replace("2026-10-03", "03/10/2026")))
    assert report.clean and report.valid_rows[0]["referred_on"] == date(2026, 10, 3)


def test_missing_renamed_and_extra_columns():
    renamed = check(csv_bytes(HEADER.replace("referred_on", "referal_date"), GOOD))
    reasons = " ".join(p.reason for p in renamed.file_problems)
    assert (
        "Required column 'referred_on' is missing" in reasons
        and "Unexpected column 'referal_date'" in reasons
    )
    extra = check(csv_bytes(HEADER + ",shoe_size", GOOD + ",9"))
    assert "Unexpected column 'shoe_size'" in only_problem(extra).reason
    near = check(csv_bytes(HEADER + ",Referring Agencyy", GOOD + ",police"))
    assert "Did you mean 'referring_agency'?" in only_problem(near).reason


def test_empty_file_and_header_only():
    assert "empty" in only_problem(check(b"")).reason
    assert "empty" in only_problem(check(b"\n\n")).reason
    assert "no data rows" in only_problem(check(csv_bytes(HEADER))).reason


def test_unknown_codes_list_the_allowed_values():
    problem = only_problem(check(csv_bytes(HEADER, GOOD.replace(",cce,", ",gang,"))))
    assert problem.column == "exploitation_type" and "county_lines" in problem.reason
    head = "source_id,child_id,assessed_on,risk_level,exploitation_types,closed_on,postcode"
    problem = only_problem(
        check(csv_bytes(head, "A-1,C-1,2026-09-01,severe,cse,,BD5 0AA"), "risk_assessments")
    )
    assert problem.column == "risk_level" and "emerging, moderate, significant" in problem.reason


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("LS1 1UR", "not a postcode in Bradford"),
        ("hello", "not a postcode"),
        ("BD99 9ZZ", "not a postcode in Bradford"),
    ],
)
def test_places_outside_bradford_or_not_postcodes(postcode, message):
    problem = only_problem(check(csv_bytes(HEADER, GOOD.replace("BD5 0AA", postcode))))
    assert problem.column == "postcode" and message in problem.reason


def test_sector_and_lsoa_must_be_a_bradford_place():
    head = "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode_sector,lsoa_code"
    problem = only_problem(
        check(csv_bytes(head, "R-1,C-1,2026-10-03,police,cse,early_help,LS1 1,E01011111"))
    )
    assert "not a place in Bradford" in problem.reason


def test_return_before_start():
    head = ("source_id,child_id,started_at,returned_at,placement_type,return_interview_offered,"
            "return_interview_done,postcode")  # fmt: skip
    problem = only_problem(check(csv_bytes(head, "M-1,C-1,2026-10-03 21:00,2026-10-03 20:00,home,yes,no,BD5 0AA"),
                                 "missing_episodes"))  # fmt: skip
    assert problem.column == "returned_at" and "before" in problem.reason


def test_duplicated_rows_in_one_file():
    problem = only_problem(check(csv_bytes(HEADER, GOOD, GOOD)))
    assert problem.row == 3 and "Duplicate of row 2" in problem.reason


def test_a_200_mb_file_is_refused_before_reading():
    problem = only_problem(check(b"x" * (200 * 1024 * 1024)))
    assert "200.0 MB" in problem.reason and "limit is 50 MB" in problem.reason


def test_formula_sql_and_html_are_stored_as_text_and_escaped_on_the_way_out(empty_engine):
    head = "source_id,location_type,name,postcode,first_reported,status"
    names = [
        '=HYPERLINK("http://x")',
        "Robert'); DROP TABLE referral;--",
        "<script>alert(1)</script>",
        "@SUM(A1)",
    ]
    rows = [
        f'L-{i},cafe,"{n.replace(chr(34), chr(34) * 2)}",BD1 1AA,2026-09-0{i + 1},open'
        for i, n in enumerate(names)
    ]
    report = check(csv_bytes(head, *rows), "locations_of_concern")
    assert report.clean
    commit(empty_engine, report, "d@b.uk")
    with empty_engine.connect() as c:
        stored = mace.locations(c, RoleScope("mace"))["name"].to_list()
        assert inspect(c).has_table("referral")
    assert stored == names
    exported = to_safe_csv(pl.DataFrame({"name": stored})).decode("utf-8-sig")
    assert "\n'=HYPERLINK" in exported.replace('"', "") and "\n'@SUM" in exported
    assert "\n=" not in exported.replace('"', "")


# ------------------------------------------------------------- commit: atomic, idempotent


def test_commit_refuses_problems_unless_valid_rows_only(empty_engine):
    report = check(csv_bytes(HEADER, GOOD, GOOD.replace("R-1", "R-2").replace("police", "wizards")))
    with pytest.raises(ImportRefused, match="1 row"):
        commit(empty_engine, report, "d@b.uk")
    assert count(empty_engine, m.Referral) == 0
    result = commit(empty_engine, report, "d@b.uk", valid_rows_only=True)
    assert (result.inserted, result.rejected) == (1, 1)
    with empty_engine.connect() as c:
        log = c.execute(select(m.ImportLog.rows_rejected, m.ImportLog.valid_rows_only)).one()
    assert tuple(log) == (1, True)


def test_same_file_twice_changes_nothing_and_a_correction_updates(empty_engine):
    first = check(csv_bytes(HEADER, GOOD, GOOD.replace("R-1", "R-2")))
    assert commit(empty_engine, first, "d@b.uk").inserted == 2
    again = commit(
        empty_engine, check(csv_bytes(HEADER, GOOD, GOOD.replace("R-1", "R-2"))), "d@b.uk"
    )
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    corrected = commit(
        empty_engine, check(csv_bytes(HEADER, GOOD.replace("police", "health"))), "d@b.uk"
    )
    assert (corrected.updated, corrected.inserted) == (1, 0)
    with empty_engine.connect() as c:
        agencies = dict(c.execute(select(m.Referral.source_id, m.Referral.referring_agency)).all())
        logs = c.execute(select(func.count()).select_from(m.ImportLog)).scalar()
    assert agencies == {"R-1": "health", "R-2": "police"} and count(empty_engine, m.Child) == 1
    assert logs == 3


def test_a_failure_on_the_last_row_leaves_the_store_unchanged(empty_engine):
    """A real database error on the last row (a trigger refuses it) rolls back every row before it."""
    commit(empty_engine, check(csv_bytes(HEADER, GOOD)), "d@b.uk")
    before = (
        count(empty_engine, m.Referral),
        count(empty_engine, m.Child),
        count(empty_engine, m.ImportLog),
    )
    with empty_engine.begin() as c:
        if c.dialect.name == "sqlite":
            c.exec_driver_sql("CREATE TRIGGER refuse_r5 BEFORE INSERT ON referral WHEN NEW.source_id = 'R-5' "
                              "BEGIN SELECT RAISE(ABORT, 'disk full'); END")  # fmt: skip
        else:
            c.exec_driver_sql("CREATE FUNCTION refuse_r5() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                              "IF NEW.source_id = 'R-5' THEN RAISE EXCEPTION 'disk full'; END IF; "
                              "RETURN NEW; END $$")  # fmt: skip
            c.exec_driver_sql("CREATE TRIGGER refuse_r5 BEFORE INSERT ON referral FOR EACH ROW "
                              "EXECUTE FUNCTION refuse_r5()")  # fmt: skip
    rows = [GOOD.replace("R-1", f"R-{i}").replace("LCS-1", f"LCS-{i}") for i in range(2, 6)]
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        commit(empty_engine, check(csv_bytes(HEADER, *rows)), "d@b.uk")
    after = (
        count(empty_engine, m.Referral),
        count(empty_engine, m.Child),
        count(empty_engine, m.ImportLog),
    )
    assert after == before  # not even the new children of rows 2-4 were kept
    with empty_engine.begin() as c:
        c.exec_driver_sql(
            "DROP TRIGGER refuse_r5" + ("" if c.dialect.name == "sqlite" else " ON referral")
        )
    assert (
        commit(empty_engine, check(csv_bytes(HEADER, *rows)), "d@b.uk").inserted == 4
    )  # nothing lost


def test_data_page_for_data_managers(app_env):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = RoleScope("data_manager")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Data"
    assert at.selectbox(key="data-kind").options == [k.label for k in KINDS.values()]
    assert "Rows in file" in at.dataframe[0].value.columns  # the import log


def test_a_new_real_store_is_never_filled_with_demo_data(tmp_path, monkeypatch):
    import subprocess
    import sys

    from data_access.engine import make_engine
    from data_access.store import ensure_store

    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    out = subprocess.run([sys.executable, "-m", "data_access", "migrate"], cwd=REPO_ROOT, capture_output=True,
                         text=True, env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, check=True)  # fmt: skip
    assert "prepared for real data" in out.stdout
    engine = make_engine(url)
    assert ensure_store(engine) is False  # the app's first start loads nothing
    assert count(engine, m.Child) == 0 and count(engine, m.Ward) == 30
    with engine.connect() as c:
        assert queries.dataset_info(c) == {"is_synthetic": "false"}
