"""Checks the data layer makes before answering: a page cannot ask for more than its role allows."""

from __future__ import annotations

from sqlalchemy import Connection, select

from data_access import models as m
from data_access.sql import Scope
from domain.roles import AccessDenied, RoleScope

GEOGRAPHIC_BREAKDOWNS = frozenset({"ward_code", "postcode_district", "area_code"})


def authorise_aggregate(
    connection: Connection, role: RoleScope, scope: Scope, by: tuple[str, ...] = ()
) -> None:
    """Raise :class:`AccessDenied` unless ``role`` may see this aggregate.

    An Area Committee member sees their own area (broken down by ward or district if they like)
    and district totals, but never another area or a ward-by-ward view of the whole district.
    """
    if not role.sees_aggregates:
        raise AccessDenied(f"{role.label} has no access to dashboard figures")
    if role.role != "area_committee":
        return
    if scope.area_code not in (None, role.area_code):
        raise AccessDenied("Area Committee members see their own area and district totals only")
    broken_down = bool(set(by) & GEOGRAPHIC_BREAKDOWNS) or scope.ward_code is not None
    if scope.area_code is None and broken_down:
        raise AccessDenied("District figures are shown as totals only for Area Committees")
    if scope.ward_code is not None:
        area = connection.execute(
            select(m.Ward.area_committee_code).where(
                m.Ward.vintage == scope.vintage, m.Ward.code == scope.ward_code
            )
        ).scalar()
        if area != role.area_code:
            raise AccessDenied("That ward is outside your area")


def authorise_cases(role: RoleScope) -> None:
    """Case-level rows (pseudonymised children) are for MACE members only."""
    if not role.sees_cases:
        raise AccessDenied("Case-level information is for MACE members only")


def authorise_audit(role: RoleScope) -> None:
    if role.role != "data_manager":
        raise AccessDenied("The audit log is for data managers only")
