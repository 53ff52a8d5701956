"""Linked cell suppression: small tables where the answer can be worked out by hand, and random
linked tables checked by an independent LP attacker (scipy's linprog, solved from scratch)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy.optimize import linprog

from domain.linked_protection import CellSpec, protect, whole_values
from domain.release_space import (
    Geography,
    cell_atoms,
    financial_quarters,
    month_ends,
    release_cells,
    years,
)


def bounds(n_atoms: int, published: list[tuple[tuple[int, ...], int]], target: tuple[int, ...]):
    """Independent attacker: min and max of a target sum given the published sums and x >= 0."""
    a = np.zeros((len(published), n_atoms))
    for i, (atoms, _) in enumerate(published):
        a[i, list(atoms)] = 1
    b = np.array([v for _, v in published], dtype=float)
    c = np.zeros(n_atoms)
    c[list(target)] = 1
    lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    assert lo.status == 0
    return lo.fun, math.inf if hi.status == 3 else -hi.fun


def grid_cells(rows: int, cols: int) -> list[CellSpec]:
    """A rows x cols table of atoms with row totals, column totals and a grand total."""
    cells = [CellSpec(("cell", r, c), (r * cols + c,)) for r in range(rows) for c in range(cols)]
    cells += [CellSpec(("row", r), tuple(r * cols + c for c in range(cols))) for r in range(rows)]
    cells += [CellSpec(("col", c), tuple(r * cols + c for r in range(rows))) for c in range(cols)]
    cells.append(CellSpec(("all",), tuple(range(rows * cols))))
    return cells


def attack_result(values, cells, result, known=()) -> list[float]:
    published = [(c.atoms, result.values[c.key]) for c in cells if result.values[c.key] is not None]
    published += list(known)
    widths = []
    for cell in cells:
        truth = int(np.asarray(values)[list(cell.atoms)].sum())
        if cell.key in result.hidden and 1 <= truth <= 4:
            widths.append(whole_values(*bounds(len(values), published, cell.atoms)))
    return widths


def test_one_small_cell_needs_three_more_hidden():
    """A 2x2 table with one cell of 2: hiding it alone gives it back from its row or column, so a
    rectangle of four cells is hidden, and the attacker is left at least five values."""
    values = np.array([2, 30, 40, 50])
    cells = grid_cells(2, 2)
    result = protect(values, cells)
    assert result.primary == {("cell", 0, 0)}
    assert {("cell", 0, 0), ("cell", 0, 1), ("cell", 1, 0), ("cell", 1, 1)} <= result.hidden
    assert min(attack_result(values, cells, result)) >= 5


def test_zero_is_published_and_nothing_else_hidden_when_nothing_is_small():
    values = np.array([0, 7, 12, 9])
    result = protect(values, grid_cells(2, 2))
    assert not result.hidden
    assert result.values[("cell", 0, 0)] == 0


def test_width_means_whole_values_not_length():
    assert whole_values(0.0, 4.0) == 5
    assert whole_values(0.2, 4.0) == 4
    assert whole_values(1.0, math.inf) == math.inf


@pytest.mark.parametrize("seed", range(6))
def test_random_linked_tables_resist_the_attacker(seed):
    """Two tables that share their cells (a rows x cols grid and the same counts by row pairs),
    sparse enough that many cells are 1 to 4."""
    rng = np.random.default_rng(seed)
    rows, cols = 6, 5
    values = rng.poisson(2.5, size=rows * cols)
    cells = grid_cells(rows, cols)
    cells += [
        CellSpec(("pair", r, c), (r * cols + c, (r + 1) * cols + c))
        for r in range(0, rows, 2)
        for c in range(cols)
    ]
    result = protect(values, cells)
    assert result.primary
    widths = attack_result(values, cells, result)
    assert widths and min(widths) >= 5


def test_primary_suppression_alone_would_fail():
    """The attack the audit defends against is real: hiding only the small cells of a grid gives
    them back (so the attacker test above can fail)."""
    values = np.array([2, 30, 40, 50])
    cells = grid_cells(2, 2)
    published = [
        (c.atoms, int(values[list(c.atoms)].sum())) for c in cells if c.key != ("cell", 0, 0)
    ]
    assert whole_values(*bounds(4, published, (0,))) == 1


def test_earlier_release_is_respected():
    """A second release publishes a coarser total; with the first release's cells known, the
    small cell must stay protected across both."""
    values = np.array([2, 30, 40, 50, 6])
    first = grid_cells(2, 2)
    r1 = protect(values, first)
    known = [(c.atoms, r1.values[c.key]) for c in first if r1.values[c.key] is not None]
    second = [*first, CellSpec(("new", 0), (0, 1)), CellSpec(("new", 1), (0, 4))]
    r2 = protect(
        values, second, known=known, protect_also=[c.atoms for c in first if c.key in r1.hidden]
    )
    assert ("new", 0) in r2.hidden or ("new", 1) in r2.hidden or ("cell", 0, 1) in r2.hidden
    published = known + [
        (c.atoms, r2.values[c.key]) for c in second if r2.values[c.key] is not None
    ]
    assert whole_values(*bounds(5, published, (0,))) >= 5
    assert not r2.unprotectable


def test_release_space_periods():
    october = date(2026, 10, 1)
    quarters = financial_quarters(october)
    assert len(quarters) == 8
    assert quarters[-1].start == date(2026, 7, 1) and quarters[-1].end == date(2026, 9, 1)
    assert quarters[0].start == date(2024, 10, 1)
    assert financial_quarters(date(2026, 9, 1))[-1].end == date(2026, 9, 1)
    previous, current = years(october)
    assert (previous.start, previous.end) == (date(2024, 11, 1), date(2025, 10, 1))
    assert (current.start, current.end) == (date(2025, 11, 1), october)
    ends = [p.start for p in month_ends(october)]
    assert october in ends and date(2025, 10, 1) in ends and date(2026, 9, 1) in ends


def test_release_cells_add_up_over_what_the_manifest_says():
    geography = Geography({"A": ["w1", "w2"], "B": ["w3"]})
    cells = release_cells(date(2026, 10, 1), geography)
    levels = {(c.measure, c.breakdown, c.geography_level) for c in cells}
    assert ("referrals", "exploitation_type", "ward") not in levels  # categories not by ward
    assert ("referrals", "exploitation_type", "area") in levels
    district_year = next(
        c for c in cells
        if c.measure == "referrals" and c.geography_level == "district" and c.category == "all"
    )  # fmt: skip
    atoms = cell_atoms(district_year, geography)
    assert {a[3] for a in atoms} == {"w1", "w2", "w3"}
    assert len({a[1] for a in atoms}) == 12  # one unknown per month
    cohort = next(c for c in cells if c.measure == "children_at_risk" and c.category == "all")
    assert {(a[1], a[2]) for a in cell_atoms(cohort, geography)} == {
        (cohort.period_start, cohort.period_end)
    }
