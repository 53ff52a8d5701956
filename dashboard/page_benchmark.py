"""Full page reruns under AppTest, per page and role, for ``python -m data_access.benchmark``.

``python -m dashboard.page_benchmark [--repeat 5]`` (against ``DATABASE_URL``) prints one JSON line
per page and role: ``cold_ms`` is the first view of the page with the query caches empty (the
engine and boundaries already open, as on a running server); ``warm_ms`` is the median of
``--repeat`` reruns with nothing changed (what a click elsewhere on the page costs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from domain.roles import RoleScope

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = {
    "Overview": "pages/overview.py",
    "Map": "pages/map.py",
    "Trends": "pages/trends.py",
    "Education": "pages/education.py",
    "Modern slavery": "pages/msht.py",
    "Disrupt and prosecute": "pages/disrupt.py",
    "Strategic objectives": "pages/objectives.py",
    "Services": "pages/services.py",
    "Area briefing": "pages/briefing.py",
    "Hot spots": "pages/hotspots.py",
    "MACE meeting": "pages/mace_meeting.py",
    "Case list": "pages/cases.py",
}
ROLES = {
    "strategic lead": RoleScope("strategic_lead"),
    "MACE": RoleScope("mace"),
    "Area Committee (South)": RoleScope("area_committee", "SOUTH"),
}


def _timed_run(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    return (time.perf_counter() - started) * 1000


def _cpu_run(at: AppTest) -> float:
    """CPU time of a rerun (the script thread runs in this process): steadier when shared."""
    started = time.process_time()
    at.run()
    return (time.process_time() - started) * 1000


def measure(repeat: int) -> list[dict]:
    results = []
    for role_name, role in ROLES.items():
        for page_name, page in PAGES.items():
            at = AppTest.from_file(APP, default_timeout=600)
            at.session_state["demo-role"] = role
            at.run()  # the landing page opens the engine and boundaries (cache_resource)
            if page != "pages/overview.py":
                try:
                    at.switch_page(page)
                except ValueError:  # not in this role's navigation
                    continue
            st.cache_data.clear()
            cold = _timed_run(at)
            if at.exception:
                results.append(
                    {"page": page_name, "role": role_name, "error": at.exception[0].value}
                )
                continue
            if "not available" in " ".join(e.value for e in at.error):
                continue
            warm = statistics.median(_timed_run(at) for _ in range(repeat))
            warm_cpu = statistics.median(_cpu_run(at) for _ in range(repeat))
            results.append({"page": page_name, "role": role_name, "cold_ms": cold, "warm_ms": warm,
                            "warm_cpu_ms": warm_cpu})  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.page_benchmark")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    for row in measure(args.repeat):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
