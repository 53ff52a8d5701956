"""The attacker of the public release, written independently of the code that protects it.

It reads what a member of the public can read (``release.csv`` rows and ``manifest.json``), writes
every published cell as a linear relation over the underlying counts (month or period, ward,
category) the manifest says it adds up over, and for every hidden cell whose true value is 1-4
computes with linear programming the smallest and largest value it could take given every
published number (this release and earlier ones) and x >= 0.

It shares nothing with ``domain.linked_protection``: no merging of unknowns, no zero elimination,
no choice of cells; each measure is solved on its own only because measures share no unknowns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import highspy
import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

TOL = 1e-6


def months(start: date, end: date) -> list[date]:
    out, current = [], start
    while current <= end:
        out.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


@dataclass(frozen=True)
class Cell:
    measure: str
    breakdown: str
    category: str
    level: str
    code: str
    start: date
    end: date

    @classmethod
    def from_row(cls, row: Mapping) -> Cell:
        def as_date(value: object) -> date:
            return value if isinstance(value, date) else date.fromisoformat(str(value))

        return cls(row["measure"], row["breakdown"], row["category"], row["geography_level"],
                   row["geography_code"], as_date(row["period_start"]), as_date(row["period_end"]))  # fmt: skip


@dataclass
class World:
    """What the attacker knows about the structure: the manifest and the ward -> area table."""

    manifest_measures: Mapping[str, Mapping]
    wards_by_area: Mapping[str, Sequence[str]]

    def wards(self, level: str, code: str) -> list[str]:
        if level == "ward":
            return [code]
        if level == "area":
            return list(self.wards_by_area[code])
        return [w for ws in self.wards_by_area.values() for w in ws]

    def unknowns(self, cell: Cell) -> list[tuple]:
        """The counts a cell is the sum of, as the manifest describes the measure."""
        spec = self.manifest_measures[cell.measure]
        categories = [cell.category] if cell.category != "all" else (spec["categories"] or ["all"])
        if spec["adds_up_over_months"]:
            spans = [(m, m) for m in months(cell.start, cell.end)]
        else:
            spans = [(cell.start, cell.end)]
        return [
            (cell.measure, s, e, w, c)
            for s, e in spans
            for w in self.wards(cell.level, cell.code)
            for c in categories
        ]


@dataclass(frozen=True)
class Finding:
    cell: Cell
    truth: int
    lo: float
    hi: float

    @property
    def possible(self) -> float:
        return (
            math.inf
            if math.isinf(self.hi)
            else math.floor(self.hi + TOL) - math.ceil(self.lo - TOL) + 1
        )


class _MeasureLP:
    """One measure's published equalities over all of its unknowns, kept in HiGHS so a new target
    only changes the objective."""

    def __init__(self, rows: list[tuple[list[tuple], int]], extra: Iterable[tuple]) -> None:
        self.index: dict[tuple, int] = {}
        for atoms, _ in rows:
            for a in atoms:
                self.index.setdefault(a, len(self.index))
        for a in extra:
            self.index.setdefault(a, len(self.index))
        n = len(self.index)
        r, c = [], []
        for i, (atoms, _) in enumerate(rows):
            for a in set(atoms):
                r.append(i)
                c.append(self.index[a])
        self.a = csc_matrix((np.ones(len(r)), (r, c)), shape=(len(rows), n))
        self.b = np.array([v for _, v in rows], dtype=float)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, len(rows)
        lp.col_cost_, lp.col_lower_ = np.zeros(n), np.zeros(n)
        lp.col_upper_ = np.full(n, highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = self.b, self.b
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = self.a.indptr, self.a.indices
        lp.a_matrix_.value_ = self.a.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # keep the basis between targets
        self.highs.passModel(lp)
        self.last: np.ndarray = np.zeros(0, dtype=np.int32)

    def optimum(self, atoms: list[tuple], maximise: bool) -> float:
        h = self.highs
        if len(self.last):
            h.changeColsCost(len(self.last), self.last, np.zeros(len(self.last)))
        cols = np.array(sorted({self.index[a] for a in atoms}), dtype=np.int32)
        h.changeColsCost(len(cols), cols, np.ones(len(cols)))
        self.last = cols
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        )
        h.run()
        status = h.getModelStatus()
        if maximise and status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return math.inf
        assert status == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(status)
        return h.getInfo().objective_function_value

    def linprog_bounds(self, atoms: list[tuple]) -> tuple[float, float]:
        """The same two optima from scipy's own HiGHS wrapper, solved from scratch (a cross-check)."""
        c = np.zeros(len(self.index))
        c[[self.index[a] for a in set(atoms)]] = 1.0
        lo = linprog(c, A_eq=self.a, b_eq=self.b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=self.a, b_eq=self.b, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status in (0, 3), (lo.message, hi.message)
        return lo.fun, (math.inf if hi.status == 3 else -hi.fun)


def attack(
    world: World,
    published: Iterable[tuple[Cell, int]],
    targets: Iterable[tuple[Cell, int]],
    width: int = 5,
    full: bool = False,
    cross_check: int = 0,
) -> list[Finding]:
    """Bounds for every target (a hidden cell with its true value). With ``full`` false the
    smallest value is computed only when the largest alone does not already leave ``width``
    whole values (the true value is always possible, so lo <= truth). ``cross_check`` targets
    per measure are solved again from scratch with ``scipy.optimize.linprog``."""
    by_measure: dict[str, list[tuple[list[tuple], int]]] = {}
    for cell, value in published:
        by_measure.setdefault(cell.measure, []).append((world.unknowns(cell), int(value)))
    wanted: dict[str, list[tuple[Cell, int]]] = {}
    for cell, truth in targets:
        wanted.setdefault(cell.measure, []).append((cell, truth))
    findings = []
    for measure, cells in wanted.items():
        atoms_of = {cell: world.unknowns(cell) for cell, _ in cells}
        lp = _MeasureLP(
            by_measure.get(measure, []), (a for atoms in atoms_of.values() for a in atoms)
        )
        for k, (cell, truth) in enumerate(cells):
            atoms = atoms_of[cell]
            hi = lp.optimum(atoms, maximise=True)
            lo = 0.0
            if full or (not math.isinf(hi) and math.floor(hi + TOL) - truth + 1 < width):
                lo = lp.optimum(atoms, maximise=False)
            if k < cross_check:
                lo2, hi2 = lp.linprog_bounds(atoms)
                assert abs(hi2 - hi) < 1e-5 or (math.isinf(hi) and math.isinf(hi2)), (cell, hi, hi2)
                if full or lo:
                    assert abs(lo2 - lo) < 1e-5, (cell, lo, lo2)
            findings.append(Finding(cell, truth, lo, hi))
    return findings


def pinned(findings: Iterable[Finding], width: int = 5) -> list[Finding]:
    """The targets an attacker narrows to fewer than ``width`` whole values."""
    return [f for f in findings if f.possible < width]
