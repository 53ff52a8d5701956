"""Synthetic demo data, deterministic (fixed seed), calibrated to the published figures.

Nothing here is real: children are invented, given pseudonymous ids and placed at random postcodes
of real postcode districts, weighted by the Trusted Relationships caseload. The shapes a strategic
lead expects are built in on purpose: the cohort is exactly 283 (Jan 2020), 389 (May 2020) and 311
(Aug 2020) at month end; online-grooming referrals rise in the first lockdown; missing episodes from
residential care fall after the Philomena Protocol; ages peak at 14-15.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from data_access import aggregates, store_version
from data_access import models as m
from data_access.bulk import bulk_insert
from data_access.demo_mace import load_mace_demo
from data_access.demo_measures import load_measures_demo
from data_access.demo_plan import strategic_plan
from data_access.demo_services import load_services_demo
from data_access.reference import load_reference, postcodes_by_district
from domain.months import add_months, month_end, months_between
from domain.vocab import COVID_LOCKDOWN

SEED = 20_201
FIRST_MONTH = date(2019, 1, 1)
LAST_MONTH = date(2026, 10, 1)
DATA_AS_OF = date(2026, 10, 31)
PHILOMENA_LAUNCH = date(2019, 10, 1)  # assumed for the demo; the report gives no date

# Published month-end cohort figures (report) and the shape around them (demo choice).
PUBLISHED_COHORT = {date(2020, 1, 1): 283, date(2020, 5, 1): 389, date(2020, 8, 1): 311}
COHORT_SHAPE = {
    date(2019, 1, 1): 236,
    date(2019, 7, 1): 258,
    date(2019, 12, 1): 276,
    date(2020, 3, 1): 314,
    date(2020, 4, 1): 361,
    date(2020, 6, 1): 371,
    date(2020, 7, 1): 338,
    date(2021, 2, 1): 296,
    date(2021, 10, 1): 324,
    date(2022, 7, 1): 301,
    date(2023, 3, 1): 333,
    date(2024, 1, 1): 312,
    date(2024, 10, 1): 344,
    date(2025, 6, 1): 321,
    date(2026, 3, 1): 349,
    date(2026, 10, 1): 337,
    **PUBLISHED_COHORT,
}

# Trusted Relationships cases by postcode district (report), plus a small weight for BD1.
DISTRICT_WEIGHTS = {
    "BD1": 2,
    "BD2": 10,
    "BD3": 12,
    "BD4": 12,
    "BD5": 10,
    "BD6": 14,
    "BD7": 14,
    "BD8": 3,
    "BD9": 1,
    "BD10": 9,
    "BD12": 8,
    "BD13": 11,
    "BD14": 2,
    "BD15": 5,
    "BD16": 1,
    "BD17": 2,
    "BD18": 7,
    "BD20": 1,
    "BD21": 10,
    "BD22": 8,
    "LS29": 5,
}
AGE_WEIGHTS = {8: 1, 9: 2, 10: 3, 11: 5, 12: 8, 13: 13, 14: 20, 15: 19, 16: 13, 17: 8}
ETHNICITY_WEIGHTS = {
    "English British": 97,
    "Eastern European": 18,
    "Pakistani": 20,
    "Gypsy or Irish Traveller": 4,
    "White and Asian": 8,
    "White and Black Caribbean": 4,
    "Black Caribbean": 3,
    "African": 3,
    "Bangladeshi": 2,
    "White Other": 4,
    "Unknown": 2,
}
LEVEL_AT_ENTRY = {"emerging": 0.5, "moderate": 0.33, "significant": 0.17}
PRIMARY_TYPE_WEIGHTS = {
    "cse": 30,
    "cce": 24,
    "county_lines": 11,
    "missing": 10,
    "online_grooming": 9,
    "msht": 4,
    "hsb": 4,
    "cuckooing": 2,
    "soc": 4,
    "radicalisation": 2,
}
AGENCY_WEIGHTS = {
    "police": 34,
    "social_care": 24,
    "education": 18,
    "health": 9,
    "youth_service": 6,
    "voluntary": 6,
    "family": 3,
}
MONTHLY_EXIT_HAZARD = 0.105
# store_version only ever increases, so caches keyed by it never mistake new data for old.
KEPT_ACROSS_RELOADS = frozenset({"alembic_version", "audit_event", "user_role", "store_version"})
MONTHLY_LEVEL_CHANGE = 0.07


def month_starts() -> list[date]:
    """Every month of the demo period."""
    return months_between(FIRST_MONTH, LAST_MONTH)


def cohort_targets(rng: np.random.Generator, scale: float = 1.0) -> dict[date, int]:
    """Month-end cohort size: the shape interpolated, a little noise, published months exact
    (at scale 1; at another scale every month is the scale-1 figure times the scale)."""
    months = month_starts()
    anchors = sorted(COHORT_SHAPE)
    x = np.array([a.toordinal() for a in anchors], dtype=float)
    y = np.array([COHORT_SHAPE[a] for a in anchors], dtype=float)
    targets = {}
    for month in months:
        value = float(np.interp(month.toordinal(), x, y)) + rng.normal(0, 4)
        targets[month] = PUBLISHED_COHORT.get(month, round(value))
    if scale != 1.0:
        targets = {month: max(1, round(value * scale)) for month, value in targets.items()}
    return targets


_CDF_CACHE: dict[tuple, tuple[list, np.ndarray]] = {}


def _pick(rng: np.random.Generator, weights: dict) -> str:
    """One weighted draw: the same single uniform and the same cumulative sums as
    ``rng.choice(len(keys), p=p / p.sum())``, so every scale-1 draw is unchanged, without
    rebuilding and checking the probability vector on each of millions of calls."""
    cache_key = tuple(weights.items())
    cached = _CDF_CACHE.get(cache_key)
    if cached is None:
        keys = list(weights)
        p = np.array([weights[k] for k in keys], dtype=float)
        cdf = (p / p.sum()).cumsum()
        cdf /= cdf[-1]
        cached = _CDF_CACHE[cache_key] = (keys, cdf)
    keys, cdf = cached
    return keys[int(cdf.searchsorted(rng.random(), side="right"))]


_DAYS_IN_MONTH: dict[date, int] = {}


def _day_in(rng: np.random.Generator, month: date) -> date:
    days = _DAYS_IN_MONTH.get(month) or _DAYS_IN_MONTH.setdefault(month, month_end(month).day)
    return month + timedelta(days=int(rng.integers(0, days)))


@dataclass
class _Builder:
    """Accumulates rows in memory, then inserts them in bulk."""

    rng: np.random.Generator
    places: dict[str, list[tuple[str, str]]]
    children: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    assessment_types: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    episodes: list[dict] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)
    scale: float = 1.0

    def new_child(self, on: date, district: str | None = None) -> dict:
        rng = self.rng
        while True:
            pseudo = (
                f"CE-{int(rng.integers(0, 16**6)):06X}"
                if self.scale <= 1
                else f"CE-{int(rng.integers(0, 16**8)):08X}"
            )
            if pseudo not in self.used_ids:
                self.used_ids.add(pseudo)
                break
        age = int(_pick(rng, AGE_WEIGHTS))
        birth = add_months(on.replace(day=1), -(age * 12 + int(rng.integers(0, 12))))
        district = district or _pick(rng, DISTRICT_WEIGHTS)
        sector, lsoa = self.places[district][int(rng.integers(0, len(self.places[district])))]
        child = {
            "id": len(self.children) + 1,
            "pseudo_id": pseudo,
            "sex": "female" if rng.random() < 0.62 else "male",
            "birth_month": birth,
            "ethnicity": _pick(rng, ETHNICITY_WEIGHTS),
            "_sector": sector,
            "_lsoa": lsoa,
        }
        self.children.append(child)
        return child

    def open_assessment(self, child: dict, on: date, level: str, types: list[str]) -> dict:
        row = {
            "id": len(self.assessments) + 1,
            "child_id": child["id"],
            "assessed_on": on,
            "risk_level": level,
            "closed_on": None,
            "lsoa_code": child["_lsoa"],
            "postcode_sector": child["_sector"],
            "_types": types,
        }
        self.assessments.append(row)
        self.assessment_types.extend(
            {"assessment_id": row["id"], "exploitation_type": t} for t in types
        )
        return row

    def refer(self, child: dict, on: date, exploitation_type: str, outcome: str) -> None:
        self.referrals.append(
            {
                "child_id": child["id"],
                "referred_on": on,
                "referring_agency": _pick(self.rng, AGENCY_WEIGHTS),
                "exploitation_type": exploitation_type,
                "outcome": outcome,
                "lsoa_code": child["_lsoa"],
                "postcode_sector": child["_sector"],
            }
        )


def _type_weights(month: date) -> dict[str, float]:
    """Primary exploitation type mix; online grooming rises during the 2020 lockdown."""
    weights = dict(PRIMARY_TYPE_WEIGHTS)
    if date(2020, 4, 1) <= month <= date(2020, 7, 1):
        weights["online_grooming"] *= 3.2
        weights["missing"] *= 0.6
    elif month >= date(2021, 1, 1):
        weights["cce"] *= 1.15
        weights["county_lines"] *= 1.2
    return weights


def _assessment_types(rng: np.random.Generator, primary: str) -> list[str]:
    types = [primary]
    for extra in ("missing", "cse", "cce", "online_grooming"):
        if extra != primary and rng.random() < 0.18:
            types.append(extra)
    return types


def _simulate_cohort(builder: _Builder, targets: dict[date, int]) -> None:
    """Month by month: exits, level changes, then exactly enough entries to hit the target."""
    rng = builder.rng
    active: list[tuple[dict, dict]] = []  # (child, open assessment)
    former: list[dict] = []
    levels = list(LEVEL_AT_ENTRY)
    # The cohort already open when the extract starts: assessed during 2018, no referral in range.
    first = month_starts()[0]
    for _ in range(targets[first]):
        on = first - timedelta(days=int(rng.integers(1, 365)))
        child = builder.new_child(on)
        primary = _pick(rng, _type_weights(first))
        level = _pick(rng, LEVEL_AT_ENTRY)
        active.append(
            (child, builder.open_assessment(child, on, level, _assessment_types(rng, primary)))
        )
    for month in month_starts():
        staying, leaving = [], []
        for pair in active:
            (leaving if rng.random() < MONTHLY_EXIT_HAZARD else staying).append(pair)
        surplus = len(staying) - targets[month]
        if surplus > 0:  # the target fell faster than the hazard: close the longest-open
            staying.sort(key=lambda p: p[1]["assessed_on"])
            leaving.extend(staying[:surplus])
            staying = staying[surplus:]
        for _child, assessment in leaving:
            assessment["closed_on"] = max(_day_in(rng, month), assessment["assessed_on"])
        changed = []
        for child, assessment in staying:
            if rng.random() >= MONTHLY_LEVEL_CHANGE:
                changed.append((child, assessment))
                continue
            position = levels.index(assessment["risk_level"])
            step = 1 if rng.random() < 0.55 else -1
            new_level = levels[min(max(position + step, 0), 2)]
            on = max(_day_in(rng, month), assessment["assessed_on"])
            assessment["closed_on"] = on
            changed.append(
                (child, builder.open_assessment(child, on, new_level, assessment["_types"]))
            )
        active = changed
        for _ in range(targets[month] - len(active)):
            on = _day_in(rng, month)
            if former and rng.random() < 0.12:
                child = former.pop(int(rng.integers(0, len(former))))
            else:
                child = builder.new_child(on)
            primary = _pick(rng, _type_weights(month))
            level = _pick(rng, LEVEL_AT_ENTRY)
            referred = max(FIRST_MONTH, on - timedelta(days=int(rng.integers(0, 15))))
            builder.refer(child, referred, primary, "risk_assessment")
            active.append(
                (child, builder.open_assessment(child, on, level, _assessment_types(rng, primary)))
            )
        former.extend(child for child, _ in leaving)


def _seasonal(month: date) -> float:
    return 1.0 + 0.12 * np.sin((month.month - 4) / 12 * 2 * np.pi)


def _simulate_other_referrals(builder: _Builder) -> None:
    """Referrals that did not lead to a risk assessment: most of the Front Door's traffic."""
    rng = builder.rng
    outcomes = {"early_help": 0.45, "no_further_action": 0.35, "existing_case": 0.20}
    for month in month_starts():
        trend = 1.0 + 0.004 * ((month.year - 2019) * 12 + month.month)
        lockdown = 0.8 if date(2020, 4, 1) <= month <= date(2020, 5, 1) else 1.0
        count = rng.poisson(52 * trend * _seasonal(month) * lockdown * builder.scale)
        weights = _type_weights(month)
        for _ in range(count):
            on = _day_in(rng, month)
            primary = _pick(rng, weights)
            builder.refer(builder.new_child(on), on, primary, _pick(rng, outcomes))


def _simulate_recent_surge(builder: _Builder) -> None:
    """A hot spot for MACE to find: criminal-exploitation referrals climb in BD5 over the last
    three months of the demo (a pattern the rising test should flag)."""
    rng = builder.rng
    for month in month_starts()[-3:]:
        for _ in range(rng.poisson(16 * builder.scale)):
            on = _day_in(rng, month)
            kind = "county_lines" if rng.random() < 0.4 else "cce"
            builder.refer(builder.new_child(on, district="BD5"), on, kind, "early_help")


def _simulate_missing(builder: _Builder) -> None:
    """Missing episodes from pools of children per placement type, with heavy-tailed repeats."""
    rng = builder.rng
    homes = [
        builder.new_child(FIRST_MONTH, district=d)
        for d in ("BD3", "BD5", "BD6", "BD7", "BD10", "BD13", "BD18", "BD21", "BD4")
    ]
    home_places = [(c["_sector"], c["_lsoa"]) for c in homes]
    pool_sizes = {"home": 420, "foster": 90, "residential": 60, "other": 30}
    base_rate = {"home": 96, "foster": 31, "residential": 74, "other": 12}
    if builder.scale != 1.0:
        pool_sizes = {k: max(1, round(v * builder.scale)) for k, v in pool_sizes.items()}
        base_rate = {k: v * builder.scale for k, v in base_rate.items()}
    pools: dict[str, list[tuple[dict, float]]] = {k: [] for k in pool_sizes}

    def recruit(placement: str, on: date) -> tuple[dict, float]:
        child = builder.new_child(on)
        if placement == "residential":
            child["_sector"], child["_lsoa"] = home_places[int(rng.integers(0, len(home_places)))]
        return child, float(rng.gamma(0.45, 1.0))

    for month in month_starts():
        for placement, size in pool_sizes.items():
            pool = pools[placement]
            pool[:] = [p for p in pool if rng.random() > 0.04]
            while len(pool) < size:
                pool.append(recruit(placement, month))
            rate = base_rate[placement] * _seasonal(month)
            if placement == "residential" and month >= PHILOMENA_LAUNCH:
                months_since = (month.year - PHILOMENA_LAUNCH.year) * 12 + month.month - 10
                rate *= max(0.42, 1.0 - 0.1 * (months_since + 1))
            if (
                placement == "home"
                and month_end(month) >= COVID_LOCKDOWN
                and month <= date(2020, 5, 1)
            ):
                rate *= 0.6
            weights = np.array([w for _, w in pool])
            picks = rng.choice(len(pool), size=rng.poisson(rate), p=weights / weights.sum())
            for index in picks:
                child = pool[int(index)][0]
                start = datetime.combine(_day_in(rng, month), datetime.min.time()) + timedelta(
                    hours=int(rng.choice([15, 17, 19, 20, 21, 22, 23, 1]))
                )
                hours = float(rng.lognormal(np.log(9), 0.9))
                returned = start + timedelta(hours=hours)
                if returned > datetime.combine(DATA_AS_OF, datetime.max.time()):
                    returned = None
                progress = min(1.0, (month.year - 2019) / 6)
                offered = rng.random() < 0.9 + 0.08 * progress
                builder.episodes.append(
                    {
                        "child_id": child["id"],
                        "started_at": start,
                        "returned_at": returned,
                        "placement_type": placement,
                        "return_interview_offered": bool(offered),
                        "return_interview_done": bool(
                            offered and rng.random() < 0.62 + 0.25 * progress
                        ),
                        "lsoa_code": child["_lsoa"],
                        "postcode_sector": child["_sector"],
                    }
                )


def _public(rows: list[dict]) -> list[dict]:
    """Drop the builder's private working keys (those starting with an underscore)."""
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def load_demo(connection: Connection, scale: float = 1.0) -> dict[str, int]:
    """Replace everything in the store with the synthetic demo data set; returns row counts.

    ``scale`` multiplies the children and events (0.05: a sparse store where disclosure control
    has most to do; 100: a volume test). Scale 1 is the calibrated demo, unchanged by the switch.
    """
    if not 0 < scale <= 1000:
        raise ValueError(f"scale must be above 0 and at most 1000, not {scale}")
    rng = np.random.default_rng(SEED)
    for table in reversed(m.Base.metadata.sorted_tables):
        if table.name not in KEPT_ACROSS_RELOADS:
            connection.execute(delete(table))
    load_reference(connection)
    builder = _Builder(rng=rng, places=postcodes_by_district(), scale=scale)
    _simulate_cohort(builder, cohort_targets(rng, scale))
    _simulate_other_referrals(builder)
    _simulate_missing(builder)
    _simulate_recent_surge(builder)
    objectives, actions, updates = strategic_plan(rng, DATA_AS_OF)

    tables = [
        (m.Child, _public(builder.children)),
        (m.RiskAssessment, _public(builder.assessments)),
        (m.RiskAssessmentType, builder.assessment_types),
        (m.Referral, builder.referrals),
        (m.MissingEpisode, builder.episodes),
        (m.StrategicObjective, objectives),
        (m.StrategicAction, actions),
        (m.ActionUpdate, updates),
    ]
    for model, rows in tables:
        bulk_insert(connection, model.__table__, rows)
    counts = {model.__tablename__: len(rows) for model, rows in tables}
    at_risk = sorted({a["child_id"] for a in builder.assessments if a["closed_on"] is None})
    lsoa_codes = [row[0] for row in connection.execute(select(m.Lsoa.code).order_by(m.Lsoa.code))]
    counts |= load_mace_demo(
        connection, np.random.default_rng(SEED + 1), lsoa_codes, DISTRICT_WEIGHTS, at_risk,
        DATA_AS_OF,
    )  # fmt: skip
    # Services last, on their own random stream: the rest of the demo is unchanged by them.
    services_rng = np.random.default_rng(SEED + 1501)
    counts |= load_services_demo(
        connection, services_rng, postcodes_by_district(), FIRST_MONTH, DATA_AS_OF, scale
    )
    connection.exec_driver_sql("ANALYZE")
    connection.execute(
        insert(m.TimelineEvent),
        [
            {
                "event_on": COVID_LOCKDOWN,
                "label": "Covid-19 lockdown",
                "description": "First national lockdown began 23 March 2020.",
            },
            {
                "event_on": PHILOMENA_LAUNCH,
                "label": "Philomena Protocol",
                "description": "Launch of the Philomena Protocol (date assumed for demo data).",
            },
        ],
    )
    connection.execute(
        insert(m.DatasetInfo),
        [
            {"key": "is_synthetic", "value": "true"},
            {"key": "data_from", "value": FIRST_MONTH.isoformat()},
            {"key": "data_as_of", "value": DATA_AS_OF.isoformat()},
            {"key": "description", "value": f"Synthetic demo data, seed {SEED}, scale {scale:g}"},
            {"key": "demo_scale", "value": f"{scale:g}"},
        ],
    )
    counts |= load_measures_demo(connection, np.random.default_rng(SEED + 15), DATA_AS_OF, scale)
    aggregates.refresh(connection)  # the monthly aggregates the pages read, in this transaction
    connection.exec_driver_sql("ANALYZE")
    _advance_id_sequences(connection)
    store_version.bump(connection)
    return counts


def _advance_id_sequences(connection: Connection) -> None:
    """PostgreSQL: the demo writes its own ids, which leaves the id sequences at 1; move them past
    the largest id so imports and MACE writes into a demo store get fresh ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in m.Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - names from the models
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
