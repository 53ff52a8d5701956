"""An app server keeps only what serving pages needs in memory (issue: under 400 MB per server).

The LP solver (HiGHS, SciPy's sparse graphs) is loaded only when a release is built, and the
hot-spot statistics use ``scipy.special`` rather than ``scipy.stats`` (about 45 MB more). Checked
in a fresh interpreter that imports every module the pages import, as a server does."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy.stats", "scipy.sparse.csgraph", "highspy", "scipy.optimize")
NOT_SERVING = {"dashboard.loadtest", "dashboard.page_benchmark", "dashboard.browser_benchmark"}


def _served_modules() -> list[str]:
    """Every project module the app and its pages import, and every dashboard module."""
    names: set[str] = set()
    for source in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    names |= {
        f"dashboard.{p.stem}" for p in (ROOT / "dashboard").glob("*.py") if p.stem != "__init__"
    }
    project = ("dashboard", "data_access", "domain", "geo")
    return sorted(n for n in names - NOT_SERVING if n.split(".")[0] in project)


def test_serving_pages_does_not_load_the_solver_or_scipy_stats():
    modules = _served_modules()
    assert "dashboard.cache" in modules and "data_access.imports" in modules
    script = (
        "import importlib, json, logging, sys\n"
        "logging.disable(logging.WARNING)\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_building_a_release_still_loads_the_solver():
    """The guard above would pass vacuously if the solver were never imported at all."""
    script = (
        "import json, sys\n"
        "import data_access.release.build\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)  # fmt: skip
    assert "highspy" in json.loads(done.stdout.strip().splitlines()[-1])
