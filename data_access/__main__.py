"""Command line for the store: ``python -m data_access load-demo | export --out DIR | migrate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from data_access.engine import make_engine, migrate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the schema (Alembic)")
    commands.add_parser("load-demo", help="replace the store's contents with synthetic demo data")
    export = commands.add_parser("export", help="write the monthly aggregates as CSV")
    export.add_argument("--out", type=Path, required=True, help="folder to write the CSV files to")
    export.add_argument("--vintage", default="2004", help="ward set (default 2004)")
    args = parser.parse_args(argv)

    engine = make_engine()
    if args.command == "migrate":
        migrate(engine)
        print("Schema is up to date.")
    elif args.command == "load-demo":
        from data_access.store import rebuild_demo

        counts = rebuild_demo(engine)
        for table, rows in counts.items():
            print(f"{table:24s} {rows:>8,d} rows")
        print(f"Synthetic demo data loaded into {engine.url.render_as_string(hide_password=True)}")
    elif args.command == "export":
        from data_access.export import write_exports

        migrate(engine)
        with engine.connect() as connection:
            for path in write_exports(connection, args.out, args.vintage):
                print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
