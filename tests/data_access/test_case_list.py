"""The Case list in the database: per-level counts, pages in urgency order, area and search
filters in SQL, all read from ``ix_risk_assessment_open`` (on the demo store)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import event, text

from data_access import protected
from data_access.sql import Scope
from domain.roles import AccessDenied, RoleScope
from geo.areas import AREA_COMMITTEES

MACE = RoleScope("mace")
ALL = ("significant", "moderate", "emerging")
OCT, MARCH = date(2026, 10, 1), date(2025, 3, 1)

PLAIN = text("""
    SELECT ra.id, c.pseudo_id, ra.risk_level, w.name AS ward, ac.name AS area, ra.assessed_on,
           (SELECT group_concat(t.exploitation_type) FROM risk_assessment_type t
            WHERE t.assessment_id = ra.id) AS types
    FROM risk_assessment ra
    JOIN child c ON c.id = ra.child_id
    JOIN area_lookup al ON al.postcode_sector = ra.postcode_sector
         AND al.lsoa_code = ra.lsoa_code AND al.vintage = '2004'
    JOIN ward w ON w.vintage = '2004' AND w.code = al.ward_code
    JOIN area_committee ac ON ac.code = w.area_committee_code
    WHERE ra.assessed_on < :month_end AND (ra.closed_on IS NULL OR ra.closed_on >= :month_end)
""")  # fmt: skip


def plain_list(connection, month: date) -> pl.DataFrame:
    """Every child open at the month end, read the obvious way and sorted here in Python."""
    rows = connection.execute(PLAIN, {"month_end": Scope(month, month).end_exclusive}).all()
    frame = pl.DataFrame([r._asdict() for r in rows], orient="row")
    return (
        frame.with_columns(
            pl.col("assessed_on").str.to_date(),
            pl.col("risk_level").replace_strict({lvl: i for i, lvl in enumerate(ALL)}).alias("u"),
            pl.col("types").map_elements(lambda t: ",".join(sorted(t.split(","))), pl.String),
        )
        .sort("u", "assessed_on", "id")
        .drop("u", "id")
    )


def sorted_types(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("types").map_elements(lambda t: ",".join(sorted(t.split(","))), pl.String)
    )


@pytest.mark.parametrize("month", [OCT, MARCH])
def test_the_list_is_every_open_child_most_urgent_and_longest_waiting_first(demo_engine, month):
    with demo_engine.connect() as c:
        expected = plain_list(c, month)
        listed = protected.case_list(c, MACE, Scope(month, month))
    assert listed.height == expected.height > 300
    assert listed["risk_level"].unique(maintain_order=True).to_list() == list(ALL)
    first_emerging = listed["risk_level"].to_list().index("emerging")
    assert listed["assessed_on"][first_emerging] <= listed["assessed_on"][first_emerging + 1]
    assert sorted_types(listed).equals(expected.select(listed.columns))


def test_counts_are_per_level_in_urgency_order_and_match_the_list(demo_engine):
    scope = Scope(OCT, OCT)
    with demo_engine.connect() as c:
        counts = protected.case_counts(c, MACE, scope, ["emerging", "significant"])
        listed = protected.case_list(c, MACE, scope, ["emerging", "significant"])
        every = protected.case_counts(c, MACE, scope, ALL)
    assert list(counts) == ["significant", "emerging"]
    assert counts == dict(listed.group_by("risk_level").len().iter_rows())
    assert sum(every.values()) == sum(counts.values()) + every["moderate"]
    assert all(n > 50 for n in every.values())


@pytest.mark.parametrize("size", [37, 200])
def test_pages_put_together_are_the_whole_list(demo_engine, size):
    scope = Scope(OCT, OCT)
    with demo_engine.connect() as c:
        counts = protected.case_counts(c, MACE, scope, ALL)
        whole = protected.case_list(c, MACE, scope, ALL)
        pages = [
            protected.case_page(c, MACE, scope, counts, offset=start, limit=size)
            for start in range(0, whole.height, size)
        ]
        beyond = protected.case_page(c, MACE, scope, counts, offset=whole.height, limit=size)
    assert [p.height for p in pages[:-1]] == [size] * (len(pages) - 1)
    assert pl.concat(pages).equals(whole)
    # a page that starts in one level and ends in the next holds both
    boundary = counts["significant"] // size
    assert {"significant", "moderate"} <= set(pages[boundary]["risk_level"])
    assert beyond.is_empty() and beyond.columns == whole.columns


def test_area_and_search_are_filtered_in_the_database(demo_engine):
    district, east = Scope(OCT, OCT), Scope(OCT, OCT, area_code="EAST")
    with demo_engine.connect() as c:
        whole = protected.case_list(c, MACE, district, ALL)
        in_east = protected.case_list(c, MACE, east, ALL)
        east_counts = protected.case_counts(c, MACE, east, ALL)
        child = whole["pseudo_id"][123]
        by_id = protected.case_list(c, MACE, district, ALL, child[-4:].lower())
        ward = in_east["ward"][0]
        by_ward = protected.case_counts(c, MACE, district, ALL, ward[1:6].upper())
        by_ward_rows = protected.case_list(c, MACE, district, ALL, ward[1:6].upper())
        wildcards = [protected.case_counts(c, MACE, district, ALL, s) for s in ("%", "_", "CE-%")]
    assert 0 < in_east.height < whole.height
    assert set(in_east["area"]) == {AREA_COMMITTEES["EAST"]}
    assert in_east.equals(whole.filter(pl.col("area") == AREA_COMMITTEES["EAST"]))
    assert sum(east_counts.values()) == in_east.height
    assert child in by_id["pseudo_id"].to_list()
    assert by_id["pseudo_id"].str.contains(child[-4:], literal=True).all()
    needle = ward[1:6].lower()
    assert sum(by_ward.values()) == by_ward_rows.height >= (whole["ward"] == ward).sum()
    assert (
        by_ward_rows["ward"].str.to_lowercase().str.contains(needle, literal=True)
        | by_ward_rows["pseudo_id"].str.to_lowercase().str.contains(needle, literal=True)
    ).all()
    assert all(sum(counts.values()) == 0 for counts in wildcards)  # % and _ are not wildcards


def test_no_level_chosen_lists_nobody(demo_engine):
    with demo_engine.connect() as c:
        assert protected.case_counts(c, MACE, Scope(OCT, OCT), []) == {}
        assert protected.case_list(c, MACE, Scope(OCT, OCT), []).is_empty()
        assert protected.case_page(c, MACE, Scope(OCT, OCT), {}).is_empty()


@pytest.mark.parametrize(
    "role", [RoleScope("strategic_lead"), RoleScope("area_committee", "SOUTH"),
             RoleScope("data_manager")],
)  # fmt: skip
def test_counts_and_pages_are_for_mace_only(demo_engine, role):
    with demo_engine.connect() as c:
        with pytest.raises(AccessDenied):
            protected.case_counts(c, role, Scope(OCT, OCT), ALL)
        with pytest.raises(AccessDenied):
            protected.case_page(c, role, Scope(OCT, OCT), {"significant": 10})


def test_counts_and_pages_read_open_assessments_from_the_index(demo_engine):
    """Each statement finds the month end's open assessments through ix_risk_assessment_open,
    never by walking every assessment (the list's cost follows the cohort, not the history)."""
    statements: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append((statement, parameters))

    event.listen(demo_engine, "before_cursor_execute", grab)
    try:
        with demo_engine.connect() as c:
            scope = Scope(OCT, OCT, area_code="SOUTH")
            counts = protected.case_counts(c, MACE, scope, ALL, "ce")
            protected.case_page(c, MACE, scope, counts, "ce", offset=20, limit=50)
    finally:
        event.remove(demo_engine, "before_cursor_execute", grab)
    with demo_engine.connect() as c:
        plans = [
            [row[3] for row in c.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
            for sql, params in statements
        ]
    assert len(plans) >= 4  # three counts and at least one page
    for plan in plans:
        reads = [step for step in plan if "risk_assessment " in f"{step} "]
        assert reads, plan
        assert all("ix_risk_assessment_open" in step for step in reads), plan
        assert not any(step.startswith("SCAN risk_assessment") for step in plan), plan
