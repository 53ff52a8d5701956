"""A bounded load test on this machine: two app servers on loopback ports against one PostgreSQL
store holding the demo data, and N concurrent browser sessions (headless Chromium, one browser
context each, spread over the servers and over the roles) that each open the app, pick their
role, visit every page of the role once and change two filters on the Map page.

    python -m dashboard.loadtest                       # 20 sessions, throwaway database
    python -m dashboard.loadtest --sessions 10
    python -m dashboard.loadtest --database-url postgresql+psycopg://…/dashboard_demo

Reports the rerun time (from the action until its outcome is on the page and Streamlit's
"running" state has ended) as p50 and p95,
the errors (exceptions on a page, timeouts: must be 0) and the peak resident memory of each server
process (VmHWM from /proc). Only 127.0.0.1 is used; every wait has a timeout, so it always ends.
Without ``--database-url`` it needs ``TEST_POSTGRES_URL`` (a server where it may create and drop
a throwaway database), as the test suite does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from domain.roles import PAGES_BY_ROLE

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
PAGE_TITLES = {  # page name (domain.roles) -> its sidebar title (app.py)
    "overview": "Overview", "map": "Map", "trends": "Trends", "education": "Education",
    "msht": "Modern slavery", "disrupt": "Disrupt and prosecute", "objectives": "Strategic objectives",
    "services": "Services", "briefing": "Area briefing", "hotspots": "Hot spots (MACE)",
    "meeting": "MACE meeting", "cases": "Case list (MACE)", "data": "Data", "audit": "Audit log",
}  # fmt: skip
ROLE_PAGES = {  # demo role label -> the sidebar titles of every page of the role
    label: [PAGE_TITLES.get(name, name.title()) for name in PAGES_BY_ROLE[role]]
    for label, role in (("MACE member", "mace"), ("Strategic lead", "strategic_lead"),
                        ("Area Committee: Bradford South", "area_committee"))
}  # fmt: skip
SCRIPT_STATE = (
    "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
)
STEP_TIMEOUT_MS = 120_000


@dataclass
class Server:
    """One `streamlit run` process on a loopback port."""

    url: str
    process: subprocess.Popen
    log: Path

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the server process so far (VmHWM), in MB."""
        return _proc_status_kb(self.process.pid, "VmHWM") / 1024

    def rss_mb(self) -> float:
        return _proc_status_kb(self.process.pid, "VmRSS") / 1024


def _proc_status_kb(pid: int, field_name: str) -> int:
    try:
        import psutil  # noqa: PLC0415 - optional; /proc is enough on Linux

        if field_name == "VmRSS":
            return psutil.Process(pid).memory_info().rss // 1024
    except ImportError:
        pass
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_servers(database_url: str, count: int = 2, env: dict[str, str] | None = None,
                    log_dir: Path | None = None) -> Iterator[list[Server]]:  # fmt: skip
    """Start ``count`` app servers the way docs/deploy.md says (same command, same settings,
    own port, 127.0.0.1 only), wait until each answers /_stcore/health, stop them afterwards."""
    log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
    servers: list[Server] = []
    try:
        for _ in range(count):
            port = free_port()
            log = log_dir / f"dashboard-server-{port}.log"
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1"],
                cwd=REPO_ROOT, env={**os.environ, **(env or {}), "DATABASE_URL": database_url},
                stdout=log.open("wb"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            servers.append(Server(f"http://127.0.0.1:{port}", process, log))
        for server in servers:
            _wait_healthy(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _wait_healthy(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{server.url} did not start: {server.log.read_text()[-2000:]}")


# ---------------------------------------------------------------- one browser session


@dataclass
class Results:
    reruns: list[float] = field(default_factory=list)
    steps: list[tuple[float, str]] = field(default_factory=list)  # (seconds, what), for the slowest
    errors: list[str] = field(default_factory=list)
    pages_visited: int = 0
    filters_changed: int = 0
    retries: int = 0


async def _until_done(page, started: float, outcome: str, arg: str,  # noqa: ANN001
                      timeout: int = STEP_TIMEOUT_MS) -> float:  # fmt: skip
    """Wait until the action's visible outcome (``outcome``, a JavaScript test of ``arg``) is on
    the page and Streamlit's run has finished; seconds since ``started``. Waiting for the outcome
    first means a rerun that is slow to start on a busy machine is still timed to its end. A
    timeout says which of the two never came, and what state the page was in."""
    try:
        await page.wait_for_function(outcome, arg=arg, timeout=timeout, polling=20)
    except Exception as error:  # noqa: BLE001 - Playwright's TimeoutError, explained
        state = await page.evaluate(SCRIPT_STATE)
        raise TimeoutError(f"{arg!r} not shown within {timeout / 1000:.0f} s "
                           f"(script state {state})") from error  # fmt: skip
    try:
        await page.wait_for_function(f"() => {SCRIPT_STATE} === 'notRunning'",
                                     timeout=STEP_TIMEOUT_MS, polling=20)  # fmt: skip
    except Exception as error:  # noqa: BLE001
        state = await page.evaluate(SCRIPT_STATE)
        raise TimeoutError(f"{arg!r} shown but the run not finished within "
                           f"{STEP_TIMEOUT_MS / 1000:.0f} s (script state {state})") from error  # fmt: skip
    return time.perf_counter() - started


HEADING = "t => [...document.querySelectorAll('h1')].some(h => h.innerText.includes(t))"
NAV_HAS = "t => (document.querySelector('[data-testid=stSidebarNav]')?.innerText || '').includes(t)"
TEXT_HAS = "t => document.body.textContent.includes(t)"


async def _check(page, results: Results, where: str) -> None:  # noqa: ANN001
    if await page.locator("[data-testid='stException']").count():
        results.errors.append(f"{where}: exception on the page")


async def _choose(page, label: str, option: str, results: Results) -> None:  # noqa: ANN001
    """Pick ``option`` in a sidebar selectbox. A rerun finishing just then can close the open
    list under the pointer; like a person, click again (counted as a retry, not an error)."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has_text=label
    )
    for attempt in range(3):
        await box.first.click()
        try:
            await page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError
            if attempt == 2:
                raise
            results.retries += 1
            await page.keyboard.press("Escape")


async def _measure_referrals(page, results: Results) -> None:  # noqa: ANN001
    await _choose(page, "Measure", "Referrals", results)


async def _postcode_districts(page, _results: Results) -> None:  # noqa: ANN001
    sidebar = page.locator("[data-testid='stSidebar']")
    await sidebar.get_by_text("Postcode districts", exact=True).click()


FILTER_CHANGES = (  # (filter, how to change it, what the Map then shows)
    ("Measure", _measure_referrals, "Referrals by ward"),
    ("Show by", _postcode_districts, "Referrals by postcode district"),
)


def _timed(results: Results, what: str, seconds: float) -> None:
    results.reruns.append(seconds)
    results.steps.append((seconds, what))


async def _session(browser, url: str, role: str, results: Results, name: str) -> None:  # noqa: ANN001
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = await context.new_page()
    step = "opening the app"
    try:
        started = time.perf_counter()
        await page.goto(url, timeout=STEP_TIMEOUT_MS)
        _timed(
            results, f"{role}: open the app", await _until_done(page, started, HEADING, "Overview")
        )
        if role != "Strategic lead":  # the demo's default role
            step = f"choosing the role {role}"
            for attempt in range(3):  # a rerun still in flight can swallow a pick: pick again
                started = time.perf_counter()
                await _choose(page, "View as", role, results)
                try:
                    last_page = ROLE_PAGES[role][-1]
                    _timed(results, f"{role}: choose the role",
                           await _until_done(page, started, NAV_HAS, last_page, 45_000))  # fmt: skip
                    break
                except Exception:  # noqa: BLE001 - Playwright's TimeoutError
                    if attempt == 2:
                        raise
                    results.retries += 1
        for title in ROLE_PAGES[role]:
            step = f"opening {title}"
            if title != "Overview":  # the app opens on the Overview
                link = page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first
                started = time.perf_counter()
                await link.click()
                _timed(results, f"{role}: open {title}",
                       await _until_done(page, started, HEADING, title.split(" (")[0]))  # fmt: skip
            results.pages_visited += 1
            await _check(page, results, f"{name} {title}")
            if title == "Map":
                for label, change, shows in FILTER_CHANGES:
                    step = f"changing {label} on the Map"
                    started = time.perf_counter()
                    await change(page, results)
                    _timed(results, f"{role}: Map, change {label}",
                           await _until_done(page, started, TEXT_HAS, shows))  # fmt: skip
                    results.filters_changed += 1
                    await _check(page, results, f"{name} Map {label}")
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        results.errors.append(f"{name} ({role}), {step}: {type(error).__name__}: "
                              f"{str(error).splitlines()[0][:200]}")  # fmt: skip
        with contextlib.suppress(Exception):
            await page.screenshot(path=f"/tmp/loadtest-error-{name.replace(' ', '-')}.png")
    finally:
        await context.close()


async def _run_sessions(urls: list[str], sessions: int, results: Results) -> None:
    from playwright.async_api import async_playwright

    roles = list(ROLE_PAGES)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(
                _session(browser, urls[i % len(urls)], roles[i % len(roles)], results, f"session {i + 1}")
                for i in range(sessions)
            ))  # fmt: skip
        finally:
            await browser.close()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` from 0 to 1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Report:
    sessions: int
    servers: int
    reruns: int
    p50: float
    p95: float
    errors: list[str]
    peak_rss_mb: list[float]
    seconds: float
    pages_visited: int
    filters_changed: int
    retries: int
    load_average: tuple[float, float]
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{self.sessions} browser sessions on {self.servers} app servers, {self.seconds:.0f} s",
            f"pages visited: {self.pages_visited}, filters changed: {self.filters_changed}, "
            f"reruns timed: {self.reruns}, clicks repeated after a rerun closed a list: {self.retries}",
            f"machine load average (1 min) at start and end: {self.load_average[0]:.1f}, "
            f"{self.load_average[1]:.1f} on {os.cpu_count()} CPUs",
            f"rerun time: p50 {self.p50:.2f} s, p95 {self.p95:.2f} s",
            "slowest steps: " + "; ".join(f"{what} {sec:.1f} s" for sec, what in self.slowest),
            f"errors: {len(self.errors)}",
            *(f"  {error}" for error in self.errors[:20]),
            "peak memory per server: "
            + ", ".join(f"{mb:,.0f} MB" for mb in self.peak_rss_mb),
        ]  # fmt: skip


def run_load(database_url: str, sessions: int, servers: int = 2) -> Report:
    """Start the servers, run the sessions, stop the servers; the measured figures."""
    if not os.path.exists(CHROMIUM):
        raise SystemExit("The load test needs Debian's chromium: apt-get install chromium")
    results = Results()
    with running_servers(database_url, servers) as started:
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        asyncio.run(_run_sessions([s.url for s in started], sessions, results))
        seconds = time.perf_counter() - began
        peaks = [server.peak_rss_mb() for server in started]
    reruns = results.reruns or [float("nan")]
    return Report(sessions, servers, len(results.reruns), statistics.median(reruns),
                  percentile(reruns, 0.95), results.errors, peaks, seconds,
                  results.pages_visited, results.filters_changed, results.retries,
                  (load_before, os.getloadavg()[0]), sorted(results.steps, reverse=True)[:5])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.loadtest", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sessions", type=int, default=20, help="concurrent browser sessions (1-40)"
    )
    parser.add_argument("--servers", type=int, default=2, help="app servers (1-4)")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL store (demo data loaded if empty)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 40 or not 1 <= args.servers <= 4:
        parser.error("bounded on purpose: 1-40 sessions, 1-4 servers")
    if args.database_url:
        from data_access.engine import make_engine
        from data_access.store import ensure_store

        ensure_store(make_engine(args.database_url))
        report = run_load(args.database_url, args.sessions, args.servers)
    else:
        admin = os.environ.get("TEST_POSTGRES_URL", "")
        if not admin:
            parser.error("give --database-url, or set TEST_POSTGRES_URL for a throwaway database")
        from data_access.scratch import throwaway_demo_database

        with throwaway_demo_database(admin) as url:
            report = run_load(url, args.sessions, args.servers)
    print("\n".join(report.lines()))
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
