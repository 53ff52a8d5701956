"""Filters in the address bar: how a value is written into a URL and how a URL value is checked.

Pure rules, no Streamlit. A link is only ever a request: a value that is unknown, badly written or
not among the options the viewer's role is offered falls back to the page's default and says so.
Because the options are the role's own, a link can never widen what a role sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

ALL = "all"  # how "no choice" (None: whole district, all levels…) is written in a URL
RANGE_SEPARATOR = "~"
LIST_SEPARATOR = ","
ROLE_PARAM = "as"
NO_CHOICE = "__none__"  # stands for None inside a widget (a None value shows as an empty box)


def encode(value: Any) -> str:  # noqa: ANN401 - any option a widget can hold
    """One option as URL text: codes stay codes, months are YYYY-MM, days YYYY-MM-DD."""
    if value is None or value == NO_CHOICE:
        return ALL
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value:%Y-%m}" if value.day == 1 else f"{value:%Y-%m-%d}"
    url_text = getattr(value, "url_text", None)
    if callable(url_text):
        return str(url_text())
    return str(value)


def encode_many(values: Sequence[Any]) -> str:
    return LIST_SEPARATOR.join(encode(v) for v in values)


def encode_range(values: Sequence[Any]) -> str:
    return RANGE_SEPARATOR.join(encode(v) for v in values)


@dataclass(frozen=True)
class Resolved:
    """The value to use, and a plain-English notice when the link's value was not used."""

    value: Any
    notice: str | None = None


def _lookup(options: Sequence[Any]) -> dict[str, Any]:
    return {encode(option): option for option in options}


def _refused(label: str, raw: str, shown: str) -> str:
    return (
        f"The link asked for {label.lower()} “{raw}”, which is not available here; "
        f"showing {shown} instead."
    )


def resolve_one(
    raw: str | None,
    options: Sequence[Any],
    default: Any,  # noqa: ANN401
    label: str,
    describe: Callable[[Any], str] = str,
) -> Resolved:
    """A single choice from the URL: one of ``options`` or the default (with a notice)."""
    if raw is None:
        return Resolved(default)
    lookup = _lookup(options)
    if raw in lookup:
        return Resolved(lookup[raw])
    return Resolved(default, _refused(label, raw, describe(default)))


def resolve_many(
    raw: str | None,
    options: Sequence[Any],
    default: Sequence[Any],
    label: str,
) -> Resolved:
    """A list (multiselect) from the URL: known items kept in URL order, unknown ones dropped with
    a notice. An empty value means an empty selection."""
    if raw is None:
        return Resolved(list(default))
    lookup = _lookup(options)
    wanted = [part for part in raw.split(LIST_SEPARATOR) if part]
    kept = list(dict.fromkeys(lookup[part] for part in wanted if part in lookup))
    unknown = [part for part in wanted if part not in lookup]
    if not unknown:
        return Resolved(kept)
    return Resolved(
        kept,
        f"The link asked for {label.lower()} “{', '.join(unknown)}”, which "
        f"{'is' if len(unknown) == 1 else 'are'} not available here and "
        f"{'was' if len(unknown) == 1 else 'were'} left out.",
    )


def resolve_range(
    raw: str | None,
    options: Sequence[Any],
    default: tuple[Any, Any],
    label: str,
    describe: Callable[[Any], str] = str,
) -> Resolved:
    """A from-to pair from the URL ("2024-01~2026-10"): both ends among the options, in order."""
    if raw is None:
        return Resolved(tuple(default))
    lookup = _lookup(options)
    parts = raw.split(RANGE_SEPARATOR)
    if len(parts) == 2 and all(p in lookup for p in parts):
        first, last = options.index(lookup[parts[0]]), options.index(lookup[parts[1]])
        if first <= last:
            return Resolved((lookup[parts[0]], lookup[parts[1]]))
    shown = f"{describe(default[0])} to {describe(default[1])}"
    return Resolved(tuple(default), _refused(label, raw, shown))


def resolve_flag(raw: str | None, default: bool, label: str) -> Resolved:
    """A yes/no (checkbox, toggle)."""
    if raw is None:
        return Resolved(default)
    if raw in ("yes", "no"):
        return Resolved(raw == "yes")
    return Resolved(default, _refused(label, raw, "yes" if default else "no"))


def resolve_day(raw: str | None, low: date, high: date, default: date, label: str) -> Resolved:
    """A calendar day (YYYY-MM-DD) between ``low`` and ``high``."""
    if raw is None:
        return Resolved(default)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is not None and low <= day <= high:
        return Resolved(day)
    return Resolved(default, _refused(label, raw, f"{default:%-d %B %Y}"))


def still_allowed(value: Any, options: Sequence[Any], many: bool = False) -> bool:  # noqa: ANN401
    """Whether a value kept in the session is still among the options (after a role change the
    options can shrink; a value the new role may not hold must not survive)."""
    keys = set(_lookup(options))
    if many:
        return all(encode(v) in keys for v in value)
    if isinstance(value, tuple):
        return all(encode(v) in keys for v in value)
    return encode(value) in keys
