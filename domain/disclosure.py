"""Statistical disclosure control for tables of counts of children.

One pure function, :func:`suppress`, takes a table of counts with its structure (the dimensions
whose totals are, or could be, shown beside it) and returns the same table with its margins, where

* primary suppression hides every count from 1 to ``threshold - 1`` (zero is shown: it identifies
  nobody), totals included;
* secondary suppression hides further cells until **no hidden cell can be worked out** from the
  visible cells and totals: not by subtracting along one row or column, and not by combining
  several (checked exactly with linear algebra: a hidden cell is safe only when the equations
  "cells of a line add up to its total" leave it free).

Hidden values come back as null with ``suppressed = True``; pages show them as "c", charts as
gaps (never zero). Rates and averages built on a hidden count must be hidden too
(:func:`hide_rolling`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

TOTAL = "Total"
SUPPRESSED_MARK = "c"
DEFAULT_THRESHOLD = 5  # counts 1-4 are hidden


@dataclass(frozen=True)
class Policy:
    """Whether and how a viewer's tables are suppressed (part of every cache key)."""

    suppress: bool = False
    threshold: int = DEFAULT_THRESHOLD

    def hides(self, value: int | None) -> bool:
        return self.suppress and value is not None and 0 < value < self.threshold


OPEN = Policy(suppress=False)
PUBLIC = Policy(suppress=True)

Cell = tuple[str, ...]


def suppress(
    frame: pl.DataFrame,
    dims: Sequence[str],
    value: str,
    policy: Policy = PUBLIC,
    levels: Mapping[str, Sequence[str]] | None = None,
    force_hidden: Iterable[Cell] = (),
) -> pl.DataFrame:
    """The table over ``dims`` with a ``Total`` level added to each dimension, suppressed.

    ``levels`` fixes each dimension's categories (missing combinations are true zeros); by default
    the values present are used. ``force_hidden`` lists cells (totals included) that must be hidden,
    for example a monthly total already hidden in another table on the same page.
    Returns columns ``*dims, value, suppressed, reason``: ``reason`` is "small" for a count under
    the threshold (which may be described as "fewer than 5") and "secondary" for a cell hidden only
    to protect another (which must not be described at all). With ``policy.suppress`` false
    nothing is hidden.
    """
    dims = list(dims)
    level_lists = _levels(frame, dims, levels)
    cells = _extended_cells(frame, dims, value, level_lists)
    hidden: set[Cell] = set()
    small: set[Cell] = set()
    if policy.suppress:
        small = {cell for cell, count in cells.items() if 0 < count < policy.threshold}
        hidden = small | {tuple(c) for c in force_hidden if tuple(c) in cells}
        hidden = _secondary(cells, hidden, _lines(level_lists))
    rows = [
        (
            *cell,
            None if cell in hidden else count,
            cell in hidden,
            ("small" if cell in small else "secondary") if cell in hidden else None,
        )
        for cell, count in cells.items()
    ]
    schema = {
        **{d: pl.String for d in dims},
        value: pl.Int64,
        "suppressed": pl.Boolean,
        "reason": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _levels(
    frame: pl.DataFrame, dims: list[str], levels: Mapping[str, Sequence[str]] | None
) -> list[list[str]]:
    chosen = []
    for dim in dims:
        if levels and dim in levels:
            chosen.append([str(v) for v in levels[dim]])
        else:
            chosen.append(sorted({str(v) for v in frame[dim].to_list()}))
    return chosen


def _extended_cells(
    frame: pl.DataFrame, dims: list[str], value: str, level_lists: list[list[str]]
) -> dict[Cell, int]:
    """Every interior cell (zero where absent) and every margin, in a stable order."""
    sums: dict[Cell, int] = dict.fromkeys(itertools.product(*level_lists), 0)
    for row in frame.select(*dims, value).iter_rows():
        key = tuple(map(str, row[:-1]))
        if key in sums:
            sums[key] += int(row[-1] or 0)
    # Margins one axis at a time (each pass sums the cells so far along one more axis): a few
    # times quicker than adding every cell to each of its 2^d margins, the same sums.
    for axis in range(len(dims)):
        for key, count in list(sums.items()):
            target = (*key[:axis], TOTAL, *key[axis + 1 :])
            sums[target] = sums.get(target, 0) + count
    return {
        cell: sums.get(cell, 0)
        for cell in itertools.product(*[[*levels, TOTAL] for levels in level_lists])
    }


def _lines(level_lists: list[list[str]]) -> list[tuple[list[Cell], Cell]]:
    """Every additive relation in the table: the cells along one dimension and their total."""
    lines = []
    for axis, levels in enumerate(level_lists):
        others = [[*lv, TOTAL] for i, lv in enumerate(level_lists) if i != axis]
        for fixed in itertools.product(*others):

            def at(level: str, fixed: tuple[str, ...] = fixed, axis: int = axis) -> Cell:
                return (*fixed[:axis], level, *fixed[axis:])

            lines.append(([at(level) for level in levels], at(TOTAL)))
    return lines


def _secondary(
    cells: dict[Cell, int], hidden: set[Cell], lines: list[tuple[list[Cell], Cell]]
) -> set[Cell]:
    """Grow ``hidden`` until no hidden cell is determined by the visible ones."""
    hidden = set(hidden)
    while True:
        exposed = _exposed_cells(cells, hidden, lines)
        if not exposed:
            return hidden
        before = len(hidden)
        for cell in exposed:
            extra = _partner_for(cell, cells, hidden, lines)
            if extra is not None:
                hidden.add(extra)
        if len(hidden) == before:  # no partner left anywhere: hide the lines outright
            for members, total in lines:
                if any(cell in (*members, total) for cell in exposed):
                    hidden.update(c for c in (*members, total) if cells[c] > 0)
            if len(hidden) == before:
                return hidden


def _exposed_cells(
    cells: dict[Cell, int], hidden: set[Cell], lines: list[tuple[list[Cell], Cell]]
) -> list[Cell]:
    """Hidden cells whose value follows from the visible cells (exact, via the null space)."""
    if not hidden:
        return []
    if len(next(iter(hidden))) == 2:
        return _exposed_in_two_way(hidden)
    return _exposed_by_null_space(hidden, lines)


def _exposed_by_null_space(hidden: set[Cell], lines: list[tuple[list[Cell], Cell]]) -> list[Cell]:
    """Any number of dimensions: the null space of the lines' equations over the hidden cells."""
    order = sorted(hidden)
    index = {cell: i for i, cell in enumerate(order)}
    equations = []
    for members, total in lines:
        row = np.zeros(len(order))
        for cell in (*members, total):
            if cell in index:
                row[index[cell]] = 1.0 if cell != total else -1.0
        if row.any():
            equations.append(row)
    if not equations:
        return order
    matrix = np.array(equations)
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]  # rows span the free directions of the hidden values
    if null_space.shape[0] == 0:
        return order
    free = np.abs(null_space).max(axis=0) > 1e-9
    return [cell for cell, is_free in zip(order, free, strict=True) if not is_free]


def _exposed_in_two_way(hidden: set[Cell]) -> list[Cell]:
    """The same answer as the null space, for a two-way table with all its margins, in linear
    time (a 120-month table with hundreds of hidden cells: milliseconds instead of seconds).

    With margins as ordinary rows and columns, each line says "the cells of this row (or column)
    add up to its total"; with the margin cells' signs flipped that is "the cells meeting at this
    row (or column) sum to zero": the incidence equations of a bipartite graph whose nodes are the
    rows and columns (the total included) and whose edges are the cells. Its null space is the
    cycle space, so a hidden cell can be worked out exactly when it lies on no cycle of hidden
    cells: when it is a bridge of the hidden cells' graph.
    """
    adjacency: dict[tuple[int, str], list[tuple[tuple[int, str], Cell]]] = {}
    for cell in hidden:
        row, column = (0, cell[0]), (1, cell[1])
        adjacency.setdefault(row, []).append((column, cell))
        adjacency.setdefault(column, []).append((row, cell))
    order: dict[tuple[int, str], int] = {}
    low: dict[tuple[int, str], int] = {}
    bridges: set[Cell] = set()
    for start in sorted(adjacency):
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack = [(start, None, iter(adjacency[start]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for neighbour, cell in edges:
                if cell == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                    continue
                order[neighbour] = low[neighbour] = len(order)
                stack.append((neighbour, cell, iter(adjacency[neighbour])))
                advanced = True
                break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridges.add(via)
    return sorted(bridges)


def _partner_for(
    cell: Cell, cells: dict[Cell, int], hidden: set[Cell], lines: list[tuple[list[Cell], Cell]]
) -> Cell | None:
    """The smallest visible non-zero cell sharing a line with ``cell`` (interior cells first)."""
    best: tuple[int, int, Cell] | None = None
    for members, total in lines:
        line = (*members, total)
        if cell not in line:
            continue
        for candidate in line:
            if candidate in hidden or cells[candidate] == 0:
                continue
            rank = (1 if TOTAL in candidate else 0, cells[candidate], candidate)
            if best is None or rank < best:
                best = rank
    return None if best is None else best[2]


def hide_rolling(values: Sequence[int | None], window: int = 3) -> list[float | None]:
    """Rolling mean that is hidden wherever any month in its window is hidden (or missing)."""
    out: list[float | None] = []
    for i in range(len(values)):
        if i + 1 < window:
            out.append(None)
            continue
        chunk = values[i + 1 - window : i + 1]
        out.append(None if any(v is None for v in chunk) else sum(chunk) / window)
    return out


def interior(frame: pl.DataFrame, dims: Sequence[str]) -> pl.DataFrame:
    """Only the interior cells of a suppressed table (no margins)."""
    return frame.filter(pl.all_horizontal([pl.col(d) != TOTAL for d in dims]))


SUPPRESSION_THRESHOLD_ENV = "DASHBOARD_SUPPRESSION_THRESHOLD"


def suppression_threshold() -> int:
    """Smallest count shown in public views (default 5: counts 1-4 are hidden)."""
    raw = os.environ.get(SUPPRESSION_THRESHOLD_ENV, "").strip()
    if not raw:
        return 5
    value = int(raw)
    if value < 2:
        raise ValueError(f"{SUPPRESSION_THRESHOLD_ENV} must be at least 2, not {value}")
    return value
