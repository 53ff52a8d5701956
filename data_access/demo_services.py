"""Synthetic service caseloads, calibrated exactly to Appendix F of the report at its date.

Cases taken on from the start of the demo to September 2020 (the report's date) reproduce the
published tables: Trusted Relationships one-to-one 147 cases (97 female, 50 male) with the
report's age, ethnicity and postcode-district tables ("confidential" 2: address withheld);
Turnaround 49 (all female) with its tables; Supporting Families against Youth Crime 30 young
people (ages 6 to 13; the programme takes no new cases after March 2021); Breaking the Cycle a
plausible handful from October 2019 (Violence Reduction Unit funding). After September 2020
caseloads carry on at a similar pace, with one story built in for the coverage map: inner-city
BD3 and BD8 get far fewer cases than their share of the at-risk cohort.

Runs after everything else in ``demo.load_demo`` with its own random stream, so the rest of the
demo is unchanged by it. Every service child is a new pseudonymous child.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import Connection, func, insert, select

from data_access import models as m
from domain.months import add_months, month_end, months_between
from domain.services import CONFIDENTIAL

CALIBRATED_TO = date(2020, 9, 1)  # the report's date: App. F counts cases up to this month

TR_AGES = {8: 2, 9: 5, 10: 9, 11: 14, 12: 17, 13: 27, 14: 38, 15: 31, 16: 3, 18: 1}
TR_GENDER = {"female": 97, "male": 50}
TR_ETHNICITY = {
    "English British": 97, "Eastern European": 18, "Pakistani": 11, "Gypsy or Irish Traveller": 4,
    "White & Asian": 4, "White & Black Caribbean": 3, "Black Caribbean": 3, "African": 2,
    "White Other": 2, "Unknown": 2, "White/Kurdish": 1,
}  # fmt: skip
TR_DISTRICTS = {
    "BD2": 10, "BD3": 12, "BD4": 12, "BD5": 10, "BD6": 14, "BD7": 14, "BD8": 3, "BD9": 1,
    "BD10": 9, "BD12": 8, "BD13": 11, "BD14": 2, "BD15": 5, "BD16": 1, "BD17": 2, "BD18": 7,
    "BD20": 1, "BD21": 10, "BD22": 8, "LS29": 5, CONFIDENTIAL: 2,
}  # fmt: skip
TURNAROUND_AGES = {8: 1, 10: 1, 12: 3, 13: 3, 14: 4, 15: 14, 16: 16, 17: 6, 18: 1}
TURNAROUND_ETHNICITY = {
    "English British": 25, "Pakistani": 9, "White and Asian": 4, "Roma Gypsy": 3,
    "Bangladeshi": 2, "Slovakian": 2, "Eastern European": 2, "Black African": 1,
    "White & Black Caribbean": 1,
}  # fmt: skip
TURNAROUND_DISTRICTS = {
    "BD2": 2, "BD3": 7, "BD4": 4, "BD5": 6, "BD6": 1, "BD7": 6, "BD8": 1, "BD9": 2, "BD10": 3,
    "BD12": 3, "BD16": 2, "BD17": 3, "BD18": 3, "BD20": 2, "BD21": 1, "BD22": 3,
}  # fmt: skip
PUBLISHED = {  # service: (cases to CALIBRATED_TO, ages, gender, ethnicity, districts, first month)
    "trusted_relationships": (147, TR_AGES, TR_GENDER, TR_ETHNICITY, TR_DISTRICTS, date(2019, 1, 1)),
    "turnaround": (49, TURNAROUND_AGES, {"female": 49}, TURNAROUND_ETHNICITY, TURNAROUND_DISTRICTS,
                   date(2019, 1, 1)),
    "sfayc": (30, {9: 2, 10: 8, 11: 11, 12: 7, 13: 2}, {"male": 18, "female": 12},
              {"English British": 14, "Pakistani": 9, "Eastern European": 3, "Bangladeshi": 2,
               "White and Black Caribbean": 2},
              {"BD3": 5, "BD4": 4, "BD5": 6, "BD7": 4, "BD8": 3, "BD9": 2, "BD21": 4, "BD6": 2},
              date(2019, 9, 1)),
}  # fmt: skip
SFAYC_LAST_NEW = date(2021, 3, 1)
BTC_FIRST = date(2019, 10, 1)
# New one-to-one cases a month after the report's date, and how long cases stay open (median days).
MONTHLY_AFTER = {"trusted_relationships": 7.0, "turnaround": 2.4, "sfayc": 2.0,
                 "breaking_the_cycle": 1.5}  # fmt: skip
MEDIAN_DAYS = {"trusted_relationships": 190, "turnaround": 240, "sfayc": 150,
               "breaking_the_cycle": 270, "group_work": 50}  # fmt: skip
UNDER_SERVED_AFTER_REPORT = {"BD3": 0.15, "BD8": 0.15}
TR_PROVIDERS = {"barnardos": 40, "ymca": 20, "emerge": 20, "james": 20}
KEIGHLEY = frozenset({"BD20", "BD21", "BD22"})


def _expand(table: dict, n: int, exact: bool, rng: np.random.Generator) -> list:
    """``n`` values with exactly the table's counts (shuffled), or drawn from its weights."""
    keys = list(table)
    if exact:
        values = [k for k in keys for _ in range(table[k])]
        assert len(values) == n, f"published table adds to {len(values)}, not {n}"
        return [values[i] for i in rng.permutation(len(values))]
    p = np.array([table[k] for k in keys], dtype=float)
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _months_weights(months: list[date]) -> np.ndarray:
    """More referrals in and after the first lockdown (the report: referrals rose)."""
    w = np.array([1.35 if date(2020, 4, 1) <= mth else 1.0 for mth in months])
    return w / w.sum()


class _Cases:
    def __init__(self, connection: Connection, rng: np.random.Generator, places: dict,
                 as_of: date) -> None:  # fmt: skip
        self.rng, self.places, self.as_of = rng, places, as_of
        self.next_id = (connection.execute(select(func.max(m.Child.id))).scalar() or 0) + 1
        self.used = set(connection.execute(select(m.Child.pseudo_id)).scalars())
        self.children: list[dict] = []
        self.cases: list[dict] = []

    def add(self, service: str, delivery: str, provider: str, month: date, age: int,
            gender: str, ethnicity: str, district: str) -> None:  # fmt: skip
        rng = self.rng
        started = month + timedelta(days=int(rng.integers(0, month_end(month).day)))
        started = min(started, self.as_of)
        median = MEDIAN_DAYS["group_work" if delivery == "group_work" else service]
        closed = started + timedelta(days=max(14, int(rng.lognormal(np.log(median), 0.45))))
        while True:
            pseudo = f"CE-{int(rng.integers(0, 16**6)):06X}"
            if pseudo not in self.used:
                self.used.add(pseudo)
                break
        birth = add_months(month, -(age * 12 + int(rng.integers(0, 12))))
        self.children.append({"id": self.next_id, "pseudo_id": pseudo, "sex": gender,
                              "birth_month": birth, "ethnicity": ethnicity})  # fmt: skip
        sector = lsoa = None
        if district != CONFIDENTIAL:
            sector, lsoa = self.places[district][int(rng.integers(0, len(self.places[district])))]
        self.cases.append({
            "child_id": self.next_id, "service": service, "delivery": delivery,
            "provider": provider, "started_on": started,
            "closed_on": closed if closed <= self.as_of else None, "age_at_start": age,
            "gender": gender, "ethnicity": ethnicity, "lsoa_code": lsoa, "postcode_sector": sector,
        })  # fmt: skip
        self.next_id += 1


def _provider(service: str, district: str, rng: np.random.Generator) -> str:
    if service == "sfayc":
        keys, p = ["barnardos", "brathay", "james", "ymca"], [0.5, 0.2, 0.15, 0.15]
        return keys[int(rng.choice(4, p=p))]
    if service != "trusted_relationships":
        return "other"
    if district in KEIGHLEY and rng.random() < 0.8:
        return "project_6"
    keys = list(TR_PROVIDERS)
    p = np.array(list(TR_PROVIDERS.values()), dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _published_cases(cases: _Cases, scale: float) -> None:
    """One-to-one cases up to the report's date, exactly the published tables at scale 1."""
    rng = cases.rng
    for service, (total, ages, genders, ethnicity, districts, first) in PUBLISHED.items():
        exact = scale == 1.0
        n = total if exact else max(1, round(total * scale))
        months = months_between(first, CALIBRATED_TO)
        per_month = rng.multinomial(n, _months_weights(months))
        starts = [mth for mth, k in zip(months, per_month, strict=True) for _ in range(k)]
        columns = zip(
            starts, _expand(ages, n, exact, rng), _expand(genders, n, exact, rng),
            _expand(ethnicity, n, exact, rng), _expand(districts, n, exact, rng), strict=True,
        )  # fmt: skip
        for month, age, gender, eth, district in columns:
            provider = _provider(service, district, rng)
            cases.add(service, "one_to_one", provider, month, age, gender, eth, district)


def _district_weights(table: dict) -> dict:
    return {d: w * UNDER_SERVED_AFTER_REPORT.get(d, 1.0) for d, w in table.items()}


def _later_cases(cases: _Cases, last_month: date, scale: float) -> None:
    """One-to-one cases after the report's date (and Breaking the Cycle from its start)."""
    rng = cases.rng
    tr, ta, sf = (PUBLISHED[s] for s in ("trusted_relationships", "turnaround", "sfayc"))
    profiles = {
        "trusted_relationships": (tr[1], {"female": 66, "male": 34}, tr[3], _district_weights(tr[4])),
        "turnaround": (ta[1], {"female": 9, "male": 1}, ta[3], _district_weights(ta[4])),
        "sfayc": (sf[1], sf[2], sf[3], _district_weights(sf[4])),
        "breaking_the_cycle": ({14: 2, 15: 4, 16: 5, 17: 5, 18: 2}, {"male": 17, "female": 3},
                               {"English British": 9, "Pakistani": 7, "Black Caribbean": 1,
                                "Eastern European": 2, "Bangladeshi": 1},
                               _district_weights({"BD3": 4, "BD4": 3, "BD5": 4, "BD7": 3, "BD8": 3,
                                                  "BD9": 2, "BD21": 3, "BD10": 1, "BD6": 2})),
    }  # fmt: skip
    for month in months_between(BTC_FIRST, last_month):
        for service, rate in MONTHLY_AFTER.items():
            if service != "breaking_the_cycle" and month <= CALIBRATED_TO:
                continue
            if service == "sfayc" and month > SFAYC_LAST_NEW:
                continue
            drift = 1.0 + 0.03 * (month.year - 2020)
            ages, genders, ethnicity, districts = profiles[service]
            for _ in range(rng.poisson(rate * drift * scale)):
                age, gender, eth, district = (_expand(t, 1, False, rng)[0]
                                              for t in (ages, genders, ethnicity, districts))  # fmt: skip
                provider = _provider(service, district, rng)
                cases.add(service, "one_to_one", provider, month, age, gender, eth, district)


def _group_work(cases: _Cases, first: date, last_month: date, scale: float) -> None:
    """Trusted Relationships group work: paused in the first lockdown; 84 young people in
    July to September 2020 (report 2.30); steady afterwards."""
    rng = cases.rng
    quarter = [date(2020, 7, 1), date(2020, 8, 1), date(2020, 9, 1)]
    split = dict(zip(quarter, rng.multinomial(max(1, round(84 * scale)), [1 / 3] * 3), strict=True))
    ages = {10: 2, 11: 3, 12: 4, 13: 5, 14: 5, 15: 4, 16: 2}
    genders = {"female": 55, "male": 45}
    for month in months_between(first, last_month):
        if month in split:
            n = int(split[month])
        elif date(2020, 4, 1) <= month <= date(2020, 6, 1):
            n = rng.poisson(4 * scale)
        else:
            n = rng.poisson(14 * scale)
        for _ in range(n):
            age, gender, eth, district = (_expand(t, 1, False, rng)[0]
                                          for t in (ages, genders, TR_ETHNICITY, TR_DISTRICTS))  # fmt: skip
            district = district if district != CONFIDENTIAL else "BD3"
            provider = _provider("trusted_relationships", district, rng)
            cases.add("trusted_relationships", "group_work", provider, month, age, gender, eth,
                      district)  # fmt: skip


def load_services_demo(connection: Connection, rng: np.random.Generator, places: dict,
                       first_month: date, as_of: date, scale: float = 1.0) -> dict[str, int]:  # fmt: skip
    """Insert the synthetic service children and cases; returns row counts."""
    cases = _Cases(connection, rng, places, as_of)
    last_month = as_of.replace(day=1)
    _published_cases(cases, scale)
    _later_cases(cases, last_month, scale)
    _group_work(cases, first_month, last_month, scale)
    connection.execute(insert(m.Child), cases.children)
    connection.execute(insert(m.ServiceCase), cases.cases)
    return {"service_case": len(cases.cases), "service_child": len(cases.children)}
