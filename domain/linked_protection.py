"""Linked-table cell suppression that is safe against a linear-programming attacker.

Every published cell is a sum of non-negative whole-number atoms (for example referrals in one
ward, one month, one exploitation type). Cells from 1 to ``threshold - 1`` are hidden (primary
suppression); then an audit loop runs the attacker itself: for each hidden primary it solves the
two linear programmes "smallest / largest value this cell can take, given every published cell,
every cell of earlier releases and x >= 0" (HiGHS, through ``scipy.optimize.linprog``), and while
fewer than ``min_width`` whole values remain possible it hides one more cell, chosen from the rows
whose dual values show they pin the bound (smallest value first, so the reader loses little).

This is the approach of tau-ARGUS for linked tables (secondary suppression over all tables at
once, audited by LP) reduced to what one release needs. Pure numpy/scipy: no I/O.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import bmat, csr_matrix
from scipy.sparse.csgraph import connected_components

EPS = 1e-6  # rounding slack for LP optima (HiGHS is accurate to ~1e-9 on these 0/1 systems)
DUAL_TOL = 1e-7  # a row "matters" to the failing bound if |dual| exceeds this


@dataclass(frozen=True)
class CellSpec:
    """One published cell: a hashable id and the atom indices it sums."""

    key: Hashable
    atoms: tuple[int, ...]


@dataclass(frozen=True)
class ProtectionResult:
    """Outcome of :func:`protect`; ``unprotectable`` primaries are fixed by ``known`` alone."""

    hidden: frozenset
    primary: frozenset
    values: dict
    unprotectable: frozenset = frozenset()
    iterations: int = 0
    lp_solves: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def whole_values(lo: float, hi: float) -> float:
    """How many whole numbers lie in [lo, hi] (with LP tolerance); inf if unbounded."""
    if math.isinf(hi):
        return math.inf
    return math.floor(hi + EPS) - math.ceil(lo - EPS) + 1


@dataclass
class _System:
    """Rows (distinct atom sets: published groups, then target-only groups, then known rows)
    over merged variables, split into independent components."""

    matrix: csr_matrix
    row_value: np.ndarray
    row_comp: np.ndarray
    var_comp: np.ndarray
    hidden: np.ndarray
    hideable: np.ndarray
    lp_solves: int = 0

    @property
    def row_size(self) -> np.ndarray:
        return np.diff(self.matrix.indptr)


def _merge_variables(row_sets: list[tuple[int, ...]], zero: np.ndarray) -> csr_matrix:
    """Atoms in exactly the same rows act as one variable (exact for sums of x >= 0)."""
    member: dict[int, list[int]] = {}
    for r, atoms in enumerate(row_sets):
        for a in atoms:
            if not zero[a]:
                member.setdefault(a, []).append(r)
    pattern_index: dict[tuple[int, ...], int] = {}
    rr: list[int] = []
    cc: list[int] = []
    for a in sorted(member):
        pattern = tuple(member[a])
        if pattern not in pattern_index:
            pattern_index[pattern] = len(pattern_index)
            rr.extend(pattern)
            cc.extend([pattern_index[pattern]] * len(pattern))
    matrix = csr_matrix((np.ones(len(rr)), (rr, cc)), shape=(len(row_sets), len(pattern_index)))
    matrix.sum_duplicates()
    return matrix


class _ComponentLP:
    """The attacker's LP for one component, kept in HiGHS between solves: a new target changes
    only the objective and hiding a cell only frees its row, so each solve starts from the last
    optimal basis (hot start) instead of from scratch."""

    def __init__(self, system: _System, comp: int) -> None:
        self.rows = np.flatnonzero((system.row_comp == comp) & (system.row_size > 0))
        self.cols = np.flatnonzero(system.var_comp == comp)
        self.local = {int(r): i for i, r in enumerate(self.rows)}
        sub = system.matrix[self.rows][:, self.cols].tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(self.cols), len(self.rows)
        lp.col_cost_ = np.zeros(len(self.cols))
        lp.col_lower_ = np.zeros(len(self.cols))
        lp.col_upper_ = np.full(len(self.cols), highspy.kHighsInf)
        b = system.row_value[self.rows].astype(float)
        free = system.hidden[self.rows]
        lp.row_lower_ = np.where(free, -highspy.kHighsInf, b)
        lp.row_upper_ = np.where(free, highspy.kHighsInf, b)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = sub.indptr
        lp.a_matrix_.index_ = sub.indices
        lp.a_matrix_.value_ = sub.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("solver", "simplex")
        self.highs.passModel(lp)
        self.col_pos = {int(c): i for i, c in enumerate(self.cols)}
        self.costed: np.ndarray = np.zeros(0, dtype=np.int32)

    def hide(self, row: int) -> None:
        self.highs.changeRowBounds(self.local[row], -highspy.kHighsInf, highspy.kHighsInf)

    def solve(self, target_cols: np.ndarray, maximise: bool) -> tuple[float, np.ndarray | None]:
        """Optimum of the target's sum (inf when unbounded) and the row duals."""
        h = self.highs
        if len(self.costed):
            h.changeColsCost(len(self.costed), self.costed, np.zeros(len(self.costed)))
        local = np.array([self.col_pos[int(c)] for c in target_cols], dtype=np.int32)
        h.changeColsCost(len(local), local, np.ones(len(local)))
        self.costed = local
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        h.changeObjectiveSense(sense)
        h.run()
        status = h.getModelStatus()
        if (
            status
            in (
                highspy.HighsModelStatus.kUnbounded,
                highspy.HighsModelStatus.kUnboundedOrInfeasible,
            )
            and maximise
        ):
            return math.inf, None
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(
                f"audit LP failed ({h.modelStatusToString(status)}); inconsistent known values?"
            )
        return h.getInfo().objective_function_value, np.asarray(h.getSolution().row_dual)


def _audit(
    system: _System, lps: dict[int, _ComponentLP], target: int, true_value: int, min_width: int
) -> list[int] | None:
    """None if ``target`` is safe; else the rows whose hiding could widen its interval."""
    matrix = system.matrix
    comp = int(system.row_comp[target])
    target_cols = matrix[target].indices
    published = ~system.hidden & (system.row_comp == comp)
    in_published = np.asarray(matrix[published].sum(axis=0)).ravel()
    if np.any(in_published[target_cols] == 0):
        return None  # a variable of the target is in no published row: no upper bound
    if comp not in lps:
        lps[comp] = _ComponentLP(system, comp)
    lp = lps[comp]
    system.lp_solves += 1
    hi, dual_max = lp.solve(target_cols, maximise=True)
    if math.isinf(hi) or math.floor(hi + EPS) >= true_value + min_width - 1:
        return None  # lo <= true value, so the interval already holds min_width values
    system.lp_solves += 1
    lo, dual_min = lp.solve(target_cols, maximise=False)
    if whole_values(lo, hi) >= min_width:
        return None
    duals = [dual_max]
    if math.ceil(lo - EPS) > 0:
        duals.append(dual_min)
    free = system.hideable & ~system.hidden
    rows = lp.rows
    chosen = {int(rows[i]) for d in duals for i in np.flatnonzero(np.abs(d) > DUAL_TOL)}
    candidates = sorted(r for r in chosen if free[r])
    if not candidates:  # degenerate duals on fixed rows: any free row sharing a variable
        target_vars = set(target_cols.tolist())
        candidates = [
            int(r)
            for r in rows
            if free[r]
            and target_vars & set(matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]].tolist())
        ]
    if not candidates:
        candidates = [int(r) for r in rows if free[r]]
    return candidates


def protect(
    atom_values: np.ndarray,
    cells: Sequence[CellSpec],
    threshold: int = 5,
    known: Sequence[tuple[tuple[int, ...], int]] = (),
    min_width: int = 5,
    protect_also: Sequence[tuple[int, ...]] = (),
) -> ProtectionResult:
    """Choose hidden cells so that every primary has an LP interval of >= ``min_width`` integers.

    ``known`` are (atoms, value) pairs already public (earlier releases): they constrain the
    attacker and can never be hidden. ``protect_also`` are atom sets (earlier releases' hidden
    cells) that are not published now but must stay protected given this release too.
    """
    t0 = time.perf_counter()
    x = np.asarray(atom_values, dtype=np.int64)
    # 1. One group per distinct atom set, whichever table publishes it.
    group_of: dict[tuple[int, ...], int] = {}
    group_keys: list[list] = []
    for cell in cells:
        atoms = tuple(sorted(set(cell.atoms)))
        if atoms not in group_of:
            group_of[atoms] = len(group_keys)
            group_keys.append([])
        group_keys[group_of[atoms]].append(cell.key)
    n_pub = len(group_keys)
    for atoms in protect_also:  # target-only groups: never published, no output keys
        group_of.setdefault(tuple(sorted(set(atoms))), len(group_of))
    known_value = {tuple(sorted(set(atoms))): int(v) for atoms, v in known}
    sets = list(group_of)
    n_groups = len(sets)
    value = np.array([int(x[list(s)].sum()) if s else 0 for s in sets], dtype=np.int64)
    is_primary = (value >= 1) & (value < threshold)
    locked = np.array([s in known_value for s in sets], dtype=bool)
    # 2. Atoms of a published or known zero cell are known to be 0.
    zero = np.zeros(len(x), dtype=bool)
    for s, v in [*zip(sets[:n_pub], value[:n_pub], strict=True), *known_value.items()]:
        if v == 0:
            zero[list(s)] = True
    row_sets = sets + [s for s in known_value if s not in group_of]
    row_value = np.concatenate([value, [known_value[s] for s in row_sets[n_groups:]]])
    matrix = _merge_variables(row_sets, zero)
    n_var = matrix.shape[1]
    # 3. Independent components of the variable-row graph (hiding rows only splits them).
    _, label = connected_components(bmat([[None, matrix.T], [matrix, None]]), directed=False)
    hidden = np.zeros(len(row_sets), dtype=bool)
    hidden[:n_groups] = (is_primary & ~locked) | (np.arange(n_groups) >= n_pub)
    hideable = np.zeros(len(row_sets), dtype=bool)
    hideable[:n_pub] = ~locked[:n_pub] & (value[:n_pub] > 0)
    system = _System(matrix, row_value, label[n_var:], label[:n_var], hidden, hideable)
    targets = [t for t in range(n_groups) if is_primary[t] and not locked[t]]
    unprotectable = {t for t in range(n_groups) if is_primary[t] and locked[t]}
    iterations = 0
    lps: dict[int, _ComponentLP] = {}
    # 4. Audit loop. Hiding only enlarges the polytope, so a passed primary stays safe.
    for t in sorted(targets, key=lambda t: (system.row_comp[t], t)):
        while (candidates := _audit(system, lps, t, int(value[t]), min_width)) is not None:
            if not candidates:
                unprotectable.add(t)
                break
            size = system.row_size
            pick = min(candidates, key=lambda r: (row_value[r], size[r], r))
            system.hidden[pick] = True
            lps[int(system.row_comp[pick])].hide(pick)
            iterations += 1
    system.hidden[:n_groups] |= is_primary

    def keys_of(groups: Sequence[int]) -> frozenset:
        return frozenset(k for g in groups if g < n_pub for k in group_keys[g])

    values = {
        k: (None if system.hidden[g] else int(value[g]))
        for g in range(n_pub)
        for k in group_keys[g]
    }
    return ProtectionResult(
        hidden=keys_of([g for g in range(n_pub) if system.hidden[g]]),
        primary=keys_of([g for g in range(n_pub) if is_primary[g]]),
        values=values,
        unprotectable=keys_of(sorted(unprotectable)),
        iterations=iterations,
        lp_solves=system.lp_solves,
        seconds=time.perf_counter() - t0,
        extra={
            "variables": n_var,
            "rows": len(row_sets),
            "components": int(label.max() + 1) if len(label) else 0,
            "unprotectable_targets": len(unprotectable),
        },
    )
