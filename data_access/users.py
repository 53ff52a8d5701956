"""The role table: which e-mail holds which roles (and, for Area Committees, which area)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, delete, insert, select

from data_access import models as m
from domain.roles import ROLES, RoleScope
from geo.areas import AREA_COMMITTEES


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise ValueError(f"not an e-mail address: {email!r}")
    return email


def add_role(connection: Connection, email: str, role: str, area_code: str | None = None) -> None:
    """Grant a role (idempotent); an Area Committee role needs one of the five areas."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if role == "area_committee":
        if area_code not in AREA_COMMITTEES:
            raise ValueError(f"--area must be one of {', '.join(AREA_COMMITTEES)}")
    elif area_code:
        raise ValueError("only the area_committee role takes an --area")
    key = {"email": email, "role": role, "area_code": area_code or ""}
    exists = connection.execute(select(m.UserRole.email).filter_by(**key)).first()
    if not exists:
        connection.execute(insert(m.UserRole), [key])


def remove_role(connection: Connection, email: str, role: str | None = None) -> int:
    """Take away one role (or all of a user's roles); returns how many rows went."""
    statement = delete(m.UserRole).where(m.UserRole.email == normalise_email(email))
    if role:
        statement = statement.where(m.UserRole.role == role)
    return connection.execute(statement).rowcount


def roles_for(connection: Connection, email: str) -> list[RoleScope]:
    """Every role the user holds, in a stable order."""
    rows = connection.execute(
        select(m.UserRole.role, m.UserRole.area_code)
        .where(m.UserRole.email == normalise_email(email))
        .order_by(m.UserRole.role, m.UserRole.area_code)
    ).all()
    return [RoleScope(role, area or None) for role, area in rows]


def list_users(connection: Connection) -> pl.DataFrame:
    rows = connection.execute(
        select(m.UserRole.email, m.UserRole.role, m.UserRole.area_code).order_by(
            m.UserRole.email, m.UserRole.role
        )
    ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"email": pl.String, "role": pl.String, "area_code": pl.String},
        orient="row",
    )
