"""Build the public release: every cell of the fixed query space, protected as one linked set
against everything published before, and stored with its header.

Run after ``load-demo``, after each import commit, and by ``python -m data_access release``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import Connection, Engine, func, insert, select

from data_access import models as m
from data_access import queries
from data_access.release.atoms import ATOM_FUNCTIONS, Atoms, wards_by_area
from domain.briefing_figures import default_period
from domain.disclosure import suppression_threshold
from domain.linked_protection import CellSpec, protect
from domain.release_space import AtomKey, CellKey, Geography, Period, cell_atoms, release_cells

METHOD = "linked cell suppression, audited by linear programming"
HIDDEN = "c"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildSummary:
    release_id: int
    release_month: date
    cells: int
    hidden: int
    primary: int
    seconds: float
    parameters: dict


def release_month_for(connection: Connection) -> date:
    """The last complete month of the data (what the briefing's latest 12 months end with)."""
    return default_period(queries.data_as_of(connection)).end


def _earlier_cells(connection: Connection) -> list[tuple[CellKey, int | None]]:
    """Every cell of every earlier release (what the public may already hold)."""
    c = m.PublicReleaseCell
    rows = connection.execute(
        select(c.measure, c.breakdown, c.category, c.geography_level, c.geography_code,
               c.period_start, c.period_end, c.value).distinct()
    ).all()  # fmt: skip
    return [(CellKey(*row[:7]), row[7]) for row in rows]


def atoms_for(connection: Connection, cells: list[CellKey]) -> Atoms:
    """The atoms every cell in ``cells`` sums (fetched once per measure)."""
    needed: dict[str, set[Period]] = {}
    for cell in cells:
        needed.setdefault(cell.measure, set()).add(
            Period(cell.period_start, cell.period_end, "cell")
        )
    atoms: Atoms = {}
    for measure, periods in needed.items():
        atoms.update(ATOM_FUNCTIONS[measure](connection, sorted(periods)))
    return atoms


def build_release(
    connection: Connection, release_month: date | None = None, threshold: int | None = None
) -> BuildSummary:
    """Protect and store a new release (the newest release is the one the public tier reads)."""
    threshold = threshold or suppression_threshold()
    release_month = release_month or release_month_for(connection)
    geography = Geography(wards_by_area(connection))
    cells = release_cells(release_month, geography)
    earlier = _earlier_cells(connection)
    atoms = atoms_for(connection, cells + [key for key, _ in earlier])
    index: dict[AtomKey, int] = {}

    def ids(cell: CellKey) -> tuple[int, ...]:
        return tuple(index.setdefault(a, len(index)) for a in cell_atoms(cell, geography))

    specs = [CellSpec(cell, ids(cell)) for cell in cells]
    known, protect_also, revised = [], [], 0
    for key, value in earlier:
        atom_ids = ids(key)
        truth = sum(atoms.get(a, 0) for a in cell_atoms(key, geography))
        if value is None:
            protect_also.append(atom_ids)
        elif value == truth:
            known.append((atom_ids, value))
        else:
            revised += 1  # the data changed since: that number is about other unknowns
    values = np.zeros(len(index), dtype=np.int64)
    for atom, i in index.items():
        values[i] = atoms.get(atom, 0)
    result = protect(values, specs, threshold, known, threshold, protect_also)
    if result.unprotectable:
        log.warning(
            "%d hidden cells are fixed by earlier releases alone", len(result.unprotectable)
        )
    parameters = {
        "threshold": threshold,
        "hidden_range": f"1 to {threshold - 1}",
        "min_whole_values": threshold,
        "attacker": "linear programming over every published cell of this and earlier releases, "
        "x >= 0 (scipy.optimize.linprog, HiGHS)",
        "data_as_of": queries.data_as_of(connection).isoformat(),
        "earlier_cells_known": len(known),
        "earlier_cells_hidden": len(protect_also),
        "earlier_cells_revised": revised,
        "unprotectable": len(result.unprotectable),
        "lp_solves": result.lp_solves,
        "seconds": round(result.seconds, 2),
    }
    release_id = _store(connection, release_month, parameters, result.values)
    return BuildSummary(release_id, release_month, len(cells), len(result.hidden),
                        len(result.primary), result.seconds, parameters)  # fmt: skip


def refresh_release(engine: Engine) -> BuildSummary:
    """A new release in its own transaction (after an import has committed its rows, and
    bumped the store version). The public tier's caches are keyed by release id, so they read
    the new release at once without a second bump."""
    with engine.begin() as connection:
        return build_release(connection)


def _store(
    connection: Connection, release_month: date, parameters: dict, values: dict[CellKey, int | None]
) -> int:
    next_id = (connection.execute(select(func.max(m.PublicRelease.id))).scalar() or 0) + 1
    connection.execute(
        insert(m.PublicRelease),
        [{"id": next_id, "release_month": release_month,
          "built_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
          "method": METHOD, "parameters": json.dumps(parameters, sort_keys=True)}],
    )  # fmt: skip
    rows = [
        {
            "release_id": next_id,
            **{field: getattr(cell, field) for field in CellKey.__dataclass_fields__},
            "value": value,
            "status": HIDDEN if value is None else "",
        }
        for cell, value in sorted(values.items())
    ]
    for start in range(0, len(rows), 2000):
        connection.execute(insert(m.PublicReleaseCell), rows[start : start + 2000])
    return next_id
