"""Synthetic education, modern slavery and investigation data, calibrated to the report.

Called at the end of :func:`data_access.demo.load_demo` with its own random generator, so the
other demo streams are unchanged. The published figures are built in exactly (tests check them):

* CME referrals 1,339 in Sep 2018 – Aug 2019 and 853 in Sep 2019 – Aug 2020 (the lockdown months
  are low), whereabouts found for 785 of the 853 (92%);
* EHE registered 295 / 390 / 481 / 515 / 518 in January 2016-2020 (+63% Jan 2016 → 2018, +7% to
  2019, +0.6% to 2020), 525 in Sep 2019, 487 in Aug 2020 and 677 in Sep 2020 (+39%, +29%). The
  January 2016-2018 points are district counts only, as the older returns had no ward;
* MSHT offences 147 in Apr 2019 – Mar 2020; intelligence submissions 12 in the six weeks to
  19 Aug 2020 and 24 in the six weeks to 30 Sep 2020;
* Operation Dalesway at 30 Sep 2020: 12 live (3 with a CPS complex-case lawyer, 5 at victim
  disclosure), 5 pending trial (4 single-suspect cases with 42 indictments, 1 with 14 suspects
  charged), 1 concluded that year when its victim disengaged.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import Connection, insert, select

from data_access import models as m
from data_access.reference import postcodes_by_district
from domain.months import add_months, month_end, months_between

CME_FIRST_MONTH = date(2018, 9, 1)
CME_2019_20 = (150, 118, 108, 78, 105, 95, 70, 22, 25, 30, 32, 20)  # Sep 2019 .. Aug 2020 = 853
CME_2019_20_FOUND = 785  # 92.0% of 853
CME_SEASON = {9: 1.5, 10: 1.2, 11: 1.1, 12: 0.8, 1: 1.1, 2: 1.0, 3: 1.0, 4: 0.9, 5: 1.0, 6: 1.0,
              7: 0.9, 8: 0.5}  # fmt: skip
EHE_JANUARIES = {2016: 295, 2017: 390, 2018: 481}
EHE_MONTHLY = {  # Sep 2018 .. Jan 2021, district totals at month end
    "2018-09": 470, "2018-10": 480, "2018-11": 492, "2018-12": 503, "2019-01": 515,
    "2019-02": 520, "2019-03": 526, "2019-04": 530, "2019-05": 534, "2019-06": 537,
    "2019-07": 540, "2019-08": 505, "2019-09": 525, "2019-10": 521, "2019-11": 519,
    "2019-12": 517, "2020-01": 518, "2020-02": 520, "2020-03": 515, "2020-04": 500,
    "2020-05": 495, "2020-06": 492, "2020-07": 490, "2020-08": 487, "2020-09": 677,
    "2020-10": 735, "2020-11": 760, "2020-12": 772, "2021-01": 785,
}  # fmt: skip
MSHT_FIRST_MONTH = date(2019, 1, 1)
OFFENCES_2019_20 = 147
INTEL_WINDOWS = (
    (date(2020, 7, 9), date(2020, 8, 19), 12),
    (date(2020, 8, 20), date(2020, 9, 30), 24),
)
DISRUPTION_RATES = {"cawn": 3.0, "shpo": 1.0, "stro": 0.3, "arrest": 6.0, "closure": 0.8,
                    "licensing": 2.0}  # fmt: skip


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` exactly (largest remainder)."""
    share = total * weights / weights.sum()
    whole = np.floor(share).astype(int)
    for index in np.argsort(-(share - whole))[: total - whole.sum()]:
        whole[index] += 1
    return whole


class _Places:
    """Random (sector, LSOA) pairs of the district; some records have no place at all."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.pairs = [pair for pairs in postcodes_by_district().values() for pair in pairs]

    def place(self, share_unplaced: float) -> dict:
        if self.rng.random() < share_unplaced:
            return {"postcode_sector": None, "lsoa_code": None}
        sector, lsoa = self.pairs[int(self.rng.integers(len(self.pairs)))]
        return {"postcode_sector": sector, "lsoa_code": lsoa}


def _days(rng: np.random.Generator, first: date, last: date, count: int) -> list[date]:
    span = (last - first).days + 1
    return sorted(first + timedelta(days=int(d)) for d in rng.integers(0, span, count))


def _cme(rng: np.random.Generator, places: _Places, last_month: date) -> list[dict]:
    months = months_between(CME_FIRST_MONTH, last_month)
    first_year = months[:12]
    counts = dict(zip(first_year, _allocate(1339, np.array([CME_SEASON[x.month] for x in first_year])), strict=True))  # fmt: skip
    counts |= dict(zip(months[12:24], CME_2019_20, strict=True))
    for month in months[24:]:
        counts[month] = int(
            rng.poisson(96 * CME_SEASON[month.month] * (1.1 if month.year == 2020 else 1.0))
        )
    rows, year_2019_20 = [], []
    for month in months:
        for day in _days(rng, month, month_end(month), counts[month]):
            months_ago = (last_month.year - month.year) * 12 + last_month.month - month.month
            found = rng.random() < (0.92 if months_ago > 3 else 0.55 + 0.1 * months_ago)
            row = {"source_id": f"CME-{len(rows) + 1:06d}", "referred_on": day,
                   "whereabouts_found": bool(found), **places.place(0.05)}  # fmt: skip
            rows.append(row)
            if date(2019, 9, 1) <= day < date(2020, 9, 1):
                year_2019_20.append(row)
    found_ids = set(rng.choice(len(year_2019_20), CME_2019_20_FOUND, replace=False).tolist())
    for index, row in enumerate(year_2019_20):
        row["whereabouts_found"] = index in found_ids
    return rows


def _ehe(rng: np.random.Generator, ward_codes: list[str], last_month: date) -> list[dict]:
    rows = [{"month": date(year, 1, 1), "ward_code": "", "registered": count}
            for year, count in EHE_JANUARIES.items()]  # fmt: skip
    totals = {date(int(k[:4]), int(k[5:]), 1): v for k, v in EHE_MONTHLY.items()}
    level = totals[date(2021, 1, 1)]
    for month in months_between(date(2021, 2, 1), last_month):
        level = level * 1.004 + (25 if month.month == 9 else 0) - (30 if month.month == 8 else 0)
        totals[month] = int(round(level + rng.normal(0, 4)))
    weights = rng.gamma(4.0, 1.0, len(ward_codes))
    for month, total in sorted(totals.items()):
        jitter = weights * rng.uniform(0.9, 1.1, len(ward_codes))
        for ward, count in zip(ward_codes, _allocate(total, jitter), strict=True):
            rows.append({"month": month, "ward_code": ward, "registered": int(count)})
    return rows


def _msht(rng: np.random.Generator, places: _Places, last: date) -> list[dict]:
    rows: list[dict] = []

    def add(measure: str, days: list[date], unplaced: float) -> None:
        for day in days:
            rows.append({"source_id": f"MSHT-{len(rows) + 1:06d}", "measure": measure,
                         "recorded_on": day, **places.place(unplaced)})  # fmt: skip

    months = months_between(MSHT_FIRST_MONTH, last)
    fy_2019_20 = months_between(date(2019, 4, 1), date(2020, 3, 1))
    fixed = dict(zip(fy_2019_20, rng.multinomial(OFFENCES_2019_20, [1 / 12] * 12), strict=True))
    for month in months:
        growth = 1 + 0.05 * max(0, month.year - 2020)
        offences = fixed.get(month, int(rng.poisson(12.5 * growth)))
        add("offences", _days(rng, month, month_end(month), offences), 0.1)
        add(
            "nrm_child_referrals",
            _days(rng, month, month_end(month), int(rng.poisson(5 * growth))),
            0.15,
        )
    first_window, last_window = INTEL_WINDOWS[0][0], INTEL_WINDOWS[-1][1]
    for first, final, count in INTEL_WINDOWS:
        add("intelligence_submissions", _days(rng, first, final, count), 0.3)
    for month in months:
        rate = 8 if month < date(2020, 10, 1) else 17
        for day in _days(rng, month, month_end(month), int(rng.poisson(rate))):
            if not first_window <= day <= last_window:
                add("intelligence_submissions", [day], 0.3)
    return rows


def _disruption(rng: np.random.Generator, places: _Places, last: date) -> list[dict]:
    rows = []
    for month in months_between(MSHT_FIRST_MONTH, last):
        lockdown = 0.6 if date(2020, 4, 1) <= month <= date(2020, 6, 1) else 1.0
        for activity, rate in DISRUPTION_RATES.items():
            for day in _days(rng, month, month_end(month), int(rng.poisson(rate * lockdown))):
                rows.append({"source_id": f"DIS-{len(rows) + 1:06d}", "activity_type": activity,
                             "occurred_on": day, **places.place(0.2)})  # fmt: skip
    return rows


def _update(stage: str, suspects: int, charged: int = 0, indictments: int | None = None,
            victims: int = 1, cps: bool = False, disclosure: bool = False) -> dict:  # fmt: skip
    return {"stage": stage, "suspects": suspects, "suspects_charged": charged,
            "indictments": indictments, "victims_engaged": victims,
            "cps_lawyer_allocated": cps, "victim_disclosure": disclosure}  # fmt: skip


def _dalesway() -> tuple[list[dict], list[dict]]:
    """Investigations and their dated updates (hand-built so the 30 Sep 2020 position is exact)."""
    d = date
    plans: list[tuple[date, list[tuple[date, dict]]]] = []
    # Five pending trial at 30 Sep 2020: four single-suspect cases (42 indictments), one with 14.
    for opened, indictments, trial in ((d(2017, 5, 2), 14, d(2020, 12, 8)), (d(2017, 11, 20), 11, d(2020, 11, 23)),
                                       (d(2018, 3, 14), 9, d(2021, 1, 18)), (d(2018, 8, 6), 8, d(2020, 12, 14))):  # fmt: skip
        plans.append((opened, [(opened, _update("live", 1, victims=2)),
                               (add_months(opened, 14), _update("live", 1, victims=2, cps=True)),
                               (d(2019, 10, 15), _update("charged", 1, 1, indictments, 2, cps=True)),
                               (d(2020, 2, 10), _update("pending_trial", 1, 1, indictments, 2, cps=True)),
                               (trial + timedelta(days=30), _update("concluded", 1, 1, indictments, 2, cps=True))]))  # fmt: skip
    plans.append((d(2016, 9, 12), [(d(2016, 9, 12), _update("live", 6, victims=4)),
                                   (d(2018, 6, 1), _update("live", 14, victims=7, cps=True)),
                                   (d(2020, 3, 2), _update("charged", 14, 14, None, 7, cps=True)),
                                   (d(2020, 7, 20), _update("pending_trial", 14, 14, None, 7, cps=True)),
                                   (d(2022, 2, 28), _update("concluded", 14, 14, 61, 6, cps=True))]))  # fmt: skip
    # Twelve live at 30 Sep 2020: three with a CPS lawyer, five at victim disclosure, four others.
    for index in range(12):
        opened = d(2018, 1, 15) + timedelta(days=71 * index)
        suspects = 1 + index % 4
        steps = [(opened, _update("live", suspects, victims=1 + index % 3, disclosure=True))]
        if index < 3:
            steps += [(opened + timedelta(days=200), _update("live", suspects, victims=2)),
                      (d(2020, 6, 1) + timedelta(days=20 * index), _update("live", suspects + 1, victims=2, cps=True)),
                      (d(2021, 5, 10) + timedelta(days=40 * index), _update("charged", suspects + 1, suspects, 6 + 3 * index, 2, cps=True)),
                      (d(2021, 9, 1) + timedelta(days=40 * index), _update("pending_trial", suspects + 1, suspects, 6 + 3 * index, 2, cps=True)),
                      (d(2022, 6, 1) + timedelta(days=40 * index), _update("concluded", suspects + 1, suspects, 6 + 3 * index, 2, cps=True))]  # fmt: skip
        elif index < 8:  # victims only recently engaged; two cases are later discontinued
            steps = [
                (max(opened, d(2020, 5, 1)), _update("live", suspects, victims=1, disclosure=True))
            ]
            if index in (3, 4):
                steps.append(
                    (
                        d(2021, 3, 1) + timedelta(days=30 * index),
                        _update("discontinued", suspects, victims=0),
                    )
                )
            else:
                steps.append(
                    (
                        d(2021, 2, 1) + timedelta(days=30 * index),
                        _update("live", suspects, victims=1),
                    )
                )
        else:
            steps += [(opened + timedelta(days=120), _update("live", suspects + 1, victims=2))]
            steps.append(
                (
                    d(2022, 1, 10) + timedelta(days=60 * index),
                    _update("live", suspects + 1, victims=2, cps=True),
                )
            )
        plans.append((min(s[0] for s in steps), steps))
    # One concluded in 2020 when its victim disengaged; earlier successful prosecutions.
    plans.append((d(2018, 2, 5), [(d(2018, 2, 5), _update("live", 2, victims=1)),
                                  (d(2020, 4, 20), _update("concluded", 2, victims=0))]))  # fmt: skip
    for year in (2015, 2016):
        opened = d(year, 4, 1)
        plans.append((opened, [(opened, _update("live", 2, victims=3)),
                               (d(year + 2, 2, 1), _update("charged", 2, 2, 12, 3, cps=True)),
                               (d(year + 2, 6, 1), _update("pending_trial", 2, 2, 12, 3, cps=True)),
                               (d(year + 3, 1, 15), _update("concluded", 2, 2, 12, 3, cps=True))]))  # fmt: skip
    # New referrals of non-recent cases after the report, a few a year.
    for index in range(14):
        opened = d(2021, 2, 1) + timedelta(days=137 * index)
        steps = [
            (opened, _update("live", 1 + index % 3, victims=1, disclosure=True)),
            (opened + timedelta(days=150), _update("live", 1 + index % 3, victims=2)),
        ]
        if index < 8:
            steps.append(
                (opened + timedelta(days=420), _update("live", 2 + index % 3, victims=2, cps=True))
            )
        if index < 5:
            steps.append(
                (
                    opened + timedelta(days=600),
                    _update("pending_trial", 2 + index % 3, 1 + index % 3, 5 + index, 2, cps=True),
                )
            )
        plans.append((opened, steps))
    investigations, updates = [], []
    for number, (opened, steps) in enumerate(sorted(plans, key=lambda p: p[0]), start=1):
        investigations.append(
            {"id": number, "reference": f"DW-{opened.year}-{number:03d}", "opened_on": opened}
        )
        for step, (when, fields) in enumerate(steps, start=1):
            updates.append({"source_id": f"DW-{number:03d}-U{step}", "investigation_id": number,
                            "updated_on": when, **fields})  # fmt: skip
    return investigations, updates


def _scaled(rng: np.random.Generator, rows: list[dict], scale: float) -> list[dict]:
    """Events at another demo scale: each kept with chance ``scale`` below 1, or repeated a
    Poisson(``scale``) number of times above it (new source ids), so the shape is unchanged."""
    if scale == 1.0:
        return rows
    out = []
    for row in rows:
        copies = int(rng.random() < scale) if scale < 1 else int(rng.poisson(scale))
        for copy in range(copies):
            out.append(
                {**row, "source_id": f"{row['source_id']}-{copy}" if copy else row["source_id"]}
            )
    return out


def load_measures_demo(
    connection: Connection, rng: np.random.Generator, data_as_of: date, scale: float = 1.0
) -> dict[str, int]:
    """Insert the demo records; returns row counts per table. At a ``scale`` other than 1 the
    events and EHE counts are scaled (the published figures then hold only at scale 1); the
    Operation Dalesway cases are a hand-built set and stay as they are."""
    ward_codes = list(
        connection.execute(select(m.Ward.code).where(m.Ward.vintage == "2004")).scalars()
    )
    places = _Places(rng)
    last_month = data_as_of.replace(day=1)
    investigations, updates = _dalesway()
    updates = [u for u in updates if u["updated_on"] <= data_as_of]
    ehe = _ehe(rng, sorted(ward_codes), last_month)
    if scale != 1.0:
        ehe = [{**row, "registered": round(row["registered"] * scale)} for row in ehe]
    tables = [
        (m.CmeReferral, _scaled(rng, _cme(rng, places, last_month), scale)),
        (m.EheCount, ehe),
        (m.MshtRecord, _scaled(rng, _msht(rng, places, data_as_of), scale)),
        (m.DisruptionActivity, _scaled(rng, _disruption(rng, places, data_as_of), scale)),
        (m.Investigation, investigations),
        (m.InvestigationUpdate, updates),
    ]
    for model, rows in tables:
        for start in range(0, len(rows), 50_000):
            connection.execute(insert(model), rows[start : start + 50_000])
    return {model.__tablename__: len(rows) for model, rows in tables}
