"""Chromium timings for ``python -m data_access.benchmark``: what a person waits for.

``python -m dashboard.browser_benchmark [--repeat 5]`` (against ``DATABASE_URL``) serves the app
with ``streamlit run`` on a free port, opens it in Debian's Chromium (Playwright) and prints one
JSON line per measure:

- cold load: a new browser session opening the Map or Trends until every chart is drawn (the
  first one also finds the server's query caches empty; the median is over new sessions), in a
  browser with an empty cache (a first visit) and in one that already has the app's script files
  (a member coming back next month: a new session, nothing of the last one kept but the files);
- widget change → redraw: changing the Map's measure, or the Trends area, until the charts show
  the new titles (median over ``--repeat`` changes back and forth);
- map payload: the size of the map figure sent to the browser.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DRAWN = """n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n
    && !document.querySelector('[data-testid="stStatusWidget"]')"""
TITLE_HAS = """t => [...document.querySelectorAll('.js-plotly-plot .gtitle')]
    .some(e => e.textContent.includes(t))
    && !document.querySelector('[data-testid="stStatusWidget"]')"""
PAGES = {"Map": ("map", 1), "Trends": ("trends", 3)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO_ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("streamlit did not start")


def _load(context, url: str, charts: int) -> tuple[float, object]:  # noqa: ANN001
    page = context.new_page()
    page.set_viewport_size({"width": 1500, "height": 2400})
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, arg=charts, timeout=180_000)
    return (time.perf_counter() - started) * 1000, page


def _choose(page, label: str, option: str, title_part: str) -> float:  # noqa: ANN001
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    started = time.perf_counter()
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function(TITLE_HAS, arg=title_part, timeout=180_000)
    return (time.perf_counter() - started) * 1000


def measure(repeat: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    process, url = _serve()
    results: list[dict] = []
    payloads: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _load(browser, url, 1)[1].close()  # the engine and boundaries open once per server
            for name, (path, charts) in PAGES.items():
                loads = []
                for _ in range(repeat):
                    context = browser.new_context()
                    elapsed, page = _load(context, f"{url}/{path}", charts)
                    loads.append(elapsed)
                    context.close()
                # A member coming back: a new session in a browser that has the app's files.
                returning = browser.new_context()
                _load(returning, f"{url}/{path}", charts)[1].close()
                again = []
                for _ in range(repeat):
                    elapsed, page = _load(returning, f"{url}/{path}", charts)
                    again.append(elapsed)
                    page.close()
                returning.close()
                results.append({"page": name, "measure": "cold load, first visit (server caches empty)", "ms": loads[0]})  # fmt: skip
                results.append({"page": name, "measure": "cold load, new session, empty browser cache (median)", "ms": statistics.median(loads[1:] or loads)})  # fmt: skip
                results.append({"page": name, "measure": "cold load, new session, browser has the app's files (median)", "ms": statistics.median(again)})  # fmt: skip
            context = browser.new_context()
            page = context.new_page()
            page.on(
                "websocket", lambda ws: ws.on("framereceived", lambda f: payloads.append(len(f)))
            )
            page.set_viewport_size({"width": 1500, "height": 2400})
            page.goto(f"{url}/map")
            page.wait_for_function(DRAWN, arg=1, timeout=180_000)
            changes = [
                _choose(page, "Measure", option, title)
                for _ in range(repeat)
                for option, title in (("Referrals", "Referrals by"), ("Children at risk (month end)", "Children at risk at month end by"))
            ]  # fmt: skip
            results.append({"page": "Map", "measure": "change the measure → redrawn (median)", "ms": statistics.median(changes)})  # fmt: skip
            page.goto(f"{url}/trends")
            page.wait_for_function(DRAWN, arg=3, timeout=180_000)
            changes = [
                _choose(page, "Area Committee", option, title)
                for _ in range(repeat)
                for option, title in (("Bradford South", "Bradford South"), ("Whole district", "Bradford District"))
            ]  # fmt: skip
            results.append({"page": "Trends", "measure": "change the area → redrawn (median)", "ms": statistics.median(changes)})  # fmt: skip
            context.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    if payloads:
        results.append({"page": "Map", "measure": "largest message to the browser (KB, not ms)", "ms": max(payloads) / 1024})  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.browser_benchmark")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    for row in measure(args.repeat):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
