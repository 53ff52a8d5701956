"""Every page's filters in the address bar, so a copied link reproduces the view.

One call per widget (``url_state.selectbox(...)`` instead of ``st.selectbox(...)``): the value is
read from the URL the first time the widget is drawn in a session, checked against the options
the viewer's role is offered (``domain.url_params``), kept in ``st.session_state[key]`` and written
back to the URL on every run. A value that is unknown or not permitted falls back to the default
with a notice at the top of the page: never an error, never a wider view than the role allows.

One rule for a change of role: a filter marked ``role_bound`` (the area, which the role decides)
goes back to the new role's default; any other filter keeps its value only while the new role is
still offered it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st

from domain import url_params as rules

_RUN_PARAMS = "_url_params_this_run"
_ROLE = "_url_role"
_ROLE_BY_KEY = "_url_role_by_key"
_PENDING = "_url_notices"
_SLOT = "_url_notice_slot"
KEEP_ALWAYS = frozenset({rules.ROLE_PARAM})


def begin() -> None:
    """Called by app.py at the start of every run."""
    st.session_state[_RUN_PARAMS] = set()
    st.session_state[_PENDING] = []
    st.session_state.pop(_SLOT, None)


def set_role(role_text: str) -> None:
    """The role this run is viewed as (decides which role-bound filters reset)."""
    st.session_state[_ROLE] = role_text


def notice_slot() -> None:
    """Where the page's link notices go (called by the page header); earlier notices land too."""
    slot = st.container()
    st.session_state[_SLOT] = slot
    for text in st.session_state.get(_PENDING, []):
        slot.info(text, icon="🔗")


def notice(text: str) -> None:
    slot = st.session_state.get(_SLOT)
    if slot is not None:
        slot.info(text, icon="🔗")
    else:
        st.session_state.setdefault(_PENDING, []).append(text)


def finish() -> None:
    """Called by app.py after the page ran: drop parameters this page does not use."""
    used = st.session_state.get(_RUN_PARAMS, set())
    for name in list(st.query_params.keys()):
        if name not in used and name not in KEEP_ALWAYS:
            del st.query_params[name]


def _raw(param: str) -> str | None:
    return st.query_params.get(param)


def read(param: str) -> str | None:
    """A parameter's text as the link gave it (for values that are not widgets)."""
    return _raw(param)


def write(param: str, text: str) -> None:
    """Keep a parameter in the link for this page (for values that are not widgets)."""
    _write(param, text)


def _sync(
    key: str,
    param: str,
    resolve: Callable[[str | None], rules.Resolved],
    allowed: Callable[[Any], bool],
    default: Any,  # noqa: ANN401
    role_bound: bool,
    reset_text: str,
) -> None:
    """Put the value to show in ``st.session_state[key]`` before the widget is drawn."""
    role = st.session_state.get(_ROLE)
    roles = st.session_state.setdefault(_ROLE_BY_KEY, {})
    seen_role = roles.get(key)
    roles[key] = role
    if key not in st.session_state:
        resolved = resolve(_raw(param))
        st.session_state[key] = resolved.value
        if resolved.notice:
            notice(resolved.notice)
    elif role_bound and seen_role is not None and seen_role != role:
        st.session_state[key] = default
    elif not allowed(st.session_state[key]):
        st.session_state[key] = default
        if reset_text:
            notice(reset_text)


def _write(param: str, text: str) -> None:
    st.session_state.setdefault(_RUN_PARAMS, set()).add(param)
    if st.query_params.get(param) != text:
        st.query_params[param] = text


def _describe(format_func: Callable[[Any], str] | None) -> Callable[[Any], str]:
    return (lambda v: str(format_func(v))) if format_func else str


def _reset_text(label: str, shown: str) -> str:
    return (
        f"{label} went back to {shown}: the earlier choice is not available for this role or "
        "with these filters."
    )


def _choice(widget: Callable, label: str, options: Sequence[Any], *, key: str, param: str,
            default: Any, role_bound: bool, quiet: bool = False, **kwargs: Any) -> Any:  # noqa: ANN401  # fmt: skip
    # None ("whole district", "all levels") is an option; a widget holding None would show an
    # empty "Choose an option" box, so inside the widget None travels as a stand-in.
    format_func = kwargs.pop("format_func", str)
    options = [rules.NO_CHOICE if option is None else option for option in options]
    kwargs["format_func"] = lambda v: format_func(None if v == rules.NO_CHOICE else v)
    if default is None:
        default = rules.NO_CHOICE
    if default is rules.ALL or (default not in options and options):
        default = options[0]
    if st.session_state.get(key, "") is None:
        st.session_state[key] = rules.NO_CHOICE
    describe = _describe(kwargs.get("format_func"))
    _sync(
        key, param,
        lambda raw: rules.resolve_one(raw, options, default, label, describe),
        lambda value: rules.still_allowed(value, options),
        default, role_bound, "" if quiet else _reset_text(label, describe(default)),
    )  # fmt: skip
    value = widget(label, options, key=key, **kwargs)
    _write(param, rules.encode(value))
    return None if value == rules.NO_CHOICE else value


FIRST = rules.ALL  # "the first option" as a default


def selectbox(label: str, options: Sequence[Any], *, key: str, param: str, default: Any = FIRST,
              role_bound: bool = False, quiet: bool = False, **kwargs: Any) -> Any:  # noqa: ANN401  # fmt: skip
    """``quiet``: a value the options no longer hold goes back to the default without a notice
    (for a choice that follows another filter, such as the area picked for a trend)."""
    return _choice(st.selectbox, label, options, key=key, param=param, default=default,
                   role_bound=role_bound, quiet=quiet, **kwargs)  # fmt: skip


def radio(label: str, options: Sequence[Any], *, key: str, param: str, default: Any = FIRST,
          role_bound: bool = False, **kwargs: Any) -> Any:  # noqa: ANN401  # fmt: skip
    return _choice(st.radio, label, options, key=key, param=param, default=default,
                   role_bound=role_bound, **kwargs)  # fmt: skip


def segmented(label: str, options: Sequence[Any], *, key: str, param: str, default: Any = FIRST,
              **kwargs: Any) -> Any:  # noqa: ANN401  # fmt: skip
    return _choice(st.segmented_control, label, options, key=key, param=param, default=default,
                   role_bound=False, required=True, **kwargs)  # fmt: skip


def tabs(options: dict[str, str], *, key: str, param: str) -> tuple[str, dict[str, Any]]:
    """Tabs whose open one is in the link (``options``: code -> label). Only the open tab's
    content needs to run: a click on another tab reruns the page (``on_change="rerun"``), so a
    page with heavy tabs draws one at a time. Returns the open tab's code and the containers."""
    codes, labels = list(options), list(options.values())
    if key not in st.session_state:
        resolved = rules.resolve_one(_raw(param), codes, codes[0], "Tab", options.get)
        st.session_state[key] = options[resolved.value]
        if resolved.notice:
            notice(resolved.notice)
    containers = st.tabs(labels, key=key, on_change="rerun")
    shown = st.session_state.get(key)
    code = codes[labels.index(shown)] if shown in labels else codes[0]
    _write(param, code)
    return code, dict(zip(codes, containers, strict=True))


def multiselect(label: str, options: Sequence[Any], *, key: str, param: str,
                default: Sequence[Any] = (), **kwargs: Any) -> list[Any]:  # noqa: ANN401  # fmt: skip
    options = list(options)
    default = [d for d in default if d in options]
    _sync(
        key, param,
        lambda raw: rules.resolve_many(raw, options, default, label),
        lambda value: rules.still_allowed(value, options, many=True),
        default, False, _reset_text(label, "cleared"),
    )  # fmt: skip
    value = st.multiselect(label, options, key=key, **kwargs)
    _write(param, rules.encode_many(value))
    return value


def select_range(label: str, options: Sequence[Any], *, key: str, param: str,
                 default: tuple[Any, Any], **kwargs: Any) -> tuple[Any, Any]:  # noqa: ANN401  # fmt: skip
    """A from-to select_slider."""
    options = list(options)
    describe = _describe(kwargs.get("format_func"))
    _sync(
        key, param,
        lambda raw: rules.resolve_range(raw, options, default, label, describe),
        lambda value: rules.still_allowed(tuple(value), options),
        tuple(default), False,
        _reset_text(label, f"{describe(default[0])} to {describe(default[1])}"),
    )  # fmt: skip
    value = st.select_slider(label, options=options, value=default, key=key, **kwargs)
    _write(param, rules.encode_range(value))
    return value[0], value[1]


def flag(widget: Callable, label: str, *, key: str, param: str, default: bool = False,
         **kwargs: Any) -> bool:  # noqa: ANN401  # fmt: skip
    """A checkbox or toggle (pass ``st.checkbox`` or ``st.toggle``)."""
    _sync(
        key, param,
        lambda raw: rules.resolve_flag(raw, default, label),
        lambda value: isinstance(value, bool), default, False, "",
    )  # fmt: skip
    value = widget(label, key=key, **kwargs)
    _write(param, rules.encode(value))
    return value


def day_range(label: str, *, key: str, param: str, low: date, high: date,
              default: tuple[date, date], **kwargs: Any) -> tuple[date, ...]:  # noqa: ANN401  # fmt: skip
    """A from-to date_input; written as YYYY-MM-DD~YYYY-MM-DD."""

    def resolve(raw: str | None) -> rules.Resolved:
        if raw is None:
            return rules.Resolved(tuple(default))
        parts = raw.split(rules.RANGE_SEPARATOR)
        days = [
            rules.resolve_day(p, low, high, d, label) for p, d in zip(parts, default, strict=False)
        ]
        if len(parts) == 2 and not any(d.notice for d in days) and days[0].value <= days[1].value:
            return rules.Resolved((days[0].value, days[1].value))
        return rules.Resolved(tuple(default), f"The link asked for {label.lower()} “{raw}”, "
                              "which is not a valid period; showing the last 30 days instead.")  # fmt: skip

    _sync(key, param, resolve, lambda value: isinstance(value, tuple), tuple(default), False, "")
    value = st.date_input(label, key=key, min_value=low, max_value=high, **kwargs)
    if isinstance(value, tuple) and len(value) == 2:
        _write(param, rules.RANGE_SEPARATOR.join(f"{d:%Y-%m-%d}" for d in value))
    return tuple(value) if isinstance(value, tuple) else (value,)


def text(label: str, *, key: str, param: str, **kwargs: Any) -> str:  # noqa: ANN401
    """Free text (the audit log's e-mail filter): stored as typed, shown escaped by Streamlit."""
    _sync(key, param, lambda raw: rules.Resolved((raw or "")[:200]), lambda v: isinstance(v, str),
          "", False, "")  # fmt: skip
    value = st.text_input(label, key=key, **kwargs)
    _write(param, value)
    return value
