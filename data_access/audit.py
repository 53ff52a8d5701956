"""The audit trail: who looked at, filtered, exported or imported what, and when."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, insert, select

from data_access import models as m

ACTIONS = ("login", "view", "filter", "export", "import", "edit")


def record(
    connection: Connection,
    user_email: str,
    role: str,
    action: str,
    page: str,
    parameters: dict | None = None,
    at: datetime | None = None,
) -> None:
    """Append one event; parameters are stored as sorted JSON so identical filters compare equal."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    connection.execute(
        insert(m.AuditEvent),
        [
            {
                "occurred_at": at or datetime.now(),
                "user_email": user_email,
                "role": role,
                "action": action,
                "page": page,
                "parameters": json.dumps(parameters or {}, sort_keys=True, default=str),
            }
        ],
    )


def events(
    connection: Connection,
    since: datetime | None = None,
    until: datetime | None = None,
    user_email: str | None = None,
    action: str | None = None,
    limit: int = 5000,
) -> pl.DataFrame:
    """The newest events first, filtered as asked."""
    ev = m.AuditEvent
    statement = select(
        ev.occurred_at, ev.user_email, ev.role, ev.action, ev.page, ev.parameters
    ).order_by(ev.occurred_at.desc(), ev.id.desc())
    if since:
        statement = statement.where(ev.occurred_at >= since)
    if until:
        statement = statement.where(ev.occurred_at < until)
    if user_email:
        statement = statement.where(ev.user_email == user_email)
    if action:
        statement = statement.where(ev.action == action)
    rows = connection.execute(statement.limit(limit)).all()
    schema = {
        "occurred_at": pl.Datetime,
        "user_email": pl.String,
        "role": pl.String,
        "action": pl.String,
        "page": pl.String,
        "parameters": pl.String,
    }
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
