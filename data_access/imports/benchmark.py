"""Benchmark: read, validate and commit referral extracts into a fresh SQLite store.

``python -m data_access.imports.benchmark`` times 100,000 rows and 200,000 rows, each in its own
process so that each peak memory figure (maximum resident set size) is that file's alone. The file
is written to disk and read as the command line reads it. Goals on the 2-core, 24 GiB machine:
100,000 rows under 30 s and 1 GB; 200,000 rows under 30 s and 500 MB. ``--rows N`` runs one
size. (A benchmark command, not a timed test: timings vary with the machine and its load; the
CPU time printed beside the wall-clock time is what the work itself costs, whatever else runs.)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from data_access.engine import make_engine, migrate
from data_access.imports import commit, validate
from data_access.imports.cli_file import read_extract
from data_access.imports.formats import KINDS
from data_access.imports.personal import PSEUDONYM_KEY_ENV
from data_access.reference import GEO_ASSETS


def synthetic_referrals(rows: int, seed: int = 7) -> bytes:
    """A referrals extract of ``rows`` rows at real Bradford postcodes (all values invented)."""
    rng = random.Random(seed)
    with open(GEO_ASSETS / "postcode_lookup.csv", encoding="utf-8") as handle:
        postcodes = [row["postcode"] for row in csv.DictReader(handle)]
    spec = KINDS["referrals"]
    agencies = spec.column("referring_agency").allowed
    types = spec.column("exploitation_type").allowed
    outcomes = spec.column("outcome").allowed
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source_id", "child_id", "referred_on", "referring_agency", "exploitation_type",
                     "outcome", "postcode"])  # fmt: skip
    start = date(2019, 1, 1)
    for i in range(rows):
        writer.writerow([f"BENCH-{i:07d}", f"C-{rng.randrange(rows // 3 + 1):07d}",
                         (start + timedelta(days=rng.randrange(2800))).isoformat(),
                         rng.choice(agencies), rng.choice(types), rng.choice(outcomes),
                         rng.choice(postcodes)])  # fmt: skip
    return buffer.getvalue().encode()


GOALS = {100_000: (30, 1024), 200_000: (30, 500)}  # rows: (seconds, MB)


def run_one(rows: int) -> int:
    """One size in this process: write the file, read it, validate, commit, report."""
    os.environ.setdefault(PSEUDONYM_KEY_ENV, "benchmark-only-key-0123456789")
    seconds_goal, memory_goal = GOALS.get(rows, (30, 1024))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        path.write_bytes(synthetic_referrals(rows))
        size_mb = path.stat().st_size / 1024 / 1024
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        migrate(engine)
        baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu_started = time.perf_counter(), time.process_time()
        data, problem = read_extract(path)
        assert problem is None, problem
        report = validate(data, path.name, "referrals", today=date(2026, 12, 31))
        del data
        validated = time.perf_counter()
        result = commit(engine, report, "benchmark")
        done, cpu = time.perf_counter(), time.process_time() - cpu_started
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{rows:,} rows, {size_mb:.1f} MB: read and validate {validated - started:.1f} s, "
          f"commit {done - validated:.1f} s, total {done - started:.1f} s (goal < {seconds_goal} s; "
          f"CPU {cpu:.1f} s, the work itself without waiting for other processes); "
          f"peak memory {peak_mb:,.0f} MB (goal < {memory_goal:,} MB; {baseline_mb:,.0f} MB before "
          f"reading); {result.inserted:,} inserted, {len(report.problems)} problems")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.imports.benchmark")
    parser.add_argument("--rows", type=int, help="one size only (default: 100,000 and 200,000)")
    args = parser.parse_args(argv)
    if args.rows:
        return run_one(args.rows)
    for rows in GOALS:  # a fresh process each, so each peak is that size's own
        subprocess.run([sys.executable, "-m", "data_access.imports.benchmark", "--rows", str(rows)],
                       check=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
