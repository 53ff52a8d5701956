"""Figures for an Area Committee briefing: the area beside the district, this period against the
last, always under public disclosure control (whoever asks), as an Area Committee would see them.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection

from data_access import protected, queries, services
from data_access.sql import Scope
from domain.briefing_figures import (
    GEOS,
    MEASURES,
    PERIODS,
    BriefingFigures,
    BriefingPeriod,
    Figure,
    Headline,
)
from domain.disclosure import TOTAL, suppress
from domain.roles import RoleScope
from domain.vocab import RISK_LEVELS


def _period_geo_table(
    per_area: dict[str, dict[str, int]], area_code: str, extra_dim: str | None = None
) -> pl.DataFrame:
    """Rows (period, geo[, extra]) with counts: the area, and the rest of the district."""
    rows = []
    for period, by_key in per_area.items():
        for key, count in by_key.items():
            area_key, *rest = key if isinstance(key, tuple) else (key,)
            geo = "area" if area_key == area_code else "rest"
            rows.append((period, geo, *rest, count))
    columns = ["period", "geo", *([extra_dim] if extra_dim else []), "n"]
    return pl.DataFrame(rows, schema=columns, orient="row")


def _figure(table: pl.DataFrame, where: dict[str, str]) -> Figure:
    row = table.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))
    return Figure(row["n"].item(), row["reason"].item())


def _headline(key: str, label: str, table: pl.DataFrame) -> Headline:
    headline = Headline(key, label)
    for period in PERIODS:
        headline.area[period] = _figure(table, {"period": period, "geo": "area"})
        headline.district[period] = _figure(table, {"period": period, "geo": TOTAL})
    return headline


def _sum_by_area(frame: pl.DataFrame, value: str) -> dict[str, int]:
    return {
        code: int(total)
        for code, total in frame.group_by("area_code").agg(pl.col(value).sum()).iter_rows()
    }


def briefing_figures(
    connection: Connection, area_code: str, period: BriefingPeriod, vintage: str = "2004"
) -> BriefingFigures:
    """Everything a briefing pack or slide shows, suppressed as for a public meeting."""
    public = RoleScope("area_committee", area_code)
    policy = public.policy
    scopes = {
        "previous": Scope(period.previous_start, period.previous_end, vintage=vintage),
        "current": Scope(period.current_start, period.end, vintage=vintage),
    }
    headlines = []
    for key, label in MEASURES.items():
        per_period: dict[str, dict[str, int]] = {}
        for name, scope in scopes.items():
            if key == "referrals":
                per_period[name] = _sum_by_area(
                    queries.referral_counts(connection, scope, ["area_code"]), "referrals"
                )
            elif key == "missing_episodes":
                per_period[name] = _sum_by_area(
                    queries.missing_counts(connection, scope, ["area_code"]), "episodes"
                )
            else:
                in_area = _sum_by_area(
                    queries.missing_counts(connection, scope, ["area_code"]), "children"
                ).get(area_code, 0)
                district = queries.missing_counts(connection, scope, [])["children"].sum()
                per_period[name] = {area_code: in_area, "rest": int(district) - in_area}
        table = suppress(
            _period_geo_table(per_period, area_code),
            ["period", "geo"],
            "n",
            policy,
            {"period": PERIODS, "geo": GEOS},
        )
        headlines.append(_headline(key, label, table))

    cohort_counts: dict[str, dict[tuple[str, str], int]] = {}
    for name, month in (("previous", period.previous_end), ("current", period.end)):
        frame = queries.cohort_counts(
            connection, Scope(month, month, vintage=vintage), ["area_code", "risk_level"]
        )
        cohort_counts[name] = {(a, lvl): int(n) for a, lvl, n in frame.iter_rows()}
    cohort_table = suppress(
        _period_geo_table(cohort_counts, area_code, "risk_level"),
        ["period", "geo", "risk_level"],
        "n",
        policy,
        {"period": PERIODS, "geo": GEOS, "risk_level": list(RISK_LEVELS)},
    )
    cohort = Headline("children_at_risk", "Children at risk of exploitation (month end)")
    for name in PERIODS:
        cohort.area[name] = _figure(
            cohort_table, {"period": name, "geo": "area", "risk_level": TOTAL}
        )
        cohort.district[name] = _figure(
            cohort_table, {"period": name, "geo": TOTAL, "risk_level": TOTAL}
        )
    by_level = {
        level: _figure(cohort_table, {"period": "current", "geo": "area", "risk_level": level})
        for level in RISK_LEVELS
    }

    area_scope = Scope(period.current_start, period.end, vintage=vintage, area_code=area_code)
    ward_codes = (
        queries.wards(connection, vintage)
        .filter(pl.col("area_code") == area_code)["code"]
        .to_list()
    )
    ward_referrals = protected.area_values(
        connection, public, area_scope, "referrals", "ward", ward_codes
    )
    trend_scope = Scope(period.previous_start, period.end, vintage=vintage, area_code=area_code)
    area_name = (
        queries.area_committees(connection).filter(pl.col("code") == area_code)["name"].item()
    )
    return BriefingFigures(
        area_code=area_code,
        area_name=area_name,
        period=period,
        as_of=queries.data_as_of(connection),
        headlines=headlines,
        cohort=cohort,
        cohort_by_level=by_level,
        ward_referrals=ward_referrals,
        referral_trend=protected.monthly_series(connection, public, trend_scope, "referrals"),
        missing_trend=protected.monthly_series(connection, public, trend_scope, "missing_episodes"),
        cohort_trend=protected.cohort_table(
            connection, public, trend_scope, ("month", "risk_level")
        ),
        actions=queries.action_status(connection, queries.data_as_of(connection)),
        services=services.briefing_table(connection, area_code, period.end, vintage),
    )
