"""Live data on every app server: the store version read once per rerun and made part of every
query cache key, the pages that refresh themselves, and "new since you opened this page" marks.

Why: each app server caches query results in its own memory. A write anywhere (a MACE member on
another server, an import from the command line) bumps the store version in the same transaction
(``data_access/store_version.py``); the next rerun on any server reads the new number, so its
cache keys change and it reads the new data at once. The cache TTL is only a memory bound.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access import store_version

QUERY_TTL = "15m"  # a memory bound only: freshness comes from the store version in every key
REFRESH_ENV = "DASHBOARD_LIVE_REFRESH_SECONDS"
DEFAULT_REFRESH_SECONDS = 10.0
STAMP_KEY = "_live_store_version"
PAGE_KEY = "_live_page"
BASELINES_KEY = "_live_baselines"
MARK_COLUMN = "Since you opened this page"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Stamp:
    """The store version this rerun uses, when the store last changed (UTC) and when we looked."""

    version: int
    changed_at: datetime | None
    read_at: float


def refresh_seconds() -> float | None:
    """How often the live pages re-read the store (``DASHBOARD_LIVE_REFRESH_SECONDS``, default 10;
    0 turns the automatic refresh off)."""
    text = os.environ.get(REFRESH_ENV, "").strip()
    try:
        seconds = float(text) if text else DEFAULT_REFRESH_SECONDS
    except ValueError:
        raise ValueError(f"{REFRESH_ENV} must be a number of seconds, not {text!r}.") from None
    return max(seconds, 1.0) if seconds > 0 else None


def _read_stamp() -> Stamp:
    from dashboard.cache import engine  # cache.py imports this module for its decorator

    with engine().connect() as connection:
        version, changed_at = store_version.read_stamp(connection)
    return Stamp(version, changed_at, time.time())


RUN_ATTRIBUTE = "_dashboard_store_stamp"


def _run_holder() -> object | None:
    """An object Streamlit makes afresh for every script run, fragment runs included (the run's
    fragment coordinator, made in ``ScriptRunContext.reset``); None outside a run, or on a
    Streamlit without it (then the session keeps the stamp app.py read for the run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else getattr(ctx, "parallel_coordinator", None)


def _in_script_run() -> bool:
    return get_script_run_ctx(suppress_warning=True) is not None


def start_rerun() -> Stamp:
    """Read the store version for this run (one primary-key read). app.py calls it first thing on
    every full rerun; later calls in the same run use what it read."""
    stamp = _read_stamp()
    holder = _run_holder()
    if holder is not None:
        setattr(holder, RUN_ATTRIBUTE, stamp)
    if _in_script_run():
        st.session_state[STAMP_KEY] = stamp
    return stamp


def page_opened(page_title: str) -> None:
    """app.py, once the page is known: arriving on a page starts its "since you opened" marks
    afresh (filter changes on the same page keep them)."""
    if st.session_state.get(PAGE_KEY) != page_title:
        st.session_state[PAGE_KEY] = page_title
        mark_all_seen(page_title)


def current_stamp() -> Stamp:
    """The stamp of this run: read once per run however the run started (a full rerun through
    app.py, a live fragment on its timer, a page run on its own in AppTest); read afresh on every
    call outside a Streamlit run."""
    if not _in_script_run():
        return _read_stamp()
    holder = _run_holder()
    if holder is None:  # fallback: the read app.py made at the start of this rerun
        stamp = st.session_state.get(STAMP_KEY)
        return stamp if stamp is not None else start_rerun()
    stamp = getattr(holder, RUN_ATTRIBUTE, None)
    return stamp if stamp is not None else start_rerun()


def current_version() -> int:
    return current_stamp().version


def after_write() -> None:
    """After this session wrote: use the new version for the rest of the rerun."""
    if _in_script_run():
        start_rerun()


def versioned(*, max_entries: int, show_spinner: bool | str = True, ttl: str = QUERY_TTL):  # noqa: ANN201
    """``st.cache_data`` with the store version as the first part of the key.

    The decorated function keeps its signature; the version is added by the wrapper, so a page
    calls ``cache.cohort_table(role, scope, by)`` as before and never sees stale data from before
    the latest write on any server. ``max_entries`` and ``ttl`` bound memory (old versions' entries
    are never hit again and age out).
    """

    def decorate(function: F) -> F:
        def by_version(version: int, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG001
            return function(*args, **kwargs)

        # Streamlit keys a cache by module, qualified name and source: give each its own name.
        by_version.__module__ = function.__module__
        by_version.__qualname__ = function.__qualname__
        by_version.__name__ = function.__name__
        cached = st.cache_data(ttl=ttl, max_entries=max_entries, show_spinner=show_spinner)(
            by_version
        )

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            return cached(current_version(), *args, **kwargs)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return decorate


def live_fragment(function: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` that re-runs every :func:`refresh_seconds`; each of its own runs reads the
    store version once (see :func:`current_stamp`). Keep forms outside it, so what a member is
    typing is never redrawn under them."""
    return st.fragment(run_every=refresh_seconds())(function)


# ---------------------------------------------------------------- what changed since you looked


def _ago(seconds: float) -> str:
    if seconds < 60:
        return f"{max(int(seconds), 1)} s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    return f"{int(seconds // 3600)} h ago"


def mark_changes(page: str, table: str, frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """``frame`` with a first column saying which rows are new or changed since the member
    opened this page ("New · 12 s ago", "Changed · 1 min ago"; empty for the others), or
    ``frame`` unchanged when no row is.

    The first time a table is shown on a page visit its rows are remembered as seen; a row is
    *new* when its key was not there then and *changed* when any of its values differ. The time
    is when this session first noticed the change (within one refresh interval of the write).
    """
    page_baselines = st.session_state.setdefault(BASELINES_KEY, {}).setdefault(page, {})
    keys = [tuple(row) for row in frame.select(key).rows()]
    signatures = [hash(tuple(map(str, row))) for row in frame.rows()]
    if table not in page_baselines:
        page_baselines[table] = {"seen": dict(zip(keys, signatures, strict=True)), "noticed": {}}
    baseline = page_baselines[table]
    now = time.time()
    marks = []
    for row_key, signature in zip(keys, signatures, strict=True):
        seen = baseline["seen"].get(row_key)
        if seen == signature:
            marks.append("")
            continue
        kind = "New" if seen is None else "Changed"
        noticed_kind, noticed_at = baseline["noticed"].setdefault(row_key, (kind, now))
        if noticed_kind != kind:
            baseline["noticed"][row_key] = (kind, now)
            noticed_at = now
        marks.append(f"{kind} · {_ago(now - noticed_at)}")
    if not any(marks):  # nothing to point at: no empty column taking up the table's width
        return frame
    return frame.with_columns(pl.Series(MARK_COLUMN, marks, dtype=pl.String)).select(
        MARK_COLUMN, *frame.columns
    )


def count_marked(frame: pl.DataFrame) -> int:
    return int((frame[MARK_COLUMN] != "").sum()) if MARK_COLUMN in frame.columns else 0


def mark_all_seen(page: str) -> None:
    """Forget the page's baselines: everything now on screen counts as seen."""
    st.session_state.setdefault(BASELINES_KEY, {}).pop(page, None)


def status_line(page: str, marked: int, key: str = "top") -> None:
    """One line by a live block: how fresh it is and what changed, with a way to clear the
    page's marks (``key`` tells apart two such lines on one page)."""
    stamp = current_stamp()
    every = refresh_seconds()
    changed = ""
    if stamp.changed_at is not None:
        age = datetime.now(UTC).replace(tzinfo=None) - stamp.changed_at
        changed = f" The data last changed {_ago(max(age.total_seconds(), 0))}."
    checked = f"checked {time.strftime('%H:%M:%S', time.localtime(stamp.read_at))}"
    refresh = f"Live: updates every {every:g} s ({checked})." if every else f"Updated {checked}."
    marks = (
        f' **{marked:,} row(s) new or changed since you opened this page**, marked "New" or '
        '"Changed".'
        if marked
        else " Nothing has changed since you opened this page."
    )
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption(refresh + changed + marks)
    if marked and right.button("Mark all as seen", key=f"live-seen-{page}-{key}"):
        mark_all_seen(page)
        st.rerun(scope="fragment")
