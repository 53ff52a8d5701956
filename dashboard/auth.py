"""Who is using the app: OIDC login through ``st.login()`` in production, a role picker in demo.

Production: an ``[auth]`` section in ``.streamlit/secrets.toml`` (see ``secrets.toml.example``)
turns login on; roles come from the store's role table. Without it the app runs in demo mode, which
is refused when the store holds real (non-synthetic) data unless ``DASHBOARD_ALLOW_DEMO_MODE=1``.
"""

from __future__ import annotations

import os

import streamlit as st

from dashboard import cache, url_state
from domain.roles import ROLE_HELP, ROLES, RoleScope, Viewer
from geo.areas import AREA_COMMITTEES

DEMO_EMAIL = "demo@example.invalid"
ALLOW_DEMO_ENV = "DASHBOARD_ALLOW_DEMO_MODE"
DEMO_CHOICES: tuple[RoleScope, ...] = (
    RoleScope("strategic_lead"),
    RoleScope("mace"),
    *(RoleScope("area_committee", code) for code in AREA_COMMITTEES),
    RoleScope("data_manager"),
)


def auth_configured() -> bool:
    """True when an identity provider is set up in secrets.toml."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all means no login configured
        return False


def demo_allowed(is_synthetic: bool) -> bool:
    """Demo mode (no login) only over synthetic data, unless explicitly enabled."""
    return is_synthetic or os.environ.get(ALLOW_DEMO_ENV, "") == "1"


def describe(role: RoleScope) -> str:
    if role.area_code:
        return f"{ROLES[role.role]}: {AREA_COMMITTEES[role.area_code]}"
    return ROLES[role.role]


def _pick_role(choices: list[RoleScope], label: str, key: str, in_url: bool = False) -> RoleScope:
    """The role picker; in demo mode the role is part of the link (``?as=mace``)."""
    with st.sidebar:
        if in_url:
            chosen = url_state.selectbox(label, choices, format_func=describe, key=key, param="as")
        else:
            chosen = st.selectbox(label, choices, format_func=describe, key=key)
    st.sidebar.caption(ROLE_HELP[chosen.role])
    return chosen


def current_viewer() -> Viewer:
    """The viewer for this run; shows the login or refusal screen and stops when there is none."""
    if auth_configured():
        if not st.user.is_logged_in:
            st.title("Bradford child exploitation dashboard")
            st.markdown("Please sign in with your organisation account to continue.")
            st.button("Sign in", on_click=st.login, type="primary")
            st.stop()
        email = str(st.user.get("email") or "")
        roles = cache.roles_for(email) if email else []
        if not roles:
            st.title("No access yet")
            st.error(
                f"You are signed in as {email or 'an account without an e-mail address'}, but no "
                "role has been given to this account. Ask the partnership's data manager for access."
            )
            st.button("Sign out", on_click=st.logout)
            st.stop()
        role = roles[0] if len(roles) == 1 else _pick_role(roles, "Viewing as", "viewing-as")
        st.sidebar.button("Sign out", on_click=st.logout)
        return Viewer(email=email, scope=role)

    if not demo_allowed(cache.is_synthetic()):
        st.title("Sign-in is not configured")
        st.error(
            "This store holds real data, so the dashboard will not open without sign-in. Configure "
            "an identity provider in .streamlit/secrets.toml (see secrets.toml.example), or set "
            f"{ALLOW_DEMO_ENV}=1 to allow demo mode deliberately."
        )
        st.stop()
    st.error(
        "**DEMO — NO LOGIN.** Anyone can pick any role here. Never use demo mode with real data.",
        icon="🔓",
    )
    role = _pick_role(list(DEMO_CHOICES), "View as (demo)", "demo-role", in_url=True)
    return Viewer(email=DEMO_EMAIL, scope=role, demo=True)
