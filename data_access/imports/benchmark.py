"""Benchmark: validate and commit 100,000 referral rows into a fresh SQLite store.

``python -m data_access.imports.benchmark [--rows N]`` prints the time for each step and the peak
memory. Goal on the 2-core, 24 GiB machine: under 30 s in all, under 1 GB. (A benchmark command,
not a timed test: timings vary with the machine.)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from data_access.engine import make_engine, migrate
from data_access.imports import commit, validate
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.imports.benchmark")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    os.environ.setdefault(PSEUDONYM_KEY_ENV, "benchmark-only-key-0123456789")
    data = synthetic_referrals(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        migrate(engine)
        started = time.perf_counter()
        report = validate(data, "bench.csv", "referrals", today=date(2026, 12, 31))
        validated = time.perf_counter()
        result = commit(engine, report, "benchmark")
        done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.rows:,} rows, {len(data) / 1024 / 1024:.1f} MB: validate {validated - started:.1f} s, "
          f"commit {done - validated:.1f} s, total {done - started:.1f} s (goal < 30 s); "
          f"peak memory {peak_mb:,.0f} MB (goal < 1,024 MB); {result.inserted:,} inserted, "
          f"{len(report.problems)} problems")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
