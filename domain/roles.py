"""Roles and what each may see. Pure rules: no Streamlit, no SQL.

A person may hold several roles; they view the app as one of them at a time (the sidebar lets
them switch), so a councillor who is also a strategic lead sees the public, suppressed view in an
Area Committee meeting.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.disclosure import OPEN, Policy, suppression_threshold

ROLES: dict[str, str] = {
    "mace": "MACE member",
    "strategic_lead": "Strategic lead",
    "area_committee": "Area Committee",
    "data_manager": "Data manager",
}

ROLE_HELP: dict[str, str] = {
    "mace": "Everything, including pseudonymised case lists.",
    "strategic_lead": "All aggregate views across the district, unsuppressed; no case-level rows.",
    "area_committee": "Your area and district totals, with small numbers hidden (shown as c).",
    "data_manager": "Data imports, the import log and the audit log.",
}

DASHBOARD_PAGES = (
    "overview",
    "map",
    "trends",
    "education",
    "msht",
    "disrupt",
    "objectives",
    "services",
    "briefing",
)
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "mace": (*DASHBOARD_PAGES, "hotspots", "meeting", "cases"),
    "strategic_lead": DASHBOARD_PAGES,
    "area_committee": DASHBOARD_PAGES,
    "data_manager": ("data", "audit"),
}


class AccessDenied(PermissionError):
    """Raised by the data layer when a role asks for something it may not see."""


@dataclass(frozen=True)
class RoleScope:
    """Everything that decides what a viewer may see; the cache key for their results."""

    role: str
    area_code: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "area_committee" and not self.area_code:
            raise ValueError("an Area Committee role needs its area")

    @property
    def policy(self) -> Policy:
        """Area Committee views are public: small numbers are suppressed (threshold a setting)."""
        if self.role != "area_committee":
            return OPEN
        return Policy(suppress=True, threshold=suppression_threshold())

    @property
    def sees_cases(self) -> bool:
        return self.role == "mace"

    @property
    def sees_aggregates(self) -> bool:
        return self.role in ("mace", "strategic_lead", "area_committee")

    @property
    def label(self) -> str:
        return ROLES[self.role]

    def pages(self) -> tuple[str, ...]:
        return PAGES_BY_ROLE[self.role]

    def url_text(self) -> str:
        """How the role is written in a link (``?as=area_committee:SOUTH``, demo mode only)."""
        return f"{self.role}:{self.area_code}" if self.area_code else self.role


@dataclass(frozen=True)
class Viewer:
    """The person using the app now, and the role they are viewing as."""

    email: str
    scope: RoleScope
    demo: bool = False

    @property
    def audit_role(self) -> str:
        area = f":{self.scope.area_code}" if self.scope.area_code else ""
        return f"{self.scope.role}{area}{' (demo)' if self.demo else ''}"
