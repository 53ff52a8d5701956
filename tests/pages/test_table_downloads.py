"""Every table worth taking away has the app's own download under it (Streamlit's own export is
switched off in .streamlit/config.toml): one button per table, on every page that shows one."""

from __future__ import annotations

import pytest

from dashboard.ui import ALL_NUMBERS_KEY
from domain.roles import RoleScope
from tests.pages.test_app_roles import as_role

CASES = [
    (RoleScope("strategic_lead"), "pages/objectives.py", {"Download this table (CSV)": 1}),
    (RoleScope("strategic_lead"), "pages/map.py", {"Download this table (CSV)": 1}),
    (RoleScope("strategic_lead"), "pages/trends.py", {"Download these numbers (CSV)": 3}),  # one topic
    (RoleScope("mace"), "pages/hotspots.py",
     {"Download the rates and flags (CSV)": 1, "Download this table (CSV)": 1}),
    (RoleScope("mace"), "pages/mace_meeting.py", {"Download this table (CSV)": 4}),
    (RoleScope("mace"), "pages/cases.py", {"Download the whole list (CSV)": 1}),  # all pages
    (RoleScope("data_manager"), "pages/audit.py", {"Download the audit log (CSV)": 1}),
    (RoleScope("area_committee", "SOUTH"), "pages/overview.py", {"Download these numbers (CSV)": 1}),
]  # fmt: skip


@pytest.mark.parametrize(("role", "page", "expected"), CASES, ids=[c[1] for c in CASES])
def test_each_table_has_its_own_download(app_env, role, page, expected):
    at = as_role(role, page, {ALL_NUMBERS_KEY: True})
    labels = [button.proto.label for button in at.get("download_button")]
    assert {label: labels.count(label) for label in expected} == expected, labels
