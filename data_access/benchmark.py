"""Benchmark: every page's data calls and full reruns, per role, against the naive path.

``python -m data_access.benchmark [--scale 100] [--repeat 5] [--no-pages] [--no-browser]``

Builds (or reuses) a SQLite demo store at that scale under ``var/``, or uses ``DATABASE_URL`` when
set, then prints one table: for each page and role, the data call time (cold: first call on a new
engine; warm: median of ``--repeat``), the same numbers by the naive path (pandas ``read_sql`` of
the raw rows and a groupby) and the ratio, whether both paths give the same total; then the full
AppTest rerun time per page and role (``dashboard.page_benchmark``) and the Chromium timings
(``dashboard.browser_benchmark``), each run in its own process because the data layer never
imports Streamlit. Goals (README): warm data call ≤ 50 ms and ≥ 20× the naive path; warm page
rerun ≤ 150 ms; widget change → redraw ≤ 0.5 s; cold load ≤ 2.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, select

from data_access import benchmark_naive as naive
from data_access import briefing, mace, protected, queries, services
from data_access import models as m
from data_access.engine import make_engine, migrate
from data_access.sql import Scope
from domain.months import add_months
from domain.roles import RoleScope

REPO_ROOT = Path(__file__).resolve().parent.parent
ROLES = {
    "strategic lead": RoleScope("strategic_lead"),
    "MACE": RoleScope("mace"),
    "Area Committee (South)": RoleScope("area_committee", "SOUTH"),
}


@dataclass(frozen=True)
class Call:
    page: str
    label: str
    fast: Callable[[Connection, RoleScope], object]
    naive: Callable[[Connection, RoleScope], int] | None
    total: Callable[[Connection, RoleScope], int] | None  # the fast path's unsuppressed total
    mace_only: bool = False
    # Free queries refuse the Area Committee (its numbers are cells of the public release), so
    # only calls marked public are timed for that role.
    public: bool = False


def _area(role: RoleScope) -> str | None:
    return role.area_code


def calls(connection: Connection) -> list[Call]:
    """The calls each page makes on first view, with the page's default filters."""
    latest = queries.data_as_of(connection).replace(day=1)
    first = queries.data_from(connection)
    ward = queries.wards(connection).filter(pl.col("area_code") == "SOUTH")["code"][0]

    def s(start: date, role: RoleScope, **kw) -> Scope:  # noqa: ANN003
        return Scope(start, latest, area_code=_area(role), **kw)

    def total(frame: pl.DataFrame, column: str) -> int:
        return int(frame[column].sum())

    all_wards = queries.wards(connection)

    def codes(role: RoleScope) -> tuple[str, ...]:
        wards = all_wards
        if role.area_code:
            wards = wards.filter(pl.col("area_code") == role.area_code)
        return tuple(wards["code"])

    by_level = ("month", "risk_level")
    return [
        Call("Overview", "cohort 24 months × level",
             lambda c, r: protected.cohort_table(c, r, s(add_months(latest, -23), r), by_level),
             lambda c, r: naive.cohort_total(c, s(add_months(latest, -23), r)),
             lambda c, r: total(queries.cohort_counts(c, s(add_months(latest, -23), r), by_level), "children")),
        Call("Overview", "referrals, 13 months",
             lambda c, r: protected.monthly_series(c, r, s(add_months(latest, -12), r), "referrals"),
             lambda c, r: naive.referral_total(c, s(add_months(latest, -12), r)),
             lambda c, r: total(queries.referral_counts(c, s(add_months(latest, -12), r), ["month"]), "referrals")),
        Call("Map", "children at risk one month by ward",
             lambda c, r: protected.area_values(c, r, Scope(latest, latest, area_code=_area(r)),
                                                "children_at_risk", "ward", codes(r)),
             lambda c, r: naive.at_risk_by_ward_total(c, Scope(latest, latest, area_code=_area(r))),
             lambda c, r: total(queries.cohort_counts(c, Scope(latest, latest, area_code=_area(r)),
                                                      ["ward_code", "risk_level"]), "children")),
        Call("Map", "picked ward's 24-month trend",
             lambda c, r: protected.monthly_series(c, r, s(add_months(latest, -23), r),
                                                   "children_at_risk", "ward", ward),
             lambda c, r: naive.cohort_total(c, s(add_months(latest, -23), r, ward_code=ward)),
             lambda c, r: total(queries.monthly_metric(c, s(add_months(latest, -23), r),
                                                       "children_at_risk", "ward", ward), "value")),
        Call("Trends", "risk cohort all months × level",
             lambda c, r: protected.cohort_table(c, r, s(first, r), by_level),
             lambda c, r: naive.cohort_total(c, s(first, r)),
             lambda c, r: total(queries.cohort_counts(c, s(first, r), by_level), "children")),
        Call("Trends", "missing by placement all months",
             lambda c, r: protected.missing_table(c, r, s(first, r), ("month", "placement_type")),
             lambda c, r: naive.missing_total(c, s(first, r)),
             lambda c, r: total(queries.missing_counts(c, s(first, r), ["month", "placement_type"]), "episodes")),
        Call("Trends", "repeat missing",
             lambda c, r: protected.repeat_missing_series(c, r, s(first, r)),
             lambda c, r: naive.repeat_missing_total(c, s(first, r)),
             lambda c, r: total(queries.repeat_missing_by_month(c, s(first, r)), "repeat_children")),
        Call("Trends", "referrals by type and agency",
             lambda c, r: protected.linked_referral_tables(c, r, s(first, r)),
             lambda c, r: naive.referral_total(c, s(first, r)),
             lambda c, r: total(queries.referral_counts(c, s(first, r), ["month", "exploitation_type"]), "referrals")),
        Call("Services", "open cases 36 months × service",
             lambda c, r: services.caseload_table(c, r, s(add_months(latest, -35), r), "open_cases"),
             lambda c, r: naive.service_open_total(c, s(add_months(latest, -35), r)),
             lambda c, r: total(services.case_counts(c, s(add_months(latest, -35), r),
                                                     ("month", "service"), "open_cases"), "cases")),
        Call("Services", "children in a service by ward, one month",
             lambda c, r: services.coverage_counts(c, r, Scope(latest, latest, area_code=_area(r)),
                                                   "ward", codes(r)),
             lambda c, r: naive.in_service_by_ward_total(c, Scope(latest, latest, area_code=_area(r))),
             lambda c, r: total(services.children_in_service(
                 c, Scope(latest, latest, area_code=_area(r)), ["ward_code"], None), "children")),
        Call("Services", "profile beside the cohort, 36 months",
             lambda c, r: services.profile_tables(c, r, s(add_months(latest, -35), r),
                                                  "trusted_relationships"),
             lambda c, r: naive.profile_total(c, s(add_months(latest, -35), r), "trusted_relationships"),
             lambda c, r: total(services.case_counts(c, s(add_months(latest, -35), r), (),
                                                     "new_cases", ["trusted_relationships"]), "cases")
             + total(services.cohort_profile(c, s(add_months(latest, -35), r)), "children")),
        Call("Area briefing", "briefing figures (South)",
             lambda c, r: briefing.briefing_figures(c, r, "SOUTH"),
             lambda c, r: naive.briefing_total(c, "SOUTH", latest), None, public=True),
        Call("Hot spots", "referrals by ward, 15 months",
             lambda c, r: mace.hot_spot_counts(c, r, latest, "referrals", "ward"),
             lambda c, r: naive.referral_total(c, Scope(add_months(latest, -14), latest)),
             lambda c, r: total(queries.referral_counts(c, Scope(add_months(latest, -14), latest), ["month"]), "referrals"),
             mace_only=True),
    ]  # fmt: skip


def _time(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _cpu(function: Callable[[], object]) -> float:
    """This process's CPU time for the call: steadier than wall time on a busy shared machine
    (SQLite works in-process; a PostgreSQL server's own time is not included)."""
    started = time.process_time()
    function()
    return (time.process_time() - started) * 1000


def measure_data(engine_url: str, repeat: int) -> list[dict]:
    """Cold and warm (median) times of every call, the naive time, and the totals check."""
    results = []
    with make_engine(engine_url).connect() as connection:
        plan = calls(connection)
    for call in plan:
        for role_name, role in ROLES.items():
            if role.role == "area_committee" and not call.public:
                continue
            if call.mace_only and role.role != "mace":
                continue
            engine = make_engine(engine_url)  # a new engine: the first call pays for connecting
            with engine.connect() as connection:
                fast = partial(call.fast, connection, role)
                cold = _time(fast)
                warm = statistics.median(_time(fast) for _ in range(repeat))
                warm_cpu = statistics.median(_cpu(fast) for _ in range(repeat))
                naive_ms, naive_total = None, None
                if call.naive:  # once: at volume it takes seconds per call
                    started = time.perf_counter()
                    naive_total = call.naive(connection, role)
                    naive_ms = (time.perf_counter() - started) * 1000
                same = None
                if call.naive and call.total and not role.policy.suppress:
                    same = call.total(connection, role) == naive_total
            engine.dispose()
            results.append({"page": call.page, "call": call.label, "role": role_name,
                            "cold_ms": cold, "warm_ms": warm, "warm_cpu_ms": warm_cpu, "naive_ms": naive_ms, "same": same})  # fmt: skip
    return results


def _store(scale: float, rebuild: bool) -> tuple[str, float | None]:
    """The store to measure: ``DATABASE_URL``, or a demo store at ``scale`` (built if needed)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    path = REPO_ROOT / "var" / f"benchmark-scale-{scale:g}.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    if path.exists() and not rebuild:
        migrate(engine)
        with engine.connect() as connection:
            held = connection.execute(
                select(m.DatasetInfo.value).where(m.DatasetInfo.key == "demo_scale")
            ).scalar()
        if held == f"{scale:g}":
            return url, None
    path.parent.mkdir(exist_ok=True)
    from data_access.store import rebuild_demo

    started = time.perf_counter()
    rebuild_demo(engine, scale)
    return url, time.perf_counter() - started


def _subprocess_json(module: str, url: str, args: list[str]) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        print(f"{module} failed:\n{done.stderr[-3000:]}", file=sys.stderr)
        return []
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def print_tables(data: list[dict], pages: list[dict], browser: list[dict]) -> None:
    print(
        "\n| Page | Data call | Role | cold ms | warm ms | warm CPU ms | naive ms | naive ÷ warm | same |"
    )
    print("|---|---|---|--:|--:|--:|--:|--:|:-:|")
    for r in data:
        ratio = f"{r['naive_ms'] / r['warm_ms']:,.0f}×" if r["naive_ms"] else "–"
        same = {True: "yes", False: "NO", None: "–"}[r["same"]]
        print(f"| {r['page']} | {r['call']} | {r['role']} | {_ms(r['cold_ms'])} | "
              f"{_ms(r['warm_ms'])} | {_ms(r['warm_cpu_ms'])} | {_ms(r['naive_ms'])} | {ratio} | {same} |")  # fmt: skip
    if pages:
        print("\n| Page | Role | cold rerun ms | warm rerun ms (median) | warm rerun CPU ms |")
        print("|---|---|--:|--:|--:|")
        for r in pages:
            print(
                f"| {r['page']} | {r['role']} | {_ms(r.get('cold_ms'))} | {_ms(r.get('warm_ms'))} "
                f"| {_ms(r.get('warm_cpu_ms'))} |{' ' + r['error'][:80] if 'error' in r else ''}"
            )
    if browser:
        print("\n| Chromium | measure | ms (median) |")
        print("|---|---|--:|")
        for r in browser:
            print(f"| {r['page']} | {r['measure']} | {_ms(r['ms'])} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.benchmark")
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo store")
    parser.add_argument("--no-pages", action="store_true", help="skip the AppTest reruns")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    args = parser.parse_args(argv)
    url, built = _store(args.scale, args.rebuild)
    if built is not None:
        print(f"Built the scale-{args.scale:g} demo store in {built:,.1f} s")
    data = measure_data(url, args.repeat)
    repeat = ["--repeat", str(args.repeat)]
    pages = [] if args.no_pages else _subprocess_json("dashboard.page_benchmark", url, repeat)
    browser = (
        [] if args.no_browser else _subprocess_json("dashboard.browser_benchmark", url, repeat)
    )
    print(f"Store: {make_engine(url).url.render_as_string(hide_password=True)}")
    print_tables(data, pages, browser)
    return 0 if all(r["same"] is not False for r in data) else 1


if __name__ == "__main__":
    raise SystemExit(main())
