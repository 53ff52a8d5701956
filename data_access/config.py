"""Where the store lives. One setting, from the environment, with a safe local default."""

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
