"""Checks the data layer makes before answering: a page cannot ask for more than its role allows."""

from __future__ import annotations

from sqlalchemy import Connection

from data_access.sql import Scope
from domain.roles import AccessDenied, RoleScope


def authorise_aggregate(
    connection: Connection, role: RoleScope, scope: Scope, by: tuple[str, ...] = ()
) -> None:
    """Raise :class:`AccessDenied` unless ``role`` may run this free aggregate query.

    MACE members and strategic leads (closed meetings) may ask anything. Area Committee members
    (meetings in public) may not: their numbers come only from the public release
    (:func:`data_access.release.read.public_cells`), because free queries over months, levels
    and places can be combined to work out hidden numbers.
    """
    del connection, scope, by  # kept so every query path calls the same check
    if not role.sees_aggregates:
        raise AccessDenied(f"{role.label} has no access to dashboard figures")
    if role.role == "area_committee":
        raise AccessDenied(
            "Area Committee figures come only from the public release: free queries could be "
            "combined to work out hidden numbers"
        )


def authorise_cases(role: RoleScope) -> None:
    """Case-level rows (pseudonymised children) are for MACE members only."""
    if not role.sees_cases:
        raise AccessDenied("Case-level information is for MACE members only")


def authorise_audit(role: RoleScope) -> None:
    if role.role != "data_manager":
        raise AccessDenied("The audit log is for data managers only")
