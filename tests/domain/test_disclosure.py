"""Disclosure control: no count 1-4 visible, and no hidden cell recoverable from what is shown."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.disclosure import OPEN, TOTAL, Policy, hide_rolling, interior, suppress


def table(rows: list[tuple], dims=("row", "col")) -> pl.DataFrame:  # noqa: ANN001
    return pl.DataFrame(rows, schema=[*dims, "n"], orient="row")


def recoverable_cells(result: pl.DataFrame, dims: list[str]) -> list[tuple]:
    """Hidden cells whose value is implied by visible cells and totals (brute-force algebra).

    Independent of the implementation: builds every line equation of the published table and
    checks, for each hidden cell, whether its unit vector lies in the row space of the equations.
    """
    values = {
        tuple(r[:-2]): (r[-2], r[-1]) for r in result.select(*dims, "n", "suppressed").iter_rows()
    }
    hidden = sorted(cell for cell, (_, is_hidden) in values.items() if is_hidden)
    if not hidden:
        return []
    levels = [sorted({cell[i] for cell in values} - {TOTAL}) for i in range(len(dims))]
    position = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for axis in range(len(dims)):
        others = [[*lv, TOTAL] for i, lv in enumerate(levels) if i != axis]
        for fixed in itertools.product(*others):
            members = [(*fixed[:axis], lv, *fixed[axis:]) for lv in levels[axis]]
            total = (*fixed[:axis], TOTAL, *fixed[axis:])
            row = np.zeros(len(hidden))
            for cell in members:
                if cell in position:
                    row[position[cell]] += 1
            if total in position:
                row[position[total]] -= 1
            if row.any():
                rows.append(row)
    matrix = np.array(rows) if rows else np.zeros((0, len(hidden)))
    base_rank = np.linalg.matrix_rank(matrix) if rows else 0
    found = []
    for cell, i in position.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == base_rank:
            found.append(cell)
    return found


def test_primary_suppression_hides_one_to_four_and_shows_zero():
    result = suppress(table([("a", "x", 0), ("a", "y", 3), ("b", "x", 7), ("b", "y", 9)]),
                      ["row", "col"], "n")  # fmt: skip
    cells = {(r, c): (n, s) for r, c, n, s, _ in result.iter_rows()}
    assert cells[("a", "x")] == (0, False)
    assert cells[("a", "y")] == (None, True)
    assert all(n is None or n == 0 or n >= 5 for n, _ in cells.values())
    assert recoverable_cells(result, ["row", "col"]) == []


def test_secondary_suppression_protects_a_lone_small_cell_in_a_row():
    result = suppress(table([("2024-01", "cse", 2), ("2024-01", "cce", 30), ("2024-01", "hsb", 6)],
                            ("month", "type")), ["month", "type"], "n")  # fmt: skip
    hidden = set(result.filter("suppressed").select("month", "type").iter_rows())
    assert ("2024-01", "cse") in hidden
    assert ("2024-01", "hsb") in hidden  # the next smallest goes too
    reasons = dict(((m, t), r) for m, t, r in result.select("month", "type", "reason").iter_rows())
    assert reasons[("2024-01", "cse")] == "small"
    assert reasons[("2024-01", "hsb")] == "secondary"
    assert reasons[("2024-01", "cce")] is None
    assert ("2024-01", "cce") not in hidden
    assert recoverable_cells(result, ["month", "type"]) == []


def test_one_dimensional_table_with_its_total():
    frame = pl.DataFrame({"ward": ["A", "B", "C", "D"], "n": [12, 3, 40, 8]})
    result = suppress(frame, ["ward"], "n")
    shown = dict(result.select("ward", "n").iter_rows())
    assert shown["B"] is None and shown["D"] is None  # 3 hidden, 8 hidden with it
    assert shown["A"] == 12 and shown[TOTAL] == 63
    assert recoverable_cells(result, ["ward"]) == []


def test_open_policy_hides_nothing_and_adds_margins():
    result = suppress(table([("a", "x", 1), ("b", "y", 2)]), ["row", "col"], "n", OPEN)
    assert not result["suppressed"].any()
    assert dict(((r, c), n) for r, c, n, _, _ in result.iter_rows())[(TOTAL, TOTAL)] == 3
    assert interior(result, ["row", "col"]).height == 4  # zeros filled for missing combinations


def test_threshold_is_a_setting():
    frame = pl.DataFrame({"ward": ["A", "B", "C"], "n": [6, 12, 20]})
    assert not suppress(frame, ["ward"], "n", Policy(True, 5))["suppressed"].any()
    assert suppress(frame, ["ward"], "n", Policy(True, 10))["suppressed"].sum() >= 2


def test_forced_cells_stay_hidden():
    frame = pl.DataFrame({"m": ["1", "2", "3"], "n": [10, 20, 30]})
    result = suppress(frame, ["m"], "n", force_hidden=[("2",)])
    assert result.filter(pl.col("m") == "2")["n"].item() is None
    assert result["suppressed"].sum() >= 2
    assert recoverable_cells(result, ["m"]) == []


def test_rolling_average_is_hidden_when_any_month_is():
    assert hide_rolling([6, 9, None, 12, 15, 18]) == [None, None, None, None, None, 15.0]


counts = st.integers(min_value=0, max_value=40) | st.integers(min_value=0, max_value=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    n_rows=st.integers(min_value=1, max_value=7),
    n_cols=st.integers(min_value=1, max_value=6),
)
def test_random_two_way_tables_are_safe(data, n_rows, n_cols):
    rows = [(f"r{r}", f"c{c}", data.draw(counts)) for r in range(n_rows) for c in range(n_cols)]
    result = suppress(table(rows), ["row", "col"], "n")
    visible = result.filter(~pl.col("suppressed"))["n"].to_list()
    assert all(v == 0 or v >= 5 for v in visible)
    assert recoverable_cells(result, ["row", "col"]) == []
    # the visible interior and margins are the true figures
    truth = {(r, c): n for r, c, n in rows}
    for r, c, n, hidden, _ in result.iter_rows():
        if not hidden and r != TOTAL and c != TOTAL:
            assert n == truth[(r, c)]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), sizes=st.tuples(*[st.integers(1, 3)] * 3))
def test_random_three_way_tables_are_safe(data, sizes):
    dims = ["a", "b", "c"]
    rows = [
        (f"a{i}", f"b{j}", f"c{k}", data.draw(counts))
        for i in range(sizes[0]) for j in range(sizes[1]) for k in range(sizes[2])
    ]  # fmt: skip
    result = suppress(pl.DataFrame(rows, schema=[*dims, "n"], orient="row"), dims, "n")
    assert all(v == 0 or v >= 5 for v in result.filter(~pl.col("suppressed"))["n"].to_list())
    assert recoverable_cells(result, dims) == []


@settings(max_examples=150, deadline=None)
@given(
    rows=st.integers(1, 7),
    columns=st.integers(1, 7),
    seed=st.integers(0, 2**32 - 1),
    share=st.floats(0.05, 0.8),
)
def test_two_way_exposure_by_bridges_equals_the_null_space(rows, columns, seed, share):
    """The linear-time test for two-way tables (a hidden cell on no cycle of hidden cells is
    exposed) gives exactly the null-space answer, for any set of hidden cells and margins."""
    from domain.disclosure import _exposed_by_null_space, _exposed_in_two_way, _lines

    rng = np.random.default_rng(seed)
    levels = [[f"r{i}" for i in range(rows)], [f"c{j}" for j in range(columns)]]
    cells = list(itertools.product(*[[*lv, TOTAL] for lv in levels]))
    hidden = {cell for cell in cells if rng.random() < share}
    if hidden:
        expected = _exposed_by_null_space(hidden, _lines(levels))
        assert _exposed_in_two_way(hidden) == sorted(expected)


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 4), min_size=1, max_size=3),
    seed=st.integers(0, 2**32 - 1),
    extra=st.booleans(),
)
def test_margins_are_the_sums_of_their_interior_cells_in_product_order(sizes, seed, extra):
    """Every cell of the open table, margins included, equals the brute-force sum of the rows it
    covers (a Total level matches any level); rows outside the levels, repeats and nulls too."""
    rng = np.random.default_rng(seed)
    dims = [f"d{i}" for i in range(len(sizes))]
    levels = [[f"l{j}" for j in range(n)] for n in sizes]
    raw = [
        (*key, None if rng.random() < 0.1 else int(rng.integers(0, 30)))
        for key in itertools.product(*[[*lv, "other"] if extra else lv for lv in levels])
        for _ in range(int(rng.integers(0, 3)))
    ]
    frame = pl.DataFrame(raw, schema={**{d: pl.String for d in dims}, "n": pl.Int64}, orient="row")
    result = suppress(frame, dims, "n", OPEN, levels=dict(zip(dims, levels, strict=True)))
    expected_order = list(itertools.product(*[[*lv, TOTAL] for lv in levels]))
    assert [tuple(r[: len(dims)]) for r in result.iter_rows()] == expected_order
    for *cell, n, hidden, _ in result.iter_rows():
        covered = sum(
            (row[-1] or 0)
            for row in raw
            if all(
                c == TOTAL and k in lv or c == k
                for c, k, lv in zip(cell, row, levels, strict=False)
            )
        )
        assert (n, hidden) == (covered, False)
