"""Figures for an Area Committee briefing, read only from the public release: the area beside the
district, the release's latest 12 months against the 12 before. The same cells whoever presents,
so the slides, the narrative and the PDF pack can never show more than the public tier.
"""

from __future__ import annotations

from functools import partial

import polars as pl
from sqlalchemy import Connection

from data_access import queries
from data_access.release.read import current_release, public_cells
from domain.briefing_figures import BriefingFigures, BriefingPeriod, Figure, Headline
from domain.disclosure import TOTAL
from domain.release_space import ALL, DISTRICT_CODE, MEASURES, financial_quarters, month_ends, years
from domain.roles import AccessDenied, RoleScope
from domain.vocab import RISK_LEVELS

FLOW_MEASURES = ("referrals", "missing_episodes", "missing_children")


def _value(frame: pl.DataFrame, **where: object) -> Figure:
    row = frame.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))
    return Figure(row["value"].item())


def _authorise(role: RoleScope, area_code: str) -> None:
    if not role.sees_aggregates:
        raise AccessDenied(f"{role.label} has no access to briefing figures")
    if role.role == "area_committee" and area_code != role.area_code:
        raise AccessDenied("Area Committee members see their own area's briefing only")


def series(frame: pl.DataFrame) -> pl.DataFrame:
    """``period_start``, ``period_end``, ``value`` (null where hidden), ``suppressed``."""
    return frame.select(
        "period_start", "period_end", "category", "value",
        pl.col("value").is_null().alias("suppressed"),
    ).sort("period_start", "category")  # fmt: skip


def briefing_figures(connection: Connection, role: RoleScope, area_code: str) -> BriefingFigures:
    """Everything a briefing pack or slide shows, as cells of the current public release."""
    _authorise(role, area_code)
    header = current_release(connection)
    cells_of = partial(public_cells, release_id=header.id)  # one release for the whole pack
    month = header.release_month
    period = BriefingPeriod(month)
    area, district = ("area", area_code), ("district", DISTRICT_CODE)
    previous, current = ((p.start, p.end) for p in years(month))
    headlines = []
    for key in FLOW_MEASURES:
        cells = cells_of(connection, role, key, [area, district], [previous, current])
        headline = Headline(key, MEASURES[key].label)
        for name, (start, _end) in (("previous", previous), ("current", current)):
            headline.area[name] = _value(cells, geography_code=area_code, period_start=start)
            headline.district[name] = _value(
                cells, geography_code=DISTRICT_CODE, period_start=start
            )
        headlines.append(headline)
    ends = [(p.start, p.end) for p in month_ends(month)]
    cohort_now, cohort_before = (month, month), (period.previous_end, period.previous_end)
    totals = cells_of(connection, role, "children_at_risk", [area, district],
                          [cohort_before, cohort_now])  # fmt: skip
    cohort = Headline("children_at_risk", MEASURES["children_at_risk"].label)
    for name, (start, _end) in (("previous", cohort_before), ("current", cohort_now)):
        cohort.area[name] = _value(totals, geography_code=area_code, period_start=start)
        cohort.district[name] = _value(totals, geography_code=DISTRICT_CODE, period_start=start)
    by_level_cells = cells_of(connection, role, "children_at_risk", [area], ends, "risk_level")
    by_level = {
        level: _value(by_level_cells, category=level, period_start=month) for level in RISK_LEVELS
    }
    cohort_totals = cells_of(connection, role, "children_at_risk", [area], ends)
    wards = queries.wards(connection, "2004").filter(pl.col("area_code") == area_code)
    ward_cells = cells_of(
        connection, role, "referrals", [("ward", w) for w in wards["code"]], [current]
    )
    quarters = [(q.start, q.end) for q in financial_quarters(month)]
    services = services_table(connection, role, area, district, (month, month), current, header.id)
    area_name = (
        queries.area_committees(connection).filter(pl.col("code") == area_code)["name"].item()
    )
    return BriefingFigures(
        area_code=area_code,
        area_name=area_name,
        period=period,
        as_of=header.data_as_of,
        headlines=headlines,
        cohort=cohort,
        cohort_by_level=by_level,
        ward_referrals=ward_cells.select(
            pl.col("geography_code").alias("code"),
            "value",
            pl.col("value").is_null().alias("suppressed"),
        ),  # fmt: skip
        referral_trend=series(cells_of(connection, role, "referrals", [area], quarters)),
        missing_trend=series(cells_of(connection, role, "missing_episodes", [area], quarters)),
        cohort_trend=series(pl.concat([by_level_cells, cohort_totals])).with_columns(
            pl.col("category").replace(ALL, "Total")
        ),
        actions=queries.action_status(connection, header.data_as_of),
        services=services,
    )


def services_table(
    connection: Connection,
    role: RoleScope,
    area: tuple[str, str],
    district: tuple[str, str],
    month_end: tuple,
    year: tuple,
    release_id: int | None = None,
) -> pl.DataFrame:
    """The services slide's table from release cells: children in each service at the release
    month end and cases taken on in its 12 months, for the area and the district. Columns
    ``measure, geo (area | Total), service, cases, suppressed`` with a Total service."""
    parts = []
    for measure, key, span in (("open_cases", "service_open_cases", month_end),
                               ("new_cases", "service_new_cases", year)):  # fmt: skip
        cells = pl.concat([
            public_cells(connection, role, key, [area, district], [span], "service", release_id),
            public_cells(connection, role, key, [area, district], [span], release_id=release_id),
        ])  # fmt: skip
        parts.append(cells.select(
            pl.lit(measure).alias("measure"),
            pl.when(pl.col("geography_level") == "area").then(pl.lit("area"))
            .otherwise(pl.lit(TOTAL)).alias("geo"),
            pl.col("category").replace(ALL, TOTAL).alias("service"),
            pl.col("value").alias("cases"),
            pl.col("value").is_null().alias("suppressed"),
        ))  # fmt: skip
    return pl.concat(parts)
