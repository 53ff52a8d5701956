"""Where the store lives and how each app server connects to it: settings from the environment,
with safe local defaults."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "dashboard.sqlite"


def database_url() -> str:
    """``DATABASE_URL`` if set (e.g. ``postgresql+psycopg://…``), else a SQLite file outside git."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


POOL_SETTINGS = {  # environment variable -> (create_engine argument, default)
    "DASHBOARD_DB_POOL_SIZE": ("pool_size", 5),
    "DASHBOARD_DB_MAX_OVERFLOW": ("max_overflow", 10),
    "DASHBOARD_DB_POOL_TIMEOUT": ("pool_timeout", 30),
    "DASHBOARD_DB_POOL_RECYCLE": ("pool_recycle", 1800),
}


def pool_settings() -> dict[str, int | bool]:
    """Connection-pool arguments for ``create_engine``, one set per app server process.

    ``pool_size`` connections are kept open and up to ``max_overflow`` more are opened at busy
    moments, so one server holds at most their sum (see docs/deploy.md for PostgreSQL's
    ``max_connections``); ``pool_timeout`` seconds is how long a request waits for a free
    connection; connections older than ``pool_recycle`` seconds are replaced, and every
    connection is checked before use (``pool_pre_ping``), so a database restart or a firewall
    dropping idle connections costs a reconnect, not an error page.
    """
    settings: dict[str, int | bool] = {"pool_pre_ping": True}
    for variable, (argument, default) in POOL_SETTINGS.items():
        text = os.environ.get(variable, "").strip()
        try:
            value = int(text) if text else default
        except ValueError:
            raise ValueError(f"{variable} must be a whole number, not {text!r}.") from None
        if value < 0 or (argument == "pool_size" and value < 1):
            raise ValueError(f"{variable} must be at least {1 if argument == 'pool_size' else 0}.")
        settings[argument] = value
    return settings
